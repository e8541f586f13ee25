"""Personas of a borrowing request: the requester, the expert and the expert's manager."""

from datetime import timedelta

import pytest
from django.utils import timezone

from genbo.core.models import Municipality
from tests.factories import BorrowRequestFactory, CompetenceFactory, ExpertOfferFactory, UserFactory


@pytest.fixture
def manager(db):
    return UserFactory(first_name="Maria", last_name="Chef", municipality__slug="landskrona")


@pytest.fixture
def expert(manager):
    return UserFactory(
        first_name="Erik", last_name="Expert", municipality__slug="landskrona", manager=manager
    )


@pytest.fixture
def requester(db):
    return UserFactory(first_name="Rut", last_name="Frågare")


@pytest.fixture
def approval_required(db):
    Municipality.objects.filter(slug="landskrona").update(requires_manager_approval=True)


@pytest.fixture
def offer(expert):
    return ExpertOfferFactory(
        expert=expert,
        title="Föreläsning om GDPR",
        competences=[CompetenceFactory(label="Dataskydd")],
        formats=["lecture", "workshop", "advice"],
    )


def make_request(offer, requester, *, state="requested", manager=None, **fields):
    """Store a request in `state` directly, with times that allow every step."""
    now = timezone.now()
    values = {
        "proposed_start": now - timedelta(hours=1),
        "proposed_end": now + timedelta(hours=1),
        "counter_start": now + timedelta(days=3),
        "counter_end": now + timedelta(days=3, hours=2),
    }
    values.update(fields)
    if state != "awaiting_manager":
        # The manager is stored only when a request goes to approval.
        manager = None
    return BorrowRequestFactory(
        offer=offer, requester=requester, state=state, manager=manager, **values
    )
