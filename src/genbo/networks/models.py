import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from genbo.accounts.models import Competence
from genbo.core.models import Municipality


def member_access_q(user, network_field: str = "network") -> Q:
    """Return a filter that passes rows of networks whose member content `user` may read.

    Member content (members list, meetings, minutes) of an open network is readable by
    every signed-in employee; that of a closed network only by its active members.
    """
    prefix = f"{network_field}__" if network_field else ""
    active_membership = Membership.objects.filter(
        network=OuterRef(network_field or "pk"), user=user, status=Membership.Status.ACTIVE
    )
    return Q(**{f"{prefix}access": Network.Access.OPEN}) | Q(Exists(active_membership))


class NetworkQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NetworkQuerySet":
        """Networks whose description and conveners `user` may see: all, when signed in."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()

    def current(self) -> "NetworkQuerySet":
        return self.filter(archived_at__isnull=True)

    def without_convener(self) -> "NetworkQuerySet":
        """Current networks where no active member with an active account is a convener."""
        convener = Membership.objects.filter(
            network=OuterRef("pk"),
            role=Membership.Role.CONVENER,
            status=Membership.Status.ACTIVE,
            user__is_active=True,
        )
        return self.current().filter(~Exists(convener))

    def with_member_content_for(self, user) -> "NetworkQuerySet":
        """Only the networks whose member content `user` may read."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(member_access_q(user, network_field=""))


class Network(models.Model):
    class Access(models.TextChoices):
        OPEN = "open", pgettext_lazy("network access", "Open")
        CLOSED = "closed", pgettext_lazy("network access", "Closed (Bollplank)")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("Lower-case letters, digits and hyphens; used in the network's address."),
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    access = models.CharField(
        _("access"), max_length=10, choices=Access.choices, default=Access.OPEN
    )
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="networks", verbose_name=_("competences")
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="networks", verbose_name=_("municipalities")
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    meeting_rhythm = models.CharField(
        _("meeting rhythm"),
        max_length=200,
        blank=True,
        help_text=_("For example: every second Tuesday afternoon in the month."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:detail", args=[self.slug])

    @property
    def is_closed(self) -> bool:
        return self.access == self.Access.CLOSED


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(status=Membership.Status.ACTIVE)

    def visible_to(self, user) -> "MembershipQuerySet":
        """Active memberships that `user` may see: in an address book or on a profile page.

        Those of open networks and of the closed networks `user` belongs to, plus the
        conveners of every network, because conveners are public so that anyone can ask
        to join.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.active().filter(member_access_q(user) | Q(role=Membership.Role.CONVENER))


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        CONVENER = "convener", _("convener")

    class Status(models.TextChoices):
        ACTIVE = "active", _("member")
        PENDING = "pending", _("asked to join")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("employee"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="one_membership_per_user"),
        ]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["network", "status", "role"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.network}"

    @property
    def is_convener(self) -> bool:
        return self.status == self.Status.ACTIVE and self.role == self.Role.CONVENER


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MeetingQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(member_access_q(user))

    def upcoming(self, *, include_cancelled: bool = False) -> "MeetingQuerySet":
        meetings = self.filter(ends_at__gte=timezone.now())
        if not include_cancelled:
            meetings = meetings.filter(cancelled_at__isnull=True)
        return meetings.order_by("starts_at")

    def past(self) -> "MeetingQuerySet":
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at")


class Meeting(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("network")
    )
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), max_length=20000, blank=True)
    minutes = models.TextField(_("minutes"), max_length=50000, blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minutes approved by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            )
        ]
        indexes = [models.Index(fields=["network", "starts_at"]), models.Index(fields=["ends_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("networks:meeting", args=[self.network.slug, self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def minutes_locked(self) -> bool:
        return self.minutes_approved_at is not None


class MinutesAddendum(models.Model):
    """A dated correction to approved minutes; approved minutes are never rewritten."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="addenda", verbose_name=_("meeting")
    )
    text = models.TextField(_("addendum"), max_length=10000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("minutes addendum")
        verbose_name_plural = _("minutes addenda")

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.created_at:%Y-%m-%d}"


class MeetingResponse(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", pgettext_lazy("meeting answer", "Yes")
        MAYBE = "maybe", pgettext_lazy("meeting answer", "Maybe")
        NO = "no", pgettext_lazy("meeting answer", "No")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="responses", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_responses",
        verbose_name=_("employee"),
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("meeting answer")
        verbose_name_plural = _("meeting answers")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_answer_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} – {self.meeting_id}: {self.answer}"
