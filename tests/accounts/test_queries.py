"""The profile page runs a fixed number of SQL queries, however much the person has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genbo.core.models import Municipality
from genbo.networks.models import Membership
from tests.factories import (
    CompetenceFactory,
    ExpertOfferFactory,
    NetworkFactory,
    UserFactory,
    add_member,
)

pytestmark = pytest.mark.django_db

SIZES = {
    "small": {"competences": 1, "networks": 1, "offers": 1},
    "large": {"competences": 12, "networks": 15, "offers": 6},
}


def _measure(client, size: str) -> int:
    counts = SIZES[size]
    person = UserFactory(municipality=Municipality.objects.first())
    competences = [CompetenceFactory() for _ in range(counts["competences"])]
    person.competences.set(competences)
    for index in range(counts["networks"]):
        network = NetworkFactory(access="closed" if index % 3 == 2 else "open")
        role = Membership.Role.CONVENER if index % 2 else Membership.Role.MEMBER
        add_member(network, person, role=role)
    for _ in range(counts["offers"]):
        ExpertOfferFactory(expert=person, competences=competences[:2])
    viewer = UserFactory()
    client.force_login(viewer)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    return len(queries)


# Four queries for the visitor: the session, the viewer, and the unread notification and
# chat counts in the header. Five for the page: the person with municipality and unit, their
# competences, the memberships the viewer may see with their networks, the visible expert
# offers, and the feedback shown on the profile.
EXPECTED_QUERIES = 9


@pytest.mark.parametrize("size", sorted(SIZES))
def test_profile_query_count_is_pinned(client, size):
    assert _measure(client, size) == EXPECTED_QUERIES


def test_profile_query_count_does_not_grow(client):
    small = _measure(client, "small")
    client.logout()
    large = _measure(client, "large")

    assert small == large
