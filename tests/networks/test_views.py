"""Pages of networks and meetings with good and bad input.

Bad input must re-render the form with status 200, the error next to its field and the
typed values kept. Swedish is the default language, so Django's own messages are checked
in Swedish. Messages of our own are looked up through the catalogue (see in_swedish).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from genbo.core.names import INVISIBLE_NAME_ERROR
from genbo.networks.models import Meeting, MeetingResponse, Membership, Network
from tests.factories import CompetenceFactory, MeetingFactory, NetworkFactory, UserFactory
from tests.helpers import field_block, in_swedish, start_tags

pytestmark = pytest.mark.django_db

REQUIRED = "Detta fält måste fyllas i."
INPUT_FORMAT = "%Y-%m-%dT%H:%M"
SCRIPT = '<script>alert("genbo")</script>'


def _local_input(delta: timedelta, *, hour: int = 10) -> str:
    """Return a datetime-local input value `delta` from now, at `hour`:00 Swedish time."""
    moment = timezone.localtime(timezone.now() + delta).replace(hour=hour, minute=0)
    return moment.strftime(INPUT_FORMAT)


def _network_data(**changes) -> dict:
    data = {
        "name": "Nätverket för digital utveckling",
        "slug": "digital-utveckling",
        "purpose": "Vi delar erfarenheter av digitalisering.",
        "description": "Vi ses en gång i månaden.",
        "access": "open",
        "competences": "Digitalisering, Projektledning",
        "contact_email": "",
        "meeting_rhythm": "",
    }
    data.update(changes)
    return data


def _meeting_data(**changes) -> dict:
    data = {
        "title": "Höstträffen",
        "starts_at": _local_input(timedelta(days=30), hour=10),
        "ends_at": _local_input(timedelta(days=30), hour=12),
        "place": "Rådhuset, Landskrona",
        "online_url": "",
        "agenda": "1. Välkommen",
    }
    data.update(changes)
    return data


def _user_script_tags(html: str) -> list[dict]:
    """Script elements other than the page's own static scripts (htmx and genbo.js)."""
    return [
        attrs
        for tag, attrs in start_tags(html)
        if tag == "script" and not (attrs.get("src") or "").startswith("/static/genbo/")
    ]


def _event_handler_attributes(html: str) -> list[str]:
    return [name for _tag, attrs in start_tags(html) for name in attrs if name.startswith("on")]


@pytest.fixture
def as_employee(client, employee):
    client.force_login(employee)
    return client


@pytest.fixture
def as_convener(client, convener):
    client.force_login(convener)
    return client


# Creating and editing networks


def test_network_create_makes_network_and_redirects(as_employee, employee):
    response = as_employee.post(reverse("networks:create"), _network_data())

    network = Network.objects.get(slug="digital-utveckling")
    assert response.status_code == 302
    assert response.url == network.get_absolute_url()
    assert network.memberships.get(user=employee).role == Membership.Role.CONVENER
    assert sorted(c.label for c in network.competences.all()) == [
        "Digitalisering",
        "Projektledning",
    ]


def test_network_create_without_name_shows_required(as_employee):
    response = as_employee.post(reverse("networks:create"), _network_data(name=""))

    html = response.content.decode()
    assert response.status_code == 200
    assert REQUIRED in field_block(html, "name")
    assert 'value="Vi delar erfarenheter av digitalisering."' in field_block(html, "purpose")
    assert Network.objects.exists() is False


def test_network_create_with_taken_slug_is_rejected(as_employee, open_network):
    data = _network_data(slug=open_network.slug)

    response = as_employee.post(reverse("networks:create"), data)

    html = response.content.decode()
    message = "Another network already uses the address “%(slug)s”. Choose another one."
    assert response.status_code == 200
    assert in_swedish(message, escape_html=True, slug=open_network.slug) in field_block(
        html, "slug"
    )
    assert f'value="{data["name"]}"' in field_block(html, "name")
    assert Network.objects.count() == 1


@pytest.mark.parametrize("slug", ["new", "NEW"])
def test_network_create_with_reserved_slug_is_rejected(as_employee, slug):
    response = as_employee.post(reverse("networks:create"), _network_data(slug=slug))

    html = response.content.decode()
    message = "The address “%(slug)s” is reserved. Choose another one."
    assert response.status_code == 200
    assert in_swedish(message, escape_html=True, slug="new") in field_block(html, "slug")
    assert Network.objects.exists() is False


