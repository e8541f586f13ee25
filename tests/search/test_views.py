"""The search page and the header suggestions over HTTP: filters, facets, bad input."""

import threading
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from genbo.search.selectors import PAGE_SIZE
from genbo.search.services import reindex
from genbo.search.text import stem
from tests.factories import LibraryItemFactory, NetworkFactory
from tests.helpers import is_login_redirect, start_tags

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("search:search")
SUGGEST_URL = reverse("search:suggest")


def _get(client, user, **params):
    client.force_login(user)
    return client.get(SEARCH_URL, params)


def test_anonymous_visitor_is_sent_to_sign_in(client, corpus):
    assert is_login_redirect(client.get(SEARCH_URL, {"q": "förskola"}))
    assert is_login_redirect(client.get(SUGGEST_URL, {"q": "förskola"}))


def test_search_page_shows_highlighted_hits(client, corpus, employee):
    response = _get(client, employee, q="förskolan")
    assert response.status_code == 200
    page = response.context["result"]
    assert page.total == 5
    html = response.content.decode()
    assert "<mark>förskolans</mark>" in html
    assert 'href="/forum/threads/' in html


def test_search_page_without_query_shows_help(client, employee):
    response = _get(client, employee)
    assert response.status_code == 200
    assert response.context["result"].results == []


BAD_QUERIES = [
    "",
    "   ",
    "och att som",
    "x" * 5000,
    "förskola " * 600,
    '"förskola',
    "förskola*",
    "(förskola",
    "förskola NEAR upphandling",
    "-förskola",
    "title:förskola",
    "förskola OR 1=1",
    "'; DROP TABLE search_searchdocument; --",
    "%' OR '1'='1",
    "förskola 🙂🏫",
    "🙂",
    "\x00förskola",
    "a & b | !c",
    "förskola:*",
    "{title}: förskola",
    "\\",
    "ö",
]


@pytest.mark.parametrize("text", BAD_QUERIES)
def test_bad_query_gives_a_page(client, corpus, employee, text):
    response = _get(client, employee, q=text)
    assert response.status_code == 200


def test_syntax_characters_are_ignored(client, corpus, employee):
    plain = _get(client, employee, q="förskola").context["result"].total
    for text in ['"förskola', "förskola*", "(förskola)", "-förskola", "förskola:*", "^förskola"]:
        assert _get(client, employee, q=text).context["result"].total == plain, text


def test_only_stop_words_are_explained(client, corpus, employee):
    response = _get(client, employee, q="och att som")
    assert response.context["query"].only_stop_words
    assert "och" in response.content.decode()
    assert response.context["result"].total == 0


def test_long_query_uses_its_start(client, corpus, employee):
    response = _get(client, employee, q="förskola " * 1000)
    assert response.context["query"].truncated
    assert len(response.context["query"].text) <= 200
    assert response.context["result"].total > 0


def test_long_query_drops_cut_word(client, corpus, employee):
    # 23 words of 9 characters: the limit of 200 falls inside the 23rd word, after "fö".
    long = _get(client, employee, q="förskola " * 23).context
    short = _get(client, employee, q="förskola").context
    assert long["query"].truncated
    assert long["query"].text.endswith(" förskola")
    assert [term.word for term in long["query"].terms] == ["förskola"]
    assert long["result"].total == short["result"].total


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("municipality", "atlantis"),
        ("competence", "999999"),
        ("competence", "inte-ett-tal"),
        ("network", "finns-inte"),
        ("kind", "dinosaur"),
        ("date_from", "2026-13-45"),
        ("date_to", "igår"),
        ("date_from", "0001-01-01"),
        ("date_to", "9999-12-31"),
        ("page", "-3"),
        ("page", "sista"),
    ],
)
def test_unknown_filter_value_is_reported_and_dropped(client, corpus, employee, name, value):
    response = _get(client, employee, q="förskola", **{name: value})
    assert response.status_code == 200
    assert name in response.context["form"].errors
    assert response.context["result"].total == 5


