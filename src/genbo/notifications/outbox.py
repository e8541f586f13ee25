"""The e-mail outbox: rows stored with the change that causes them, sent by a job.

A row is stored in the same transaction as the change, so a change that rolls back sends
nothing and a committed change always leaves its e-mail behind. After the commit a job
is queued for the row. The job claims the row with a conditional UPDATE
(pending → sending), sends it, and marks it sent, so two workers never send one row.
A failed send goes back to pending with a later `next_attempt_at`, until
GENBO_MAIL_MAX_ATTEMPTS attempts have failed; then the row is marked failed. The
periodic sweep queues due rows again, which also covers jobs lost with the broker.
"""

import hashlib
import logging
import smtplib
from datetime import timedelta
from email.mime.text import MIMEText
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from genbo.networks.models import Meeting
from genbo.notifications.models import Notification, OutboxEmail, OutboxStatus

logger = logging.getLogger(__name__)

# Seconds to wait after the first, second, ... failed attempt; the last value repeats.
RETRY_DELAYS = [60, 5 * 60, 30 * 60, 2 * 60 * 60, 6 * 60 * 60]
# A row still marked as being sent after this long belongs to a worker that died.
STUCK_AFTER = timedelta(minutes=15)


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])


def outbox_add(
    *,
    key: str,
    recipient,
    category: str,
    subject: str,
    text: str,
    html: str,
    headers: dict | None = None,
    ics: str = "",
    ics_method: str = "",
    notification: Notification | None = None,
    meeting: Meeting | None = None,
) -> OutboxEmail | None:
    """Store one e-mail for `recipient` and queue its sending after the commit.

    Returns None when `recipient` has no e-mail address or a row with `key` exists
    already (the same change or job ran twice).
    """
    if not recipient.email:
        logger.warning(
            "Not storing %s e-mail for user %s: the user has no e-mail address (key %s)",
            category,
            recipient.pk,
            key,
        )
        return None
    try:
        with transaction.atomic():
            row = OutboxEmail.objects.create(
                idempotency_key=key,
                recipient=recipient,
                to_address=recipient.email,
                category=category,
                subject=subject[:300],
                text_body=text,
                html_body=html,
                headers=headers or {},
                ics=ics,
                ics_method=ics_method,
                notification=notification,
                meeting=meeting,
            )
    except IntegrityError:
        logger.info("E-mail %s is stored already; not storing it twice", key)
        return None
    row_id = row.pk
    transaction.on_commit(lambda: queue_send(row_id))
    return row


def queue_send(row_id: int, *, countdown: int = 0) -> None:
    """Queue the job that sends one row; when the broker cannot be reached, the sweep will."""
    from genbo.notifications.tasks import send_email

    try:
        send_email.apply_async((row_id,), countdown=countdown)
    except Exception as error:  # noqa: BLE001 - any broker failure; the row stays pending.
        logger.warning("Queueing e-mail %s failed, the sweep will retry it: %s", row_id, error)


def _message_id(row: OutboxEmail) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "genbo"
    digest = hashlib.sha256(row.idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def build_message(row: OutboxEmail) -> EmailMultiAlternatives:
    headers = {**row.headers, "Message-ID": _message_id(row)}
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.text_body, to=[row.to_address], headers=headers
    )
    message.attach_alternative(row.html_body, "text/html")
    if row.ics:
        part = MIMEText(row.ics, "calendar", "utf-8")
        part.set_param("method", row.ics_method or "PUBLISH")
        part.add_header("Content-Disposition", "attachment", filename="invite.ics")
        message.attach(part)
    return message


def _still_allowed(row: OutboxEmail) -> bool:
    """Check again at sending time that the recipient may read what the e-mail is about."""
    recipient = row.recipient
    if recipient is None or not recipient.is_active:
        return False
    if row.notification_id:
        visible = Notification.objects.visible_to(recipient).filter(pk=row.notification_id)
        if not visible.exists():
            return False
    if row.meeting_id:
        if not Meeting.objects.visible_to(recipient).filter(pk=row.meeting_id).exists():
            return False
    return True


def _claim(row_id: int) -> OutboxEmail | None:
    now = timezone.now()
    claimed = OutboxEmail.objects.filter(
        pk=row_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ).update(status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return OutboxEmail.objects.select_related("recipient").get(pk=row_id)


def outbox_send(row_id: int, *, connection=None) -> str:
    """Send one due row and return its new status, or "" when it was not due or taken.

    A failed send is logged and the row waits for its next attempt.
    """
    row = _claim(row_id)
    if row is None:
        return ""
    if not _still_allowed(row):
        OutboxEmail.objects.filter(pk=row.pk).update(
            status=OutboxStatus.SKIPPED, last_error="The recipient may no longer read this."
        )
        logger.info("E-mail %s skipped: recipient %s lost access", row.pk, row.recipient_id)
        return OutboxStatus.SKIPPED
    try:
        (connection or get_connection()).send_messages([build_message(row)])
    except (smtplib.SMTPException, OSError) as error:
        return _record_failure(row, error)
    OutboxEmail.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    logger.info("E-mail %s (%s) sent to user %s", row.pk, row.category, row.recipient_id)
    return OutboxStatus.SENT


def _record_failure(row: OutboxEmail, error: Exception) -> str:
    error_text = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= settings.GENBO_MAIL_MAX_ATTEMPTS:
        OutboxEmail.objects.filter(pk=row.pk).update(
            status=OutboxStatus.FAILED, last_error=error_text
        )
        logger.error(
            "E-mail %s to user %s failed after %d attempts, giving up: %s",
            row.pk,
            row.recipient_id,
            row.attempts,
            error_text,
        )
        return OutboxStatus.FAILED
    delay = retry_delay(row.attempts)
    OutboxEmail.objects.filter(pk=row.pk).update(
        status=OutboxStatus.PENDING,
        last_error=error_text,
        next_attempt_at=timezone.now() + delay,
    )
    logger.warning(
        "E-mail %s to user %s failed (attempt %d of %d), retrying in %d s: %s",
        row.pk,
        row.recipient_id,
        row.attempts,
        settings.GENBO_MAIL_MAX_ATTEMPTS,
        delay.total_seconds(),
        error_text,
    )
    return OutboxStatus.PENDING


def outbox_release_stuck() -> int:
    """Return rows whose worker died while sending to pending, and count them.

    NOTE: such a row may have reached the SMTP server before the worker died, so it can
    arrive twice. Its Message-ID stays the same, so mail systems can tell the copies apart.
    """
    released = OutboxEmail.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=timezone.now() - STUCK_AFTER
    ).update(status=OutboxStatus.PENDING)
    if released:
        logger.warning("%d e-mails were stuck in sending and are queued again", released)
    return released


def due_row_ids(limit: int = 1000) -> list[int]:
    return list(
        OutboxEmail.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