def test_network_create_with_overlong_competence_is_rejected(as_employee):
    label = "k" * 500

    response = as_employee.post(
        reverse("networks:create"), _network_data(competences=f"Ledarskap, {label}")
    )

    html = response.content.decode()
    message = "A competence can be at most %(limit)d characters long: “%(start)s…”."
    expected = in_swedish(message, escape_html=True, limit=120, start=label[:30])
    assert response.status_code == 200
    assert expected in field_block(html, "competences")
    assert f"Ledarskap, {label}" in field_block(html, "competences")
    assert Network.objects.exists() is False


def test_network_create_with_markup_in_competence_is_rejected(as_employee):
    response = as_employee.post(
        reverse("networks:create"), _network_data(competences="<b>Fetstil</b>")
    )

    html = response.content.decode()
    message = "A competence cannot contain the characters < or >: “%(label)s”."
    assert response.status_code == 200
    assert in_swedish(message, escape_html=True, label="<b>Fetstil</b>") in field_block(
        html, "competences"
    )
    assert _user_script_tags(html) == []


def test_network_texts_with_script_are_stored_and_escaped(as_employee):
    data = _network_data(
        name=f"Nätverk {SCRIPT}",
        purpose=f"Syfte {SCRIPT}",
        description=(
            f"# Rubrik\n\n{SCRIPT}\n\n<img src=x onerror=alert(1)>\n\n[klick](javascript:alert(2))"
        ),
        meeting_rhythm="<b onmouseover=alert(3)>varje vecka</b>",
    )

    as_employee.post(reverse("networks:create"), data)
    network = Network.objects.get(slug="digital-utveckling")
    html = as_employee.get(network.get_absolute_url()).content.decode()

    assert network.name == data["name"]
    assert network.description == data["description"]
    assert _user_script_tags(html) == []
    assert _event_handler_attributes(html) == []
    assert [
        attrs["href"]
        for tag, attrs in start_tags(html)
        if tag == "a" and (attrs.get("href") or "").startswith("javascript:")
    ] == []
    assert "&lt;script&gt;alert(&quot;genbo&quot;)&lt;/script&gt;" in html


def test_network_texts_with_script_are_escaped_in_directory(as_employee, employee):
    NetworkFactory(name=f"Nätverk {SCRIPT}", purpose=f"Syfte {SCRIPT}")

    html = as_employee.get(reverse("networks:directory")).content.decode()

    assert _user_script_tags(html) == []
    assert "&lt;script&gt;" in html


def test_network_create_removes_bidi_controls(as_employee):
    data = _network_data(
        purpose="Vi delar \u202eerfarenheter\u202c.",
        description="Vi ses \u2066en gång\u2069 i månaden.\u202e",
    )

    response = as_employee.post(reverse("networks:create"), data)

    network = Network.objects.get(slug="digital-utveckling")
    assert response.status_code == 302
    assert network.purpose == "Vi delar erfarenheter."
    assert network.description == "Vi ses en gång i månaden."


def test_network_create_bidi_only_purpose_required(as_employee):
    response = as_employee.post(reverse("networks:create"), _network_data(purpose="\u202e"))

    assert response.status_code == 200
    assert not Network.objects.exists()
    assert REQUIRED in field_block(response.content.decode(), "purpose")


def test_network_create_rejects_invisible_name(as_employee):
    response = as_employee.post(
        reverse("networks:create"), _network_data(name="\ufeff\u200b", slug="")
    )

    assert response.status_code == 200
    assert not Network.objects.exists()
    error = in_swedish(INVISIBLE_NAME_ERROR, escape_html=True)
    assert error in field_block(response.content.decode(), "name")


def test_meeting_create_rejects_invisible_title(as_convener, open_network):
    response = as_convener.post(_meeting_create_url(open_network), _meeting_data(title="\u200b"))

    assert response.status_code == 200
    assert not Meeting.objects.exists()
    error = in_swedish(INVISIBLE_NAME_ERROR, escape_html=True)
    assert error in field_block(response.content.decode(), "title")


