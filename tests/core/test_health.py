"""The /healthz endpoint for load balancers: database always, Redis when configured."""

import os
import socket
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# CI sets GENBO_REDIS_TEST_URL. Without it the test expects Redis on its default port.
REDIS_TEST_URL = os.environ.get("GENBO_REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
# Nothing listens on port 1 of the loopback address, so connecting is refused at once.
CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"


def _redis_reachable(url: str) -> bool:
    address = urlsplit(url)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def real_redis(settings) -> str:
    if not _redis_reachable(REDIS_TEST_URL):
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")
    settings.REDIS_URL = REDIS_TEST_URL
    return REDIS_TEST_URL


def test_healthz_reports_database_ok(client):
    response = client.get(reverse("core:healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_needs_no_sign_in(client):
    response = client.get("/healthz")

    assert response.status_code == 200


def test_healthz_is_never_cached(client):
    response = client.get(reverse("core:healthz"))

    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_healthz_rejects_post(client):
    response = client.post(reverse("core:healthz"))

    assert response.status_code == 405


def test_healthz_reports_redis_ok(client, real_redis):
    response = client.get(reverse("core:healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_unreachable_redis_is_503(client, settings):
    settings.REDIS_URL = CLOSED_REDIS_URL

    response = client.get(reverse("core:healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error"}
