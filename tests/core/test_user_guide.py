"""The in-app user guide: every page in both languages, its screenshots and its links."""

import re

import pytest
from django.conf import settings

from genbo.core import userguide
from tests.helpers import in_swedish, is_login_redirect

pytestmark = pytest.mark.django_db

GUIDE_STATIC = userguide.GUIDE_DIR.parent / "static" / "genbo" / "guide"
SCREENSHOT = re.compile(r"\(screenshot:([a-z0-9-]+)\)")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_page_exists_in_language(language):
    for slug in userguide.PAGE_SLUGS:
        assert (userguide.GUIDE_DIR / language / f"{slug}.md").is_file(), slug


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_named_screenshot_exists(language):
    for slug in userguide.PAGE_SLUGS:
        source = (userguide.GUIDE_DIR / language / f"{slug}.md").read_text(encoding="utf-8")
        for name in SCREENSHOT.findall(source):
            assert (GUIDE_STATIC / language / f"{name}.webp").is_file(), f"{slug}: {name}"


def test_every_page_has_title_and_screenshot_alt_text():
    for language in ("sv", "en"):
        for page in userguide.guide_pages(language):
            assert page.title, page.slug
            for alt in re.findall(r'<img src="[^"]*" alt="([^"]*)"', page.html):
                assert alt.strip(), f"{language}/{page.slug} has an image without alt text"


def test_guide_index_lists_pages_in_swedish(client, employee):
    client.force_login(employee)

    response = client.get("/guide/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kom igång" in html
    assert 'href="/guide/conveners/"' in html


def test_guide_page_shows_swedish_screenshot(client, employee):
    client.force_login(employee)

    response = client.get("/guide/networks/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Hitta och gå med i ett nätverk</h1>" in html
    assert "/static/genbo/guide/sv/network-directory.webp" in html
    assert 'rel="next"' in html


def test_guide_page_follows_chosen_language(client, employee):
    client.force_login(employee)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/guide/conveners/")

    html = response.content.decode()
    assert "<h1>What a convener does</h1>" in html
    assert "/static/genbo/guide/en/network-members.webp" in html


def test_unknown_guide_page_gets_404(client, employee):
    client.force_login(employee)

    response = client.get("/guide/finns-inte/")

    assert response.status_code == 404


def test_guide_needs_sign_in(client):
    assert is_login_redirect(client.get("/guide/"))
    assert is_login_redirect(client.get("/guide/forum/"))


def test_header_links_to_guide(client, employee):
    client.force_login(employee)

    html = client.get("/").content.decode()

    assert 'href="/guide/"' in html
    assert in_swedish("User guide") in html


def test_empty_start_page_links_to_getting_started(client, employee):
    client.force_login(employee)

    html = client.get("/").content.decode()

    assert 'href="/guide/getting-started/"' in html


def test_guide_page_runs_fixed_queries(client, employee, django_assert_num_queries):
    client.force_login(employee)

    # The session, the user, and the unread notification and chat counts in the header.
    with django_assert_num_queries(4):
        response = client.get("/guide/meetings/")

    assert response.status_code == 200
