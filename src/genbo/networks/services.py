"""Writes on networks, memberships and meetings, each with its audit entry."""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from genbo.chat.services import membership_ended, network_access_changed
from genbo.core.audit import audit_record
from genbo.networks.models import Meeting, MeetingResponse, Membership, MinutesAddendum, Network
from genbo.notifications.meeting_mail import meeting_invitations_store
from genbo.search.services import index_object, remove_object

logger = logging.getLogger(__name__)


def _active_convener_count(network: Network) -> int:
    return network.memberships.filter(
        status=Membership.Status.ACTIVE, role=Membership.Role.CONVENER
    ).count()


def _check_keeps_a_convener(membership: Membership) -> None:
    if membership.is_convener and _active_convener_count(membership.network) <= 1:
        raise ValidationError(
            _("A network must always have at least one convener. Appoint another convener first.")
        )


@transaction.atomic
def network_create(*, creator, competences=(), municipalities=(), **fields) -> Network:
    network = Network(**fields)
    network.full_clean()
    network.save()
    network.competences.set(competences)
    network.municipalities.set(municipalities)
    Membership.objects.create(
        network=network,
        user=creator,
        role=Membership.Role.CONVENER,
        status=Membership.Status.ACTIVE,
    )
    audit_record(action="network.create", actor=creator, target=network, network_id=network.pk)
    index_object(network)
    return network


def _stored_access_is_closed(network: Network) -> bool:
    """Return whether the stored row of `network` is closed.

    A model form has already copied the new values onto the instance when the service
    runs, so the instance cannot tell what changed.
    """
    closed = Network.objects.filter(pk=network.pk, access=Network.Access.CLOSED)
    return network.pk is not None and closed.exists()


def _network_changed(*, network: Network, by, was_closed: bool) -> None:
    """Apply the effects of a saved network and update its search document.

    A network that became closed shuts its room to non-members at once, and one that
    became open lets everyone who asked to join in.
    """
    if network.is_closed and not was_closed:
        # Non-members reading the network's chat room lose it now.
        network_access_changed(network=network)
    if was_closed and not network.is_closed:
        pending = network.memberships.filter(status=Membership.Status.PENDING)
        for user_id in pending.values_list("user_id", flat=True):
            audit_record(action="membership.approve", actor=by, target=network, user_id=user_id)
        pending.update(status=Membership.Status.ACTIVE)
    index_object(network)


@transaction.atomic
def network_update(
    *, network: Network, by, competences=None, municipalities=None, **fields
) -> Network:
    """Change a network; opening a closed one lets everyone who asked to join in."""
    was_closed = _stored_access_is_closed(network)
    for name, value in fields.items():
        setattr(network, name, value)
    network.full_clean()
    network.save(update_fields=list(fields))
    if competences is not None:
        network.competences.set(competences)
    if municipalities is not None:
        network.municipalities.set(municipalities)
    audit_record(action="network.update", actor=by, target=network, fields=sorted(fields))
    _network_changed(network=network, by=by, was_closed=was_closed)
    return network


def network_saved_in_admin(
    *, network: Network, by, created: bool, fields: list[str], was_closed: bool
) -> None:
    """Apply the effects of a network saved in the Django admin, after its relations are saved.

    The admin has stored the row and its many-to-many fields itself; this writes the
    audit entry and applies the same effects as `network_update`, archiving included.
    """
    action = "network.create" if created else "network.update"
    audit_record(action=action, actor=by, target=network, fields=sorted(fields))
    _network_changed(network=network, by=by, was_closed=was_closed)


@transaction.atomic
def network_delete(*, network: Network, by) -> None:
    """Delete a network with its members, meetings, discussions, items and chat room.

    Open sockets of its room close, and the network's own search document goes; the
    documents of its content are deleted with the network.
    """
    network_access_changed(network=network)
    for user_id in network.memberships.values_list("user_id", flat=True):
        membership_ended(user_id=user_id)
    remove_object(network)
    audit_record(action="network.delete", actor=by, target=network, network_id=network.pk)
    network.delete()


@transaction.atomic
def membership_join(*, network: Network, user) -> Membership:
    """Join an open network at once; for a closed network, ask the conveners to approve."""
    if network.archived_at:
        raise ValidationError(_("The network is archived and takes no new members."))
    status = Membership.Status.PENDING if network.is_closed else Membership.Status.ACTIVE
    membership, created = Membership.objects.get_or_create(
        network=network, user=user, defaults={"status": status}
    )
    if created:
        action = "membership.request" if status == Membership.Status.PENDING else "membership.join"
        audit_record(action=action, actor=user, target=network, user_id=user.pk)
    return membership


