"""Meeting invitations and reminders, sent through a real SMTP server on 127.0.0.1.

Each received message is parsed back: headers, the text and HTML parts, and the .ics
part with the icalendar library, including local times on the days Europe/Stockholm
changes between winter and summer time.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from genbo.networks import services as network_services
from genbo.networks.models import MeetingResponse
from genbo.notifications import meeting_mail, services
from genbo.notifications.models import OutboxEmail, OutboxStatus
from tests.factories import MeetingFactory
from tests.helpers import in_swedish
from tests.notifications.conftest import parts_of

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _future(days: int = 5, hour: int = 10) -> datetime:
    day = timezone.localtime(timezone.now(), STOCKHOLM).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=STOCKHOLM)


def _create(network, convener, **fields):
    starts_at = fields.pop("starts_at", _future())
    return network_services.meeting_create(
        network=network,
        by=convener,
        title=fields.pop("title", "Nätverksträff"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place="Stadshuset, sal 3",
        agenda="1. Inledning",
        **fields,
    )


def _ics_event(message):
    parts = parts_of(message)
    assert len(parts["text/calendar"]) == 1
    part = parts["text/calendar"][0]
    calendar = Calendar.from_ical(part.get_content())
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return part, calendar, events[0]


def _for(smtp, user):
    return [message for message in smtp.messages if message["To"] == user.email]


def test_invitation_reaches_each_member(
    smtp, open_network, convener, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _create(open_network, convener)

    assert sorted(message["To"] for message in smtp.messages) == sorted(
        [convener.email, member.email]
    )
    message = _for(smtp, member)[0]
    assert meeting.title in message["Subject"]
    assert message["Message-ID"].endswith("@familjen.example>")
    parts = parts_of(message)
    assert meeting.title in parts["text/plain"][0].get_content()
    assert "Stadshuset, sal 3" in parts["text/plain"][0].get_content()
    assert reverse("notifications:settings") in parts["text/plain"][0].get_content()
    assert meeting.title in parts["text/html"][0].get_content()
    assert reverse("notifications:settings") in parts["text/html"][0].get_content()


def test_invitation_ics_is_request(
    smtp, open_network, convener, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _create(open_network, convener)

    part, calendar, event = _ics_event(_for(smtp, member)[0])

    assert part.get_param("method") == "REQUEST"
    assert part.get_content_disposition() == "attachment"
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == f"{meeting.uid}@genbo"
    assert event["sequence"] == 0
    assert str(event["organizer"]) == "mailto:genbo@familjen.example"
    assert str(event["attendee"]) == f"mailto:{member.email}"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Stockholm"


def test_change_raises_sequence_same_uid(
    smtp, open_network, convener, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _create(open_network, convener)
        network_services.meeting_update(
            meeting=meeting, by=convener, starts_at=meeting.starts_at + timedelta(hours=1)
        )
        network_services.meeting_cancel(meeting=meeting, by=convener)

    received = [_ics_event(message) for message in _for(smtp, member)]
    methods = [str(calendar["method"]) for _part, calendar, _event in received]
    sequences = [event["sequence"] for _part, _calendar, event in received]
    uids = {str(event["uid"]) for _part, _calendar, event in received}
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    assert sequences == [0, 1, 2]
    assert uids == {f"{meeting.uid}@genbo"}
    assert str(received[2][2]["status"]) == "CANCELLED"
    assert received[2][0].get_param("method") == "CANCEL"


def test_edit_twice_in_one_second_sends_both(
    smtp, open_network, convener, member, django_capture_on_commit_callbacks
):
    meeting = _create(open_network, convener)

    with django_capture_on_commit_callbacks(execute=True):
        network_services.meeting_update(meeting=meeting, by=convener, title="Ny titel")
        network_services.meeting_update(meeting=meeting, by=convener, place="Rådhuset")

    sequences = [_ics_event(message)[2]["sequence"] for message in _for(smtp, member)]
    assert sequences == [1, 2]
    assert "Rådhuset" in str(_ics_event(_for(smtp, member)[-1])[2]["location"])


def test_change_of_minutes_sends_nothing(open_network, convener, member):
    meeting = _create(open_network, convener)
    before = OutboxEmail.objects.count()

    network_services.meeting_update(meeting=meeting, by=convener, minutes="Anteckningar")

    assert OutboxEmail.objects.count() == before


def test_invitations_respect_opt_out(open_network, convener, member):
    services.mail_preferences_save(user=member, meeting_invitations=False)

    _create(open_network, convener)

    assert list(OutboxEmail.objects.values_list("to_address", flat=True)) == [convener.email]


def test_closed_network_invites_members_only(closed_network, convener, member, outsider):
    _create(closed_network, convener)

    addresses = set(OutboxEmail.objects.values_list("to_address", flat=True))
    assert addresses == {convener.email, member.email}
    assert outsider.email not in addresses


def test_member_who_left_gets_nothing(smtp, closed_network, convener, member):
    _create(closed_network, convener)
    network_services.membership_leave(network=closed_network, user=member)

    statuses = {}
    for row in OutboxEmail.objects.all():
        statuses[row.to_address] = services.outbox_send(row.pk)

    assert statuses[member.email] == OutboxStatus.SKIPPED
    assert statuses[convener.email] == OutboxStatus.SENT
    assert [message["To"] for message in smtp.messages] == [convener.email]


def test_member_without_email_is_logged(open_network, convener, member, caplog):
    type(member).objects.filter(pk=member.pk).update(email="")

    _create(open_network, convener)

    assert list(OutboxEmail.objects.values_list("to_address", flat=True)) == [convener.email]
    assert f"user {member.pk} has no e-mail address" in caplog.text


def test_english_invitation_for_english_choice(open_network, convener, member):
    services.mail_preferences_save(user=member, language="en")

    _create(open_network, convener, title="Planering")

    row = OutboxEmail.objects.get(to_address=member.email)
    assert row.subject.startswith("Invitation: Planering")
    assert "Open the attached calendar file" in row.text_body


@pytest.mark.parametrize(
    ("local_start", "utc_hour"),
    [
        # Summer time starts at 02:00 on 29 March 2026: 10:00 is UTC+2.
        (datetime(2026, 3, 29, 10, 0), 8),
        # Summer time ends at 03:00 on 25 October 2026: 10:00 is UTC+1.
        (datetime(2026, 10, 25, 10, 0), 9),
        (datetime(2026, 3, 28, 10, 0), 9),
        (datetime(2026, 10, 24, 10, 0), 8),
    ],
)
def test_ics_local_time_across_dst(open_network, member, local_start, utc_hour):
    starts_at = local_start.replace(tzinfo=STOCKHOLM)
    meeting = MeetingFactory(
        network=open_network, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )

    meeting_mail.meeting_invitations_store(meeting=meeting, change="create")

    row = OutboxEmail.objects.get(to_address=member.email)
    event = Calendar.from_ical(row.ics).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    end = event.decoded("dtend")
    assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert (start.hour, start.minute) == (10, 0)
    assert (end.hour, end.minute) == (12, 0)
    assert start.astimezone(ZoneInfo("UTC")).hour == utc_hour
    assert start == starts_at


def test_reminder_for_yes_answers_tomorrow(smtp, open_network, convener, member, employee):
    tomorrow = _future(days=1, hour=9)
    meeting = MeetingFactory(network=open_network, starts_at=tomorrow, title="Frukostmöte")
    later = MeetingFactory(network=open_network, starts_at=_future(days=3))
    MeetingResponse.objects.create(meeting=meeting, user=member, answer="yes")
    MeetingResponse.objects.create(meeting=meeting, user=employee, answer="no")
    MeetingResponse.objects.create(meeting=later, user=member, answer="yes")

    stored = meeting_mail.reminders_send()
    again = meeting_mail.reminders_send()

    assert stored == 1
    assert again == 0
    row = OutboxEmail.objects.get(category="meeting.reminder")
    assert row.to_address == member.email
    assert "Frukostmöte" in row.subject
    assert in_swedish("When:") in row.text_body


def test_reminder_respects_setting(open_network, member):
    meeting = MeetingFactory(network=open_network, starts_at=_future(days=1))
    MeetingResponse.objects.create(meeting=meeting, user=member, answer="yes")
    services.mail_preferences_save(user=member, meeting_reminders=False)

    assert meeting_mail.reminders_send() == 0


def test_reminder_skips_cancelled_meeting(open_network, member):
    meeting = MeetingFactory(
        network=open_network, starts_at=_future(days=1), cancelled_at=timezone.now()
    )
    MeetingResponse.objects.create(meeting=meeting, user=member, answer="yes")

    assert meeting_mail.reminders_send() == 0