def test_end_date_before_start_date_is_reported(client, corpus, employee):
    response = _get(client, employee, q="förskola", date_from="2026-05-01", date_to="2026-04-01")
    assert "date_to" in response.context["form"].errors
    assert response.context["form"].unused_filters() == ["Till och med datum"]


def test_dropped_filters_are_listed_with_hits(client, corpus, employee):
    response = _get(client, employee, q="förskola", date_from="2026-13-45", municipality="atlantis")
    assert response.context["result"].total == 5
    assert response.context["form"].unused_filters() == ["Kommun", "Från och med datum"]
    html = response.content.decode()
    notice = html[html.index('id="unused-filters"') :]
    assert "Kommun, Från och med datum" in notice[: notice.index("</p>")]


def test_unknown_filter_without_words_is_reported(client, corpus, employee):
    response = _get(client, employee, network="finns-inte")
    html = response.content.decode()
    notice = html[html.index('id="unused-filters"') :]
    assert "Nätverk" in notice[: notice.index("</p>")]


def test_page_past_the_last_shows_the_last(client, employee):
    for number in range(2 * PAGE_SIZE + 5):
        LibraryItemFactory(title=f"Sidbyte {number}")
    reindex()

    for page in ("4", "50", "51", "999", "10000000000000000000000"):
        response = _get(client, employee, q="sidbyte", page=page)
        assert response.status_code == 200
        assert response.context["result"].page == 3, page
        assert "page" not in response.context["form"].errors


def test_valid_filters_show_no_notice(client, corpus, employee):
    response = _get(client, employee, q="förskola", date_from="2026-01-01")
    assert 'id="unused-filters"' not in response.content.decode()


def test_kind_filter_keeps_the_other_kind_counts(client, corpus, employee):
    response = _get(client, employee, q="förskola", kind="person")
    page = response.context["result"]
    assert page.total == 1
    counts = {value.value: value.count for value in page.kind_facet}
    assert counts["person"] == 1
    assert counts["thread"] == 1
    assert counts["meeting"] == 1


def test_municipality_filter_and_facet(client, corpus, employee):
    response = _get(client, employee, q="förskola", municipality="landskrona")
    page = response.context["result"]
    assert [hit.kind for hit in page.results] == ["person"]
    municipalities = {value.value: value.count for value in page.municipality_facet}
    assert municipalities["landskrona"] == 1
    assert any(value.selected for value in page.municipality_facet)


def test_competence_filter_alone_lists_tagged_content(client, corpus, employee):
    procurement = corpus.procurement
    response = _get(client, employee, competence=procurement.pk)
    page = response.context["result"]
    kinds = sorted(hit.kind for hit in page.results)
    assert kinds == ["offer", "person"]


def test_network_filter(client, corpus, employee):
    response = _get(client, employee, q="utemiljö", network="forskola")
    assert response.context["result"].total == 1
    response = _get(client, employee, q="utemiljö", network="kommunikation")
    assert response.context["result"].total == 0


def test_date_range_filter(client, corpus, employee):
    soon = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = _get(client, employee, q="utemiljö", date_from=soon, date_to=soon)
    assert response.context["result"].total == 1
    earlier = (timezone.localdate() - timedelta(days=30)).isoformat()
    response = _get(client, employee, q="utemiljö", date_to=earlier)
    assert response.context["result"].total == 0


def test_pagination(client, employee):
    for number in range(PAGE_SIZE + 5):
        LibraryItemFactory(title=f"Blankett {number}", description="Om blanketter.")
    reindex()
    first = _get(client, employee, q="blankett").context["result"]
    assert first.total == PAGE_SIZE + 5
    assert len(first.results) == PAGE_SIZE
    assert first.page_count == 2
    second = _get(client, employee, q="blankett", page=2).context["result"]
    assert len(second.results) == 5
    # A page past the end shows the last page.
    beyond = _get(client, employee, q="blankett", page=40).context["result"]
    assert beyond.page == 2


