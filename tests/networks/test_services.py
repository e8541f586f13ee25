"""Business rules of networks, memberships, meetings and minutes, and their audit events."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from genbo.core.models import AuditEvent
from genbo.networks import services
from genbo.networks.models import Meeting, MeetingResponse, Membership, Network
from tests.factories import (
    CompetenceFactory,
    MeetingFactory,
    NetworkFactory,
    UserFactory,
    add_member,
)

pytestmark = pytest.mark.django_db

LAST_CONVENER_ERROR = (
    "A network must always have at least one convener. Appoint another convener first."
)


def _membership(network, user) -> Membership:
    return Membership.objects.get(network=network, user=user)


def _audit_actions(**filters) -> list[str]:
    return list(
        AuditEvent.objects.filter(**filters).order_by("pk").values_list("action", flat=True)
    )


def _meeting_fields(**changes):
    starts_at = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    fields = {
        "title": "Nätverksträff",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "place": "Rådhuset",
        "online_url": "",
        "agenda": "1. Välkommen",
    }
    fields.update(changes)
    return fields


# Networks


def test_network_create_makes_creator_convener(employee):
    network = services.network_create(
        creator=employee,
        name="Webbnätverket",
        slug="webbnatverket",
        purpose="Vi utvecklar kommunernas webbplatser.",
        competences=[CompetenceFactory(label="Tillgänglighet")],
    )

    membership = _membership(network, employee)
    assert membership.role == Membership.Role.CONVENER
    assert membership.status == Membership.Status.ACTIVE
    assert [c.label for c in network.competences.all()] == ["Tillgänglighet"]
    assert _audit_actions(action__startswith="network.") == ["network.create"]


def test_network_create_rejects_missing_purpose(employee):
    with pytest.raises(ValidationError) as caught:
        services.network_create(creator=employee, name="Utan syfte", slug="utan-syfte", purpose="")

    assert "purpose" in caught.value.message_dict
    assert Network.objects.filter(slug="utan-syfte").exists() is False


def test_network_update_saves_fields_and_audits(convener, open_network):
    services.network_update(network=open_network, by=convener, purpose="Nytt syfte.")

    open_network.refresh_from_db()
    event = AuditEvent.objects.get(action="network.update")
    assert open_network.purpose == "Nytt syfte."
    assert event.actor == convener
    assert event.data == {"fields": ["purpose"]}


def test_opening_closed_network_approves_pending_requests(convener, employee, closed_network):
    other = UserFactory()
    services.membership_join(network=closed_network, user=employee)
    services.membership_join(network=closed_network, user=other)

    services.network_update(network=closed_network, by=convener, access=Network.Access.OPEN)

    assert _membership(closed_network, employee).status == Membership.Status.ACTIVE
    assert _membership(closed_network, other).status == Membership.Status.ACTIVE
    approvals = AuditEvent.objects.filter(action="membership.approve").order_by("pk")
    assert sorted(event.data["user_id"] for event in approvals) == sorted([employee.pk, other.pk])
    assert all(event.actor == convener for event in approvals)
    assert all(event.target == str(closed_network) for event in approvals)


def test_closed_network_update_keeps_requests_pending(convener, employee, closed_network):
    services.membership_join(network=closed_network, user=employee)

    services.network_update(network=closed_network, by=convener, purpose="Nytt syfte.")

    assert _membership(closed_network, employee).status == Membership.Status.PENDING
    assert _audit_actions(action="membership.approve") == []


def test_closing_open_network_approves_nobody(convener, member, open_network):
    services.network_update(network=open_network, by=convener, access=Network.Access.CLOSED)

    assert _membership(open_network, member).status == Membership.Status.ACTIVE
    assert _audit_actions(action="membership.approve") == []


# Joining and leaving


def test_join_open_network_is_active_at_once(employee, open_network):
    membership = services.membership_join(network=open_network, user=employee)

    assert membership.status == Membership.Status.ACTIVE
    assert membership.role == Membership.Role.MEMBER
    assert _audit_actions(actor=employee) == ["membership.join"]


def test_join_closed_network_waits_for_approval(employee, closed_network):
    membership = services.membership_join(network=closed_network, user=employee)

    assert membership.status == Membership.Status.PENDING
    assert _audit_actions(actor=employee) == ["membership.request"]


def test_join_twice_keeps_one_membership(employee, closed_network):
    services.membership_join(network=closed_network, user=employee)
    services.membership_join(network=closed_network, user=employee)

    assert Membership.objects.filter(network=closed_network, user=employee).count() == 1
    assert _audit_actions(actor=employee) == ["membership.request"]


def test_join_archived_network_is_rejected(employee):
    network = NetworkFactory(archived_at=timezone.now())

    with pytest.raises(ValidationError):
        services.membership_join(network=network, user=employee)

    assert Membership.objects.filter(network=network).exists() is False


def test_approve_makes_request_active(convener, employee, closed_network):
    pending = services.membership_join(network=closed_network, user=employee)

    services.membership_approve(membership=pending, by=convener)

    assert _membership(closed_network, employee).status == Membership.Status.ACTIVE
    event = AuditEvent.objects.get(action="membership.approve")
    assert event.actor == convener
    assert event.data == {"user_id": employee.pk}


def test_decline_removes_request(convener, employee, closed_network):
    pending = services.membership_join(network=closed_network, user=employee)

    services.membership_decline(membership=pending, by=convener)

    assert Membership.objects.filter(network=closed_network, user=employee).exists() is False
    assert AuditEvent.objects.get(action="membership.decline").actor == convener


def test_decline_leaves_active_member_alone(convener, member, closed_network):
    services.membership_decline(membership=_membership(closed_network, member), by=convener)

    assert _membership(closed_network, member).status == Membership.Status.ACTIVE
    assert _audit_actions(action="membership.decline") == []


def test_member_can_leave(member, open_network):
    services.membership_leave(network=open_network, user=member)

    assert Membership.objects.filter(network=open_network, user=member).exists() is False
    assert _audit_actions(actor=member) == ["membership.leave"]


def test_last_convener_cannot_leave(convener, open_network):
    with pytest.raises(ValidationError) as caught:
        services.membership_leave(network=open_network, user=convener)

    assert caught.value.messages == [gettext(LAST_CONVENER_ERROR)]
    assert _membership(open_network, convener).is_convener


def test_convener_can_leave_when_another_remains(convener, member, open_network):
    services.membership_set_role(
        membership=_membership(open_network, member), role=Membership.Role.CONVENER, by=convener
    )

    services.membership_leave(network=open_network, user=convener)

    assert Membership.objects.filter(network=open_network, user=convener).exists() is False


def test_last_convener_cannot_be_removed(staff, convener, open_network):
    with pytest.raises(ValidationError) as caught:
        services.membership_remove(membership=_membership(open_network, convener), by=staff)

    assert caught.value.messages == [gettext(LAST_CONVENER_ERROR)]
    assert _membership(open_network, convener).is_convener


def test_last_convener_cannot_be_demoted(convener, open_network):
    with pytest.raises(ValidationError) as caught:
        services.membership_set_role(
            membership=_membership(open_network, convener), role=Membership.Role.MEMBER, by=convener
        )

    assert caught.value.messages == [gettext(LAST_CONVENER_ERROR)]
    assert _membership(open_network, convener).role == Membership.Role.CONVENER


def test_pending_convener_does_not_count_as_convener(convener, open_network):
    # A pending membership with the convener role cannot keep the network managed.
    add_member(open_network, UserFactory(), role="convener", status="pending")

    with pytest.raises(ValidationError):
        services.membership_leave(network=open_network, user=convener)


def test_remove_member_deletes_membership(convener, member, closed_network):
    services.membership_remove(membership=_membership(closed_network, member), by=convener)

    assert Membership.objects.filter(network=closed_network, user=member).exists() is False
    event = AuditEvent.objects.get(action="membership.remove")
    assert event.data == {"user_id": member.pk}


def test_add_member_creates_active_membership(convener, employee, closed_network):
    services.membership_add(network=closed_network, user=employee, by=convener)

    membership = _membership(closed_network, employee)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.role == Membership.Role.MEMBER
    event = AuditEvent.objects.get(action="membership.add")
    assert event.data == {"user_id": employee.pk, "role": "member"}


def test_add_member_activates_pending_request(convener, employee, closed_network):
    services.membership_join(network=closed_network, user=employee)

    services.membership_add(
        network=closed_network, user=employee, by=convener, role=Membership.Role.CONVENER
    )

    membership = _membership(closed_network, employee)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.role == Membership.Role.CONVENER


def test_add_as_member_cannot_demote_last_convener(staff, convener, open_network):
    with pytest.raises(ValidationError) as caught:
        services.membership_add(
            network=open_network, user=convener, by=staff, role=Membership.Role.MEMBER
        )

    assert caught.value.messages == [gettext(LAST_CONVENER_ERROR)]
    assert _membership(open_network, convener).role == Membership.Role.CONVENER
    assert _audit_actions(action="membership.add") == []


def test_add_as_member_demotes_convener_when_another_remains(convener, member, open_network):
    services.membership_set_role(
        membership=_membership(open_network, member), role=Membership.Role.CONVENER, by=convener
    )

    services.membership_add(
        network=open_network, user=convener, by=member, role=Membership.Role.MEMBER
    )

    assert _membership(open_network, convener).role == Membership.Role.MEMBER
    assert _membership(open_network, member).role == Membership.Role.CONVENER


def test_set_role_promotes_member(convener, member, open_network):
    services.membership_set_role(
        membership=_membership(open_network, member), role=Membership.Role.CONVENER, by=convener
    )

    assert _membership(open_network, member).is_convener
    event = AuditEvent.objects.get(action="membership.set_role")
    assert event.data == {"user_id": member.pk, "role": "convener"}


# Meetings


def test_meeting_create_stores_meeting_and_audits(convener, open_network):
    meeting = services.meeting_create(network=open_network, by=convener, **_meeting_fields())

    assert meeting.sequence == 0
    assert meeting.created_by == convener
    event = AuditEvent.objects.get(action="meeting.create")
    assert event.data == {"meeting_id": meeting.pk}


def test_meeting_create_rejects_end_before_start(convener, open_network):
    fields = _meeting_fields()
    fields["ends_at"] = fields["starts_at"] - timedelta(minutes=30)

    with pytest.raises(ValidationError) as caught:
        services.meeting_create(network=open_network, by=convener, **fields)

    assert list(caught.value.message_dict) == ["ends_at"]


def test_meeting_create_rejects_start_in_past(convener, open_network):
    starts_at = timezone.now() - timedelta(hours=1)
    fields = _meeting_fields(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))

    with pytest.raises(ValidationError) as caught:
        services.meeting_create(network=open_network, by=convener, **fields)

    assert list(caught.value.message_dict) == ["starts_at"]
    assert Meeting.objects.filter(network=open_network).exists() is False


CALENDAR_CHANGES = {
    "title": "Ny rubrik",
    "starts_at": timedelta(hours=1),
    "ends_at": timedelta(hours=3),
    "place": "Dunkers kulturhus",
    "online_url": "https://teams.example/meeting/123",
    "agenda": "1. Ny dagordning",
}


@pytest.mark.parametrize("field", sorted(CALENDAR_CHANGES))
def test_meeting_update_raises_sequence_on_calendar_change(convener, open_network, field):
    meeting = services.meeting_create(network=open_network, by=convener, **_meeting_fields())
    change = CALENDAR_CHANGES[field]
    value = getattr(meeting, field) + change if isinstance(change, timedelta) else change

    services.meeting_update(meeting=meeting, by=convener, **{field: value})

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert getattr(meeting, field) == value


def test_meeting_update_raises_sequence_on_every_change(convener, open_network):
    meeting = services.meeting_create(network=open_network, by=convener, **_meeting_fields())

    services.meeting_update(meeting=meeting, by=convener, title="Andra rubriken")
    services.meeting_update(meeting=meeting, by=convener, place="Tredje platsen")

    meeting.refresh_from_db()
    assert meeting.sequence == 2


def test_meeting_update_of_minutes_keeps_sequence(convener, open_network):
    meeting = services.meeting_create(network=open_network, by=convener, **_meeting_fields())

    services.meeting_update(meeting=meeting, by=convener, minutes="Vi bestämde oss.")

    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert meeting.minutes == "Vi bestämde oss."


def test_meeting_update_without_change_writes_nothing(convener, open_network):
    meeting = services.meeting_create(network=open_network, by=convener, **_meeting_fields())

    services.meeting_update(meeting=meeting, by=convener, title=meeting.title)

    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert _audit_actions(action="meeting.update") == []


def test_meeting_update_audits_changed_fields(convener, open_network):
    meeting = services.meeting_create(network=open_network, by=convener, **_meeting_fields())

    services.meeting_update(meeting=meeting, by=convener, title="Ny", place="Ny plats")

    event = AuditEvent.objects.get(action="meeting.update")
    assert event.data == {"fields": ["place", "sequence", "title"]}


def test_meeting_update_rejects_end_before_start(convener, open_meeting):
    with pytest.raises(ValidationError) as caught:
        services.meeting_update(
            meeting=open_meeting, by=convener, ends_at=open_meeting.starts_at - timedelta(hours=1)
        )

    assert list(caught.value.message_dict) == ["ends_at"]


def test_meeting_cancel_raises_sequence(convener, open_meeting):
    services.meeting_cancel(meeting=open_meeting, by=convener)

    open_meeting.refresh_from_db()
    assert open_meeting.is_cancelled
    assert open_meeting.sequence == 1
    assert _audit_actions(action="meeting.cancel") == ["meeting.cancel"]


def test_meeting_cancel_twice_changes_nothing(convener, open_meeting):
    services.meeting_cancel(meeting=open_meeting, by=convener)
    services.meeting_cancel(meeting=open_meeting, by=convener)

    open_meeting.refresh_from_db()
    assert open_meeting.sequence == 1
    assert _audit_actions(action="meeting.cancel") == ["meeting.cancel"]


def test_cancelled_meeting_cannot_be_changed(convener, open_meeting):
    services.meeting_cancel(meeting=open_meeting, by=convener)

    with pytest.raises(ValidationError):
        services.meeting_update(meeting=open_meeting, by=convener, title="Ny rubrik")


# Answers to meetings


def test_meeting_respond_stores_answer(member, open_meeting):
    services.meeting_respond(meeting=open_meeting, user=member, answer="yes")

    assert MeetingResponse.objects.get(meeting=open_meeting, user=member).answer == "yes"


def test_meeting_respond_again_replaces_answer(member, open_meeting):
    services.meeting_respond(meeting=open_meeting, user=member, answer="yes")
    services.meeting_respond(meeting=open_meeting, user=member, answer="no")

    answers = MeetingResponse.objects.filter(meeting=open_meeting, user=member)
    assert [response.answer for response in answers] == ["no"]


def test_meeting_respond_rejects_unknown_answer(member, open_meeting):
    with pytest.raises(ValidationError):
        services.meeting_respond(meeting=open_meeting, user=member, answer="kanske")

    assert MeetingResponse.objects.exists() is False


def test_meeting_respond_rejects_cancelled_meeting(convener, member, open_meeting):
    services.meeting_cancel(meeting=open_meeting, by=convener)

    with pytest.raises(ValidationError):
        services.meeting_respond(meeting=open_meeting, user=member, answer="yes")

    assert MeetingResponse.objects.exists() is False


def test_meeting_respond_rejects_ended_meeting(member, open_network):
    ended = MeetingFactory(
        network=open_network,
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=1),
    )

    with pytest.raises(ValidationError) as caught:
        services.meeting_respond(meeting=ended, user=member, answer="yes")

    assert caught.value.messages == [gettext("The meeting is over, so it no longer takes answers.")]
    assert MeetingResponse.objects.exists() is False


def test_meeting_respond_accepts_meeting_in_progress(member, open_network):
    running = MeetingFactory(
        network=open_network,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=1),
    )

    services.meeting_respond(meeting=running, user=member, answer="yes")

    assert MeetingResponse.objects.get(meeting=running, user=member).answer == "yes"


# Minutes


def test_minutes_approve_locks_minutes(convener, open_network):
    meeting = MeetingFactory(network=open_network, minutes="Beslut: vi ses i maj.")

    approved = services.minutes_approve(meeting=meeting, by=convener)

    assert approved.minutes_locked
    assert approved.minutes_approved_by == convener
    assert AuditEvent.objects.get(action="minutes.approve").data == {"meeting_id": meeting.pk}


def test_approved_minutes_cannot_be_rewritten(convener, open_network):
    meeting = MeetingFactory(network=open_network, minutes="Beslut: vi ses i maj.")
    meeting = services.minutes_approve(meeting=meeting, by=convener)

    with pytest.raises(ValidationError) as caught:
        services.meeting_update(meeting=meeting, by=convener, minutes="Beslut: vi ses aldrig.")

    assert list(caught.value.message_dict) == ["minutes"]
    meeting.refresh_from_db()
    assert meeting.minutes == "Beslut: vi ses i maj."


def test_approved_minutes_allow_other_changes(convener, open_network):
    meeting = MeetingFactory(network=open_network, minutes="Beslut: vi ses i maj.")
    meeting = services.minutes_approve(meeting=meeting, by=convener)

    services.meeting_update(meeting=meeting, by=convener, minutes=meeting.minutes, place="Nytt rum")

    meeting.refresh_from_db()
    assert meeting.place == "Nytt rum"


def test_minutes_approve_needs_minutes(convener, open_meeting):
    with pytest.raises(ValidationError):
        services.minutes_approve(meeting=open_meeting, by=convener)

    open_meeting.refresh_from_db()
    assert open_meeting.minutes_locked is False


def test_minutes_approve_twice_keeps_first_approval(convener, staff, open_network):
    meeting = MeetingFactory(network=open_network, minutes="Beslut.")
    first = services.minutes_approve(meeting=meeting, by=convener)

    second = services.minutes_approve(meeting=meeting, by=staff)

    assert second.minutes_approved_by == convener
    assert second.minutes_approved_at == first.minutes_approved_at
    assert _audit_actions(action="minutes.approve") == ["minutes.approve"]


def test_addendum_rejected_before_approval(convener, open_network):
    meeting = MeetingFactory(network=open_network, minutes="Utkast.")

    with pytest.raises(ValidationError):
        services.minutes_add_addendum(meeting=meeting, by=convener, text="Tillägg.")

    assert meeting.addenda.exists() is False


def test_addendum_added_after_approval(convener, open_network):
    meeting = MeetingFactory(network=open_network, minutes="Beslut.")
    meeting = services.minutes_approve(meeting=meeting, by=convener)

    addendum = services.minutes_add_addendum(meeting=meeting, by=convener, text="Rättelse.")

    assert addendum.author == convener
    assert list(meeting.addenda.values_list("text", flat=True)) == ["Rättelse."]
    assert AuditEvent.objects.get(action="minutes.addendum").data == {"meeting_id": meeting.pk}


def test_empty_addendum_rejected(convener, open_network):
    meeting = MeetingFactory(network=open_network, minutes="Beslut.")
    meeting = services.minutes_approve(meeting=meeting, by=convener)

    with pytest.raises(ValidationError) as caught:
        services.minutes_add_addendum(meeting=meeting, by=convener, text="   ")

    assert list(caught.value.message_dict) == ["text"]


# Audit trail


def test_audit_event_records_actor_and_target(convener, employee, closed_network):
    pending = services.membership_join(network=closed_network, user=employee)
    services.membership_approve(membership=pending, by=convener)

    event = AuditEvent.objects.get(action="membership.approve")
    assert event.actor == convener
    assert event.target == str(closed_network)
    assert event.created_at is not None


def test_failed_change_writes_no_audit_event(convener, open_network):
    with pytest.raises(ValidationError):
        services.membership_leave(network=open_network, user=convener)

    assert _audit_actions(action="membership.leave") == []
