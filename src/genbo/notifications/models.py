from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from genbo.forum.models import thread_access_q


class Kind(models.TextChoices):
    REPLY = "reply", _("A new reply in a thread I follow")
    MENTION = "mention", _("Someone mentions me")


class Channel(models.TextChoices):
    APP = "app", _("Only in GENBO")
    APP_AND_EMAIL = "app_email", _("In GENBO and by e-mail")


# Used while an employee has not chosen: a mention is addressed to one person, so it is
# worth an e-mail; replies can be many, so they stay in GENBO.
DEFAULT_CHANNELS = {Kind.REPLY: Channel.APP, Kind.MENTION: Channel.APP_AND_EMAIL}


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """The notifications of `user` about threads that `user` may still read."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient=user).filter(thread_access_q(user, thread_field="thread"))

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
    thread = models.ForeignKey(
        "forum.Thread",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("thread"),
    )
    post = models.ForeignKey(
        "forum.Post",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("post"),
    )
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
        return f"{self.recipient_id}: {self.kind} {self.post_id}"

    def get_absolute_url(self) -> str:
        return reverse("forum:post", args=[self.post_id])

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """How one employee wants to hear about one kind of event."""

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