def test_network_create_slug_is_made_from_name(as_employee):
    response = as_employee.post(
        reverse("networks:create"), _network_data(name="Ekonomer i nordväst", slug="")
    )

    assert response.status_code == 302
    assert Network.objects.filter(slug="ekonomer-i-nordvast").exists()


def test_network_edit_saves_changes(as_convener, open_network):
    data = _network_data(name="Nytt namn", slug=open_network.slug, competences="")

    response = as_convener.post(reverse("networks:edit", args=[open_network.slug]), data)

    open_network.refresh_from_db()
    assert response.status_code == 302
    assert open_network.name == "Nytt namn"


def test_network_edit_opening_approves_pending(as_convener, closed_network, employee):
    # The form copies the new access onto the network before the service runs, so the
    # service must compare with the stored row.
    Membership.objects.create(
        network=closed_network, user=employee, status=Membership.Status.PENDING
    )
    data = _network_data(slug=closed_network.slug, competences="", access="open")

    response = as_convener.post(reverse("networks:edit", args=[closed_network.slug]), data)

    assert response.status_code == 302
    membership = Membership.objects.get(network=closed_network, user=employee)
    assert membership.status == Membership.Status.ACTIVE


def test_network_edit_keeps_own_slug_allowed(as_convener, open_network, closed_network):
    data = _network_data(slug=closed_network.slug)

    response = as_convener.post(reverse("networks:edit", args=[open_network.slug]), data)

    assert response.status_code == 200
    open_network.refresh_from_db()
    assert open_network.slug != closed_network.slug


# Creating and editing meetings


def _meeting_create_url(network) -> str:
    return reverse("networks:meeting_create", args=[network.slug])


def test_meeting_create_stores_local_time(as_convener, open_network):
    data = _meeting_data()

    response = as_convener.post(_meeting_create_url(open_network), data)

    meeting = Meeting.objects.get(title="Höstträffen")
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    assert timezone.localtime(meeting.starts_at).strftime(INPUT_FORMAT) == data["starts_at"]


