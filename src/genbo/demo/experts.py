"""Demo data for Delad expertkunskap: managers, expert offers and requests in every state."""

import random
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from genbo.accounts.models import Competence, User
from genbo.core.models import Municipality
from genbo.demo.content import MANAGER_TITLE
from genbo.experts.models import (
    BorrowRequest,
    ExpertOffer,
    Format,
    RequestEvent,
    State,
    UnavailablePeriod,
)

OFFER_COUNT = 60
# Municipalities where the expert's manager approves each lending.
APPROVING_MUNICIPALITIES = ("landskrona", "bastad")
# Synonyms for competences that the demo people have; the taxonomy file has none.
SYNONYMS = {
    "Projektledning": ["projektstyrning", "projektarbete"],
    "Klarspråk": ["begriplig text", "klar svenska"],
    "Förändringsledning": ["change management", "förändringsarbete"],
    "Presentationsteknik": ["retorik", "att tala inför grupp"],
    "Omvärldsbevakning": ["omvärldsanalys", "trendspaning"],
    "Processledning": ["facilitering", "workshopledning"],
}
TITLES = {
    Format.LECTURE: "Föreläsning om {label}",
    Format.WORKSHOP: "Workshop i {label}",
    Format.ADVICE: "Rådgivning i {label}",
    Format.SHORT_SUPPORT: "Kortare stöd i {label}",
}
DESCRIPTIONS = [
    "Jag har arbetat med **{label}** i många år och delar gärna med mig. "
    "Passar arbetsgrupper som vill komma i gång eller fördjupa sig.",
    "Jag kan hjälpa er med {label} i praktiken:\n\n- nulägesanalys\n- konkreta verktyg\n"
    "- uppföljning efteråt",
    "Behöver ni stöd i {label}? Jag har lett flera utvecklingsarbeten i kommunen och "
    "anpassar upplägget efter er verksamhet.",
]
AVAILABILITY = [
    "Två eftermiddagar i månaden",
    "En dag i månaden, helst tisdagar",
    "Enstaka förmiddagar efter överenskommelse",
    "Några timmar i veckan under terminerna",
]
PURPOSES = [
    "Vi vill ge vår arbetsgrupp en gemensam grund inför ett nytt utvecklingsarbete.",
    "Ledningsgruppen behöver stöd för att planera höstens arbete.",
    "Vi startar ett projekt och vill ha hjälp att komma i gång på rätt sätt.",
    "Vår enhet har fått nya rutiner och behöver en genomgång med exempel.",
]
# Requests per state; the requests of the demo employee and convener come on top.
REQUESTS_PER_STATE = {
    State.REQUESTED: 6,
    State.TIME_PROPOSED: 4,
    State.AWAITING_MANAGER: 3,
    State.CONFIRMED: 8,
    State.DECLINED: 3,
    State.CANCELLED: 3,
    State.REJECTED_BY_MANAGER: 2,
    State.COMPLETED: 10,
}
# The steps that lead to each state, as (action, from state, to state).
HISTORY = {
    State.REQUESTED: [],
    State.TIME_PROPOSED: [("propose_time", State.REQUESTED, State.TIME_PROPOSED)],
    State.AWAITING_MANAGER: [("accept", State.REQUESTED, State.AWAITING_MANAGER)],
    State.CONFIRMED: [("accept", State.REQUESTED, State.CONFIRMED)],
    State.DECLINED: [("decline", State.REQUESTED, State.DECLINED)],
    State.CANCELLED: [("cancel", State.REQUESTED, State.CANCELLED)],
    State.REJECTED_BY_MANAGER: [
        ("accept", State.REQUESTED, State.AWAITING_MANAGER),
        ("manager_reject", State.AWAITING_MANAGER, State.REJECTED_BY_MANAGER),
    ],
    State.COMPLETED: [
        ("accept", State.REQUESTED, State.CONFIRMED),
        ("complete", State.CONFIRMED, State.COMPLETED),
    ],
}
FEEDBACK = [
    "Mycket uppskattat! Konkreta exempel som vi kunde använda direkt.",
    "Tydligt och engagerande. Vi bjuder gärna in igen.",
    "Bra stöd som gjorde att vi kom vidare i vårt arbete.",
]


