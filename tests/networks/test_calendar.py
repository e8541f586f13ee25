"""The .ics file of a meeting, parsed back with the icalendar library."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from genbo.networks import services
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _ics_url(meeting) -> str:
    return reverse("networks:meeting_ics", args=[meeting.network.slug, meeting.pk])


def _download(client, meeting) -> Calendar:
    response = client.get(_ics_url(meeting))
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def _only_event(calendar: Calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


@pytest.fixture
def signed_in_member(client, member):
    client.force_login(member)
    return client


def test_ics_is_calendar_attachment(signed_in_member, open_meeting):
    response = signed_in_member.get(_ics_url(open_meeting))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.ics"')


def test_ics_has_one_event_with_meeting_details(signed_in_member, open_meeting):
    event = _only_event(_download(signed_in_member, open_meeting))

    assert str(event["summary"]) == f"{open_meeting.title} – {open_meeting.network.name}"
    assert str(event["location"]) == open_meeting.place
    assert open_meeting.agenda in str(event["description"])
    assert str(event["url"]).endswith(open_meeting.get_absolute_url())
    assert str(event["status"]) == "CONFIRMED"
    assert event["sequence"] == 0


def test_ics_uid_is_stable_across_changes(signed_in_member, convener, open_meeting):
    before = _only_event(_download(signed_in_member, open_meeting))

    services.meeting_update(meeting=open_meeting, by=convener, title="Flyttad träff")
    after_edit = _only_event(_download(signed_in_member, open_meeting))
    services.meeting_cancel(meeting=open_meeting, by=convener)
    after_cancel = _only_event(_download(signed_in_member, open_meeting))

    assert str(before["uid"]) == f"{open_meeting.uid}@genbo"
    assert str(after_edit["uid"]) == str(before["uid"])
    assert str(after_cancel["uid"]) == str(before["uid"])


def test_ics_sequence_rises_after_edit(signed_in_member, convener, open_meeting):
    services.meeting_update(
        meeting=open_meeting, by=convener, starts_at=open_meeting.starts_at + timedelta(hours=1)
    )

    event = _only_event(_download(signed_in_member, open_meeting))

    assert event["sequence"] == 1


def test_ics_cancelled_meeting_has_status_cancelled(signed_in_member, convener, open_meeting):
    services.meeting_cancel(meeting=open_meeting, by=convener)

    event = _only_event(_download(signed_in_member, open_meeting))

    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == 1


def test_ics_has_stockholm_timezone(signed_in_member, open_meeting):
    calendar = _download(signed_in_member, open_meeting)

    timezones = calendar.walk("VTIMEZONE")
    event = _only_event(calendar)
    assert [str(zone["tzid"]) for zone in timezones] == ["Europe/Stockholm"]
    assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
    # icalendar's own comment on the zone's range is English; the file carries none.
    assert "COMMENT" not in timezones[0]


# 10:00 in Stockholm on the days daylight saving time starts and ends in 2027.
# On 28 March the clocks go from 02:00 CET to 03:00 CEST (UTC+2), so 10:00 is 08:00 UTC.
# On 31 October they go back from 03:00 CEST to 02:00 CET (UTC+1), so 10:00 is 09:00 UTC.
DST_DAYS = [
    pytest.param(datetime(2027, 3, 28, 10, 0), datetime(2027, 3, 28, 8, 0), id="dst-starts"),
    pytest.param(datetime(2027, 10, 31, 10, 0), datetime(2027, 10, 31, 9, 0), id="dst-ends"),
]


@pytest.mark.parametrize(("local_start", "utc_start"), DST_DAYS)
def test_ics_start_on_dst_day_is_local_time(signed_in_member, open_network, local_start, utc_start):
    starts_at = local_start.replace(tzinfo=STOCKHOLM)
    meeting = MeetingFactory(
        network=open_network, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )

    event = _only_event(_download(signed_in_member, meeting))
    start = event.decoded("dtstart")
    end = event.decoded("dtend")

    assert start.replace(tzinfo=None) == local_start
    assert start.tzinfo.key == "Europe/Stockholm"
    assert start.astimezone(UTC) == utc_start.replace(tzinfo=UTC)
    assert end.astimezone(UTC) == utc_start.replace(tzinfo=UTC) + timedelta(hours=2)


@pytest.mark.parametrize(("local_start", "utc_start"), DST_DAYS)
def test_ics_vtimezone_converts_dst_day_correctly(
    signed_in_member, open_network, local_start, utc_start
):
    # A calendar client uses the VTIMEZONE in the file, not its own time zone database.
    starts_at = local_start.replace(tzinfo=STOCKHOLM)
    meeting = MeetingFactory(
        network=open_network, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
    )

    calendar = _download(signed_in_member, meeting)
    zone_from_file = calendar.walk("VTIMEZONE")[0].to_tz()

    assert local_start.replace(tzinfo=zone_from_file).astimezone(UTC) == utc_start.replace(
        tzinfo=UTC
    )
