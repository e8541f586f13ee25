"""Searches with more hits than are counted: honest totals, title matches first, no leaks.

The count limit is lowered to a few hits so that a small corpus behaves as a broad
word does at the design volume. The same tests run on SQLite and PostgreSQL.
"""

import pytest
from django.urls import reverse

from genbo.search import selectors
from genbo.search.selectors import Filters, search, suggestions
from genbo.search.services import reindex
from genbo.search.text import parse_query
from tests.factories import LibraryItemFactory, NetworkFactory, UserFactory

pytestmark = pytest.mark.django_db

WORD = "kompostering"
LIMIT = 3


@pytest.fixture
def low_limit(monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", LIMIT)


def _text_only_items(count: int, **options) -> list:
    return [
        LibraryItemFactory(title=f"Mall {n}", description=f"Vi skriver om {WORD}.", **options)
        for n in range(count)
    ]


def _titles(page) -> list[str]:
    return [str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in page.results]


def test_search_over_limit_says_more_than(low_limit, employee):
    _text_only_items(LIMIT + 2)
    reindex()
    page = search(employee, parse_query(WORD), Filters())
    assert page.more_than_total
    assert page.total == LIMIT
    assert len(page.results) == LIMIT


def test_search_over_limit_hides_facet_counts(low_limit, employee):
    _text_only_items(LIMIT + 2)
    reindex()
    page = search(employee, parse_query(WORD), Filters())
    assert not page.counts_shown
    assert [value.count for value in page.kind_facet] == [None] * len(page.kind_facet)
    assert page.municipality_facet
    assert all(value.count is None for value in page.municipality_facet)


def test_search_at_limit_counts_exactly(low_limit, employee):
    _text_only_items(LIMIT)
    reindex()
    page = search(employee, parse_query(WORD), Filters())
    assert not page.more_than_total
    assert page.counts_shown
    assert page.total == LIMIT
    assert {value.value: value.count for value in page.kind_facet}["item"] == LIMIT


def test_filter_below_limit_gives_exact_total(low_limit, employee):
    _text_only_items(LIMIT + 2)
    NetworkFactory(name="Nätverket för kompostering", slug="kompost")
    reindex()
    page = search(employee, parse_query(WORD), Filters(kinds=["network"]))
    assert not page.more_than_total
    assert page.total == 1
    assert _titles(page) == ["Nätverket för kompostering"]


def test_filters_alone_over_limit_list_hits(low_limit, employee):
    _text_only_items(LIMIT + 2)
    reindex()
    page = search(employee, parse_query(""), Filters(kinds=["item"]))
    assert page.more_than_total
    assert len(page.results) == LIMIT


def test_title_matches_rank_first_over_limit(low_limit, employee):
    # Created first, so a scan in the order of the table finds these before the others.
    _text_only_items(LIMIT + 2)
    in_title = [
        LibraryItemFactory(title=f"Kompostering steg {n}", description="Så gör vi.")
        for n in range(2)
    ]
    reindex()
    titles = _titles(search(employee, parse_query(WORD), Filters()))
    assert set(titles[:2]) == {item.title for item in in_title}


def test_closed_network_stays_hidden_over_limit(low_limit, closed_network, member, employee):
    _text_only_items(LIMIT + 2, network=closed_network, author=member)
    open_items = _text_only_items(2)
    reindex()
    page = search(employee, parse_query(WORD), Filters())
    assert not page.more_than_total
    assert page.total == len(open_items)
    assert closed_network.name not in [value.label for value in page.network_facet]
    assert all(hit.kind == "item" and "Mall" in str(hit.title) for hit in page.results)
    assert page.network_facet == []


def test_non_member_over_limit_sees_no_closed_network(low_limit, closed_network, member, employee):
    _text_only_items(LIMIT + 2, network=closed_network, author=member)
    _text_only_items(LIMIT + 2)
    reindex()
    page = search(employee, parse_query(WORD), Filters())
    assert page.more_than_total
    assert page.network_facet == []
    member_page = search(member, parse_query(WORD), Filters())
    assert member_page.more_than_total
    assert [value.label for value in member_page.network_facet] == [closed_network.name]


def test_suggestions_put_matching_names_first(employee):
    for n in range(selectors.SUGGESTION_CANDIDATES + 5):
        UserFactory(first_name="Anna", last_name=f"Berg{n}", presentation=f"Jag gillar {WORD}.")
    NetworkFactory(name="Komposteringsnätverket", slug="kompostnatverk")
    reindex()
    found = suggestions(employee, parse_query("kompost", still_typing=True))
    assert [str(network["title"]) for network in found.networks] == [
        "<mark>Komposteringsnätverket</mark>"
    ]
    assert len(found.people) == selectors.SUGGESTIONS_PER_KIND


def test_search_page_over_limit_shows_no_counts(client, low_limit, employee):
    _text_only_items(LIMIT + 2)
    reindex()
    client.force_login(employee)
    response = client.get(reverse("search:search"), {"q": WORD})
    assert response.status_code == 200
    html = response.content.decode()
    assert "(0)" not in html
    assert "(5)" not in html
    assert response.context["result"].more_than_total


def test_filtered_page_explains_hidden_counts(client, low_limit, employee):
    """Check that a filter narrowing a broad search below the limit explains the hidden counts."""
    _text_only_items(LIMIT + 2)
    NetworkFactory(name="Nätverket för kompostering", slug="kompost")
    reindex()
    client.force_login(employee)

    response = client.get(reverse("search:search"), {"q": WORD, "kind": "network"})

    html = response.content.decode()
    assert response.context["result"].total == 1
    assert "Utan filtren ger sökningen fler än 3 träffar" in html
    assert "Sökningen gav fler än" not in html
