"""Background jobs: eager without a broker, Redis as broker, and the beat schedule."""

import json
import os
import socket
import subprocess
import sys

import pytest
from celery.schedules import crontab

from genbo.celery import app
from genbo.notifications import tasks
from tests.core.test_settings import _import_settings

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A database number and key prefix of their own, so other users of the Redis are untouched.
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/13"
KEY_PREFIX = "genbo-mail-test:"


def _redis_reachable() -> bool:
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1).close()
    except OSError:
        return False
    return True


def _settings_value(tmp_path, expression: str, **variables) -> str:
    code = f"import genbo.settings as s; print({expression})"
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("GENBO_")
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment["GENBO_DATA_DIR"] = str(tmp_path)
    environment.update(variables)
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_jobs_eager_without_broker(tmp_path):
    assert _settings_value(tmp_path, "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL") == (
        "True memory://"
    )


def test_redis_url_becomes_broker(tmp_path):
    value = _settings_value(
        tmp_path, "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL", GENBO_REDIS_URL=REDIS_URL
    )

    assert value == f"False {REDIS_URL}"


def test_dedicated_broker_wins(tmp_path):
    value = _settings_value(
        tmp_path,
        "s.CELERY_BROKER_URL",
        GENBO_REDIS_URL=REDIS_URL,
        GENBO_CELERY_BROKER_URL="redis://127.0.0.1:6379/12",
    )

    assert value == "redis://127.0.0.1:6379/12"


def test_bad_max_attempts_rejected(tmp_path):
    result = _import_settings(tmp_path, GENBO_MAIL_MAX_ATTEMPTS="0")

    assert result.returncode != 0
    assert "GENBO_MAIL_MAX_ATTEMPTS" in result.stderr


def test_beat_schedule():
    schedule = app.conf.beat_schedule

    assert schedule["weekly-newsletter"]["schedule"] == crontab(
        minute=0, hour=7, day_of_week="monday"
    )
    assert schedule["meeting-reminders"]["task"] == tasks.send_meeting_reminders.name
    assert schedule["outbox-sweep"]["task"] == tasks.sweep_outbox.name
    assert app.conf.timezone == "Europe/Stockholm"


@pytest.mark.skipif(not _redis_reachable(), reason="Redis does not answer on 127.0.0.1:6379")
def test_job_queued_in_redis(db):
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    queue_key = f"{KEY_PREFIX}celery"
    client.delete(queue_key)
    original = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
        "broker_transport_options": app.conf.broker_transport_options,
    }
    app.conf.update(
        broker_url=REDIS_URL,
        task_always_eager=False,
        broker_transport_options={"global_keyprefix": KEY_PREFIX},
    )
    try:
        with app.connection_for_write() as connection:
            tasks.send_email.apply_async((12345,), connection=connection)
        queued = client.lrange(queue_key, 0, -1)
    finally:
        app.conf.update(original)
        client.delete(queue_key)
        client.close()

    assert len(queued) == 1
    headers = json.loads(queued[0])["headers"]
    assert headers["task"] == "genbo.notifications.tasks.send_email"
    assert headers["argsrepr"] == "(12345,)"
