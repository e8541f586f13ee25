"""The borrowing request state machine: every step from every state, and bad input."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from genbo.core.models import AuditEvent
from genbo.experts import services
from genbo.experts.models import BorrowRequest, RequestEvent, State
from tests.experts.conftest import make_request
from tests.factories import ExpertOfferFactory, UserFactory
from tests.helpers import in_swedish, in_swedish_start

pytestmark = pytest.mark.django_db


def _step(name, borrow_request, people):
    """Run the step `name` on `borrow_request` as the party who is allowed to take it."""
    later = timezone.now() + timedelta(days=5)
    steps = {
        "accept": lambda: services.borrow_request_accept(
            borrow_request=borrow_request, by=people["expert"]
        ),
        "propose_time": lambda: services.borrow_request_propose_time(
            borrow_request=borrow_request,
            by=people["expert"],
            counter_start=later,
            counter_end=later + timedelta(hours=2),
        ),
        "accept_proposal": lambda: services.borrow_request_accept_proposal(
            borrow_request=borrow_request, by=people["requester"]
        ),
        "decline": lambda: services.borrow_request_decline(
            borrow_request=borrow_request, by=people["expert"], reason="Jag har inte tid."
        ),
        "cancel": lambda: services.borrow_request_cancel(
            borrow_request=borrow_request, by=people["requester"]
        ),
        "manager_approve": lambda: services.borrow_request_manager_approve(
            borrow_request=borrow_request, by=people["manager"]
        ),
        "manager_reject": lambda: services.borrow_request_manager_reject(
            borrow_request=borrow_request, by=people["manager"], reason="Hög arbetsbelastning."
        ),
        "complete": lambda: services.borrow_request_complete(
            borrow_request=borrow_request, by=people["requester"]
        ),
        "feedback": lambda: services.borrow_request_feedback(
            borrow_request=borrow_request, by=people["requester"], text="Mycket givande!"
        ),
    }
    return steps[name]()


STEPS = [
    "accept",
    "propose_time",
    "accept_proposal",
    "decline",
    "cancel",
    "manager_approve",
    "manager_reject",
    "complete",
    "feedback",
]

# (state before, step) -> state after. Every pair not listed must be refused. Feedback
# leaves a completed request completed and stores the text.
ALLOWED = {
    (State.REQUESTED, "accept"): State.CONFIRMED,
    (State.REQUESTED, "propose_time"): State.TIME_PROPOSED,
    (State.REQUESTED, "decline"): State.DECLINED,
    (State.REQUESTED, "cancel"): State.CANCELLED,
    (State.TIME_PROPOSED, "accept_proposal"): State.CONFIRMED,
    (State.TIME_PROPOSED, "decline"): State.DECLINED,
    (State.TIME_PROPOSED, "cancel"): State.CANCELLED,
    (State.AWAITING_MANAGER, "manager_approve"): State.CONFIRMED,
    (State.AWAITING_MANAGER, "manager_reject"): State.REJECTED_BY_MANAGER,
    (State.AWAITING_MANAGER, "cancel"): State.CANCELLED,
    (State.CONFIRMED, "complete"): State.COMPLETED,
    (State.CONFIRMED, "cancel"): State.CANCELLED,
    (State.COMPLETED, "feedback"): State.COMPLETED,
}

CASES = [
    pytest.param(state, step, ALLOWED.get((state, step)), id=f"{state}-{step}")
    for state in State.values
    for step in STEPS
]


@pytest.mark.parametrize(("state", "step", "expected"), CASES)
def test_every_step_from_every_state(offer, requester, expert, manager, state, step, expected):
    borrow_request = make_request(offer, requester, state=state, manager=manager)
    people = {"expert": expert, "requester": requester, "manager": manager}

    if expected is None:
        with pytest.raises(ValidationError):
            _step(step, borrow_request, people)
        borrow_request.refresh_from_db()
        assert borrow_request.state == state
        assert RequestEvent.objects.filter(request=borrow_request).count() == 0
        return

    _step(step, borrow_request, people)
    borrow_request.refresh_from_db()
    assert borrow_request.state == expected
    event = RequestEvent.objects.get(request=borrow_request)
    assert (event.from_state, event.to_state) == (state, expected)
    assert AuditEvent.objects.filter(action__startswith="borrow_request.").count() == 1


def test_states_table_covers_every_state():
    assert {state for state, _step in ALLOWED} | {
        State.DECLINED,
        State.CANCELLED,
        State.REJECTED_BY_MANAGER,
    } == set(State.values)


def test_accept_needs_manager_where_required(offer, requester, manager, approval_required):
    borrow_request = make_request(offer, requester)

    services.borrow_request_accept(borrow_request=borrow_request, by=offer.expert)

    borrow_request.refresh_from_db()
    assert borrow_request.state == State.AWAITING_MANAGER
    assert borrow_request.manager == manager


def test_accept_proposal_needs_manager_where_required(offer, requester, approval_required):
    borrow_request = make_request(offer, requester, state=State.TIME_PROPOSED)
    sequence = borrow_request.sequence

    services.borrow_request_accept_proposal(borrow_request=borrow_request, by=requester)

    borrow_request.refresh_from_db()
    assert borrow_request.state == State.AWAITING_MANAGER
    assert borrow_request.proposed_start == borrow_request.counter_start
    assert borrow_request.sequence == sequence + 1


def test_accept_without_registered_manager_is_refused(requester, approval_required):
    expert = UserFactory(municipality__slug="landskrona")
    borrow_request = make_request(ExpertOfferFactory(expert=expert), requester)

    with pytest.raises(ValidationError) as error:
        services.borrow_request_accept(borrow_request=borrow_request, by=expert)

    assert "no manager registered" in error.value.messages[0] or error.value.code == "no_manager"
    borrow_request.refresh_from_db()
    assert borrow_request.state == State.REQUESTED


@pytest.mark.parametrize(
    ("step", "wrong_person"),
    [
        ("accept", "requester"),
        ("propose_time", "requester"),
        ("decline", "outsider"),
        ("cancel", "expert"),
        ("accept_proposal", "expert"),
        ("complete", "outsider"),
    ],
)
def test_step_by_wrong_party_is_refused(offer, requester, manager, step, wrong_person):
    start = {
        "accept": State.REQUESTED,
        "propose_time": State.REQUESTED,
        "decline": State.REQUESTED,
        "cancel": State.REQUESTED,
        "accept_proposal": State.TIME_PROPOSED,
        "complete": State.CONFIRMED,
    }[step]
    borrow_request = make_request(offer, requester, state=start)
    people = {
        "expert": offer.expert,
        "requester": requester,
        "outsider": UserFactory(),
        "manager": manager,
    }
    people = {role: people[wrong_person] for role in ("expert", "requester", "manager")}

    with pytest.raises(ValidationError):
        _step(step, borrow_request, people)

    borrow_request.refresh_from_db()
    assert borrow_request.state == start


def test_manager_approval_by_someone_else_is_refused(offer, requester, manager):
    borrow_request = make_request(offer, requester, state=State.AWAITING_MANAGER, manager=manager)
    other_manager = UserFactory()

    with pytest.raises(ValidationError) as error:
        services.borrow_request_manager_approve(borrow_request=borrow_request, by=other_manager)

    assert error.value.messages == [
        in_swedish("Only the expert's manager can approve or reject this request.")
    ]


def test_accept_after_cancel_says_cancelled(offer, requester):
    borrow_request = make_request(offer, requester)
    services.borrow_request_cancel(borrow_request=borrow_request, by=requester)

    with pytest.raises(ValidationError) as error:
        services.borrow_request_accept(borrow_request=borrow_request, by=offer.expert)

    assert error.value.messages == [
        in_swedish("The requester has cancelled this request, so it can no longer be changed.")
    ]


def test_feedback_only_once(offer, requester):
    borrow_request = make_request(offer, requester, state=State.COMPLETED)
    services.borrow_request_feedback(borrow_request=borrow_request, by=requester, text="Bra!")

    with pytest.raises(ValidationError):
        services.borrow_request_feedback(borrow_request=borrow_request, by=requester, text="Igen")

    borrow_request.refresh_from_db()
    assert borrow_request.feedback == "Bra!"


def test_complete_before_start_is_refused(offer, requester):
    start = timezone.now() + timedelta(days=1)
    borrow_request = make_request(
        offer,
        requester,
        state=State.CONFIRMED,
        proposed_start=start,
        proposed_end=start + timedelta(hours=1),
    )

    with pytest.raises(ValidationError):
        services.borrow_request_complete(borrow_request=borrow_request, by=requester)


def test_feedback_visible_only_by_expert(offer, requester):
    borrow_request = make_request(offer, requester, state=State.COMPLETED, feedback="Bra!")

    with pytest.raises(ValidationError):
        services.borrow_request_set_feedback_visible(
            borrow_request=borrow_request, by=requester, visible=True
        )
    services.borrow_request_set_feedback_visible(
        borrow_request=borrow_request, by=offer.expert, visible=True
    )

    borrow_request.refresh_from_db()
    assert borrow_request.feedback_visible is True


def test_accept_after_proposed_time_is_over_is_refused(offer, requester):
    borrow_request = make_request(offer, requester)
    BorrowRequest.objects.filter(pk=borrow_request.pk).update(
        proposed_start=timezone.now() - timedelta(hours=3),
        proposed_end=timezone.now() - timedelta(hours=1),
    )
    borrow_request.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        services.borrow_request_accept(borrow_request=borrow_request, by=offer.expert)

    assert error.value.messages == [
        in_swedish("The proposed time is already over. Propose another time.")
    ]


# Creating a request


def _create(offer, requester, **changes):
    start = timezone.now() + timedelta(days=7)
    fields = {
        "offer": offer,
        "requester": requester,
        "purpose": "En föreläsning för vår ledningsgrupp.",
        "format": "lecture",
        "proposed_start": start,
        "proposed_end": start + timedelta(hours=2),
        "expected_hours": 4,
        "requesting_unit_text": "Ekonomiavdelningen",
    }
    fields.update(changes)
    return services.borrow_request_create(**fields)


def test_create_stores_request_and_event(offer, requester):
    borrow_request = _create(offer, requester)

    assert borrow_request.state == State.REQUESTED
    assert list(borrow_request.events.values_list("action", flat=True)) == ["create"]


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


HOURS_RANGE_MESSAGE = "Give the expected hours as a whole number from"
BAD_INPUT = [
    ("self", {}, "You cannot ask to borrow yourself."),
    ("switched_off", {}, "The expert has switched this offer off, so it takes no requests."),
    ("past", {"proposed_start": -1}, "The start cannot be in the past."),
    ("end_before_start", {"proposed_end": -1}, "The end must come after the start."),
    ("zero_hours", {"expected_hours": 0}, HOURS_RANGE_MESSAGE),
    ("too_many_hours", {"expected_hours": 10_000}, HOURS_RANGE_MESSAGE),
    ("format", {"format": "short_support"}, "The expert does not offer this format."),
    ("duplicate", {}, "You already have an open request to this expert about this offer."),
]


@pytest.mark.parametrize(("case", "changes", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_create_refuses_bad_input(offer, requester, case, changes, message):
    now = timezone.now()
    asker = requester
    if case == "self":
        asker = offer.expert
    if case == "switched_off":
        offer.is_active = False
        offer.save()
    if case == "duplicate":
        _create(offer, requester)
    if changes.get("proposed_start") == -1:
        changes = {"proposed_start": now - timedelta(days=1), "proposed_end": now}
    if changes.get("proposed_end") == -1:
        changes = {
            "proposed_start": now + timedelta(days=2),
            "proposed_end": now + timedelta(days=1),
        }
    before = BorrowRequest.objects.count()

    with pytest.raises(ValidationError) as error:
        _create(offer, asker, **changes)

    assert in_swedish_start(message) in _error_text(error.value)
    assert BorrowRequest.objects.count() == before


def test_create_again_after_closed_request(offer, requester):
    first = _create(offer, requester)
    services.borrow_request_cancel(borrow_request=first, by=requester)

    second = _create(offer, requester)

    assert second.pk != first.pk


def test_create_refuses_unavailable_dates(offer, requester):
    start = timezone.now() + timedelta(days=10)
    offer.unavailable_periods.create(
        starts_on=start.date() - timedelta(days=1), ends_on=start.date() + timedelta(days=1)
    )

    with pytest.raises(ValidationError) as error:
        _create(offer, requester, proposed_start=start, proposed_end=start + timedelta(hours=1))

    assert "proposed_start" in error.value.error_dict


# Two people clicking at the same moment


def test_stale_accept_and_cancel_only_one_wins(offer, requester):
    borrow_request = make_request(offer, requester)
    seen_by_expert = BorrowRequest.objects.get(pk=borrow_request.pk)
    seen_by_requester = BorrowRequest.objects.get(pk=borrow_request.pk)

    outcomes = []
    for run in (
        lambda: services.borrow_request_cancel(borrow_request=seen_by_requester, by=requester),
        lambda: services.borrow_request_accept(borrow_request=seen_by_expert, by=offer.expert),
    ):
        try:
            run()
        except ValidationError:
            outcomes.append("refused")
        else:
            outcomes.append("done")

    assert outcomes == ["done", "refused"]
    borrow_request.refresh_from_db()
    assert borrow_request.state == State.CANCELLED
    assert RequestEvent.objects.filter(request=borrow_request).count() == 1


def test_conditional_update_loses_race(offer, requester, monkeypatch):
    """The other click commits between the state check and the UPDATE: this step fails."""
    borrow_request = make_request(offer, requester)

    def cancel_meanwhile(locked):
        BorrowRequest.objects.filter(pk=locked.pk).update(state=State.CANCELLED)
        return {"state": State.CONFIRMED}

    monkeypatch.setattr(services, "_acceptance_changes", cancel_meanwhile)

    with pytest.raises(ValidationError) as error:
        services.borrow_request_accept(borrow_request=borrow_request, by=offer.expert)

    assert error.value.code == "conflict"
    assert RequestEvent.objects.filter(request=borrow_request).count() == 0


def test_double_accept_repeats_no_step(offer, requester):
    borrow_request = make_request(offer, requester)
    first = BorrowRequest.objects.get(pk=borrow_request.pk)
    second = BorrowRequest.objects.get(pk=borrow_request.pk)

    services.borrow_request_accept(borrow_request=first, by=offer.expert)
    with pytest.raises(ValidationError):
        services.borrow_request_accept(borrow_request=second, by=offer.expert)

    assert RequestEvent.objects.filter(request=borrow_request, action="accept").count() == 1


# Offers


def test_offer_with_requests_cannot_be_deleted(offer, requester):
    make_request(offer, requester)

    with pytest.raises(ValidationError):
        services.offer_delete(offer=offer, by=offer.expert)


def test_offer_without_requests_is_deleted(offer):
    services.offer_delete(offer=offer, by=offer.expert)

    assert not type(offer).objects.filter(pk=offer.pk).exists()
