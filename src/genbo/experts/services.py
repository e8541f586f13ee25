"""Writes on expert offers and borrowing requests.

Each step of a borrowing request is one function. It locks the request row, checks the
state and who acts, and then moves the state with a conditional UPDATE (`WHERE state =
<the state it read>`). On PostgreSQL the row lock already makes a second click wait and
then fail the state check. SQLite has no row locks, so there the conditional UPDATE
ensures that of two simultaneous steps from the same state exactly one wins.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from genbo.core.audit import audit_record
from genbo.experts.models import (
    MAX_EXPECTED_HOURS,
    MIN_EXPECTED_HOURS,
    OPEN_STATES,
    BorrowRequest,
    ExpertOffer,
    Format,
    RequestEvent,
    State,
    UnavailablePeriod,
)
from genbo.notifications.services import notify_request
from genbo.search.services import index_object, remove_object

logger = logging.getLogger(__name__)


# Offers


def _check_offer(*, formats: list[str], competences, online: bool, on_site_municipalities) -> None:
    errors = {}
    if not formats or any(value not in Format.values for value in formats):
        errors["formats"] = _("Choose at least one format.")
    if not list(competences):
        errors["competences"] = _("Give at least one competence that you offer.")
    if not online and not list(on_site_municipalities):
        errors["on_site_municipalities"] = _(
            "Choose the municipalities where you can come on site, or tick online."
        )
    if errors:
        raise ValidationError(errors)


def _check_periods(periods: Iterable[tuple[date, date]]) -> None:
    for starts_on, ends_on in periods:
        if ends_on < starts_on:
            raise ValidationError(
                {"unavailable": _("A period must end on or after its first day.")}
            )


@transaction.atomic
def offer_create(
    *,
    expert,
    competences,
    on_site_municipalities=(),
    unavailable: Iterable[tuple[date, date]] = (),
    **fields,
) -> ExpertOffer:
    competences = list(competences)
    on_site_municipalities = list(on_site_municipalities)
    unavailable = list(unavailable)
    _check_offer(
        formats=fields.get("formats", []),
        competences=competences,
        online=fields.get("online", False),
        on_site_municipalities=on_site_municipalities,
    )
    _check_periods(unavailable)
    offer = ExpertOffer(expert=expert, **fields)
    offer.full_clean()
    offer.save()
    offer.competences.set(competences)
    offer.on_site_municipalities.set(on_site_municipalities)
    UnavailablePeriod.objects.bulk_create(
        UnavailablePeriod(offer=offer, starts_on=starts_on, ends_on=ends_on)
        for starts_on, ends_on in unavailable
    )
    audit_record(action="expert_offer.create", actor=expert, target=offer, offer_id=offer.pk)
    index_object(offer)
    return offer


@transaction.atomic
def offer_update(
    *,
    offer: ExpertOffer,
    by,
    competences,
    on_site_municipalities=(),
    unavailable: Iterable[tuple[date, date]] = (),
    **fields,
) -> ExpertOffer:
    if offer.expert_id != by.pk:
        raise ValidationError(_("Only the expert can change the offer."))
    competences = list(competences)
    on_site_municipalities = list(on_site_municipalities)
    unavailable = list(unavailable)
    _check_offer(
        formats=fields.get("formats", offer.formats),
        competences=competences,
        online=fields.get("online", offer.online),
        on_site_municipalities=on_site_municipalities,
    )
    _check_periods(unavailable)
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.full_clean()
    offer.save()
    offer.competences.set(competences)
    offer.on_site_municipalities.set(on_site_municipalities)
    offer.unavailable_periods.all().delete()
    UnavailablePeriod.objects.bulk_create(
        UnavailablePeriod(offer=offer, starts_on=starts_on, ends_on=ends_on)
        for starts_on, ends_on in unavailable
    )
    audit_record(action="expert_offer.update", actor=by, target=offer, fields=sorted(fields))
    index_object(offer)
    return offer


@transaction.atomic
def offer_set_active(*, offer: ExpertOffer, by, active: bool) -> ExpertOffer:
    if offer.expert_id != by.pk:
        raise ValidationError(_("Only the expert can switch the offer on or off."))
    if offer.is_active != active:
        offer.is_active = active
        offer.save(update_fields=["is_active", "updated_at"])
        audit_record(
            action="expert_offer.activate" if active else "expert_offer.deactivate",
            actor=by,
            target=offer,
            offer_id=offer.pk,
        )
        index_object(offer)
    return offer


@transaction.atomic
def offer_delete(*, offer: ExpertOffer, by) -> None:
    """Delete an offer that has no requests; one with requests keeps their history."""
    if offer.expert_id != by.pk:
        raise ValidationError(_("Only the expert can delete the offer."))
    if offer.requests.exists():
        raise ValidationError(
            _(
                "The offer has borrowing requests, and deleting it would delete their "
                "history. Switch the offer off instead."
            )
        )
    audit_record(action="expert_offer.delete", actor=by, target=offer, offer_id=offer.pk)
    remove_object(offer)
    offer.delete()


# Borrowing requests: checks shared by several steps


def _check_times(starts: datetime | None, ends: datetime | None, *, prefix: str = "") -> None:
    start_field, end_field = (
        ("counter_start", "counter_end") if prefix else ("proposed_start", "proposed_end")
    )
    if starts is None or ends is None:
        raise ValidationError({start_field: _("Give both the start and the end.")})
    if starts < timezone.now():
        raise ValidationError({start_field: _("The start cannot be in the past.")})
    if ends <= starts:
        raise ValidationError({end_field: _("The end must come after the start.")})


def _check_available(offer: ExpertOffer, starts: datetime, ends: datetime, field: str) -> None:
    first_day = timezone.localtime(starts).date()
    last_day = timezone.localtime(ends).date()
    period = offer.unavailable_periods.filter(
        starts_on__lte=last_day, ends_on__gte=first_day
    ).first()
    if period is not None:
        raise ValidationError(
            {
                field: _(
                    "The expert is not available from %(first)s to %(last)s. Choose other dates."
                )
                % {"first": period.starts_on.isoformat(), "last": period.ends_on.isoformat()}
            }
        )


def _state_error(borrow_request: BorrowRequest) -> ValidationError:
    """Return the message for a step that the request's current state does not allow."""
    messages = {
        State.CANCELLED: _(
            "The requester has cancelled this request, so it can no longer be changed."
        ),
        State.DECLINED: _("The expert has declined this request, so it can no longer be changed."),
        State.REJECTED_BY_MANAGER: _(
            "The manager did not approve this request, so it can no longer be changed."
        ),
        State.COMPLETED: _("This request is completed, so it can no longer be changed."),
    }
    message = messages.get(borrow_request.state) or _(
        "This step is not possible while the request has the state “%(state)s”. "
        "Reload the page to see what can be done now."
    ) % {"state": borrow_request.get_state_display()}
    return ValidationError(message, code="state")


