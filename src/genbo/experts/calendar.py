"""iCalendar (RFC 5545) output for confirmed lectures and workshops."""

from django.utils import timezone
from icalendar import Event

from genbo.experts.models import BorrowRequest
from genbo.networks.calendar import add_time_zone, empty_calendar


def request_uid(borrow_request: BorrowRequest) -> str:
    return f"borrow-{borrow_request.uid}@genbo"


def request_calendar(borrow_request: BorrowRequest, *, url: str = "") -> bytes:
    """Return an iCalendar file with one VEVENT; SEQUENCE rises when the time changes."""
    calendar = empty_calendar()
    calendar.add_component(request_event(borrow_request, url=url))
    add_time_zone(calendar)
    return calendar.to_ical()


def request_event(borrow_request: BorrowRequest, *, url: str = "") -> Event:
    zone = timezone.get_default_timezone()
    event = Event()
    event.add("uid", request_uid(borrow_request))
    event.add("sequence", borrow_request.sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", borrow_request.updated_at)
    event.add("dtstart", timezone.localtime(borrow_request.proposed_start, zone))
    event.add("dtend", timezone.localtime(borrow_request.proposed_end, zone))
    expert = borrow_request.offer.expert.get_full_name()
    kind = borrow_request.get_format_display().capitalize()
    event.add("summary", f"{kind}: {borrow_request.offer.title} – {expert}")
    description = "\n\n".join(part for part in (borrow_request.purpose, url) if part)
    event.add("description", description)
    if url:
        event.add("url", url)
    event.add("status", "CONFIRMED")
    return event
