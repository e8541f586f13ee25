"""iCalendar (RFC 5545) output for meetings."""

from datetime import date

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vText

from genbo.networks.models import Meeting

PRODUCT_ID = "-//Familjen Helsingborg//GENBO//SV"


def meeting_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@genbo"


def meeting_event(meeting: Meeting, *, url: str = "") -> Event:
    zone = timezone.get_default_timezone()
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", timezone.localtime(meeting.starts_at, zone))
    event.add("dtend", timezone.localtime(meeting.ends_at, zone))
    event.add("summary", f"{meeting.title} – {meeting.network.name}")
    location = ", ".join(part for part in (meeting.place, meeting.online_url) if part)
    if location:
        event.add("location", vText(location))
    description = "\n\n".join(part for part in (meeting.agenda, url) if part)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def meetings_calendar(meetings, *, method: str = "PUBLISH", url_for=None) -> bytes:
    """Return an iCalendar file with one VEVENT per meeting and the Europe/Stockholm VTIMEZONE."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, url=url_for(meeting) if url_for else ""))
    # The VTIMEZONE must cover every meeting; icalendar's default range ends in 2038.
    calendar.add_missing_timezones(last_date=date(2101, 1, 1))
    return calendar.to_ical()
