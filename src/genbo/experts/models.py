import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from genbo.accounts.models import Competence
from genbo.core.models import Municipality, OrganisationUnit

MIN_EXPECTED_HOURS = 1
MAX_EXPECTED_HOURS = 200


class Format(models.TextChoices):
    LECTURE = "lecture", _("lecture")
    WORKSHOP = "workshop", _("workshop")
    ADVICE = "advice", _("advice")
    SHORT_SUPPORT = "short_support", _("short support")


# Formats that take place at a set time, so a confirmed request becomes a calendar event.
CALENDAR_FORMATS = {Format.LECTURE, Format.WORKSHOP}


class ExpertOfferQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExpertOfferQuerySet":
        """Active offers of active employees, plus the switched-off offers of `user`."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(Q(is_active=True, expert__is_active=True) | Q(expert=user))


class ExpertOffer(models.Model):
    """An employee's offer of help to colleagues; one employee may have several."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="expert_offers",
        verbose_name=_("expert"),
    )
    title = models.CharField(pgettext_lazy("expert offer", "title"), max_length=150)
    competences = models.ManyToManyField(
        Competence, related_name="expert_offers", verbose_name=_("competences")
    )
    formats = models.JSONField(_("formats"), default=list)
    description = models.TextField(_("description"), max_length=10000)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    on_site_municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="expert_offers",
        verbose_name=_("on site in"),
    )
    online = models.BooleanField(_("online"), default=True)
    availability = models.CharField(_("availability"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ExpertOfferQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "pk"]
        verbose_name = _("expert offer")
        verbose_name_plural = _("expert offers")
        indexes = [models.Index(fields=["expert", "is_active"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("experts:offer", args=[self.pk])

    @property
    def format_labels(self) -> list[str]:
        return [Format(value).label for value in self.formats if value in Format.values]


class UnavailablePeriod(models.Model):
    """Dates, both included, when the expert cannot be borrowed."""

    offer = models.ForeignKey(
        ExpertOffer,
        on_delete=models.CASCADE,
        related_name="unavailable_periods",
        verbose_name=_("expert offer"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("unavailable period")
        verbose_name_plural = _("unavailable periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="unavailable_period_ends_after_start",
                violation_error_message=_("The period must end on or after its first day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on}"


class State(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("borrow request state", "Requested")
    TIME_PROPOSED = "time_proposed", pgettext_lazy("borrow request state", "New time proposed")
    AWAITING_MANAGER = (
        "awaiting_manager",
        pgettext_lazy("borrow request state", "Awaiting the manager"),
    )
    CONFIRMED = "confirmed", pgettext_lazy("borrow request state", "Confirmed")
    DECLINED = "declined", pgettext_lazy("borrow request state", "Declined")
    CANCELLED = "cancelled", pgettext_lazy("borrow request state", "Cancelled")
    REJECTED_BY_MANAGER = (
        "rejected_by_manager",
        pgettext_lazy("borrow request state", "Rejected by the manager"),
    )
    COMPLETED = "completed", pgettext_lazy("borrow request state", "Completed")


# States in which a request still waits for someone; a requester may have one per offer.
OPEN_STATES = (State.REQUESTED, State.TIME_PROPOSED, State.AWAITING_MANAGER, State.CONFIRMED)


def party_q(user, prefix: str = "") -> Q:
    """Return a filter that passes requests where `user` is requester, expert or manager."""
    return (
        Q(**{f"{prefix}requester": user})
        | Q(**{f"{prefix}offer__expert": user})
        | Q(**{f"{prefix}manager": user})
    )


class BorrowRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BorrowRequestQuerySet":
        """Requests where `user` is the requester, the expert or the approving manager.

        The manager is stored on the request only when it needs approval, so other
        managers never see it.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(party_q(user))


class BorrowRequest(models.Model):
    """A request to borrow an expert for a limited time, with its state."""

    # Deleting an employee deletes their offers and the requests to them. Experts
    # themselves cannot delete an offer that has requests (see services.offer_delete).
    offer = models.ForeignKey(
        ExpertOffer,
        on_delete=models.CASCADE,
        related_name="requests",
        verbose_name=_("expert offer"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="borrow_requests",
        verbose_name=_("requester"),
    )
    purpose = models.TextField(_("purpose"), max_length=4000)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    proposed_start = models.DateTimeField(_("starts"))
    proposed_end = models.DateTimeField(_("ends"))
    expected_hours = models.PositiveSmallIntegerField(
        _("expected hours"),
        validators=[MinValueValidator(MIN_EXPECTED_HOURS), MaxValueValidator(MAX_EXPECTED_HOURS)],
    )
    requesting_unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requesting unit"),
    )
    requesting_unit_text = models.CharField(_("requesting unit"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REQUESTED, db_index=True
    )
    counter_start = models.DateTimeField(_("proposed new start"), null=True, blank=True)
    counter_end = models.DateTimeField(_("proposed new end"), null=True, blank=True)
    decline_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="borrow_requests_to_approve",
        verbose_name=_("approving manager"),
    )
    feedback = models.TextField(_("feedback"), max_length=2000, blank=True)
    feedback_visible = models.BooleanField(_("feedback shown on the profile"), default=False)
    uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = BorrowRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("borrowing request")
        verbose_name_plural = _("borrowing requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_end__gt=models.F("proposed_start")),
                name="borrow_request_ends_after_start",
                violation_error_message=_("The end must come after the start."),
            ),
            models.CheckConstraint(
                condition=Q(expected_hours__gte=MIN_EXPECTED_HOURS)
                & Q(expected_hours__lte=MAX_EXPECTED_HOURS),
                name="borrow_request_hours_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["requester", "state"]),
            models.Index(fields=["offer", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.offer} – {self.requester}"

    def get_absolute_url(self) -> str:
        return reverse("experts:request", args=[self.pk])

    @property
    def expert_id(self) -> int:
        return self.offer.expert_id

    @property
    def unit_name(self) -> str:
        if self.requesting_unit_id:
            return self.requesting_unit.name
        return self.requesting_unit_text

    @property
    def is_calendar_event(self) -> bool:
        return self.state == State.CONFIRMED and self.format in CALENDAR_FORMATS


class RequestEvent(models.Model):
    """One step in the history of a borrowing request."""

    request = models.ForeignKey(
        BorrowRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_state} → {self.to_state}"
