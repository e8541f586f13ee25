"""The search page and the suggestions run a fixed number of queries, whatever the hits."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from genbo.search.services import reindex
from tests.factories import (
    CompetenceFactory,
    LibraryItemFactory,
    NetworkFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIZES = {"small": 2, "large": 30}


def _build(size: int) -> None:
    competence = CompetenceFactory(label="Arkivkunskap")
    for index in range(size):
        person = UserFactory(first_name="Arkiva", title="Arkivarie")
        person.competences.set([competence])
        NetworkFactory(name=f"Arkivnätverk {index}", slug=f"arkiv-{index}")
        thread = ThreadFactory(title=f"Arkivfråga {index}", author=person)
        thread.competences.set([competence])
        item = LibraryItemFactory(title=f"Arkivmall {index}")
        item.competences.set([competence])
    reindex()


def _measure(client, url: str, size: str) -> int:
    _build(SIZES[size])
    client.force_login(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


SEARCH = reverse("search:search")
SUGGEST = reverse("search:suggest")
# Every page starts with four queries for the signed-in visitor: the session, the
# user, and the unread notification and chat counts in the header (the suggestions
# have no header, so they start with two).
# search (6): + the hits per kind, municipality, competence and network (one query),
#   and the page of hits.
# search with filters (8): + the municipality and the competence named in the address.
# suggest (4): + the people and networks, and the competences.
# SQLite reads the candidates of the forgiving name match in one query more whenever
# a typed word has four letters or more, as all of these do.
EXPECTED = {
    "search": (SEARCH + "?q=arkiv", 6),
    "search_filtered": (SEARCH + "?q=arkiv&municipality=helsingborg&competence=1", 8),
    "suggest": (SUGGEST + "?q=arkiv", 4),
}


def _expected(name: str) -> int:
    return EXPECTED[name][1] + (1 if connection.vendor == "sqlite" else 0)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("size", sorted(SIZES))
def test_query_count_is_pinned(client, name, size):
    assert _measure(client, EXPECTED[name][0], size) == _expected(name)


def test_empty_search_page_runs_no_search_query(client):
    client.force_login(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        client.get(SEARCH)
    assert len(queries) == 4
