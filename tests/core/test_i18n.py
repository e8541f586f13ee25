"""Swedish is the default language, and the language switch changes to English and back.

Checks of Swedish text use Django's own Swedish translations (or in_swedish for ours),
so they hold whether or not our catalogue has a msgid translated yet.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from genbo.core.collation import swedish_sort_key
from tests.factories import MeetingFactory
from tests.helpers import field_block

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def _switch_language(client, language: str, next_url: str = LOGIN_URL):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_login_page_is_swedish_by_default(client):
    response = client.get(LOGIN_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert "Lösenord" in field_block(html, "password")
    assert response["Content-Language"] == "sv"


def test_english_browser_still_gets_swedish(client):
    response = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert '<html lang="sv">' in response.content.decode()


def test_required_field_error_is_swedish(client):
    response = client.post(LOGIN_URL, {"username": "", "password": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in field_block(html, "username")
    assert "Detta fält måste fyllas i." in field_block(html, "password")


def test_switch_to_english_redirects_back(client):
    response = _switch_language(client, "en")

    assert response.status_code == 302
    assert response.url == LOGIN_URL


def test_switch_to_english_makes_pages_english(client):
    _switch_language(client, "en")

    html = client.get(LOGIN_URL).content.decode()

    assert '<html lang="en">' in html
    assert "Sign in to GENBO" in html
    assert "Password" in field_block(html, "password")


def test_english_required_field_error(client):
    _switch_language(client, "en")

    response = client.post(LOGIN_URL, {"username": "", "password": ""})

    assert "This field is required." in field_block(response.content.decode(), "username")


def test_switch_back_to_swedish(client):
    _switch_language(client, "en")
    _switch_language(client, "sv")

    html = client.get(LOGIN_URL).content.decode()

    assert '<html lang="sv">' in html


def test_unknown_language_keeps_swedish(client):
    _switch_language(client, "de")

    html = client.get(LOGIN_URL).content.decode()

    assert '<html lang="sv">' in html


def test_signed_in_start_page_in_english(client, employee):
    client.force_login(employee)
    _switch_language(client, "en", next_url="/")

    html = client.get("/").content.decode()

    assert f"Welcome, {employee.first_name}" in html


def test_meeting_date_in_swedish_format(client, member, open_network):
    starts_at = datetime(2027, 3, 28, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    meeting = MeetingFactory(
        network=open_network, starts_at=starts_at, ends_at=starts_at.replace(hour=12)
    )
    client.force_login(member)

    html = client.get(meeting.get_absolute_url()).content.decode()

    assert "söndag 28 mars 2027, 10:00" in html


def test_swedish_sort_key_puts_a_ring_before_a_umlaut():
    names = ["Örkelljunga", "Ängelholm", "Åstorp", "bjuv", "Båstad", "Bjärred"]

    assert sorted(names, key=swedish_sort_key) == [
        "bjuv",
        "Bjärred",
        "Båstad",
        "Åstorp",
        "Ängelholm",
        "Örkelljunga",
    ]
