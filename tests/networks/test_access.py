"""The access rule, checked with the personas against every page of networks and meetings.

Anonymous visitors reach only the sign-in page, the accessibility statement and the
health check. Every signed-in employee sees every network's description and conveners.
Member content of a closed network (members, meetings, minutes, calendar files) is for
its active members: others get 404, so its existence is not revealed. Manage pages
answer 403 to everyone but the conveners; the secretariat staff manage networks through
the Django admin instead.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from genbo.networks import services
from genbo.networks.models import Membership
from tests.factories import MeetingFactory, NetworkFactory, UserFactory, add_member
from tests.helpers import in_swedish, is_login_redirect, without_csrf_tokens

PERSONAS = ["anonymous", "employee", "outsider", "member", "convener", "staff"]
LOGIN = "login"

CONVENER_ONLY_TEXT = (
    "Only the network's conveners can do this. Ask one of them, listed on the network's "
    "page, if something needs changing, or ask to become a convener."
)


@pytest.fixture
def world(open_network, closed_network, open_meeting, closed_meeting, member):
    """Both networks with a meeting each and a request to join the closed one."""
    applicant = UserFactory(first_name="Petra", last_name="Väntande")
    pending = add_member(closed_network, applicant, status=Membership.Status.PENDING)
    return SimpleNamespace(
        open=open_network,
        closed=closed_network,
        open_meeting=open_meeting,
        closed_meeting=closed_meeting,
        pending=pending,
        member=member,
    )


def _meeting_url(name: str, meeting) -> str:
    return reverse(f"networks:{name}", args=[meeting.network.slug, meeting.pk])


def _network_url(name: str, network) -> str:
    return reverse(f"networks:{name}", args=[network.slug])


def _membership_url(network, membership, action: str) -> str:
    return reverse("networks:membership_change", args=[network.slug, membership.pk, action])


# Each case: the URL name it exercises and how to build its address from the world fixture.
ROUTES = {
    "home": ("core:home", lambda w: reverse("core:home")),
    "healthz": ("core:healthz", lambda w: reverse("core:healthz")),
    "accessibility": ("core:accessibility", lambda w: reverse("core:accessibility")),
    "login": ("accounts:login", lambda w: reverse("accounts:login")),
    "profile": ("accounts:profile", lambda w: reverse("accounts:profile", args=[w.member.pk])),
    "profile_edit": ("accounts:profile_edit", lambda w: reverse("accounts:profile_edit")),
    "competence_suggest": (
        "accounts:competence_suggest",
        lambda w: reverse("accounts:competence_suggest") + "?q=pro",
    ),
    "directory": ("networks:directory", lambda w: reverse("networks:directory")),
    "network_create": ("networks:create", lambda w: reverse("networks:create")),
    "without_convener": (
        "networks:without_convener",
        lambda w: reverse("networks:without_convener"),
    ),
    "closed_take_over": ("networks:take_over", lambda w: _network_url("take_over", w.closed)),
    "open_detail": ("networks:detail", lambda w: _network_url("detail", w.open)),
    "closed_detail": ("networks:detail", lambda w: _network_url("detail", w.closed)),
    "open_edit": ("networks:edit", lambda w: _network_url("edit", w.open)),
    "closed_edit": ("networks:edit", lambda w: _network_url("edit", w.closed)),
    "open_join": ("networks:join", lambda w: _network_url("join", w.open)),
    "closed_join": ("networks:join", lambda w: _network_url("join", w.closed)),
    "open_leave": ("networks:leave", lambda w: _network_url("leave", w.open)),
    "closed_leave": ("networks:leave", lambda w: _network_url("leave", w.closed)),
    "open_members": ("networks:members", lambda w: _network_url("members", w.open)),
    "closed_members": ("networks:members", lambda w: _network_url("members", w.closed)),
    "closed_membership_confirm": (
        "networks:membership_change",
        lambda w: _membership_url(w.closed, w.pending, "approve"),
    ),
    "closed_membership_approve": (
        "networks:membership_change",
        lambda w: _membership_url(w.closed, w.pending, "approve"),
    ),
    "open_meeting_create": (
        "networks:meeting_create",
        lambda w: _network_url("meeting_create", w.open),
    ),
    "closed_meeting_create": (
        "networks:meeting_create",
        lambda w: _network_url("meeting_create", w.closed),
    ),
    "open_meetings": ("networks:meetings", lambda w: _network_url("meetings", w.open)),
    "closed_meetings": ("networks:meetings", lambda w: _network_url("meetings", w.closed)),
    "open_meeting": ("networks:meeting", lambda w: _meeting_url("meeting", w.open_meeting)),
    "closed_meeting": ("networks:meeting", lambda w: _meeting_url("meeting", w.closed_meeting)),
    "open_meeting_edit": (
        "networks:meeting_edit",
        lambda w: _meeting_url("meeting_edit", w.open_meeting),
    ),
    "closed_meeting_edit": (
        "networks:meeting_edit",
        lambda w: _meeting_url("meeting_edit", w.closed_meeting),
    ),
    "open_meeting_cancel": (
        "networks:meeting_cancel",
        lambda w: _meeting_url("meeting_cancel", w.open_meeting),
    ),
    "closed_meeting_cancel": (
        "networks:meeting_cancel",
        lambda w: _meeting_url("meeting_cancel", w.closed_meeting),
    ),
    "open_meeting_respond": (
        "networks:meeting_respond",
        lambda w: _meeting_url("meeting_respond", w.open_meeting),
    ),
    "closed_meeting_respond": (
        "networks:meeting_respond",
        lambda w: _meeting_url("meeting_respond", w.closed_meeting),
    ),
    "open_minutes_approve": (
        "networks:minutes_approve",
        lambda w: _meeting_url("minutes_approve", w.open_meeting),
    ),
    "closed_minutes_approve": (
        "networks:minutes_approve",
        lambda w: _meeting_url("minutes_approve", w.closed_meeting),
    ),
    "closed_minutes_addendum": (
        "networks:minutes_addendum",
        lambda w: _meeting_url("minutes_addendum", w.closed_meeting),
    ),
    "open_ics": ("networks:meeting_ics", lambda w: _meeting_url("meeting_ics", w.open_meeting)),
    "closed_ics": ("networks:meeting_ics", lambda w: _meeting_url("meeting_ics", w.closed_meeting)),
}

POST_DATA = {
    "open_meeting_respond": {"answer": "yes"},
    "closed_meeting_respond": {"answer": "yes"},
    "closed_minutes_addendum": {"text": "Rättelse: mötet slutade 15.30."},
}

# Expected status per persona, in the order of PERSONAS:
# anonymous, employee (no membership), outsider (another municipality), member, convener, staff.
# The secretariat staff are not conveners: manage pages answer them 403, and the meetings of
# a closed network stay with its members, so staff who are not members get 404 there.
TABLE = [
    ("home", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("healthz", "GET", (200, 200, 200, 200, 200, 200)),
    ("accessibility", "GET", (200, 200, 200, 200, 200, 200)),
    # A signed-in employee who opens the sign-in page is sent on to the start page.
    ("login", "GET", (200, 302, 302, 302, 302, 302)),
    ("profile", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("profile_edit", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("competence_suggest", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("directory", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("network_create", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("without_convener", "GET", (LOGIN, 403, 403, 403, 403, 200)),
    # Taking over is only for members of a network whose conveners are all gone.
    ("closed_take_over", "GET", (LOGIN, 403, 403, 403, 403, 403)),
    ("open_detail", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("closed_detail", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("open_edit", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("closed_edit", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("open_join", "POST", (LOGIN, 302, 302, 302, 302, 302)),
    ("closed_join", "POST", (LOGIN, 302, 302, 302, 302, 302)),
    ("open_leave", "POST", (LOGIN, 302, 302, 302, 302, 302)),
    ("closed_leave", "POST", (LOGIN, 302, 302, 302, 302, 302)),
    ("open_members", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("closed_members", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("closed_membership_confirm", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("closed_membership_approve", "POST", (LOGIN, 403, 403, 403, 302, 403)),
    ("open_meeting_create", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("closed_meeting_create", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("open_meetings", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("closed_meetings", "GET", (LOGIN, 404, 404, 200, 200, 404)),
    ("open_meeting", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("closed_meeting", "GET", (LOGIN, 404, 404, 200, 200, 404)),
    ("open_meeting_edit", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("closed_meeting_edit", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("open_meeting_cancel", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("closed_meeting_cancel", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("open_meeting_respond", "POST", (LOGIN, 302, 302, 302, 302, 302)),
    ("closed_meeting_respond", "POST", (LOGIN, 404, 404, 302, 302, 404)),
    ("open_minutes_approve", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("closed_minutes_approve", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    # The closed meeting's minutes are a draft, so the convener sees the form again with
    # the error that addenda are for approved minutes.
    ("closed_minutes_addendum", "POST", (LOGIN, 403, 403, 403, 200, 403)),
    ("open_ics", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("closed_ics", "GET", (LOGIN, 404, 404, 200, 200, 404)),
]

CASES = [
    pytest.param(route, method, persona, expected, id=f"{route}-{persona}")
    for route, method, outcomes in TABLE
    for persona, expected in zip(PERSONAS, outcomes, strict=True)
]


def test_table_covers_every_networks_route():
    from genbo.networks.urls import urlpatterns

    exercised = {ROUTES[route][0] for route, _method, _outcomes in TABLE}
    every_route = {f"networks:{pattern.name}" for pattern in urlpatterns}

    assert every_route - exercised == set()


def _sign_in(client, request, persona: str):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "persona", "expected"), CASES)
def test_status_by_role(client, request, world, route, method, persona, expected):
    _sign_in(client, request, persona)
    url = ROUTES[route][1](world)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, POST_DATA.get(route, {}))

    if expected == LOGIN:
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected


def test_anonymous_redirect_keeps_the_requested_page(client, closed_meeting):
    response = client.get(closed_meeting.get_absolute_url())

    assert is_login_redirect(response)
    assert f"next={closed_meeting.get_absolute_url()}" in response.url


def test_non_member_gets_404_for_closed_meeting(client, employee, closed_meeting):
    client.force_login(employee)

    response = client.get(closed_meeting.get_absolute_url())

    assert response.status_code == 404
    assert closed_meeting.title not in response.content.decode()


def test_non_member_gets_404_for_closed_meeting_ics(client, outsider, closed_meeting):
    client.force_login(outsider)

    response = client.get(_meeting_url("meeting_ics", closed_meeting))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_hidden_meeting_looks_like_missing_meeting(client, employee, closed_meeting):
    client.force_login(employee)
    hidden_url = closed_meeting.get_absolute_url()
    missing_url = reverse("networks:meeting", args=[closed_meeting.network.slug, 999_999])

    hidden = client.get(hidden_url)
    missing = client.get(missing_url)

    # The pages differ only in the address that the language switch returns to.
    hidden_html = without_csrf_tokens(hidden.content.decode()).replace(hidden_url, "URL")
    missing_html = without_csrf_tokens(missing.content.decode()).replace(missing_url, "URL")
    assert hidden.status_code == missing.status_code
    assert hidden_html == missing_html


def test_pending_applicant_gets_404_for_closed_meeting(client, closed_meeting):
    applicant = UserFactory()
    add_member(closed_meeting.network, applicant, status=Membership.Status.PENDING)
    client.force_login(applicant)

    response = client.get(closed_meeting.get_absolute_url())

    assert response.status_code == 404


def test_approved_applicant_sees_closed_meeting(client, convener, closed_meeting):
    applicant = UserFactory()
    pending = add_member(closed_meeting.network, applicant, status=Membership.Status.PENDING)
    services.membership_approve(membership=pending, by=convener)
    client.force_login(applicant)

    response = client.get(closed_meeting.get_absolute_url())

    assert response.status_code == 200


def test_former_member_gets_404_for_closed_meeting(client, member, closed_meeting):
    services.membership_leave(network=closed_meeting.network, user=member)
    client.force_login(member)

    response = client.get(closed_meeting.get_absolute_url())

    assert response.status_code == 404


def test_deactivated_employee_is_signed_out(client, member, closed_meeting):
    client.force_login(member)
    member.is_active = False
    member.save(update_fields=["is_active"])

    response = client.get(closed_meeting.get_absolute_url())

    assert is_login_redirect(response)


def test_non_convener_403_page_explains_access(client, member, closed_network):
    client.force_login(member)

    response = client.get(reverse("networks:edit", args=[closed_network.slug]))

    assert response.status_code == 403
    assert in_swedish(CONVENER_ONLY_TEXT) in response.content.decode()


def test_non_convener_403_page_in_english(client, settings, employee, open_network):
    client.force_login(employee)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("networks:members", args=[open_network.slug]))

    assert response.status_code == 403
    assert "Only the network's conveners can do this." in response.content.decode()


def test_closed_network_page_shows_description_and_conveners(
    client, employee, convener, member, closed_network
):
    client.force_login(employee)

    html = client.get(closed_network.get_absolute_url()).content.decode()

    assert closed_network.purpose in html
    assert convener.get_full_name() in html
    assert member.get_full_name() not in html


# Strings that only members of the closed network may see.
SECRET_MEMBER = {"first_name": "Hedvig", "last_name": "Hemligsson", "email": "hedvig@bjuv.example"}
SECRETS = [
    "Hedvig",
    "Hemligsson",
    "hedvig@bjuv.example",
    "Hemlig workshop om omorganisationen",
    "Punkt ett: nedläggning av enheten",
    "Konferensrum Tystnaden",
    "Budgeten skärs ned med tio procent",
    "Rättelse: beslutet gäller från mars",
]


@pytest.fixture
def secret_network(convener):
    """A closed network with content for members only and a member in no other network."""
    network = NetworkFactory(
        name="Bollplank Omorganisation",
        slug="bollplank-omorganisation",
        access="closed",
        purpose="Stöd för chefer i förändring.",
    )
    add_member(network, convener, role=Membership.Role.CONVENER)
    secret_member = UserFactory(**SECRET_MEMBER)
    add_member(network, secret_member)
    MeetingFactory(
        network=network,
        title="Hemlig workshop om omorganisationen",
        starts_at=(timezone.now() + timedelta(days=2)).replace(microsecond=0),
        agenda="Punkt ett: nedläggning av enheten",
        place="Konferensrum Tystnaden",
    )
    past = MeetingFactory(
        network=network,
        title="Förra träffen",
        starts_at=timezone.now() - timedelta(days=20),
        minutes="Budgeten skärs ned med tio procent",
    )
    past = services.minutes_approve(meeting=past, by=convener)
    services.minutes_add_addendum(
        meeting=past, by=convener, text="Rättelse: beslutet gäller från mars"
    )
    return network


def _secret_member_profile(network):
    member = network.memberships.get(user__first_name="Hedvig").user
    return reverse("accounts:profile", args=[member.pk])


PUBLIC_PAGES = {
    "directory": lambda network: reverse("networks:directory"),
    "directory_closed_only": lambda network: reverse("networks:directory") + "?access=closed",
    "directory_search": lambda network: reverse("networks:directory") + "?q=Omorganisation",
    "network_page": lambda network: network.get_absolute_url(),
    "start_page": lambda network: reverse("core:home"),
}


@pytest.mark.parametrize("persona", ["employee", "outsider", "staff"])
@pytest.mark.parametrize("page", sorted(PUBLIC_PAGES))
def test_closed_content_stays_off_public_pages(client, request, secret_network, persona, page):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(PUBLIC_PAGES[page](secret_network))
    html = response.content.decode()

    assert response.status_code == 200
    assert secret_network.name in html
    assert [secret for secret in SECRETS if secret in html] == []


@pytest.mark.parametrize("persona", ["employee", "outsider", "staff"])
def test_closed_membership_stays_off_member_profile(client, request, secret_network, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(_secret_member_profile(secret_network))
    html = response.content.decode()

    assert response.status_code == 200
    assert secret_network.name not in html


def test_convener_of_closed_network_is_listed_on_profile(
    client, employee, convener, secret_network
):
    client.force_login(employee)

    html = client.get(reverse("accounts:profile", args=[convener.pk])).content.decode()

    assert secret_network.name in html


def test_closed_meeting_next_date_stays_off_directory(client, outsider, secret_network):
    meeting = secret_network.meetings.get(title__startswith="Hemlig")
    client.force_login(outsider)

    html = client.get(reverse("networks:directory")).content.decode()

    assert timezone.localtime(meeting.starts_at).isoformat() not in html


def test_member_sees_closed_content(client, secret_network):
    client.force_login(secret_network.memberships.get(user__first_name="Hedvig").user)

    html = client.get(secret_network.get_absolute_url()).content.decode()

    assert "Hemlig workshop om omorganisationen" in html
    assert "Hemligsson" in html
