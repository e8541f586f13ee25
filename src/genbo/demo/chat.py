"""Demo data for the chat: rooms of the largest networks, topic rooms and a direct conversation.

Messages are stored directly (not through the services), so seeding sends no events, hits
no rate limit and can date them in the past.
"""

import random
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from genbo.accounts.models import User
from genbo.chat.models import Message, Room, RoomMember
from genbo.networks.models import Membership, Network

NETWORK_ROOMS = 4
NETWORK_LINES = [
    "God morgon! Är det någon som har en bra mall för introduktion av nyanställda?",
    "Vi använder en checklista som vi tog fram förra året. Jag lägger upp den i Idébiblioteket.",
    "Tack, det vore toppen!",
    "Påminnelse: vi ses på träffen nästa vecka. Skriv gärna om ni har punkter till dagordningen.",
    "Jag tar med erfarenheter från vårt arbete med **heltid som norm**.",
    "Hur har ni löst frågan om distansarbete efter sommaren?",
    "Hos oss får man arbeta hemifrån två dagar i veckan efter överenskommelse med chefen.",
    "Samma här, men vi utvärderar det i höst.",
    "Har någon erfarenhet av att upphandla ett nytt system för tidrapportering?",
    "Ja, vi gjorde det 2025. Hör av dig så berättar jag mer!",
    "Bra diskussion på träffen i dag, tack alla som var med.",
    "Minnesanteckningarna kommer upp senast på fredag.",
]
TOPIC_ROOMS = [
    (
        "Klarspråk i vardagen",
        "Tips och frågor om att skriva begripligt i beslut, brev och på webben.",
        [
            "Finns det något bra ord för ”återkoppla” som inte låter byråkratiskt?",
            "Jag brukar skriva ”svara” eller ”höra av mig”. Kortare och tydligare.",
            "Språkrådets skrivregler har ett bra avsnitt om myndighetsord.",
            "Vi har börjat läsa varandras texter högt innan vi skickar dem. Det hjälper!",
        ],
    ),
    (
        "Digitala verktyg",
        "Teams, SharePoint och andra verktyg som vi använder i kommunerna.",
        [
            "Hur delar ni filer med andra kommuner? Vi har problem med behörigheter i Teams.",
            "Vi skapar en gemensam kanal per projekt och bjuder in gäster där.",
            "Kom ihåg att inte dela personuppgifter i öppna kanaler.",
        ],
    ),
    (
        "Fikarummet",
        "Allmänt småprat mellan kollegor i Familjen Helsingborg.",
        [
            "Någon som har ett bra recept på kanelbullar till fredagsfikat?",
            "Mormors recept: mycket kardemumma och lite extra smör.",
            "Glad fredag allihop!",
        ],
    ),
]
DIRECT_LINES = [
    ("convener", "Hej Sara! Skulle du kunna hjälpa oss med en kort text om nätverket till webben?"),
    ("employee", "Hej Johan! Absolut, när behöver ni den?"),
    ("convener", "Gärna före nästa träff. Jag skickar underlaget i dag."),
    ("employee", "Perfekt, jag återkommer med ett förslag på torsdag."),
]


def _add_messages(room: Room, authors: list[User], lines, rng: random.Random, start) -> None:
    rows = []
    moment = start
    for index, line in enumerate(lines):
        author = authors[index % len(authors)] if isinstance(line, str) else line[0]
        text = line if isinstance(line, str) else line[1]
        moment += timedelta(minutes=rng.randint(3, 240))
        rows.append(
            Message(room=room, author=author, client_id=uuid.uuid4(), body=text, created_at=moment)
        )
    Message.objects.bulk_create(rows)
    room.last_message_at = moment
    room.save(update_fields=["last_message_at"])


def _newest_id(room: Room) -> int:
    return room.messages.order_by("-pk").values_list("pk", flat=True).first() or 0


def seed_chat(rng: random.Random, out: Callable[[str], None], *, employee: str, convener: str):
    sara = User.objects.get(email=employee)
    johan = User.objects.get(email=convener)
    start = timezone.now() - timedelta(days=6)

    networks = (
        Network.objects.filter(archived_at__isnull=True)
        .annotate(
            active=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
        )
        .order_by("-active", "name")[:NETWORK_ROOMS]
    )
    rooms = 0
    for network in networks:
        room = Room.objects.create(kind=Room.Kind.NETWORK, network=network)
        members = list(
            User.objects.filter(
                memberships__network=network, memberships__status=Membership.Status.ACTIVE
            ).order_by("pk")[:8]
        )
        lines = rng.sample(NETWORK_LINES, k=min(len(NETWORK_LINES), 8))
        _add_messages(room, members or [johan], lines, rng, start)
        for member in members:
            # The demo employee has read the first half, so the room shows unread messages.
            last_read = _newest_id(room) if member != sara else _newest_id(room) - 4
            RoomMember.objects.create(room=room, user=member, last_read_id=max(last_read, 0))
        rooms += 1

    active_ids = list(
        User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    chosen = rng.sample(active_ids, k=min(12, len(active_ids)))
    people = sorted(User.objects.filter(pk__in=chosen), key=lambda user: chosen.index(user.pk))
    for name, description, lines in TOPIC_ROOMS:
        room = Room.objects.create(
            kind=Room.Kind.TOPIC, name=name, description=description, created_by=people[0]
        )
        _add_messages(room, people, lines, rng, start)
        RoomMember.objects.create(room=room, user=sara, last_read_id=_newest_id(room) - 1)
        rooms += 1

    ids = sorted([sara.pk, johan.pk])
    direct = Room.objects.create(
        kind=Room.Kind.DIRECT,
        name=", ".join(sorted([sara.get_full_name(), johan.get_full_name()])),
        direct_key="-".join(str(user_id) for user_id in ids),
        created_by=johan,
    )
    speakers = {"employee": sara, "convener": johan}
    _add_messages(direct, [sara], [(speakers[who], text) for who, text in DIRECT_LINES], rng, start)
    RoomMember.objects.bulk_create(
        [
            RoomMember(room=direct, user=sara, is_participant=True, last_read_id=0),
            RoomMember(
                room=direct, user=johan, is_participant=True, last_read_id=_newest_id(direct)
            ),
        ]
    )
    out(f"Chat: {rooms + 1} rooms with Swedish conversations.")