def test_stored_html_is_escaped_in_title_and_snippet(client, employee):
    LibraryItemFactory(
        title='<script>alert("x")</script> Blankett',
        description="<img src=x onerror=alert(1)> blankett <b>fet</b>",
    )
    reindex()
    html = _get(client, employee, q="blankett").content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>Blankett</mark>" in html


def test_search_hits_without_bidi_controls(client, employee):
    LibraryItemFactory(
        title="Blankett \u202efel\u202c",
        description="En \u2066blankett\u2069 för ansökan. \u202eOm bygglov.",
    )
    reindex()

    html = _get(client, employee, q="blankett").content.decode()

    for control in ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"):
        assert control not in html
    assert "<mark>Blankett</mark> fel" in html
    assert "En <mark>blankett</mark> för ansökan. Om bygglov." in html


def test_suggestions_list_people_networks_and_competences(client, corpus, employee):
    client.force_login(employee)
    response = client.get(SUGGEST_URL, {"q": "kristof"})
    assert response.status_code == 200
    found = response.context["found"]
    assert [str(person["title"]) for person in found.people] == [
        "<mark>Kristoffer</mark> Lindqvist"
    ]
    response = client.get(SUGGEST_URL, {"q": "kommunikation"})
    assert [network["url"] for network in response.context["found"].networks] == [
        "/networks/kommunikation/"
    ]
    response = client.get(SUGGEST_URL, {"q": "klarspr"})
    assert [c.label for c in response.context["found"].competences] == ["Klarspråk"]


def test_suggestions_keep_word_being_typed(client, corpus, employee):
    # "för" is a stop word, but while typing it is the start of "förskolenätverket".
    client.force_login(employee)
    response = client.get(SUGGEST_URL, {"q": "för"})
    networks = [network["url"] for network in response.context["found"].networks]
    assert "/networks/forskola/" in networks


@pytest.mark.parametrize("text", ["", "och", '"*(', "x" * 5000, "🙂"])
def test_suggestions_take_bad_input(client, corpus, employee, text):
    client.force_login(employee)
    response = client.get(SUGGEST_URL, {"q": text})
    assert response.status_code == 200


def test_network_typo_is_found(client, employee):
    NetworkFactory(name="Ekonominätverket", slug="ekonomi")
    reindex()
    page = _get(client, employee, q="Ekonomnätverket").context["result"]
    assert [str(hit.title) for hit in page.results] == ["Ekonominätverket"]


def test_stemming_is_safe_across_threads():
    # Views run in a thread pool under ASGI; a shared stemmer garbled words there.
    words = ["förskolan", "upphandlingen", "nätverket", "arbetsmiljö", "kommunerna"] * 400
    expected = [stem(word) for word in words]
    results = []

    def stem_all():
        results.append([stem(word) for word in words])

    threads = [threading.Thread(target=stem_all) for _index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 8
    assert all(result == expected for result in results)


def test_header_announces_only_suggestion_count(client, employee):
    # A live region around the list made screen readers read every suggestion again
    # on each keystroke, so a separate status region gets only the count.
    client.force_login(employee)
    tags = dict(
        (attrs.get("id"), attrs)
        for _tag, attrs in start_tags(client.get(reverse("core:home")).content.decode())
        if attrs.get("id")
    )
    assert "aria-live" not in tags["site-search-suggestions"]
    assert tags["site-search-status"]["role"] == "status"


def test_suggestions_send_count_to_status(client, corpus, employee):
    client.force_login(employee)
    html = client.get(SUGGEST_URL, {"q": "kristof"}).content.decode()
    status = [attrs for _tag, attrs in start_tags(html) if attrs.get("id") == "site-search-status"]
    assert status == [{"id": "site-search-status", "hx-swap-oob": "innerHTML"}]
    assert 'hx-swap-oob="innerHTML">1 förslag</p>' in html


def test_one_long_word_says_nothing_searched(client, corpus, employee):
    html = _get(client, employee, q="a" * 300).content.decode()

    assert "så inget söktes" in html
    assert "bara början" not in html
