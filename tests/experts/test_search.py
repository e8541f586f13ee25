"""The expert search: a table of queries with the expected order of results."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from genbo.experts.selectors import experts_for_network, search_offers
from tests.factories import CompetenceFactory, ExpertOfferFactory, NetworkFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    """Five offers named by what makes them match "arkivering"."""
    archiving = CompetenceFactory(label="Arkivering")
    digital_archiving = CompetenceFactory(label="Digital arkivering")
    records = CompetenceFactory(label="Dokumenthantering", synonyms=["arkivering av handlingar"])
    records_plain = CompetenceFactory(label="Diarieföring", synonyms=["registratur"])
    other = CompetenceFactory(label="Projektledning")
    helsingborg = UserFactory(municipality__slug="helsingborg")
    bjuv = UserFactory(municipality__slug="bjuv")
    offers = {
        "exact": ExpertOfferFactory(expert=bjuv, title="A", competences=[archiving]),
        "partial": ExpertOfferFactory(expert=bjuv, title="B", competences=[digital_archiving]),
        "synonym": ExpertOfferFactory(expert=bjuv, title="C", competences=[records]),
        "text": ExpertOfferFactory(
            expert=bjuv,
            title="D",
            competences=[other],
            description="Jag kan mycket om arkivering i kommunen.",
        ),
        "unrelated": ExpertOfferFactory(expert=bjuv, title="E", competences=[records_plain]),
        "exact_away": ExpertOfferFactory(expert=bjuv, title="F", competences=[archiving]),
        "exact_home": ExpertOfferFactory(expert=helsingborg, title="G", competences=[archiving]),
    }
    today = timezone.localdate()
    offers["exact_away"].unavailable_periods.create(
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1)
    )
    return offers


# (query string, expected order of offer names). The viewer works in Helsingborg. Ties
# keep the newest offer first, so exact_home (created last) comes before exact.
TABLE = [
    ("q=arkivering", ["exact_home", "exact", "exact_away", "synonym", "partial", "text"]),
    (
        "q=arkivering&own_first=on",
        ["exact_home", "exact", "exact_away", "synonym", "partial", "text"],
    ),
    ("competence=arkivering", ["exact_home", "exact", "exact_away", "synonym", "partial"]),
    ("q=arkivering av handlingar", ["synonym"]),
    ("q=registratur", ["unrelated"]),
    # "arkiv" is only part of every label and synonym, so all rank alike, newest first.
    ("q=arkiv&available_now=on", ["exact_home", "synonym", "partial", "exact", "text"]),
    ("competence=digital", ["partial"]),
    ("q=ordet-finns-inte", []),
]


@pytest.mark.parametrize(("query", "expected"), TABLE, ids=[q for q, _e in TABLE])
def test_ranking_table(catalogue, query, expected):
    viewer = UserFactory(municipality__slug="helsingborg")
    params = dict(part.split("=") for part in query.split("&"))
    offers, _matches = search_offers(
        viewer,
        text=params.get("q", ""),
        competence=params.get("competence", ""),
        available_now="available_now" in params,
        own_municipality_first="own_first" in params,
    )
    names = {offer.pk: name for name, offer in catalogue.items()}

    assert [names[offer.pk] for offer in offers] == expected


def test_own_municipality_first_moves_home_up(catalogue):
    viewer = UserFactory(municipality__slug="helsingborg")
    catalogue["exact"].save()  # now the newest of the exact matches
    names = {offer.pk: name for name, offer in catalogue.items()}

    plain, _ = search_offers(viewer, text="arkivering")
    own_first, _ = search_offers(viewer, text="arkivering", own_municipality_first=True)

    assert [names[o.pk] for o in plain][:2] == ["exact", "exact_home"]
    assert [names[o.pk] for o in own_first][:2] == ["exact_home", "exact"]


def test_filters_format_and_where(catalogue):
    viewer = UserFactory()
    catalogue["text"].formats = ["workshop"]
    catalogue["text"].online = False
    catalogue["text"].save()
    catalogue["text"].on_site_municipalities.set([viewer.municipality])

    workshops, _ = search_offers(viewer, format="workshop")
    on_site, _ = search_offers(viewer, where="on_site")
    online, _ = search_offers(viewer, where="online")

    assert list(workshops) == [catalogue["text"]]
    assert list(on_site) == [catalogue["text"]]
    assert catalogue["text"] not in list(online)


def test_switched_off_offers_not_found(catalogue):
    catalogue["exact"].is_active = False
    catalogue["exact"].save()

    offers, _ = search_offers(catalogue["exact"].expert, text="arkivering")

    assert catalogue["exact"] not in list(offers)


def test_page_shows_why_it_matched(client, catalogue):
    client.force_login(UserFactory())

    html = client.get(reverse("experts:search") + "?q=arkivering").content.decode()

    assert "Arkivering" in html
    assert "Dokumenthantering" in html
    assert html.count('class="match-reasons"') == 6


def test_network_page_experts_by_overlap(requester):
    gdpr, archive, budget = (
        CompetenceFactory(label=label) for label in ("GDPR", "Arkiv", "Budget")
    )
    network = NetworkFactory()
    network.competences.set([gdpr, archive])
    both = ExpertOfferFactory(title="Båda", competences=[gdpr, archive])
    one = ExpertOfferFactory(title="En", competences=[archive, budget])
    ExpertOfferFactory(title="Ingen", competences=[budget])
    ExpertOfferFactory(title="Avstängd", competences=[gdpr], is_active=False)
    ExpertOfferFactory(title="Slutat", competences=[gdpr], expert__is_active=False)

    found = experts_for_network(requester, network)

    assert [offer.title for offer in found] == [both.title, one.title]
    assert [offer.overlap for offer in found] == [2, 1]


def test_network_page_experts_limited(requester):
    competence = CompetenceFactory(label="Upphandling")
    network = NetworkFactory()
    network.competences.set([competence])
    for _ in range(8):
        ExpertOfferFactory(competences=[competence])

    assert len(experts_for_network(requester, network, limit=6)) == 6
