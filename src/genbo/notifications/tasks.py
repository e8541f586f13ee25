"""Background jobs: sending the outbox, the weekly newsletter and meeting reminders."""

import logging

from genbo.celery import app
from genbo.notifications import outbox
from genbo.notifications.models import OutboxEmail, OutboxStatus

logger = logging.getLogger(__name__)


@app.task(name="genbo.notifications.tasks.send_email")
def send_email(row_id: int) -> str:
    status = outbox.outbox_send(row_id)
    if status == OutboxStatus.PENDING and not app.conf.task_always_eager:
        # Without a broker the job runs inline, so the retry waits for the sweep instead.
        row = OutboxEmail.objects.only("attempts").get(pk=row_id)
        outbox.queue_send(row_id, countdown=int(outbox.retry_delay(row.attempts).total_seconds()))
    return status


@app.task(name="genbo.notifications.tasks.sweep_outbox")
def sweep_outbox() -> int:
    """Queue every due row again; return how many were queued."""
    outbox.outbox_release_stuck()
    row_ids = outbox.due_row_ids()
    for row_id in row_ids:
        outbox.queue_send(row_id)
    if row_ids:
        logger.info("Outbox sweep queued %d e-mails", len(row_ids))
    return len(row_ids)


@app.task(name="genbo.notifications.tasks.send_weekly_digest")
def send_weekly_digest() -> int:
    from genbo.notifications.digest import digest_send_all

    return digest_send_all().stored


@app.task(name="genbo.notifications.tasks.send_meeting_reminders")
def send_meeting_reminders() -> int:
    from genbo.notifications.meeting_mail import reminders_send

    return reminders_send()
