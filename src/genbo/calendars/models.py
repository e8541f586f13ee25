"""Secret tokens that open an employee's calendar feeds without a session."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# 32 random bytes, URL-safe Base64: 43 characters, too many to guess or probe.
TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class CalendarToken(models.Model):
    """The token in an employee's feed addresses; renewing it replaces the value.

    One token opens the personal feed and the feed of every network whose meetings the
    employee may see at the moment of the request, so leaving a closed network closes
    its feed too.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_token",
        verbose_name=_("employee"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")

    def __str__(self) -> str:
        # Never the token itself: it is a secret.
        return f"{self.user_id}: {self.created_at:%Y-%m-%d}"
