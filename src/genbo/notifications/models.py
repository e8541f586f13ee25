from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from genbo.experts.models import party_q
from genbo.forum.models import thread_access_q
from genbo.networks.models import member_access_q


class Kind(models.TextChoices):
    REPLY = "reply", _("A new reply in a thread I follow")
    MENTION = "mention", _("Someone mentions me")
    BORROW_REQUEST = "borrow_request", _("Borrowing requests: new requests, answers and approvals")
    NO_CONVENER = "no_convener", _("A network I am a member of has lost its last convener")


class Channel(models.TextChoices):
    APP = "app", _("Only in GENBO")
    APP_AND_EMAIL = "app_email", _("In GENBO and by e-mail")


# Used while an employee has not chosen: a mention is addressed to one person, so it is
# worth an e-mail; replies can be many, so they stay in GENBO. A step in a borrowing
# request waits for the recipient's reply, so it comes by e-mail too. So does the
# request to take over a network that has lost its convener.
DEFAULT_CHANNELS = {
    Kind.REPLY: Channel.APP,
    Kind.MENTION: Channel.APP_AND_EMAIL,
    Kind.BORROW_REQUEST: Channel.APP_AND_EMAIL,
    Kind.NO_CONVENER: Channel.APP_AND_EMAIL,
}


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """Return the notifications of `user` about threads that `user` may still read.

        A notification about a borrowing request stays visible while `user` is still a
        party to the request: its requester, its expert or its approving manager. One
        about a network stays visible while `user` may read the network's member content.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        about_thread = Q(thread__isnull=False) & thread_access_q(user, thread_field="thread")
        about_request = Q(borrow_request__isnull=False) & party_q(user, prefix="borrow_request__")
        about_network = Q(network__isnull=False) & member_access_q(user, network_field="network")
        return self.filter(recipient=user).filter(about_thread | about_request | about_network)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # A notification is about a forum post (thread and post set), about a borrowing
    # request (borrow_request and event set) or about a network (network set).
    thread = models.ForeignKey(
        "forum.Thread",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("thread"),
    )
    post = models.ForeignKey(
        "forum.Post",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("post"),
    )
    borrow_request = models.ForeignKey(
        "experts.BorrowRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("borrowing request"),
    )
    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("network"),
    )
    event = models.CharField(_("event"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
        ]

    def __str__(self) -> str:
        about = self.post_id or self.borrow_request_id or self.network_id
        return f"{self.recipient_id}: {self.kind} {about}"

    def get_absolute_url(self) -> str:
        if self.borrow_request_id:
            return reverse("experts:request", args=[self.borrow_request_id])
        if self.network_id:
            return reverse("networks:take_over", args=[self.network.slug])
        return reverse("forum:post", args=[self.post_id])

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """One employee's choice of channel for one kind of event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("employee"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("delivery"), max_length=20, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} {self.channel}"