def test_meeting_create_with_end_before_start_is_rejected(as_convener, open_network):
    data = _meeting_data(
        starts_at=_local_input(timedelta(days=30), hour=14),
        ends_at=_local_input(timedelta(days=30), hour=13),
    )

    response = as_convener.post(_meeting_create_url(open_network), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert in_swedish("The meeting must end after it starts.") in field_block(html, "ends_at")
    assert f'value="{data["starts_at"]}"' in field_block(html, "starts_at")
    assert f'value="{data["ends_at"]}"' in field_block(html, "ends_at")
    assert 'value="Höstträffen"' in field_block(html, "title")
    assert Meeting.objects.exists() is False


def test_meeting_create_in_past_is_rejected(as_convener, open_network):
    data = _meeting_data(
        starts_at=_local_input(-timedelta(days=2), hour=10),
        ends_at=_local_input(-timedelta(days=2), hour=11),
    )

    response = as_convener.post(_meeting_create_url(open_network), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert in_swedish("A new meeting cannot start in the past.") in field_block(html, "starts_at")
    assert f'value="{data["starts_at"]}"' in field_block(html, "starts_at")
    assert Meeting.objects.exists() is False


def test_meeting_create_without_title_shows_required(as_convener, open_network):
    response = as_convener.post(_meeting_create_url(open_network), _meeting_data(title=""))

    html = response.content.decode()
    assert response.status_code == 200
    assert REQUIRED in field_block(html, "title")
    assert 'value="Rådhuset, Landskrona"' in field_block(html, "place")


def test_meeting_create_with_unreadable_date_is_rejected(as_convener, open_network):
    response = as_convener.post(
        _meeting_create_url(open_network), _meeting_data(starts_at="nästa tisdag")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Fyll i ett giltigt datum/tid." in field_block(html, "starts_at")
    assert 'value="nästa tisdag"' in field_block(html, "starts_at")


def test_meeting_create_in_dst_gap_is_rejected(as_convener, open_network):
    # 02:30 on 28 March 2027 does not exist in Stockholm: the clocks jump from 02:00 to 03:00.
    data = _meeting_data(starts_at="2027-03-28T02:30", ends_at="2027-03-28T04:00")

    response = as_convener.post(_meeting_create_url(open_network), data)

    html = response.content.decode()
    assert response.status_code == 200
    expected = in_swedish(
        "That time does not exist or occurs twice when the clocks change for summer or winter "
        "time. Choose a time an hour earlier or later."
    )
    assert expected in field_block(html, "starts_at")
    assert Meeting.objects.exists() is False


def test_meeting_create_with_bad_link_is_rejected(as_convener, open_network):
    response = as_convener.post(
        _meeting_create_url(open_network), _meeting_data(online_url="inte en länk")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Fyll i en giltig URL." in field_block(html, "online_url")


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00", "0001-06-01T10:00", "2101-01-01T10:00"])
def test_meeting_create_outside_year_bounds_is_rejected(as_convener, open_network, starts_at):
    response = as_convener.post(
        _meeting_create_url(open_network), _meeting_data(starts_at=starts_at)
    )

    html = response.content.decode()
    message = "Choose a date between the years %(first)d and %(last)d."
    assert response.status_code == 200
    assert in_swedish(message, first=2000, last=2100) in field_block(html, "starts_at")
    assert f'value="{starts_at}"' in field_block(html, "starts_at")
    assert Meeting.objects.exists() is False


@pytest.mark.parametrize(
    "link", ["ftp://filer.example/mote", "javascript:alert(1)", "file:///etc/passwd"]
)
def test_meeting_create_with_non_web_link_is_rejected(as_convener, open_network, link):
    response = as_convener.post(_meeting_create_url(open_network), _meeting_data(online_url=link))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Fyll i en giltig URL." in field_block(html, "online_url")
    assert Meeting.objects.exists() is False


def test_meeting_create_with_http_link_is_accepted(as_convener, open_network):
    link = "http://teams.example/mote/123"

    response = as_convener.post(_meeting_create_url(open_network), _meeting_data(online_url=link))

    assert response.status_code == 302
    assert Meeting.objects.get(network=open_network).online_url == link


def test_meeting_agenda_with_script_is_escaped(as_convener, open_network):
    data = _meeting_data(title=f"Träff {SCRIPT}", agenda=f"{SCRIPT}\n\n<iframe src=x></iframe>")

    as_convener.post(_meeting_create_url(open_network), data)
    meeting = Meeting.objects.get(network=open_network)
    html = as_convener.get(meeting.get_absolute_url()).content.decode()

    assert meeting.agenda == data["agenda"]
    assert _user_script_tags(html) == []
    assert [tag for tag, _attrs in start_tags(html) if tag == "iframe"] == []


def test_meeting_edit_raises_sequence(as_convener, open_meeting):
    data = _meeting_data(title="Ny rubrik", minutes="")

    response = as_convener.post(
        reverse("networks:meeting_edit", args=[open_meeting.network.slug, open_meeting.pk]), data
    )

    open_meeting.refresh_from_db()
    assert response.status_code == 302
    assert open_meeting.title == "Ny rubrik"
    assert open_meeting.sequence == 1


def test_meeting_edit_with_end_before_start_is_rejected(as_convener, open_meeting):
    data = _meeting_data(
        starts_at=_local_input(timedelta(days=5), hour=15),
        ends_at=_local_input(timedelta(days=5), hour=9),
        minutes="",
    )

    response = as_convener.post(
        reverse("networks:meeting_edit", args=[open_meeting.network.slug, open_meeting.pk]), data
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert in_swedish("The meeting must end after it starts.") in field_block(html, "ends_at")
    assert f'value="{data["ends_at"]}"' in field_block(html, "ends_at")


def test_meeting_edit_ignores_changed_approved_minutes(as_convener, convener, open_network):
    from genbo.networks import services

    meeting = MeetingFactory(network=open_network, minutes="Beslut: vi ses i maj.")
    services.minutes_approve(meeting=meeting, by=convener)
    data = _meeting_data(title=meeting.title, minutes="Beslut: vi ses aldrig.")

    response = as_convener.post(
        reverse("networks:meeting_edit", args=[open_network.slug, meeting.pk]), data
    )

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert meeting.minutes == "Beslut: vi ses i maj."


def test_meeting_edit_of_cancelled_meeting_redirects(as_convener, convener, open_meeting):
    from genbo.networks import services

    services.meeting_cancel(meeting=open_meeting, by=convener)

    response = as_convener.get(
        reverse("networks:meeting_edit", args=[open_meeting.network.slug, open_meeting.pk])
    )

    assert response.status_code == 302
    assert response.url == open_meeting.get_absolute_url()


def test_meeting_cancel_by_post(as_convener, open_meeting):
    response = as_convener.post(
        reverse("networks:meeting_cancel", args=[open_meeting.network.slug, open_meeting.pk])
    )

    open_meeting.refresh_from_db()
    assert response.status_code == 302
    assert open_meeting.is_cancelled


# Answers, minutes and members


def test_member_answer_is_saved(client, member, open_meeting):
    client.force_login(member)

    client.post(
        reverse("networks:meeting_respond", args=[open_meeting.network.slug, open_meeting.pk]),
        {"answer": "maybe"},
    )

    assert MeetingResponse.objects.get(meeting=open_meeting, user=member).answer == "maybe"


def test_non_member_answer_to_open_meeting_is_refused(as_employee, employee, open_meeting):
    response = as_employee.post(
        reverse("networks:meeting_respond", args=[open_meeting.network.slug, open_meeting.pk]),
        {"answer": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert (
        in_swedish("Join the network to say whether you are coming.") in response.content.decode()
    )
    assert MeetingResponse.objects.filter(user=employee).exists() is False


def test_unknown_answer_shows_error(client, member, open_meeting):
    client.force_login(member)

    response = client.post(
        reverse("networks:meeting_respond", args=[open_meeting.network.slug, open_meeting.pk]),
        {"answer": "<b>kanske</b>"},
        follow=True,
    )

    assert response.status_code == 200
    assert in_swedish("Choose yes, no or maybe.") in response.content.decode()
    assert MeetingResponse.objects.exists() is False


def _ended_meeting(network) -> Meeting:
    return MeetingFactory(
        network=network,
        title="Vårträffen",
        starts_at=timezone.now() - timedelta(days=1, hours=2),
        ends_at=timezone.now() - timedelta(days=1),
    )


def test_answer_to_ended_meeting_is_refused(client, member, open_network):
    meeting = _ended_meeting(open_network)
    client.force_login(member)

    response = client.post(
        reverse("networks:meeting_respond", args=[open_network.slug, meeting.pk]),
        {"answer": "yes"},
        follow=True,
    )

    message = "The meeting is over, so it no longer takes answers."
    assert response.status_code == 200
    assert in_swedish(message, escape_html=True) in response.content.decode()
    assert MeetingResponse.objects.exists() is False


def test_ended_meeting_page_has_no_answer_form(client, member, open_network):
    meeting = _ended_meeting(open_network)
    client.force_login(member)

    html = client.get(meeting.get_absolute_url()).content.decode()

    respond_url = reverse("networks:meeting_respond", args=[open_network.slug, meeting.pk])
    assert f'action="{respond_url}"' not in html
    assert in_swedish("Answers before the meeting") in html
    assert in_swedish("Are you coming?") not in html


def test_upcoming_meeting_page_has_answer_form(client, member, open_meeting):
    client.force_login(member)

    html = client.get(open_meeting.get_absolute_url()).content.decode()

    respond_url = reverse(
        "networks:meeting_respond", args=[open_meeting.network.slug, open_meeting.pk]
    )
    assert f'action="{respond_url}"' in html
    assert in_swedish("Are you coming?") in html


def test_minutes_approve_by_post_locks_minutes(as_convener, open_network):
    meeting = MeetingFactory(network=open_network, minutes="Beslut.")

    as_convener.post(reverse("networks:minutes_approve", args=[open_network.slug, meeting.pk]))

    meeting.refresh_from_db()
    assert meeting.minutes_locked


def test_empty_addendum_shows_required(as_convener, convener, open_network):
    from genbo.networks import services

    meeting = MeetingFactory(network=open_network, minutes="Beslut.")
    services.minutes_approve(meeting=meeting, by=convener)

    response = as_convener.post(
        reverse("networks:minutes_addendum", args=[open_network.slug, meeting.pk]),
        {"text": ""},
        follow=True,
    )

    assert response.status_code == 200
    assert REQUIRED in response.content.decode()
    assert meeting.addenda.exists() is False


def test_addendum_with_script_is_escaped(as_convener, convener, open_network):
    from genbo.networks import services

    meeting = MeetingFactory(network=open_network, minutes="Beslut.")
    services.minutes_approve(meeting=meeting, by=convener)

    response = as_convener.post(
        reverse("networks:minutes_addendum", args=[open_network.slug, meeting.pk]),
        {"text": f"Rättelse {SCRIPT}"},
        follow=True,
    )

    html = response.content.decode()
    assert meeting.addenda.get().text == f"Rättelse {SCRIPT}"
    assert _user_script_tags(html) == []


TOO_LONG_ADDENDUM = "Säkerställ att detta värde har som mest 10000 tecken (den har 10001)."


@pytest.fixture
def approved_meeting(convener, open_network) -> Meeting:
    from genbo.networks import services

    meeting = MeetingFactory(network=open_network, minutes="Beslut.")
    return services.minutes_approve(meeting=meeting, by=convener)


def _post_addendum(client, meeting, text: str):
    return client.post(
        reverse("networks:minutes_addendum", args=[meeting.network.slug, meeting.pk]),
        {"text": text},
    )


def test_blank_addendum_shows_error_at_field(as_convener, approved_meeting):
    response = _post_addendum(as_convener, approved_meeting, "   \n\t  ")

    html = response.content.decode()
    assert response.status_code == 200
    assert REQUIRED in field_block(html, "text")
    assert approved_meeting.title in html
    assert approved_meeting.addenda.exists() is False


def test_overlong_addendum_shows_error_and_keeps_text(as_convener, approved_meeting):
    text = "Rättelse: " + "x" * 9991
    assert len(text) == 10001

    response = _post_addendum(as_convener, approved_meeting, text)

    html = response.content.decode()
    assert response.status_code == 200
    assert TOO_LONG_ADDENDUM in field_block(html, "text")
    assert text in field_block(html, "text")
    assert approved_meeting.addenda.exists() is False


def test_addendum_at_limit_is_added(as_convener, approved_meeting):
    response = _post_addendum(as_convener, approved_meeting, "x" * 10000)

    assert response.status_code == 302
    assert response.url == approved_meeting.get_absolute_url()
    assert len(approved_meeting.addenda.get().text) == 10000


def test_add_member_with_unknown_address_is_rejected(as_convener, open_network):
    response = as_convener.post(
        reverse("networks:members", args=[open_network.slug]),
        {"email": "okand@bastad.example", "role": "member"},
    )

    html = response.content.decode()
    message = "No employee in GENBO has the address %(email)s."
    assert response.status_code == 200
    assert in_swedish(message, escape_html=True, email="okand@bastad.example") in field_block(
        html, "email"
    )
    assert 'value="okand@bastad.example"' in field_block(html, "email")


def test_add_member_with_invalid_address_is_rejected(as_convener, open_network):
    response = as_convener.post(
        reverse("networks:members", args=[open_network.slug]),
        {"email": "inte-en-adress", "role": "member"},
    )

    assert response.status_code == 200
    assert "Fyll i en giltig e-postadress." in field_block(response.content.decode(), "email")


def test_add_member_adds_by_address(as_convener, employee, closed_network):
    response = as_convener.post(
        reverse("networks:members", args=[closed_network.slug]),
        {"email": employee.email.upper(), "role": "member"},
    )

    assert response.status_code == 302
    assert closed_network.memberships.get(user=employee).status == Membership.Status.ACTIVE


def test_removing_last_convener_shows_error(as_convener, convener, open_network):
    membership = open_network.memberships.get(user=convener)
    url = reverse("networks:membership_change", args=[open_network.slug, membership.pk, "remove"])

    response = as_convener.post(url, follow=True)

    message = "A network must always have at least one convener. Appoint another convener first."
    assert response.status_code == 200
    assert in_swedish(message, escape_html=True) in response.content.decode()
    assert open_network.memberships.filter(user=convener).exists()


def test_unknown_membership_action_changes_nothing(as_convener, member, open_network):
    membership = open_network.memberships.get(user=member)
    url = reverse("networks:membership_change", args=[open_network.slug, membership.pk, "delete"])

    response = as_convener.post(url)

    assert response.status_code == 302
    assert open_network.memberships.filter(user=member).exists()


def test_membership_of_other_network_gets_404(as_convener, open_network):
    elsewhere = NetworkFactory()
    other = elsewhere.memberships.create(user=UserFactory())
    url = reverse("networks:membership_change", args=[open_network.slug, other.pk, "remove"])

    response = as_convener.post(url)

    assert response.status_code == 404
    assert elsewhere.memberships.filter(pk=other.pk).exists()


# The directory


def _directory(client, query: str = "", **headers) -> str:
    return client.get(reverse("networks:directory") + query, **headers).content.decode()


def test_directory_filters_by_text(as_employee, open_network, closed_network):
    html = _directory(as_employee, "?q=HR")

    assert open_network.name in html
    assert closed_network.name not in html


def test_directory_filters_by_access(as_employee, open_network, closed_network):
    html = _directory(as_employee, "?access=closed")

    assert closed_network.name in html
    assert open_network.name not in html


def test_directory_filters_by_municipality(as_employee, open_network, closed_network):
    from genbo.core.models import Municipality

    open_network.municipalities.add(Municipality.objects.get(slug="klippan"))

    html = _directory(as_employee, "?municipality=klippan")

    assert open_network.name in html
    assert closed_network.name not in html


def test_directory_filters_by_competence_any_spelling(as_employee, open_network, closed_network):
    open_network.competences.add(CompetenceFactory(label="Arbetsrätt"))

    html = _directory(as_employee, "?competence=%20ARBETSR%C3%84TT%20")

    assert open_network.name in html
    assert closed_network.name not in html


def test_directory_unknown_competence_shows_nothing(as_employee, open_network):
    html = _directory(as_employee, "?competence=Finns+inte")

    assert open_network.name not in html


def test_directory_ignores_unknown_municipality(as_employee, open_network):
    response = as_employee.get(reverse("networks:directory") + "?municipality=oslo")

    assert response.status_code == 200
    assert open_network.name in response.content.decode()


def test_directory_hides_archived_network(as_employee, open_network):
    NetworkFactory(name="Nedlagt nätverk", archived_at=timezone.now())

    html = _directory(as_employee)

    assert "Nedlagt nätverk" not in html
    assert open_network.name in html


def test_directory_htmx_request_gets_results_only(as_employee, open_network):
    html = _directory(as_employee, "?q=HR", HTTP_HX_REQUEST="true")

    assert html.lstrip().startswith('<section id="directory-results"')
    assert "<html" not in html
    assert open_network.name in html


@pytest.mark.parametrize(
    "query", ["?municipality=oslo&q=HR", "?access=hemlig&q=HR", "?municipality=&access=x&q=HR"]
)
def test_directory_invalid_filter_keeps_other_filters(
    as_employee, open_network, closed_network, query
):
    html = _directory(as_employee, query)

    assert open_network.name in html
    assert closed_network.name not in html


def test_directory_competence_matches_part_of_label(as_employee, open_network, closed_network):
    open_network.competences.add(CompetenceFactory(label="E-arkiv"))
    closed_network.competences.add(CompetenceFactory(label="Upphandling"))

    html = _directory(as_employee, "?competence=arkiv")

    assert open_network.name in html
    assert closed_network.name not in html


def _result_status_tags(html: str) -> list[dict]:
    return [attrs for tag, attrs in start_tags(html) if attrs.get("id") == "result-status"]


def test_directory_htmx_history_restore_gets_whole_page(as_employee, open_network):
    html = _directory(
        as_employee,
        "?q=HR",
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )

    assert "<html" in html
    assert open_network.name in html
    assert len(_result_status_tags(html)) == 1
    assert "hx-swap-oob" not in _result_status_tags(html)[0]


def test_directory_htmx_partial_updates_result_status(as_employee, open_network):
    html = _directory(as_employee, "?q=HR", HTTP_HX_REQUEST="true")

    status = _result_status_tags(html)
    assert len(status) == 1
    assert status[0]["hx-swap-oob"] == "true"
    assert status[0]["aria-live"] == "polite"


def test_directory_full_page_has_one_result_status(as_employee, open_network):
    html = _directory(as_employee, "?q=HR")

    assert len(_result_status_tags(html)) == 1


@pytest.mark.parametrize("headers", [{}, {"HTTP_HX_REQUEST": "true"}])
def test_directory_varies_on_hx_request(as_employee, headers):
    response = as_employee.get(reverse("networks:directory"), **headers)

    vary = [name.strip().lower() for name in response["Vary"].split(",")]
    assert "hx-request" in vary


def test_directory_paginates(as_employee):
    for number in range(25):
        NetworkFactory(name=f"Nätverk {number:02}")

    first = _directory(as_employee)
    second = _directory(as_employee, "?page=2")

    assert "Nätverk 00" in first
    assert "Nätverk 24" not in first
    assert "Nätverk 24" in second


def test_join_closed_network_by_post_creates_request(as_employee, employee, closed_network):
    response = as_employee.post(reverse("networks:join", args=[closed_network.slug]), follow=True)

    membership = closed_network.memberships.get(user=employee)
    assert response.status_code == 200
    assert membership.status == Membership.Status.PENDING


def test_last_convener_leaving_sees_error(as_convener, convener, open_network):
    response = as_convener.post(reverse("networks:leave", args=[open_network.slug]), follow=True)

    message = "A network must always have at least one convener. Appoint another convener first."
    assert response.status_code == 200
    assert in_swedish(message, escape_html=True) in response.content.decode()
    assert open_network.memberships.filter(user=convener).exists()


# Meeting lists and the start page


def test_cancelled_meeting_stays_on_network_page(client, convener, member, open_meeting):
    from genbo.networks import services

    services.meeting_cancel(meeting=open_meeting, by=convener)
    client.force_login(member)

    html = client.get(open_meeting.network.get_absolute_url()).content.decode()

    assert open_meeting.title in html
    assert f'<span class="badge badge--cancelled">{in_swedish("Cancelled")}</span>' in html
    assert in_swedish("Cancelled") == "Inställd"


def test_cancelled_meeting_stays_on_start_page(client, convener, member, open_meeting):
    from genbo.networks import services

    services.meeting_cancel(meeting=open_meeting, by=convener)
    client.force_login(member)

    html = client.get(reverse("core:home")).content.decode()

    assert open_meeting.title in html
    assert f'<span class="badge badge--cancelled">{in_swedish("Cancelled")}</span>' in html


def _meetings_url(network) -> str:
    return reverse("networks:meetings", args=[network.slug])


def test_meeting_list_pages_through_older_meetings(client, member, closed_network):
    # Meeting 00 is the newest, one day ago, and meeting 29 the oldest, 30 days ago.
    for number in range(30):
        starts_at = timezone.now() - timedelta(days=number + 1)
        MeetingFactory(
            network=closed_network,
            title=f"Träff {number:02}",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
        )
    client.force_login(member)

    first = client.get(_meetings_url(closed_network))
    second = client.get(_meetings_url(closed_network), {"page": 2})

    first_html = first.content.decode()
    second_html = second.content.decode()
    assert first.status_code == 200
    assert second.status_code == 200
    assert ">Träff 00</a>" in first_html
    assert ">Träff 24</a>" in first_html
    assert ">Träff 25</a>" not in first_html
    assert ">Träff 25</a>" in second_html
    assert ">Träff 29</a>" in second_html
    assert ">Träff 00</a>" not in second_html


def test_meeting_list_is_linked_from_network_page(client, member, open_network):
    client.force_login(member)

    html = client.get(open_network.get_absolute_url()).content.decode()

    assert f'href="{_meetings_url(open_network)}"' in html


def test_closed_meeting_list_404_for_non_member(as_employee, closed_network, closed_meeting):
    response = as_employee.get(_meetings_url(closed_network))

    assert response.status_code == 404


def test_start_page_shows_join_request_to_convener(client, convener, employee, closed_network):
    closed_network.memberships.create(user=employee, status=Membership.Status.PENDING)
    client.force_login(convener)

    html = client.get(reverse("core:home")).content.decode()

    message = in_swedish(
        "%(person)s wants to join %(network)s.",
        person=employee.get_full_name(),
        network=closed_network.name,
    )
    assert message == "Elin Eriksson vill gå med i Bollplank Förändringsledning."
    assert message in html
    assert f'href="{reverse("networks:members", args=[closed_network.slug])}"' in html


def test_start_page_hides_join_request_from_member(client, member, employee, closed_network):
    closed_network.memberships.create(user=employee, status=Membership.Status.PENDING)
    client.force_login(member)

    html = client.get(reverse("core:home")).content.decode()

    assert employee.get_full_name() not in html
    assert in_swedish("Requests waiting for your answer") not in html