def _check_expert(borrow_request: BorrowRequest, by) -> None:
    if borrow_request.offer.expert_id != by.pk:
        raise ValidationError(_("Only the expert can answer the request."), code="party")


def _check_requester(borrow_request: BorrowRequest, by) -> None:
    if borrow_request.requester_id != by.pk:
        raise ValidationError(_("Only the person who asked can do this."), code="party")


def _approval_manager(borrow_request: BorrowRequest):
    """Return the manager who must approve, or None when the municipality does not ask."""
    expert = borrow_request.offer.expert
    if expert.municipality is None or not expert.municipality.requires_manager_approval:
        return None
    if expert.manager_id is None:
        raise ValidationError(
            _(
                "Your municipality requires your manager's approval before you lend your "
                "expertise, but GENBO has no manager registered for you. Ask the "
                "secretariat to add your manager."
            ),
            code="no_manager",
        )
    return expert.manager


def _move(
    borrow_request: BorrowRequest,
    *,
    by,
    action: str,
    allowed_from: Iterable[str],
    to_state: str,
    check: Callable[[BorrowRequest], dict | None] | None = None,
    note: str = "",
    notify: Callable[[BorrowRequest, str], list[tuple[str, list[int]]]],
) -> BorrowRequest:
    """Move `borrow_request` one step, or raise ValidationError and change nothing.

    `check` validates the locked row and returns the fields to change with the state; a
    "state" among them replaces `to_state`.
    `notify` returns (event, recipient ids) pairs for the stored row and its old state.
    """
    with transaction.atomic():
        locked = (
            BorrowRequest.objects.select_for_update(of=("self",))
            .select_related("offer__expert__municipality", "offer__expert__manager")
            .get(pk=borrow_request.pk)
        )
        if locked.state not in allowed_from:
            raise _state_error(locked)
        changes = (check(locked) if check else None) or {}
        from_state = locked.state
        new_state = changes.pop("state", to_state)
        changes = {"state": new_state, **changes, "updated_at": timezone.now()}
        updated = BorrowRequest.objects.filter(pk=locked.pk, state=from_state).update(**changes)
        if updated != 1:
            # Only reached without row locks (SQLite): another step won the race.
            raise ValidationError(
                _("Someone changed the request at the same moment. Reload the page."),
                code="conflict",
            )
        for name, value in changes.items():
            setattr(locked, name, value)
        RequestEvent.objects.create(
            request=locked,
            actor=by,
            action=action,
            from_state=from_state,
            to_state=new_state,
            note=note,
        )
        audit_record(
            action=f"borrow_request.{action}",
            actor=by,
            target=locked,
            request_id=locked.pk,
            from_state=from_state,
            to_state=new_state,
        )
        for event, recipient_ids in notify(locked, from_state):
            recipients = [pk for pk in recipient_ids if pk and pk != by.pk]
            if recipients:
                notify_request(
                    recipient_ids=recipients, actor=by, borrow_request=locked, event=event
                )
    logger.info("Borrowing request %s: %s by user %s", locked.pk, action, by.pk)
    return locked


