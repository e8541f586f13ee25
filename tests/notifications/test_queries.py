"""The notification settings page runs a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import NetworkFactory, add_member

pytestmark = pytest.mark.django_db


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("notifications:settings")).status_code == 200
    return len(queries)


def test_settings_page_query_count(client, member):
    client.force_login(member)
    add_member(NetworkFactory(), member)
    _count(client)

    # Session, user, notification preferences, e-mail settings, calendar token and the
    # member's networks for the feed addresses. The unread notification and chat counts
    # in the header come from the cache after the first request.
    assert _count(client) == 6
    for _index in range(5):
        add_member(NetworkFactory(access="closed"), member)
    assert _count(client) == 6
