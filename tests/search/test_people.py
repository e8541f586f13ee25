"""Finding colleagues: by e-mail address, and by names typed without å, ä and ö."""

import pytest
from django.urls import reverse

from genbo.search.selectors import Filters, search, suggestions
from genbo.search.services import reindex
from genbo.search.text import parse_query
from tests.factories import MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

SARA = "Sara Lindqvist"
SARA_EMAIL = "sara.lindqvist@helsingborg.example"
LEFT_EMAIL = "per.lund@helsingborg.example"


def _plain(title) -> str:
    return str(title).replace("<mark>", "").replace("</mark>", "")


@pytest.fixture
def colleagues():
    UserFactory(first_name="Sara", last_name="Lindqvist", email=SARA_EMAIL)
    UserFactory(first_name="Per", last_name="Lund", email=LEFT_EMAIL)
    for address in (SARA_EMAIL, LEFT_EMAIL):
        MeetingFactory(
            title=f"Träff med {address.split('@')[0]}",
            agenda=f"Frågor skickas till {address} senast dagen före.",
        )
    reindex()


def test_email_address_finds_person_first(colleagues, employee):
    page = search(employee, parse_query(SARA_EMAIL), Filters())
    titles = [_plain(hit.title) for hit in page.results]
    assert titles[0] == SARA
    assert page.results[0].kind == "person"


def test_email_address_suggests_person(client, colleagues, employee):
    client.force_login(employee)
    response = client.get(reverse("search:suggest"), {"q": SARA_EMAIL})
    found = response.context["found"]
    assert [_plain(person["title"]) for person in found.people] == [SARA]


@pytest.mark.parametrize("typed", ["sara.lindqvist@", "sara.lindqvist@hels", "Sara.Lindqvist"])
def test_address_being_typed_suggests_person(colleagues, employee, typed):
    found = suggestions(employee, parse_query(typed, still_typing=True))
    assert [_plain(person["title"]) for person in found.people] == [SARA]


def test_domain_finds_no_person(colleagues, employee):
    # Every employee of a municipality shares the domain of the address.
    page = search(employee, parse_query("helsingborg.example"), Filters())
    assert "person" not in [hit.kind for hit in page.results]


def test_email_address_of_active_person_finds_person(colleagues, employee):
    page = search(employee, parse_query(LEFT_EMAIL), Filters())
    assert "Per Lund" in [_plain(hit.title) for hit in page.results]


@pytest.mark.parametrize("reindexed", [False, True])
def test_email_address_of_inactive_person_finds_no_person(colleagues, employee, reindexed):
    # Without a reindex the person's document is stale and still contains the address.
    User = type(employee)
    User.objects.filter(email=LEFT_EMAIL).update(is_active=False)
    if reindexed:
        reindex()
    page = search(employee, parse_query(LEFT_EMAIL), Filters())
    assert "person" not in [hit.kind for hit in page.results]
    found = suggestions(employee, parse_query(LEFT_EMAIL, still_typing=True))
    assert found.people == []


JOHAN = "Johan Bergström"
MARIA = "Maria Söderberg"


@pytest.fixture
def conveners():
    UserFactory(
        first_name="Johan",
        last_name="Bergström",
        title="HR-specialist",
        # An address without the name, so that only the name can match.
        email="jbe@landskrona.example",
        presentation="Jag är sammankallande i HR-nätverket och arbetar med arbetsrätt.",
    )
    UserFactory(
        first_name="Maria",
        last_name="Söderberg",
        title="Ekonom",
        email="maria.soderberg@bjuv.example",
    )
    # Other documents, so that the ranking weighs words as in a real index, where a
    # name is in few of them.
    for number in range(20):
        MeetingFactory(title=f"Nätverksträff {number}")
    for topic in ("Arbetsrätt", "Rekrytering"):
        MeetingFactory(
            title=f"{topic} i HR-nätverket",
            agenda=(
                # The name as an address or a keyboard without ö writes it.
                f"Välkommen! Skicka gärna frågor till Johan Bergstrom i förväg.\n\n"
                f"1. {topic}\n2. Johan berättar om läget i Landskrona."
            ),
        )
    reindex()


@pytest.mark.parametrize("typed", ["Johan Bergström", "Johan Bergstrom", "johan bergstrom"])
def test_name_without_accents_ranks_person_first(conveners, employee, typed):
    page = search(employee, parse_query(typed), Filters())
    titles = [_plain(hit.title) for hit in page.results]
    assert titles[0] == JOHAN, titles