def _acceptance_changes(locked: BorrowRequest) -> dict:
    """Return the state after an acceptance, with the manager when one must approve."""
    manager = _approval_manager(locked)
    if manager is None:
        return {"state": State.CONFIRMED}
    return {"state": State.AWAITING_MANAGER, "manager": manager}


def _acceptance_notices(locked: BorrowRequest, main_event: str, other: int):
    notices = [(main_event, [other])]
    if locked.state == State.AWAITING_MANAGER:
        notices.append(("approval_needed", [locked.manager_id]))
    return notices


# Borrowing requests: the steps


@transaction.atomic
def borrow_request_create(
    *,
    offer: ExpertOffer,
    requester,
    purpose: str,
    format: str,
    proposed_start: datetime,
    proposed_end: datetime,
    expected_hours: int,
    requesting_unit=None,
    requesting_unit_text: str = "",
) -> BorrowRequest:
    """Ask to borrow the expert of `offer`; the expert is notified."""
    # Locking the offer makes two simultaneous requests from one person wait for each
    # other, so the check for an open request sees the first one.
    offer = (
        ExpertOffer.objects.select_for_update(of=("self",))
        .select_related("expert")
        .get(pk=offer.pk)
    )
    if offer.expert_id == requester.pk:
        raise ValidationError(_("You cannot ask to borrow yourself."), code="self")
    if not offer.is_active or not offer.expert.is_active:
        raise ValidationError(
            _("The expert has switched this offer off, so it takes no requests."), code="inactive"
        )
    if not purpose.strip():
        raise ValidationError({"purpose": _("Describe what you need help with.")})
    if format not in offer.formats:
        raise ValidationError(
            {
                "format": _("The expert does not offer this format. Choose one of: %(formats)s.")
                % {"formats": ", ".join(str(label) for label in offer.format_labels)}
            }
        )
    if not MIN_EXPECTED_HOURS <= expected_hours <= MAX_EXPECTED_HOURS:
        raise ValidationError(
            {
                "expected_hours": _(
                    "Give the expected hours as a whole number from %(min)d to %(max)d."
                )
                % {"min": MIN_EXPECTED_HOURS, "max": MAX_EXPECTED_HOURS}
            }
        )
    _check_times(proposed_start, proposed_end)
    _check_available(offer, proposed_start, proposed_end, "proposed_start")
    if BorrowRequest.objects.filter(
        offer=offer, requester=requester, state__in=OPEN_STATES
    ).exists():
        raise ValidationError(
            _(
                "You already have an open request to this expert about this offer. Wait "
                "for the answer, or cancel that request first."
            ),
            code="duplicate",
        )
    borrow_request = BorrowRequest.objects.create(
        offer=offer,
        requester=requester,
        purpose=purpose.strip(),
        format=format,
        proposed_start=proposed_start,
        proposed_end=proposed_end,
        expected_hours=expected_hours,
        requesting_unit=requesting_unit,
        requesting_unit_text="" if requesting_unit else requesting_unit_text.strip(),
    )
    RequestEvent.objects.create(
        request=borrow_request, actor=requester, action="create", to_state=State.REQUESTED
    )
    audit_record(
        action="borrow_request.create",
        actor=requester,
        target=borrow_request,
        request_id=borrow_request.pk,
        offer_id=offer.pk,
    )
    notify_request(
        recipient_ids=[offer.expert_id],
        actor=requester,
        borrow_request=borrow_request,
        event="create",
    )
    return borrow_request


