"""Calendar feeds: secret tokens, access, RFC 5545 content, caching and query counts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from genbo.calendars import services
from genbo.calendars.models import CalendarToken
from genbo.networks import services as network_services
from tests.factories import BorrowRequestFactory, ExpertOfferFactory, MeetingFactory, NetworkFactory
from tests.helpers import is_login_redirect

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _user_url(user) -> str:
    return reverse("calendars:user_feed", args=[services.token_for(user).token])


def _network_url(user, network) -> str:
    return reverse("calendars:network_feed", args=[services.token_for(user).token, network.slug])


def _events(response) -> dict[str, object]:
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]).split(" – ")[0]: event for event in calendar.walk("VEVENT")}


def test_user_feed_without_session(client, member, open_meeting, closed_meeting):
    response = client.get(_user_url(member))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"].startswith("private")
    events = _events(response)
    assert set(events) == {open_meeting.title, closed_meeting.title}
    assert str(events[open_meeting.title]["uid"]) == f"{open_meeting.uid}@genbo"


def test_feed_is_valid_rfc5545(client, member, open_meeting):
    calendar = Calendar.from_ical(client.get(_user_url(member)).content)

    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]).startswith("-//Familjen Helsingborg//GENBO")
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Stockholm"
    event = calendar.walk("VEVENT")[0]
    for name in ("uid", "dtstamp", "dtstart", "dtend", "sequence", "summary"):
        assert name.upper() in event


@pytest.mark.parametrize("token", ["wrong", "x" * 43, "a%00b", "-" * 200])
def test_wrong_token_is_404(client, member, token):
    services.token_for(member)

    response = client.get(f"/calendar/{token}.ics")

    assert response.status_code == 404


def test_renewed_token_old_url_404(client, member, open_meeting):
    old_url = _user_url(member)
    old_network_url = _network_url(member, open_meeting.network)

    services.token_renew(user=member)

    assert client.get(old_url).status_code == 404
    assert client.get(old_network_url).status_code == 404
    assert client.get(_user_url(member)).status_code == 200


def test_inactive_user_feed_404(client, member):
    url = _user_url(member)
    type(member).objects.filter(pk=member.pk).update(is_active=False)

    assert client.get(url).status_code == 404


def test_closed_network_feed_members_only(client, member, outsider, closed_meeting):
    network = closed_meeting.network

    member_events = _events(client.get(_network_url(member, network)))
    outsider_response = client.get(_network_url(outsider, network))

    assert set(member_events) == {closed_meeting.title}
    assert outsider_response.status_code == 404


def test_leaving_closes_network_feed(client, member, closed_meeting):
    network = closed_meeting.network
    url = _network_url(member, network)
    user_url = _user_url(member)
    assert client.get(url).status_code == 200
    assert closed_meeting.title in _events(client.get(user_url))

    network_services.membership_leave(network=network, user=member)

    assert client.get(url).status_code == 404
    assert closed_meeting.title not in _events(client.get(user_url))


def test_open_network_feed_for_everyone(client, employee, open_meeting):
    events = _events(client.get(_network_url(employee, open_meeting.network)))

    assert set(events) == {open_meeting.title}


def test_unknown_network_feed_404(client, member):
    assert (
        client.get(_network_url(member, NetworkFactory.build(slug="finns-inte"))).status_code == 404
    )


def test_feed_follows_changes(
    client, member, convener, open_meeting, django_capture_on_commit_callbacks
):
    url = _user_url(member)
    before = _events(client.get(url))[open_meeting.title]

    with django_capture_on_commit_callbacks(execute=True):
        network_services.meeting_cancel(meeting=open_meeting, by=convener)
    after = _events(client.get(url))[open_meeting.title]

    assert str(after["uid"]) == str(before["uid"])
    assert after["sequence"] == before["sequence"] + 1
    assert str(after["status"]) == "CANCELLED"


def test_etag_gives_not_modified(client, member, open_meeting):
    url = _user_url(member)
    first = client.get(url)

    second = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert first["ETag"]
    assert first["Last-Modified"]
    assert second.status_code == 304
    assert second.content == b""


def test_compressed_feed_gives_not_modified(client, member, open_meeting):
    url = _user_url(member)
    first = client.get(url, headers={"Accept-Encoding": "gzip"})

    second = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first["ETag"]})

    assert first["Content-Encoding"] == "gzip"
    assert second.status_code == 304
    assert second["ETag"] == first["ETag"]
    assert "Accept-Encoding" in second["Vary"]


def test_strong_form_of_etag_matches(client, member, open_meeting):
    url = _user_url(member)
    first = client.get(url)
    strong = first["ETag"].removeprefix("W/")

    second = client.get(url, headers={"If-None-Match": f'"other", {strong}'})

    assert second.status_code == 304


def test_other_etag_gives_whole_feed(client, member, open_meeting):
    url = _user_url(member)

    response = client.get(url, headers={"If-None-Match": '"other"'})

    assert response.status_code == 200


def test_cached_feed_costs_two_queries(
    client, member, open_meeting, closed_meeting, django_assert_num_queries
):
    url = _user_url(member)
    network_url = _network_url(member, closed_meeting.network)
    client.get(url)
    client.get(network_url)

    # The token with its user, then the member's network ids (or the network).
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(network_url).status_code == 200


def test_uncached_feed_queries_fixed(
    client, member, convener, open_network, django_assert_num_queries
):
    def measure() -> int:
        from django.core.cache import cache

        cache.clear()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(_user_url(member)).status_code == 200
        return len(queries)

    services.token_for(member)
    MeetingFactory(network=open_network)
    small = measure()
    for _index in range(10):
        MeetingFactory(network=open_network)
        MeetingFactory(network=NetworkFactory())
    large = measure()

    assert small == large


def test_confirmed_expert_visit_in_feed(client, member):
    offer = ExpertOfferFactory(title="GDPR för chefer")
    visit = BorrowRequestFactory(offer=offer, requester=member, state="confirmed", format="lecture")
    BorrowRequestFactory(requester=member, state="requested", format="lecture")

    calendar = Calendar.from_ical(client.get(_user_url(member)).content)
    expert_calendar = Calendar.from_ical(client.get(_user_url(offer.expert)).content)

    uids = [str(event["uid"]) for event in calendar.walk("VEVENT")]
    assert uids == [f"borrow-{visit.uid}@genbo"]
    assert [str(event["uid"]) for event in expert_calendar.walk("VEVENT")] == uids


@pytest.mark.parametrize(
    ("local_start", "utc_hour"),
    [
        (datetime(2026, 10, 25, 9, 0), 8),
        (datetime(2027, 3, 28, 9, 0), 7),
        (datetime(2027, 3, 27, 9, 0), 8),
        (datetime(2027, 10, 31, 9, 0), 8),
    ],
)
def test_feed_local_times_across_dst(client, member, open_network, local_start, utc_hour):
    starts_at = local_start.replace(tzinfo=STOCKHOLM)
    meeting = MeetingFactory(
        network=open_network, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
    )

    event = _events(client.get(_user_url(member)))[meeting.title]

    start = event.decoded("dtstart")
    assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert (start.hour, start.minute) == (9, 0)
    assert start.astimezone(ZoneInfo("UTC")).hour == utc_hour


def test_old_meetings_left_out(client, member, open_network):
    old = MeetingFactory(network=open_network, starts_at=timezone.now() - timedelta(days=200))

    assert old.title not in _events(client.get(_user_url(member)))


def test_renew_asks_first(client, member):
    client.force_login(member)
    token = services.token_for(member).token

    page = client.get(reverse("calendars:renew"))
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert CalendarToken.objects.get(user=member).token == token

    response = client.post(reverse("calendars:renew"))
    assert response.url == reverse("notifications:settings")
    assert CalendarToken.objects.get(user=member).token != token


def test_renew_needs_sign_in(client):
    assert is_login_redirect(client.post(reverse("calendars:renew")))


def test_settings_page_shows_addresses(client, member, closed_network):
    client.force_login(member)

    html = client.get(reverse("notifications:settings")).content.decode()

    token = CalendarToken.objects.get(user=member).token
    assert f"/calendar/{token}.ics" in html
    assert f"/calendar/{token}/network/{closed_network.slug}.ics" in html
    assert "data-copy-target" in html
    assert reverse("calendars:renew") in html


def test_token_long_and_unique(member, employee):
    first = services.token_for(member).token
    second = services.token_for(employee).token

    assert len(first) >= 43
    assert first != second


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", "login"), ("employee", 200), ("member", 200), ("outsider", 200), ("staff", 200)],
)
def test_renew_page_by_role(client, request, persona, expected):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("calendars:renew"))

    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected
