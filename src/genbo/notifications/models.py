from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from genbo.chat.models import room_access_q
from genbo.experts.models import party_q
from genbo.forum.models import thread_access_q
from genbo.networks.models import member_access_q


class Kind(models.TextChoices):
    REPLY = "reply", _("A new reply in a thread I follow")
    MENTION = "mention", _("Someone mentions me")
    BORROW_REQUEST = "borrow_request", _("Borrowing requests: new requests, answers and approvals")
    CHAT_MENTION = "chat_mention", _("Someone mentions me in a chat room")
    NO_CONVENER = "no_convener", _("A network I am a member of has lost its last convener")


class Channel(models.TextChoices):
    APP = "app", _("Only in GENBO")
    APP_AND_EMAIL = "app_email", _("In GENBO and by e-mail")


# Used while an employee has not chosen: a mention is addressed to one person, so it is
# worth an e-mail; replies can be many, so they stay in GENBO. A step in a borrowing
# request waits for the recipient's answer, so it comes by e-mail too.
DEFAULT_CHANNELS = {
    Kind.REPLY: Channel.APP,
    Kind.MENTION: Channel.APP_AND_EMAIL,
    Kind.BORROW_REQUEST: Channel.APP_AND_EMAIL,
    # A chat is read while it happens, so its mentions stay in GENBO unless chosen.
    Kind.CHAT_MENTION: Channel.APP,
    # The request to take over a network that has lost its last convener waits for an
    # answer, so it comes by e-mail too.
    Kind.NO_CONVENER: Channel.APP_AND_EMAIL,
}


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """Return the notifications of `user` about threads that `user` may still read.

        A notification about a borrowing request stays visible while `user` is still a
        party to the request: its requester, its expert or its approving manager. One
        about a chat message stays visible while `user` may read the message's room, and one
        about a network while `user` may read the network's member content.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        about_thread = Q(thread__isnull=False) & thread_access_q(user, thread_field="thread")
        about_request = Q(borrow_request__isnull=False) & party_q(user, prefix="borrow_request__")
        about_chat = Q(chat_message__isnull=False) & room_access_q(user, "chat_message__room")
        about_network = Q(network__isnull=False) & member_access_q(user, network_field="network")
        return self.filter(recipient=user).filter(
            about_thread | about_request | about_chat | about_network
        )

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
    # A notification is about a forum post (thread and post set), a borrowing request
    # (borrow_request and event set), a chat message (chat_message set) or a network that
    # has lost its last convener (network set).
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
    chat_message = models.ForeignKey(
        "chat.Message",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("chat message"),
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
        target = self.post_id or self.borrow_request_id or self.chat_message_id or self.network_id
        return f"{self.recipient_id}: {self.kind} {target}"

    def get_absolute_url(self) -> str:
        if self.borrow_request_id:
            return reverse("experts:request", args=[self.borrow_request_id])
        if self.network_id:
            return reverse("networks:take_over", args=[self.network.slug])
        if self.chat_message_id:
            return self.chat_message.get_absolute_url()
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


class Newsletter(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    OFF = "off", _("Never")


class MailPreference(models.Model):
    """One employee's choices for e-mail that is not tied to a notification kind."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mail_preference",
        verbose_name=_("employee"),
    )
    meeting_invitations = models.BooleanField(_("meeting invitations by e-mail"), default=True)
    newsletter = models.CharField(
        _("weekly newsletter"), max_length=10, choices=Newsletter.choices, default=Newsletter.WEEKLY
    )
    meeting_reminders = models.BooleanField(
        _("reminder the day before a meeting I attend"), default=True
    )
    language = models.CharField(
        _("language of e-mails"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("e-mail setting")
        verbose_name_plural = _("e-mail settings")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.newsletter}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("not sent")


class OutboxEmail(models.Model):
    """One e-mail to one recipient, stored in the transaction of the change that causes it.

    The unique `idempotency_key` keeps a repeated change (or job) from storing a second
    copy, and the status moves pending → sending → sent with conditional updates, so two
    workers never send one row twice.
    """

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    to_address = models.EmailField(_("to"), max_length=254)
    category = models.CharField(_("category"), max_length=30)
    subject = models.CharField(_("subject"), max_length=300)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"))
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    # An iCalendar attachment and its METHOD (REQUEST or CANCEL), when there is one.
    ics = models.TextField(_("calendar attachment"), blank=True)
    ics_method = models.CharField(_("calendar method"), max_length=10, blank=True)
    # What the e-mail is about, so that access is checked again when it is sent.
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        "networks.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.idempotency_key} ({self.status})"


class DigestDelivery(models.Model):
    """The weekly newsletter of one ISO week for one employee; at most one per week."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_deliveries",
        verbose_name=_("employee"),
    )
    week = models.CharField(_("ISO week"), max_length=8)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("newsletter delivery")
        verbose_name_plural = _("newsletter deliveries")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="one_digest_per_user_and_week")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.week}"