def borrow_request_accept(*, borrow_request: BorrowRequest, by) -> BorrowRequest:
    """Accept the proposed time: confirmed, or sent to the manager where that is required."""

    def check(locked):
        _check_expert(locked, by)
        if locked.proposed_end < timezone.now():
            raise ValidationError(_("The proposed time is already over. Propose another time."))
        return _acceptance_changes(locked)

    return _move(
        borrow_request,
        by=by,
        action="accept",
        allowed_from=[State.REQUESTED],
        to_state=State.CONFIRMED,
        check=check,
        notify=lambda locked, _old: _acceptance_notices(locked, "accept", locked.requester_id),
    )


def borrow_request_propose_time(
    *, borrow_request: BorrowRequest, by, counter_start: datetime, counter_end: datetime, note=""
) -> BorrowRequest:
    def check(locked):
        _check_expert(locked, by)
        _check_times(counter_start, counter_end, prefix="counter")
        return {"counter_start": counter_start, "counter_end": counter_end}

    return _move(
        borrow_request,
        by=by,
        action="propose_time",
        allowed_from=[State.REQUESTED],
        to_state=State.TIME_PROPOSED,
        check=check,
        note=note.strip(),
        notify=lambda locked, _old: [("propose_time", [locked.requester_id])],
    )


def borrow_request_accept_proposal(*, borrow_request: BorrowRequest, by) -> BorrowRequest:
    """Take the expert's proposed time as the requester, which raises the calendar SEQUENCE."""

    def check(locked):
        _check_requester(locked, by)
        if locked.counter_start is None or locked.counter_end is None:
            raise ValidationError(_("The expert has not proposed a time."))
        if locked.counter_start < timezone.now():
            raise ValidationError(
                _("The proposed time has already passed. Ask the expert for a new time.")
            )
        return {
            "proposed_start": locked.counter_start,
            "proposed_end": locked.counter_end,
            "sequence": locked.sequence + 1,
            **_acceptance_changes(locked),
        }

    return _move(
        borrow_request,
        by=by,
        action="accept_proposal",
        allowed_from=[State.TIME_PROPOSED],
        to_state=State.CONFIRMED,
        check=check,
        notify=lambda locked, _old: _acceptance_notices(
            locked, "accept_proposal", locked.offer.expert_id
        ),
    )


def borrow_request_decline(*, borrow_request: BorrowRequest, by, reason: str) -> BorrowRequest:
    def check(locked):
        _check_expert(locked, by)
        if not reason.strip():
            raise ValidationError({"reason": _("Give a reason, so the requester knows why.")})
        return {"decline_reason": reason.strip()}

    return _move(
        borrow_request,
        by=by,
        action="decline",
        allowed_from=[State.REQUESTED, State.TIME_PROPOSED],
        to_state=State.DECLINED,
        check=check,
        note=reason.strip(),
        notify=lambda locked, _old: [("decline", [locked.requester_id])],
    )


def borrow_request_cancel(*, borrow_request: BorrowRequest, by, note: str = "") -> BorrowRequest:
    def notices(locked, old_state):
        recipients = [locked.offer.expert_id]
        if old_state == State.AWAITING_MANAGER:
            recipients.append(locked.manager_id)
        return [("cancel", recipients)]

    return _move(
        borrow_request,
        by=by,
        action="cancel",
        allowed_from=[
            State.REQUESTED,
            State.TIME_PROPOSED,
            State.AWAITING_MANAGER,
            State.CONFIRMED,
        ],
        to_state=State.CANCELLED,
        check=lambda locked: _check_requester(locked, by),
        note=note.strip(),
        notify=notices,
    )


def _check_manager(locked: BorrowRequest, by) -> None:
    if locked.manager_id is None or locked.manager_id != by.pk:
        raise ValidationError(
            _("Only the expert's manager can approve or reject this request."), code="party"
        )


