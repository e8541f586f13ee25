"""Shared fixtures: named personas for access rules and fast settings."""

import os
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from genbo.core import local_cache
from tests.factories import MeetingFactory, NetworkFactory, UserFactory, add_member

REQUIRE_ALL = os.environ.get("GENBO_REQUIRE_ALL") == "1"


def pytest_sessionfinish(session, exitstatus):
    """With GENBO_REQUIRE_ALL=1 (as in CI), a skipped test fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if REQUIRE_ALL and skipped and session.exitstatus == 0:
        reporter.write_line(
            f"GENBO_REQUIRE_ALL=1: {skipped} test(s) skipped; every component must be present.",
            red=True,
        )
        session.exitstatus = 1


def pytest_collection_modifyitems(config, items):
    """Roll every transactional test back to the migrated data, and leave out the tests
    marked `postgres` when the suite runs on SQLite.

    A transactional test empties the database afterwards, and Django then makes the content
    types and permissions anew under new ids. A later test that reloads the migrated data
    (`serialized_rollback`) then failed on those rows, so one such test run first broke all
    later ones. With every transactional test reloading, no test leaves new ids behind.

    The `postgres` tests are deselected rather than skipped: CI runs the suite a second time
    on PostgreSQL, and they run there.
    """
    from django.conf import settings

    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            rollback = pytest.mark.django_db(**marker.kwargs, serialized_rollback=True)
            item.add_marker(rollback, append=False)
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    left_out = [item for item in items if item.get_closest_marker("postgres")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
        print(f"\n{len(left_out)} test(s) need PostgreSQL and are left out on SQLite.")


@pytest.fixture(autouse=True)
def fast_settings(settings, tmp_path):
    # The sign-in lock counts failures in the cache; each test starts with none.
    cache.clear()
    local_cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def employee(db):
    """A signed-in employee who belongs to no network."""
    return UserFactory(first_name="Elin", last_name="Eriksson")


@pytest.fixture
def convener(db):
    return UserFactory(first_name="Karin", last_name="Sammankallande")


@pytest.fixture
def member(db):
    return UserFactory(first_name="Mats", last_name="Medlem")


@pytest.fixture
def outsider(db):
    """An employee of another municipality with no membership anywhere."""
    return UserFactory(first_name="Olle", last_name="Utomstående", municipality__slug="bjuv")


@pytest.fixture
def staff(db):
    return UserFactory(first_name="Siv", last_name="Sekretariat", is_staff=True)


@pytest.fixture
def closed_network(convener, member):
    network = NetworkFactory(name="Bollplank Förändringsledning", access="closed")
    add_member(network, convener, role="convener")
    add_member(network, member)
    return network


@pytest.fixture
def open_network(convener, member):
    network = NetworkFactory(name="HR-nätverket", access="open")
    add_member(network, convener, role="convener")
    add_member(network, member)
    return network


@pytest.fixture
def closed_meeting(closed_network):
    return MeetingFactory(
        network=closed_network,
        title="Hemlig workshop",
        starts_at=timezone.now() + timedelta(days=3),
        minutes="Mötesanteckningar som bara medlemmar får se",
    )


@pytest.fixture
def open_meeting(open_network):
    return MeetingFactory(network=open_network, title="Öppen träff")
