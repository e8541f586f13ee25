"""The favicon: linked from every page, served by WhiteNoise, and found at /favicon.ico."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

SIGN_IN_URL = "/accounts/login/"
ICON_LINK = re.compile(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">')


def test_pages_link_the_svg_icon(client):
    html = client.get(SIGN_IN_URL).content.decode()
    assert ICON_LINK.search(html).group(1) == "/static/genbo/favicon.svg"


def test_favicon_ico_redirects_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/genbo/favicon.svg"
    assert response["Cache-Control"] == "public, max-age=86400"

    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)


def test_head_request_for_favicon_ico_redirects(client):
    response = client.head("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/genbo/favicon.svg"


def test_collected_icon_is_cached_for_long(settings, tmp_path):
    # As in production: collectstatic names the files after their content, and
    # WhiteNoise serves those names as immutable.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.WHITENOISE_USE_FINDERS = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "genbo.core.storage.StaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    # A new client loads the middleware again, so WhiteNoise reads the collected files.
    client = Client()

    html = client.get(SIGN_IN_URL).content.decode()
    icon_url = ICON_LINK.search(html).group(1)
    assert re.fullmatch(r"/static/genbo/favicon\.[0-9a-f]{12}\.svg", icon_url)
    assert client.get("/favicon.ico")["Location"] == icon_url

    icon = client.get(icon_url)
    assert icon.status_code == 200
    assert "immutable" in icon["Cache-Control"]
    assert "max-age=315360000" in icon["Cache-Control"]
