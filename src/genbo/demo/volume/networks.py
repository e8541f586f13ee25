"""Volume stages: networks with conveners, members and join requests; meetings and answers."""

import uuid
from datetime import timedelta

from django.utils.text import slugify

from genbo.demo.content import (
    DISCUSSION_TEMPLATES,
    MEETING_FREQUENCIES,
    MEETING_ROOMS,
    NETWORK_PLANS,
)
from genbo.demo.volume.base import SeedContext, bulk_insert, bulk_insert_quietly
from genbo.networks.models import Meeting, MeetingResponse, Membership, Network

# Three networks in ten are closed (Bollplank), the second, fifth and eighth of each ten.
CLOSED_POSITIONS = {2, 5, 8}
CONVENERS_PER_NETWORK = 2
PENDING_PER_CLOSED_NETWORK = 2
# Network sizes follow a Pareto distribution: most networks are small, a few are large.
# The smallest network has this many members, and the shape gives a mean of about 48.
SMALLEST_NETWORK = 8
SIZE_SHAPE = 1.2
LARGEST_NETWORK_SHARE = 0.05
RESPONSES_PER_MEETING = (0, 10)
MEETINGS_PAST_DAYS = 730
MEETINGS_FUTURE_DAYS = 180


def seed_networks(context: SeedContext) -> int:
    """Create the networks, a share of them closed, with conveners, members and join requests."""
    rng = context.rng
    largest = max(
        SMALLEST_NETWORK + CONVENERS_PER_NETWORK, int(len(context.user_ids) * LARGEST_NETWORK_SHARE)
    )

    def networks():
        for number in range(1, context.size.networks + 1):
            plan = NETWORK_PLANS[(number - 1) % len(NETWORK_PLANS)]
            name = f"{plan.name} {number}"
            closed = number % 10 in CLOSED_POSITIONS
            yield Network(
                name=name,
                slug=f"{slugify(plan.name)[:60]}-v{number}",
                purpose=plan.purpose,
                description=plan.intro,
                access=Network.Access.CLOSED if closed else Network.Access.OPEN,
                meeting_rhythm=rng.choice(MEETING_FREQUENCIES),
                created_at=context.now - timedelta(days=rng.randint(30, 1500)),
            )

    saved = bulk_insert(context, Network, networks(), label="networks", total=context.size.networks)
    memberships = []
    municipality_links = []
    competence_links = []
    for network in saved:
        context.network_ids.append(network.pk)
        if not network.is_closed:
            context.open_network_ids.append(network.pk)
        size = min(int(SMALLEST_NETWORK * rng.paretovariate(SIZE_SHAPE)), largest)
        people = rng.sample(context.user_ids, size + PENDING_PER_CLOSED_NETWORK)
        members = people[:size]
        context.network_members[network.pk] = members
        for position, user_id in enumerate(members):
            role = (
                Membership.Role.CONVENER
                if position < CONVENERS_PER_NETWORK
                else Membership.Role.MEMBER
            )
            memberships.append(Membership(network=network, user_id=user_id, role=role))
        if network.is_closed:
            memberships.extend(
                Membership(network=network, user_id=user_id, status=Membership.Status.PENDING)
                for user_id in people[size:]
            )
        for municipality_id in rng.sample(context.municipality_ids, rng.randint(2, 11)):
            municipality_links.append(
                Network.municipalities.through(network=network, municipality_id=municipality_id)
            )
        for competence_id in rng.sample(context.competence_ids, 3):
            competence_links.append(
                Network.competences.through(network=network, competence_id=competence_id)
            )
    bulk_insert(context, Membership, memberships, label="memberships", total=len(memberships))
    bulk_insert_quietly(Network.municipalities.through, municipality_links)
    bulk_insert_quietly(Network.competences.through, competence_links)
    return len(saved)


def seed_meetings(context: SeedContext) -> int:
    """Create meetings spread over two years back and half a year ahead, with answers."""
    rng = context.rng
    per_network, extra = divmod(context.size.meetings, len(context.network_ids))
    plans = {plan_number: plan for plan_number, plan in enumerate(NETWORK_PLANS)}

    def meetings():
        for index, network_id in enumerate(context.network_ids):
            plan = plans[index % len(NETWORK_PLANS)]
            members = context.network_members[network_id]
            count = per_network + (1 if index < extra else 0)
            for _ in range(count):
                offset = rng.randint(-MEETINGS_PAST_DAYS, MEETINGS_FUTURE_DAYS)
                starts_at = (context.now + timedelta(days=offset)).replace(
                    hour=rng.choice((8, 9, 13)), minute=0, second=0, microsecond=0
                )
                topics = rng.sample(plan.topics, min(3, len(plan.topics)))
                agenda = "\n".join(f"{number}. {topic}" for number, topic in enumerate(topics, 1))
                minutes = ""
                if offset < 0:
                    speaker = rng.choice(members)
                    minutes = rng.choice(DISCUSSION_TEMPLATES).format(
                        name=context.user_names[speaker],
                        first_name=context.user_names[speaker].split()[0],
                        municipality=context.user_municipality[speaker],
                    )
                yield Meeting(
                    network_id=network_id,
                    title=topics[0],
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=2),
                    place=rng.choice(MEETING_ROOMS),
                    agenda=agenda,
                    minutes=minutes,
                    uid=uuid.UUID(int=rng.getrandbits(128), version=4),
                    created_by_id=members[0],
                )

    saved = bulk_insert(context, Meeting, meetings(), label="meetings", total=context.size.meetings)

    def responses():
        answers = list(MeetingResponse.Answer)
        for meeting in saved:
            members = context.network_members[meeting.network_id]
            count = min(rng.randint(*RESPONSES_PER_MEETING), len(members))
            for user_id in rng.sample(members, count):
                yield MeetingResponse(meeting=meeting, user_id=user_id, answer=rng.choice(answers))

    estimate = len(saved) * sum(RESPONSES_PER_MEETING) // 2
    bulk_insert(context, MeetingResponse, responses(), label="meeting answers", total=estimate)
    return len(saved)
