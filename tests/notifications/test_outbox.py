"""The outbox: stored with the change, sent once, retried with backoff, failures kept."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from genbo.notifications import outbox, tasks
from genbo.notifications.models import OutboxEmail, OutboxStatus
from tests.factories import UserFactory
from tests.notifications.conftest import free_port

pytestmark = pytest.mark.django_db


def _store(user, key: str = "test:1") -> OutboxEmail:
    return outbox.outbox_add(
        key=key,
        recipient=user,
        category="test",
        subject="Ämne",
        text="Hej!",
        html="<p>Hej!</p>",
    )


def _make_due(row: OutboxEmail) -> None:
    OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_row_sent_once(smtp, employee):
    row = _store(employee)

    first = outbox.outbox_send(row.pk)
    second = outbox.outbox_send(row.pk)

    row.refresh_from_db()
    assert first == OutboxStatus.SENT
    assert second == ""
    assert row.status == OutboxStatus.SENT
    assert row.sent_at is not None
    assert row.attempts == 1
    assert len(smtp.messages) == 1


def test_same_key_stored_once(employee, caplog):
    first = _store(employee, key="digest:2026-W49:1")
    second = _store(employee, key="digest:2026-W49:1")

    assert first is not None
    assert second is None
    assert OutboxEmail.objects.count() == 1
    assert "stored already" in caplog.text


def test_rollback_stores_nothing(employee):
    with pytest.raises(RuntimeError), transaction.atomic():
        _store(employee)
        raise RuntimeError("the change fails")

    assert not OutboxEmail.objects.exists()


def test_send_queued_after_commit(smtp, employee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _store(employee)
        assert smtp.messages == []

    assert [message["To"] for message in smtp.messages] == [employee.email]


def test_bounce_retried_then_failed(smtp, settings, employee, caplog):
    settings.GENBO_MAIL_MAX_ATTEMPTS = 3
    smtp.rejected.add(employee.email)
    row = _store(employee)
    statuses = []

    with caplog.at_level(logging.WARNING, logger="genbo.notifications.outbox"):
        for _attempt in range(3):
            statuses.append(outbox.outbox_send(row.pk))
            row.refresh_from_db()
            if row.status == OutboxStatus.PENDING:
                assert row.next_attempt_at > timezone.now()
                _make_due(row)

    assert statuses == [OutboxStatus.PENDING, OutboxStatus.PENDING, OutboxStatus.FAILED]
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == 3
    assert "SMTPRecipientsRefused" in row.last_error
    assert "attempt 1 of 3" in caplog.text
    assert "failed after 3 attempts" in caplog.text
    assert smtp.messages == []


def test_bounce_does_not_stop_others(smtp, employee, member):
    smtp.rejected.add(employee.email)
    bounced = _store(employee, key="test:bounce")
    delivered = _store(member, key="test:ok")

    outbox.outbox_send(bounced.pk)
    outbox.outbox_send(delivered.pk)

    assert [message["To"] for message in smtp.messages] == [member.email]


def test_retry_waits_longer_each_time():
    delays = [outbox.retry_delay(attempts) for attempts in range(1, 8)]

    assert delays == sorted(delays)
    assert delays[0] == timedelta(minutes=1)
    assert delays[-1] == delays[-2]


def test_unreachable_server_retried(settings, employee):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    # A port that was free a moment ago has no listener, so the connection is refused.
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    row = _store(employee)

    status = outbox.outbox_send(row.pk)

    row.refresh_from_db()
    assert status == OutboxStatus.PENDING
    assert row.last_error.startswith("ConnectionRefusedError")


def test_sweep_sends_due_rows(smtp, employee, member):
    due = _store(employee, key="test:due")
    later = _store(member, key="test:later")
    OutboxEmail.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(hours=1)
    )

    queued = tasks.sweep_outbox()

    due.refresh_from_db()
    later.refresh_from_db()
    assert queued == 1
    assert due.status == OutboxStatus.SENT
    assert later.status == OutboxStatus.PENDING


def test_sweep_releases_stuck_rows(smtp, employee):
    row = _store(employee)
    OutboxEmail.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )

    tasks.sweep_outbox()

    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT


def test_sending_row_not_taken_twice(smtp, employee):
    row = _store(employee)
    OutboxEmail.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, claimed_at=timezone.now()
    )

    assert outbox.outbox_send(row.pk) == ""
    assert tasks.sweep_outbox() == 0
    assert smtp.messages == []


def test_user_without_email_not_stored(caplog):
    user = UserFactory(email="")

    assert _store(user) is None
    assert "has no e-mail address" in caplog.text


def test_inactive_recipient_skipped(smtp, employee):
    row = _store(employee)
    type(employee).objects.filter(pk=employee.pk).update(is_active=False)

    assert outbox.outbox_send(row.pk) == OutboxStatus.SKIPPED
    assert smtp.messages == []
