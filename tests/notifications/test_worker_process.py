"""A real Celery worker process sends the outbox through Redis to a real SMTP server.

The portal and the worker are separate processes here, as in production. A script in
the portal's environment stores an e-mail while no worker runs. Then `genbo worker`
starts, and it must deliver the e-mail to the SMTP server on 127.0.0.1 and mark the row
as sent.
Without Redis the test is skipped with the reason, which GENBO_REQUIRE_ALL=1 turns into
a failure.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.chat.live import redis_reachable

# A database number of its own, so the other users of the Redis are untouched.
BROKER_URL = os.environ.get("GENBO_REDIS_WORKER_TEST_URL", "redis://127.0.0.1:6379/12")
DEADLINE_SECONDS = 90

STORE_SCRIPT = """
import django
django.setup()
from django.db import transaction
from genbo.accounts.models import User
from genbo.core.models import Municipality
from genbo.notifications import outbox

user = User.objects.create(
    email="arbetare@helsingborg.example", first_name="Ada", last_name="Arbetare",
    municipality=Municipality.objects.get(slug="helsingborg"), password="!",
)
with transaction.atomic():
    row = outbox.outbox_add(
        key="worker-process-test", recipient=user, category="notification",
        subject="Brev via arbetsprocessen", text="Hej Ada!", html="<p>Hej Ada!</p>",
    )
print(row.pk)
"""

STATUS_SCRIPT = """
import sys
import django
django.setup()
from genbo.notifications.models import OutboxEmail
row = OutboxEmail.objects.get(pk=int(sys.argv[1]))
print(row.status, row.attempts)
"""


@pytest.fixture
def worker_environment(tmp_path, smtp_server):
    if not redis_reachable(BROKER_URL):
        pytest.skip(f"Redis is not reachable at {BROKER_URL}")
    prefix = f"genbo-worker-test-{uuid.uuid4().hex[:8]}:"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GENBO_")}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "genbo.settings",
            "GENBO_DATA_DIR": str(tmp_path),
            "GENBO_CELERY_BROKER_URL": BROKER_URL,
            "GENBO_CELERY_KEY_PREFIX": prefix,
            "GENBO_EMAIL_HOST": "127.0.0.1",
            "GENBO_EMAIL_PORT": str(smtp_server.port),
            "GENBO_EMAIL_USE_TLS": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    subprocess.run(
        [sys.executable, "-m", "genbo.cli", "manage", "migrate", "--verbosity", "0"],
        env=environment,
        check=True,
        timeout=180,
    )
    yield environment
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


def _run_python(environment: dict, code: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _start_worker(environment: dict, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "genbo.cli", "worker", "--pool", "solo"],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_worker_delivers_queued_email(worker_environment, smtp_server, tmp_path):
    row_id = _run_python(worker_environment, STORE_SCRIPT)
    assert _run_python(worker_environment, STATUS_SCRIPT, row_id) == "pending 0"
    assert smtp_server.messages == []

    log_path = tmp_path / "worker.log"
    worker = _start_worker(worker_environment, log_path)
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not smtp_server.messages and time.monotonic() < deadline:
            assert worker.poll() is None, log_path.read_text(encoding="utf-8")
            time.sleep(0.2)
        assert smtp_server.messages, log_path.read_text(encoding="utf-8")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

    [message] = smtp_server.messages
    assert message["To"] == "arbetare@helsingborg.example"
    assert message["Subject"] == "Brev via arbetsprocessen"
    assert _run_python(worker_environment, STATUS_SCRIPT, row_id) == "sent 1"