def seed_experts(
    rng: random.Random, out: Callable[[str], object], *, employee: str, convener: str
) -> None:
    """Seed managers, synonyms, about 60 offers and requests in every state."""
    now = timezone.now()
    Municipality.objects.filter(slug__in=APPROVING_MUNICIPALITIES).update(
        requires_manager_approval=True
    )
    people = list(User.objects.select_related("municipality").order_by("pk"))
    _assign_managers(rng, people)
    _add_synonyms()

    competences_of: dict[int, list[Competence]] = {}
    for row in User.competences.through.objects.select_related("competence").order_by("pk"):
        competences_of.setdefault(row.user_id, []).append(row.competence)
    by_email = {person.email: person for person in people}
    employee, convener = by_email.get(employee), by_email.get(convener)

    experts = [person for person in people if competences_of.get(person.pk)]
    rng.shuffle(experts)
    experts = [p for p in experts if p not in (employee, convener)][: OFFER_COUNT - 1]
    if convener is not None and competences_of.get(convener.pk):
        experts.insert(0, convener)
    municipalities = list(Municipality.objects.all())

    offers, links, places, periods = [], [], [], []
    for number, expert in enumerate(experts):
        offered = rng.sample(competences_of[expert.pk], k=min(3, len(competences_of[expert.pk])))
        formats = rng.sample(Format.values, k=rng.randint(1, 3))
        if number == 0:
            formats = [Format.LECTURE, Format.WORKSHOP]
        label = offered[0].label
        offer = ExpertOffer(
            expert=expert,
            title=TITLES[Format(formats[0])].format(
                label=label.lower() if label.islower() else label
            ),
            formats=formats,
            description=rng.choice(DESCRIPTIONS).format(label=label.lower()),
            languages=rng.choice(["svenska", "svenska, engelska", "svenska, arabiska"]),
            online=rng.random() < 0.8,
            availability=rng.choice(AVAILABILITY),
            is_active=number == 0 or rng.random() < 0.9,
            created_at=now - timedelta(days=rng.randint(5, 400)),
        )
        offers.append((offer, offered))
    ExpertOffer.objects.bulk_create([offer for offer, _offered in offers])
    for offer, offered in offers:
        links += [
            ExpertOffer.competences.through(expertoffer_id=offer.pk, competence_id=c.pk)
            for c in offered
        ]
        home = offer.expert.municipality
        near = [home] if home else []
        if not offer.online or rng.random() < 0.6:
            near += rng.sample(municipalities, k=2)
        places += [
            ExpertOffer.on_site_municipalities.through(
                expertoffer_id=offer.pk, municipality_id=m.pk
            )
            for m in {m.pk: m for m in near}.values()
        ]
        if rng.random() < 0.2:
            first = now.date() + timedelta(days=rng.randint(-3, 60))
            periods.append(
                UnavailablePeriod(
                    offer=offer, starts_on=first, ends_on=first + timedelta(days=rng.randint(2, 20))
                )
            )
    ExpertOffer.competences.through.objects.bulk_create(links, ignore_conflicts=True)
    ExpertOffer.on_site_municipalities.through.objects.bulk_create(places, ignore_conflicts=True)
    UnavailablePeriod.objects.bulk_create(periods)

    active = [offer for offer, _offered in offers if offer.is_active]
    requesters = [p for p in people if p.is_active and not p.is_staff]
    plans = []
    for state, count in REQUESTS_PER_STATE.items():
        for _index in range(count):
            offer = rng.choice(active)
            requester = rng.choice([p for p in requesters[:200] if p.pk != offer.expert_id])
            plans.append((offer, requester, state))
    # The demo employee waits for an answer, and the convener has a request to answer.
    if employee is not None:
        plans.append((rng.choice(active[1:]), employee, State.TIME_PROPOSED))
        plans.append((rng.choice(active[1:]), employee, State.COMPLETED))
    if convener is not None and experts and experts[0] == convener:
        plans.append((offers[0][0], employee or requesters[0], State.REQUESTED))
        plans.append((offers[0][0], rng.choice(requesters), State.CONFIRMED))
    _create_requests(rng, plans, now)
    out(f"Expert offers: {len(offers)}, borrowing requests: {len(plans)}.")


