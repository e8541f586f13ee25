"""iCalendar (RFC 5545) output for meetings."""

from datetime import date

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

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


def empty_calendar(*, method: str = "PUBLISH", name: str = "") -> Calendar:
    """Return a VCALENDAR with GENBO's header; `name` is what subscribing programs show."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def meetings_calendar(meetings, *, method: str = "PUBLISH", url_for=None) -> bytes:
    """Return an iCalendar file with one VEVENT per meeting and the Europe/Stockholm VTIMEZONE."""
    calendar = empty_calendar(method=method)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, url=url_for(meeting) if url_for else ""))
    add_time_zone(calendar)
    return calendar.to_ical()


def add_time_zone(calendar: Calendar) -> None:
    """Add the VTIMEZONE of Europe/Stockholm, covering the years of the calendar's events.

    icalendar's default range ends in 2038 and adds an English COMMENT, which calendar
    programs may show, so the range follows the events and the comment is left out.
    """
    starts = [event.decoded("dtstart") for event in calendar.walk("VEVENT")]
    ends = [event.decoded("dtend") for event in calendar.walk("VEVENT")]
    first_year = min((moment.year for moment in starts), default=timezone.now().year) - 1
    last_year = max((moment.year for moment in ends), default=timezone.now().year) + 2
    calendar.add_missing_timezones(
        first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1)
    )
    for zone in calendar.walk("VTIMEZONE"):
        zone.pop("COMMENT", None)


def meeting_invitation(
    meeting: Meeting, *, method: str, organizer_email: str, attendee_email: str, url: str = ""
) -> bytes:
    """Return an iTIP (RFC 5546) invitation: METHOD:REQUEST, or METHOD:CANCEL for a cancel.

    Outlook offers to add or update an event only when the file names an ORGANIZER and
    the recipient as ATTENDEE. RSVP is FALSE because answers are given in GENBO.
    """
    event = meeting_event(meeting, url=url)
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText("GENBO")
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["rsvp"] = vText("FALSE")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee)
    calendar = empty_calendar(method=method)
    calendar.add_component(event)
    add_time_zone(calendar)
    return calendar.to_ical()
