"""E-mail about meetings: invitations with an .ics file, and reminders the day before."""

import logging
from datetime import datetime, time, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from genbo.networks.calendar import meeting_invitation
from genbo.networks.models import Meeting, MeetingResponse, Membership
from genbo.notifications.mail import absolute_url, mail_preference_for, render_email
from genbo.notifications.outbox import outbox_add

logger = logging.getLogger(__name__)


def _organizer_email() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "genbo@localhost"


@transaction.atomic
def meeting_invitations_store(*, meeting: Meeting, change: str) -> int:
    """Store an invitation for each active member of the meeting's network who wants one.

    `change` is "create", "update" or "cancel"; a cancel carries METHOD:CANCEL, the
    others METHOD:REQUEST. The key contains the calendar SEQUENCE, so each change gets its
    own e-mail and a repeated call for the same change stores nothing. Returns the
    number of e-mails stored.
    """
    method = "CANCEL" if change == "cancel" else "REQUEST"
    memberships = (
        Membership.objects.active()
        .filter(network_id=meeting.network_id, user__is_active=True)
        .select_related("user__mail_preference")
    )
    url = absolute_url(meeting.get_absolute_url())
    stored = 0
    for membership in memberships:
        user = membership.user
        preference = mail_preference_for(user)
        if not preference.meeting_invitations:
            continue
        if not user.email:
            logger.warning("Meeting %s: user %s has no e-mail address", meeting.pk, user.pk)
            continue
        ics = meeting_invitation(
            meeting,
            method=method,
            organizer_email=_organizer_email(),
            attendee_email=user.email,
            url=url,
        ).decode()
        context = {"meeting": meeting, "recipient": user, "change": change, "meeting_url": url}
        subject, text, html = render_email(
            "meeting_invitation", context, language=preference.language
        )
        row = outbox_add(
            key=f"meeting:{meeting.uid}:{meeting.sequence}:{user.pk}",
            recipient=user,
            category=f"meeting.{change}",
            subject=subject,
            text=text,
            html=html,
            ics=ics,
            ics_method=method,
            meeting=meeting,
        )
        stored += row is not None
    logger.info(
        "Meeting %s %s: %d invitations stored (sequence %d)",
        meeting.pk,
        change,
        stored,
        meeting.sequence,
    )
    return stored


def _tomorrow_bounds(now: datetime) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    tomorrow = timezone.localtime(now, zone).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, tzinfo=zone)
    end = datetime.combine(tomorrow + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


@transaction.atomic
def reminders_send(*, now: datetime | None = None) -> int:
    """Store a reminder for each yes-answer to a meeting that starts tomorrow.

    Run once a day; a second run on the same day stores nothing new. Returns the number
    of reminders stored.
    """
    start, end = _tomorrow_bounds(now or timezone.now())
    responses = (
        MeetingResponse.objects.filter(
            answer=MeetingResponse.Answer.YES,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
            meeting__cancelled_at__isnull=True,
            user__is_active=True,
        )
        .select_related("meeting__network", "user__mail_preference")
        .order_by("meeting_id", "user_id")
    )
    stored = 0
    for response in responses:
        user, meeting = response.user, response.meeting
        preference = mail_preference_for(user)
        if not preference.meeting_reminders:
            continue
        if not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
            continue
        url = absolute_url(meeting.get_absolute_url())
        context = {"meeting": meeting, "recipient": user, "meeting_url": url}
        subject, text, html = render_email(
            "meeting_reminder", context, language=preference.language
        )
        row = outbox_add(
            key=f"reminder:{meeting.uid}:{start.date().isoformat()}:{user.pk}",
            recipient=user,
            category="meeting.reminder",
            subject=subject,
            text=text,
            html=html,
            meeting=meeting,
        )
        stored += row is not None
    logger.info("Meeting reminders for %s: %d stored", start.date(), stored)
    return stored