@transaction.atomic
def membership_leave(*, network: Network, user) -> Membership | None:
    """Leave `network`, or withdraw a pending request; return the removed membership."""
    membership = Membership.objects.select_for_update().filter(network=network, user=user).first()
    if membership is None:
        return None
    _check_keeps_a_convener(membership)
    membership.delete()
    membership_ended(user_id=user.pk)
    audit_record(action="membership.leave", actor=user, target=network, user_id=user.pk)
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership, by) -> Membership:
    if membership.status != Membership.Status.PENDING:
        return membership
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status"])
    audit_record(
        action="membership.approve", actor=by, target=membership.network, user_id=membership.user_id
    )
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership, by) -> None:
    if membership.status != Membership.Status.PENDING:
        return
    membership.delete()
    audit_record(
        action="membership.decline", actor=by, target=membership.network, user_id=membership.user_id
    )


@transaction.atomic
def membership_add(*, network: Network, user, by, role: str = Membership.Role.MEMBER) -> Membership:
    membership, created = Membership.objects.get_or_create(
        network=network, user=user, defaults={"role": role}
    )
    if not created:
        if role == Membership.Role.MEMBER:
            _check_keeps_a_convener(membership)
        membership.status = Membership.Status.ACTIVE
        membership.role = role
        membership.save(update_fields=["status", "role"])
    audit_record(action="membership.add", actor=by, target=network, user_id=user.pk, role=role)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    _check_keeps_a_convener(membership)
    membership.delete()
    membership_ended(user_id=membership.user_id)
    audit_record(
        action="membership.remove", actor=by, target=membership.network, user_id=membership.user_id
    )


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by) -> Membership:
    if role == membership.role:
        return membership
    if role == Membership.Role.MEMBER:
        _check_keeps_a_convener(membership)
    membership.role = role
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["role", "status"])
    audit_record(
        action="membership.set_role",
        actor=by,
        target=membership.network,
        user_id=membership.user_id,
        role=role,
    )
    return membership


def membership_saved_in_admin(*, membership: Membership, by, previous: Membership | None) -> None:
    """Apply the effects of a membership added or changed in the Django admin.

    `previous` is the stored row before the change, or None for a new membership. A
    person who was an active member and no longer is loses the network's room at once,
    as after `membership_remove`. The admin may leave a network without a convener,
    which its members can then take over.
    """
    if previous is None:
        audit_record(
            action="membership.add",
            actor=by,
            target=membership.network,
            user_id=membership.user_id,
            role=membership.role,
            status=membership.status,
        )
        return
    was_member = previous.status == Membership.Status.ACTIVE
    still_member = (
        membership.status == Membership.Status.ACTIVE and membership.user_id == previous.user_id
    )
    if was_member and not still_member:
        membership_ended(user_id=previous.user_id)
    fields = [
        name
        for name in ("user_id", "role", "status")
        if getattr(membership, name) != getattr(previous, name)
    ]
    if fields:
        audit_record(
            action="membership.update",
            actor=by,
            target=membership.network,
            user_id=membership.user_id,
            previous_user_id=previous.user_id,
            fields=fields,
        )


def membership_deleted_in_admin(*, membership: Membership, by) -> None:
    """Apply the effects of a membership deleted in the Django admin, as `membership_remove`."""
    membership_ended(user_id=membership.user_id)
    audit_record(
        action="membership.remove", actor=by, target=membership.network, user_id=membership.user_id
    )


def _check_meeting_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})