def borrow_request_manager_approve(*, borrow_request: BorrowRequest, by) -> BorrowRequest:
    return _move(
        borrow_request,
        by=by,
        action="manager_approve",
        allowed_from=[State.AWAITING_MANAGER],
        to_state=State.CONFIRMED,
        check=lambda locked: _check_manager(locked, by),
        notify=lambda locked, _old: [
            ("manager_approve", [locked.requester_id, locked.offer.expert_id])
        ],
    )


def borrow_request_manager_reject(
    *, borrow_request: BorrowRequest, by, reason: str
) -> BorrowRequest:
    def check(locked):
        _check_manager(locked, by)
        if not reason.strip():
            raise ValidationError({"reason": _("Give a reason, so the others know why.")})
        return {"decline_reason": reason.strip()}

    return _move(
        borrow_request,
        by=by,
        action="manager_reject",
        allowed_from=[State.AWAITING_MANAGER],
        to_state=State.REJECTED_BY_MANAGER,
        check=check,
        note=reason.strip(),
        notify=lambda locked, _old: [
            ("manager_reject", [locked.requester_id, locked.offer.expert_id])
        ],
    )


def borrow_request_complete(*, borrow_request: BorrowRequest, by) -> BorrowRequest:
    """Mark a confirmed request done; either the requester or the expert may do it."""

    def check(locked):
        if by.pk not in (locked.requester_id, locked.offer.expert_id):
            raise ValidationError(
                _("Only the requester or the expert can mark the request as completed."),
                code="party",
            )
        if locked.proposed_start > timezone.now():
            raise ValidationError(
                _("The assignment has not started yet, so it cannot be completed.")
            )

    return _move(
        borrow_request,
        by=by,
        action="complete",
        allowed_from=[State.CONFIRMED],
        to_state=State.COMPLETED,
        check=check,
        notify=lambda locked, _old: [("complete", [locked.requester_id, locked.offer.expert_id])],
    )


FEEDBACK_MAX_LENGTH = 2000


@transaction.atomic
def borrow_request_feedback(*, borrow_request: BorrowRequest, by, text: str) -> BorrowRequest:
    """Store the requester's feedback on a completed request, once."""
    text = text.strip()
    locked = (
        BorrowRequest.objects.select_for_update(of=("self",))
        .select_related("offer")
        .get(pk=borrow_request.pk)
    )
    _check_requester(locked, by)
    if locked.state != State.COMPLETED:
        raise ValidationError(_("Feedback can be given when the request is completed."))
    if locked.feedback:
        raise ValidationError(_("You have already given feedback on this request."))
    if not text:
        raise ValidationError({"feedback": _("Write your feedback.")})
    if len(text) > FEEDBACK_MAX_LENGTH:
        raise ValidationError(
            {
                "feedback": _("Keep the feedback to %(max)d characters.")
                % {"max": FEEDBACK_MAX_LENGTH}
            }
        )
    updated = BorrowRequest.objects.filter(pk=locked.pk, state=State.COMPLETED, feedback="").update(
        feedback=text, updated_at=timezone.now()
    )
    if updated != 1:
        raise ValidationError(_("You have already given feedback on this request."))
    locked.feedback = text
    RequestEvent.objects.create(
        request=locked,
        actor=by,
        action="feedback",
        from_state=State.COMPLETED,
        to_state=State.COMPLETED,
    )
    audit_record(action="borrow_request.feedback", actor=by, target=locked, request_id=locked.pk)
    notify_request(
        recipient_ids=[locked.offer.expert_id], actor=by, borrow_request=locked, event="feedback"
    )
    return locked


def borrow_request_set_feedback_visible(
    *, borrow_request: BorrowRequest, by, visible: bool
) -> BorrowRequest:
    """Let the expert show or hide the requester's feedback on the expert's profile."""
    if borrow_request.offer.expert_id != by.pk:
        raise ValidationError(_("Only the expert decides whether the feedback is shown."))
    if not borrow_request.feedback:
        raise ValidationError(_("There is no feedback to show yet."))
    if borrow_request.feedback_visible != visible:
        borrow_request.feedback_visible = visible
        borrow_request.save(update_fields=["feedback_visible", "updated_at"])
        audit_record(
            action="borrow_request.feedback_visibility",
            actor=by,
            target=borrow_request,
            request_id=borrow_request.pk,
            visible=visible,
        )
    return borrow_request
