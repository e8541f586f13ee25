"""Who may open each experts route: the personas against every route."""

import pytest
from django.urls import reverse

from genbo.experts.models import State
from tests.experts.conftest import make_request
from tests.factories import ExpertOfferFactory, UserFactory
from tests.helpers import is_login_redirect

PERSONAS = ["anonymous", "employee", "requester", "expert", "manager", "staff"]
LOGIN = "login"

ROUTES = {
    "search": ("experts:search", lambda w: reverse("experts:search")),
    "search_filtered": ("experts:search", lambda w: reverse("experts:search") + "?q=GDPR"),
    "statistics": ("experts:statistics", lambda w: reverse("experts:statistics")),
    "my_offers": ("experts:my_offers", lambda w: reverse("experts:my_offers")),
    "offer_create": ("experts:offer_create", lambda w: reverse("experts:offer_create")),
    "offer": ("experts:offer", lambda w: reverse("experts:offer", args=[w.offer.pk])),
    "offer_off": ("experts:offer", lambda w: reverse("experts:offer", args=[w.off.pk])),
    "offer_edit": (
        "experts:offer_edit",
        lambda w: reverse("experts:offer_edit", args=[w.offer.pk]),
    ),
    "offer_switch": (
        "experts:offer_switch",
        lambda w: reverse("experts:offer_switch", args=[w.offer.pk]),
    ),
    "offer_delete": (
        "experts:offer_delete",
        lambda w: reverse("experts:offer_delete", args=[w.offer.pk]),
    ),
    "request_create": (
        "experts:request_create",
        lambda w: reverse("experts:request_create", args=[w.offer.pk]),
    ),
    "requests": ("experts:requests", lambda w: reverse("experts:requests")),
    "requests_manager": (
        "experts:requests",
        lambda w: reverse("experts:requests") + "?role=manager",
    ),
    "request": ("experts:request", lambda w: reverse("experts:request", args=[w.awaiting.pk])),
    "request_ics": (
        "experts:request_ics",
        lambda w: reverse("experts:request_ics", args=[w.confirmed.pk]),
    ),
    "request_action": (
        "experts:request_action",
        lambda w: reverse("experts:request_action", args=[w.awaiting.pk, "approve"]),
    ),
}

# Expected status per persona, in the order of PERSONAS. The requester asked twice: one
# request awaits the manager's approval, the other is a confirmed lecture without one.
# The employee is no party to either. Offers are not secret, so someone else's offer
# answers 403 on edit; a request answers 404 to everyone who is not a party.
TABLE = [
    ("search", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("search_filtered", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("statistics", "GET", (LOGIN, 403, 403, 403, 403, 200)),
    ("my_offers", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("offer_create", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("offer", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("offer_off", "GET", (LOGIN, 404, 404, 200, 404, 404)),
    ("offer_edit", "GET", (LOGIN, 403, 403, 200, 403, 403)),
    ("offer_switch", "POST", (LOGIN, 403, 403, 302, 403, 403)),
    ("offer_delete", "GET", (LOGIN, 403, 403, 200, 403, 403)),
    ("request_create", "POST", (LOGIN, 400, 400, 400, 400, 400)),
    ("requests", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("requests_manager", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("request", "GET", (LOGIN, 404, 200, 200, 200, 404)),
    ("request_ics", "GET", (LOGIN, 404, 200, 200, 404, 404)),
    # Only the manager may approve; the other parties are sent back with a message.
    ("request_action", "POST", (LOGIN, 404, 302, 302, 302, 404)),
]

CASES = [
    pytest.param(route, method, persona, expected, id=f"{route}-{persona}")
    for route, method, outcomes in TABLE
    for persona, expected in zip(PERSONAS, outcomes, strict=True)
]


class World:
    pass


@pytest.fixture
def world(offer, expert, requester, manager):
    world = World()
    world.offer = offer
    world.off = ExpertOfferFactory(expert=expert, title="Avstängt erbjudande", is_active=False)
    world.awaiting = make_request(offer, requester, state=State.AWAITING_MANAGER, manager=manager)
    world.confirmed = make_request(
        ExpertOfferFactory(expert=expert), requester, state=State.CONFIRMED
    )
    return world


@pytest.fixture
def employee(db):
    return UserFactory(first_name="Elin", last_name="Eriksson")


def test_table_covers_every_experts_route():
    from genbo.experts.urls import urlpatterns

    exercised = {ROUTES[route][0] for route, _method, _outcomes in TABLE}

    assert {f"experts:{pattern.name}" for pattern in urlpatterns} - exercised == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "persona", "expected"), CASES)
def test_status_by_role(client, request, world, route, method, persona, expected):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = ROUTES[route][1](world)

    response = client.get(url) if method == "GET" else client.post(url, {})

    if expected == LOGIN:
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected


def test_manager_approval_confirms(client, world, manager):
    client.force_login(manager)

    client.post(reverse("experts:request_action", args=[world.awaiting.pk, "approve"]))

    world.awaiting.refresh_from_db()
    assert world.awaiting.state == State.CONFIRMED


def test_statistics_forbidden_page_explains(client, employee):
    client.force_login(employee)

    response = client.get(reverse("experts:statistics"))

    assert response.status_code == 403
    assert "secretariat" in response.content.decode() or "sekretariat" in response.content.decode()


def test_other_manager_does_not_see_request(client, world):
    client.force_login(UserFactory(first_name="Annan", last_name="Chef"))

    response = client.get(reverse("experts:request", args=[world.awaiting.pk]))

    assert response.status_code == 404