@transaction.atomic
def meeting_create(*, network: Network, by, **fields) -> Meeting:
    _check_meeting_times(fields["starts_at"], fields["ends_at"])
    if fields["starts_at"] < timezone.now():
        raise ValidationError({"starts_at": _("A new meeting cannot start in the past.")})
    meeting = Meeting.objects.create(network=network, created_by=by, **fields)
    audit_record(action="meeting.create", actor=by, target=meeting, meeting_id=meeting.pk)
    index_object(meeting)
    meeting_invitations_store(meeting=meeting, change="create")
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by, **fields) -> Meeting:
    """Change a meeting; the calendar SEQUENCE rises when anything in the invitation changes."""
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    if "minutes" in fields and meeting.minutes_locked and fields["minutes"] != meeting.minutes:
        raise ValidationError(
            {"minutes": _("The minutes are approved and locked. Add an addendum instead.")}
        )
    _check_meeting_times(
        fields.get("starts_at", meeting.starts_at), fields.get("ends_at", meeting.ends_at)
    )
    changed = [name for name, value in fields.items() if getattr(meeting, name) != value]
    if not changed:
        return meeting
    for name in changed:
        setattr(meeting, name, fields[name])
    calendar_fields = {"title", "starts_at", "ends_at", "place", "online_url", "agenda"}
    if calendar_fields.intersection(changed):
        # The row lock orders two edits in the same moment, so each gets its own SEQUENCE
        # and its own invitation e-mail.
        stored = Meeting.objects.select_for_update().filter(pk=meeting.pk)
        meeting.sequence = stored.values_list("sequence", flat=True).get() + 1
        changed.append("sequence")
    meeting.save(update_fields=[*changed, "updated_at"])
    audit_record(action="meeting.update", actor=by, target=meeting, fields=sorted(changed))
    index_object(meeting)
    if "sequence" in changed:
        meeting_invitations_store(meeting=meeting, change="update")
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by) -> Meeting:
    if meeting.is_cancelled:
        return meeting
    meeting.cancelled_at = timezone.now()
    stored = Meeting.objects.select_for_update().filter(pk=meeting.pk)
    meeting.sequence = stored.values_list("sequence", flat=True).get() + 1
    meeting.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    audit_record(action="meeting.cancel", actor=by, target=meeting, meeting_id=meeting.pk)
    index_object(meeting)
    meeting_invitations_store(meeting=meeting, change="cancel")
    return meeting


def meeting_respond(*, meeting: Meeting, user, answer: str) -> MeetingResponse:
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting is cancelled."))
    if meeting.ends_at < timezone.now():
        raise ValidationError(_("The meeting is over, so it no longer takes answers."))
    if answer not in MeetingResponse.Answer.values:
        raise ValidationError(_("Choose yes, no or maybe."))
    response, _created = MeetingResponse.objects.update_or_create(
        meeting=meeting, user=user, defaults={"answer": answer}
    )
    return response


@transaction.atomic
def minutes_approve(*, meeting: Meeting, by) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.minutes_locked:
        return meeting
    if not meeting.minutes.strip():
        raise ValidationError(_("Write the minutes before approving them."))
    meeting.minutes_approved_at = timezone.now()
    meeting.minutes_approved_by = by
    meeting.save(update_fields=["minutes_approved_at", "minutes_approved_by", "updated_at"])
    audit_record(action="minutes.approve", actor=by, target=meeting, meeting_id=meeting.pk)
    return meeting


@transaction.atomic
def minutes_add_addendum(*, meeting: Meeting, by, text: str) -> MinutesAddendum:
    if not meeting.minutes_locked:
        raise ValidationError(_("Addenda are for approved minutes; edit the draft instead."))
    if not text.strip():
        raise ValidationError({"text": _("Write the addendum.")})
    addendum = MinutesAddendum.objects.create(meeting=meeting, author=by, text=text)
    audit_record(action="minutes.addendum", actor=by, target=meeting, meeting_id=meeting.pk)
    return addendum


def networks_orphaned_by(user) -> list[Network]:
    """Return the current networks in which `user` is the only active convener left.

    Conveners whose accounts are deactivated do not count, because they cannot act.
    """
    led = Network.objects.current().filter(
        memberships__user=user,
        memberships__role=Membership.Role.CONVENER,
        memberships__status=Membership.Status.ACTIVE,
    )
    others = Membership.objects.filter(
        network=OuterRef("pk"),
        role=Membership.Role.CONVENER,
        status=Membership.Status.ACTIVE,
        user__is_active=True,
    ).exclude(user=user)
    return list(led.filter(~Exists(others)).order_by("pk"))


@transaction.atomic
def network_take_over(*, network: Network, user) -> Membership:
    """Make an active member the convener of a network that has no convener left."""
    if not Network.objects.without_convener().filter(pk=network.pk).exists():
        raise ValidationError(_("The network already has a convener."))
    membership = (
        Membership.objects.select_for_update()
        .filter(network=network, user=user, status=Membership.Status.ACTIVE)
        .first()
    )
    if membership is None:
        raise ValidationError(_("Only a member of the network can take over as convener."))
    membership.role = Membership.Role.CONVENER
    membership.save(update_fields=["role"])
    audit_record(action="membership.take_over", actor=user, target=membership, network=network.pk)
    return membership
