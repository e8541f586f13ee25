"""Each page runs a fixed number of SQL queries, whatever the number of rows behind it.

Every page is measured at a small and at a large data size. Both counts must equal the
pinned number, whose breakdown is written next to it.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from genbo.core.models import Municipality
from genbo.networks.models import Membership
from tests.factories import (
    CompetenceFactory,
    MeetingFactory,
    NetworkFactory,
    UserFactory,
    add_member,
)

pytestmark = pytest.mark.django_db

SIZES = {
    "small": {"networks": 3, "members": 2, "meetings": 1},
    "large": {"networks": 25, "members": 10, "meetings": 4},
}


def _build(viewer, *, networks: int, members: int, meetings: int):
    """Create `networks` networks (every third closed), each with a convener, `members`
    members in all, competences, municipalities, `meetings` upcoming and as many past
    meetings with answers. The viewer belongs to every network, as a plain member.

    Returns the first network, the one whose pages are measured.
    """
    municipalities = list(Municipality.objects.all()[:3])
    competences = [CompetenceFactory() for _ in range(3)]
    now = timezone.now()
    created = []
    for index in range(networks):
        network = NetworkFactory(access="closed" if index % 3 == 2 else "open")
        network.municipalities.set(municipalities)
        network.competences.set(competences)
        add_member(network, viewer)
        people = [UserFactory(municipality=municipalities[n % 3]) for n in range(members - 1)]
        add_member(network, people[0], role=Membership.Role.CONVENER)
        for person in people[1:]:
            add_member(network, person)
        for day in range(1, meetings + 1):
            upcoming = MeetingFactory(network=network, starts_at=now + timedelta(days=day))
            upcoming.responses.create(user=people[0], answer="yes")
            MeetingFactory(network=network, starts_at=now - timedelta(days=day))
        created.append(network)

    # The first network's first meeting gets an answer from everyone and approved
    # minutes with addenda, for the meeting page.
    first = created[0]
    meeting = first.meetings.order_by("-starts_at").first()
    for membership in first.memberships.select_related("user"):
        meeting.responses.update_or_create(user=membership.user, defaults={"answer": "maybe"})
    meeting.minutes = "Beslut."
    meeting.minutes_approved_at = now
    meeting.save()
    for number in range(meetings):
        meeting.addenda.create(text=f"Tillägg {number}", author=viewer)
    return first


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _measure(client, page: str, size: str) -> int:
    viewer = UserFactory()
    network = _build(viewer, **SIZES[size])
    client.force_login(viewer)
    url = {
        "directory": reverse("networks:directory"),
        "network": network.get_absolute_url(),
        "home": reverse("core:home"),
        "meeting": network.meetings.order_by("-starts_at").first().get_absolute_url(),
        "meetings": reverse("networks:meetings", args=[network.slug]),
    }[page]
    return _count_queries(client, url)


# Queries per page, the same at every size. Each starts with four for the signed-in
# visitor: the session, the user, and the unread counts that the header's "Chat" and
# "Notifications" links show.
# directory (8): + networks count for the paginator, the municipalities of the filter
#   form, the page of networks (member count, own membership and next meeting are
#   subqueries), and their conveners (one prefetch).
# network page as member (14): + the network with the same annotations, its conveners,
#   competences and municipalities (three prefetches), members count and members page,
#   upcoming meetings, past meetings, the latest discussions of the network, and the
#   expert offers whose competences match the network's ("Experts like this").
# start page (9): + requests waiting for the user as convener, my networks, my upcoming
#   meetings, new networks, their conveners.
# meeting page (13): + the network as on its page (four queries), the meeting, its
#   addenda and their authors (two prefetches), the answers with the people who gave them,
#   and the meeting's attachments (Idébiblioteket's file handling).
# meetings list (10): + the network as on its page (four queries), the meetings count for
#   the paginator and the page of meetings.
EXPECTED_QUERIES = {"directory": 8, "network": 14, "home": 9, "meeting": 13, "meetings": 10}


@pytest.mark.parametrize("page", sorted(EXPECTED_QUERIES))
@pytest.mark.parametrize("size", sorted(SIZES))
def test_page_query_count_is_pinned(client, page, size):
    assert _measure(client, page, size) == EXPECTED_QUERIES[page]


@pytest.mark.parametrize("page", sorted(EXPECTED_QUERIES))
def test_page_query_count_does_not_grow(client, page):
    small = _measure(client, page, "small")
    client.logout()
    large = _measure(client, page, "large")

    assert small == large


def _measure_start_page_of_convener(client, *, networks: int, requests: int) -> int:
    """Return the start page's query count for a convener of `networks` closed networks.

    Each of the networks has `requests` pending requests to join.
    """
    convener = UserFactory()
    for _network in range(networks):
        network = NetworkFactory(access="closed")
        add_member(network, convener, role=Membership.Role.CONVENER)
        for _request in range(requests):
            add_member(network, UserFactory(), status=Membership.Status.PENDING)
    client.force_login(convener)
    return _count_queries(client, reverse("core:home"))


def test_start_page_query_count_with_join_requests(client):
    # The requests are listed with their people and networks, joined into one query.
    small = _measure_start_page_of_convener(client, networks=1, requests=1)
    client.logout()
    large = _measure_start_page_of_convener(client, networks=4, requests=3)

    assert small == EXPECTED_QUERIES["home"]
    assert large == EXPECTED_QUERIES["home"]
