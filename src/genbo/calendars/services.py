"""Writes on calendar tokens."""

import logging

from django.db import transaction

from genbo.calendars.models import CalendarToken, new_token
from genbo.core.audit import audit_record

logger = logging.getLogger(__name__)


def token_for(user) -> CalendarToken:
    """Return `user`'s calendar token, creating it on first use."""
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def token_renew(*, user) -> CalendarToken:
    """Replace `user`'s token, so every feed address with the old one returns 404."""
    token, created = CalendarToken.objects.select_for_update().get_or_create(user=user)
    if not created:
        token.token = new_token()
        token.save(update_fields=["token"])
    audit_record(action="calendar_token.renew", actor=user, target=f"user:{user.pk}")
    logger.info("Calendar token renewed for user %s", user.pk)
    return token
