"""Facet values of a search: the most frequent values, and the chosen one with its count."""

import pytest
from django.urls import reverse

from genbo.core.models import Municipality
from genbo.search import selectors
from genbo.search.selectors import Filters, search
from genbo.search.services import reindex
from genbo.search.text import parse_query
from tests.factories import CompetenceFactory, LibraryItemFactory, NetworkFactory

pytestmark = pytest.mark.django_db

WORD = "kompostering"
# Hits per value: with two values shown per facet, the third value is left out.
HITS = (3, 2, 1)


@pytest.fixture
def two_values_shown(monkeypatch):
    monkeypatch.setattr(selectors, "FACET_SIZE", 2)


def _items(facet: str) -> list:
    """Create hits tagged with three values of `facet`, and return the values, the most
    frequent first."""
    if facet == "competence":
        values = [CompetenceFactory(label=label) for label in ("Kompost", "Odling", "Retorik")]
    elif facet == "municipality":
        values = [Municipality.objects.get(slug=slug) for slug in ("bjuv", "klippan", "svalov")]
    else:
        values = [NetworkFactory(name=name) for name in ("Kompostnätverket", "Odlare", "Talare")]
    for value, count in zip(values, HITS, strict=True):
        for index in range(count):
            options = {"title": f"Om {WORD} {index}"}
            if facet == "municipality":
                options["municipality"] = value
            elif facet == "network":
                options["network"] = value
            item = LibraryItemFactory(**options)
            if facet == "competence":
                item.competences.set([value])
    reindex()
    return values


@pytest.mark.parametrize("facet", ["competence", "municipality", "network"])
def test_chosen_value_outside_top_has_its_count(two_values_shown, employee, facet):
    rare = _items(facet)[-1]
    page = search(employee, parse_query(WORD), Filters(**{facet: rare}))
    assert page.total == 1
    values = getattr(page, f"{facet}_facet")
    chosen = [value for value in values if value.selected]
    assert len(chosen) == 1
    assert chosen[0].label == str(rare)
    assert chosen[0].count == 1
    assert [value.count for value in values if not value.selected] == [3, 2]


@pytest.mark.parametrize("facet", ["competence", "municipality", "network"])
def test_chosen_value_in_top_is_listed_once(two_values_shown, employee, facet):
    common = _items(facet)[0]
    page = search(employee, parse_query(WORD), Filters(**{facet: common}))
    values = getattr(page, f"{facet}_facet")
    assert [(value.count, value.selected) for value in values] == [(3, True), (2, False)]


def test_chosen_competence_shows_count_on_page(client, two_values_shown, employee):
    rare = _items("competence")[-1]
    client.force_login(employee)
    response = client.get(reverse("search:search"), {"q": WORD, "competence": rare.pk})
    assert response.context["result"].total == 1
    assert "Retorik (1)" in response.content.decode()
    assert "Retorik (0)" not in response.content.decode()