def _assign_managers(rng: random.Random, people: list[User]) -> None:
    managers: dict[int | None, list[User]] = {}
    for person in people:
        if person.title == MANAGER_TITLE:
            managers.setdefault(person.municipality_id, []).append(person)
    changed = []
    for person in people:
        candidates = [m for m in managers.get(person.municipality_id, []) if m.pk != person.pk]
        if candidates and person.title != MANAGER_TITLE:
            same_unit = [m for m in candidates if m.unit_id and m.unit_id == person.unit_id]
            person.manager = rng.choice(same_unit or candidates)
            changed.append(person)
    User.objects.bulk_update(changed, ["manager"], batch_size=500)


def _add_synonyms() -> None:
    found = list(Competence.objects.filter(label__in=list(SYNONYMS)))
    for competence in found:
        competence.synonyms = SYNONYMS[competence.label]
    Competence.objects.bulk_update(found, ["synonyms"])


def _create_requests(rng: random.Random, plans, now) -> None:
    rows = []
    for offer, requester, state in plans:
        if state in (State.COMPLETED, State.REJECTED_BY_MANAGER, State.DECLINED):
            start = now - timedelta(days=rng.randint(10, 300))
        elif state == State.CANCELLED:
            start = now + timedelta(days=rng.randint(-100, 40))
        else:
            start = now + timedelta(days=rng.randint(3, 90))
        start = start.replace(hour=rng.choice([9, 13]), minute=0, second=0, microsecond=0)
        manager = None
        if state in (State.AWAITING_MANAGER, State.REJECTED_BY_MANAGER):
            manager = offer.expert.manager or requester
        fmt = rng.choice(offer.formats)
        row = BorrowRequest(
            offer=offer,
            requester=requester,
            purpose=rng.choice(PURPOSES),
            format=fmt,
            proposed_start=start,
            proposed_end=start + timedelta(hours=rng.choice([2, 3, 4])),
            expected_hours=rng.choice([2, 4, 6, 8, 12, 16]),
            requesting_unit_id=requester.unit_id,
            requesting_unit_text="" if requester.unit_id else "Centrala staben",
            state=state,
            manager=manager,
            created_at=start - timedelta(days=rng.randint(7, 40)),
        )
        if state == State.TIME_PROPOSED:
            row.counter_start = start + timedelta(days=7)
            row.counter_end = row.proposed_end + timedelta(days=7)
        if state in (State.DECLINED, State.REJECTED_BY_MANAGER):
            row.decline_reason = "Tyvärr har jag inte möjlighet under den perioden."
        if state == State.COMPLETED and rng.random() < 0.7:
            row.feedback = rng.choice(FEEDBACK)
            row.feedback_visible = rng.random() < 0.7
        rows.append(row)
    BorrowRequest.objects.bulk_create(rows)

    events = []
    for row in rows:
        moment = row.created_at
        events.append(
            RequestEvent(
                request=row,
                actor=row.requester,
                action="create",
                to_state=State.REQUESTED,
                created_at=moment,
            )
        )
        for action, from_state, to_state in HISTORY[row.state]:
            moment += timedelta(days=rng.randint(1, 3))
            actor = {
                "cancel": row.requester,
                "manager_reject": row.manager,
            }.get(action, row.offer.expert)
            events.append(
                RequestEvent(
                    request=row,
                    actor=actor,
                    action=action,
                    from_state=from_state,
                    to_state=to_state,
                    note=row.decline_reason if action in ("decline", "manager_reject") else "",
                    created_at=moment,
                )
            )
    RequestEvent.objects.bulk_create(events)
