"""The experts pages run a fixed number of SQL queries at two data sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from genbo.experts.models import State
from tests.experts.conftest import make_request
from tests.factories import CompetenceFactory, ExpertOfferFactory, UserFactory

pytestmark = pytest.mark.django_db

SIZES = {"small": 2, "large": 12}


def _build(viewer, count: int):
    """Create `count` offers with competences and periods, and `count` requests by `viewer`."""
    competence = CompetenceFactory(label="Upphandling", synonyms=["inköp"])
    first_request = None
    for _number in range(count):
        expert = UserFactory()
        offer = ExpertOfferFactory(
            expert=expert,
            competences=[competence, CompetenceFactory()],
            description="Upphandling i praktiken.",
        )
        offer.on_site_municipalities.set([viewer.municipality])
        offer.unavailable_periods.create(starts_on="2030-01-01", ends_on="2030-01-31")
        borrow_request = make_request(offer, viewer, state=State.CONFIRMED)
        for action in ("create", "accept"):
            borrow_request.events.create(actor=expert, action=action, to_state=State.CONFIRMED)
        first_request = first_request or borrow_request
    return first_request


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


PAGES = {
    "search": lambda r: reverse("experts:search") + "?q=upphandling&available_now=on",
    "search_plain": lambda r: reverse("experts:search"),
    "request": lambda r: r.get_absolute_url(),
    "requests": lambda r: reverse("experts:requests"),
    "offer": lambda r: r.offer.get_absolute_url(),
    "my_offers": lambda r: reverse("experts:my_offers"),
}

# Each count starts with four for the signed-in visitor: the session, the user, and the
# unread notification and chat counts in the header.
# search (11): + matching competences, the municipalities of the filter form, the count for
#   the paginator, the page of offers (ranking is in the query), their competences, on-site
#   municipalities and unavailable periods (three prefetches).
# search_plain (10): the same without the matching competences.
# request (6): + the request with its people (one join), its history with the actors.
# requests (8): + the waiting counts per role, the count for the paginator, the page of
#   requests, their history.
# offer (9): + the offer with its expert, its competences, municipalities and periods
#   (three prefetches), and the units of the request form's list.
# my_offers (8): + the offers with their waiting counts, and three prefetches.
EXPECTED = {
    "search": 11,
    "search_plain": 10,
    "request": 6,
    "requests": 8,
    "offer": 9,
    "my_offers": 8,
}


@pytest.mark.parametrize("page", sorted(EXPECTED))
@pytest.mark.parametrize("size", sorted(SIZES))
def test_query_count_is_pinned(client, page, size):
    viewer = UserFactory()
    borrow_request = _build(viewer, SIZES[size])
    client.force_login(viewer if page != "my_offers" else borrow_request.offer.expert)

    assert _count(client, PAGES[page](borrow_request)) == EXPECTED[page]
