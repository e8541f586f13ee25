"""Closed-network content never reaches a non-member through results, counts or highlights."""

import pytest
from django.contrib.auth.models import AnonymousUser

from genbo.networks.models import Membership
from genbo.search.selectors import Filters, search, suggestions
from genbo.search.services import reindex
from genbo.search.text import parse_query
from tests.factories import (
    CompetenceFactory,
    LibraryItemFactory,
    MeetingFactory,
    PostFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db

SECRET_WORD = "hemlisplanering"


def _closed_content(kind: str, network, author):
    """Create one object of `kind` in `network` whose text contains SECRET_WORD."""
    competence = CompetenceFactory(label="Sekretessfrågor")
    if kind == "meeting":
        return MeetingFactory(network=network, title="Träff", minutes=f"Om {SECRET_WORD}.")
    if kind == "thread":
        thread = ThreadFactory(
            title="Fråga", author=author, network=network, question=f"Om {SECRET_WORD}."
        )
        thread.competences.set([competence])
        return thread
    if kind == "post":
        thread = ThreadFactory(title="Fråga", author=author, network=network)
        return PostFactory(thread=thread, author=author, body=f"Svar om {SECRET_WORD}.")
    item = LibraryItemFactory(
        title="Mall", network=network, description=f"Om {SECRET_WORD}.", author=author
    )
    item.competences.set([competence])
    return item


CLOSED_KINDS = ["meeting", "thread", "post", "item"]


def _search(user, **filters):
    return search(user, parse_query(SECRET_WORD), Filters(**filters))


def _counts(page) -> dict:
    return {
        "hits": page.total,
        "results": len(page.results),
        "kinds": sum(value.count for value in page.kind_facet),
        "municipalities": sum(value.count for value in page.municipality_facet),
        "competences": sum(value.count for value in page.competence_facet),
        "networks": sum(value.count for value in page.network_facet),
    }


@pytest.mark.parametrize("kind", CLOSED_KINDS)
def test_non_member_finds_nothing_of_closed_network(
    kind, closed_network, member, employee, outsider
):
    _closed_content(kind, closed_network, member)
    reindex()
    for user in (employee, outsider):
        page = _search(user)
        assert _counts(page) == {
            "hits": 0,
            "results": 0,
            "kinds": 0,
            "municipalities": 0,
            "competences": 0,
            "networks": 0,
        }


@pytest.mark.parametrize("kind", CLOSED_KINDS)
def test_non_member_filtering_by_closed_network_sees_no_counts(
    kind, closed_network, member, employee
):
    _closed_content(kind, closed_network, member)
    reindex()
    page = search(employee, parse_query(""), Filters(network=closed_network))
    assert page.total == 0
    assert page.results == []
    assert all(value.count == 0 for value in page.network_facet)


@pytest.mark.parametrize("kind", CLOSED_KINDS)
def test_member_finds_closed_network_content(kind, closed_network, member, convener):
    _closed_content(kind, closed_network, member)
    reindex()
    for user in (member, convener):
        page = _search(user)
        assert page.total == 1
        assert page.results[0].kind == kind
        assert f"<mark>{SECRET_WORD}</mark>" in str(page.results[0].snippet)
        network_counts = {value.label: value.count for value in page.network_facet}
        assert network_counts == {closed_network.name: 1}


@pytest.mark.parametrize("kind", CLOSED_KINDS)
def test_former_member_loses_access_at_once(kind, closed_network, member):
    _closed_content(kind, closed_network, member)
    reindex()
    Membership.objects.filter(network=closed_network, user=member).delete()
    assert _search(member).total == 0


@pytest.mark.parametrize("kind", CLOSED_KINDS)
def test_pending_member_finds_nothing(kind, closed_network, member, employee):
    _closed_content(kind, closed_network, member)
    reindex()
    Membership.objects.create(network=closed_network, user=employee, status="pending")
    assert _search(employee).total == 0


@pytest.mark.parametrize("kind", CLOSED_KINDS)
def test_network_closed_later_hides_its_content(kind, open_network, member, employee):
    _closed_content(kind, open_network, member)
    reindex()
    assert _search(employee).total == 1
    open_network.access = "closed"
    open_network.save(update_fields=["access"])
    assert _search(employee).total == 0


def test_anonymous_finds_nothing(corpus):
    page = search(AnonymousUser(), parse_query("förskola"), Filters())
    assert page.total == 0
    assert page.results == []


def test_inactive_employee_finds_nothing(corpus, employee):
    employee.is_active = False
    employee.save(update_fields=["is_active"])
    assert search(employee, parse_query("förskola"), Filters()).total == 0


def test_closed_network_itself_is_found_by_everyone(corpus, employee):
    page = search(employee, parse_query("förändringsledning"), Filters(kinds=["network"]))
    assert page.total == 1


def test_suggestions_show_no_closed_content(corpus, employee):
    found = suggestions(employee, parse_query("tilldelningsbeslut"))
    assert found.people == []
    assert found.networks == []
