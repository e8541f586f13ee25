"""A small Swedish corpus of every searchable kind, indexed by a full rebuild."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from genbo.search.services import reindex
from tests.factories import (
    CompetenceFactory,
    ExpertOfferFactory,
    LibraryItemFactory,
    MeetingFactory,
    NetworkFactory,
    PostFactory,
    ThreadFactory,
    UserFactory,
)


@pytest.fixture
def corpus(employee, member, convener, closed_network):
    """People, networks, meetings, forum posts, items and offers; some belong to
    `closed_network`, of which `member` and `convener` are members and `employee` is not."""
    procurement = CompetenceFactory(label="Offentlig upphandling", synonyms=["LOU", "inköp"])
    plain_language = CompetenceFactory(label="Klarspråk", synonyms=["begriplig text"])

    kristoffer = UserFactory(first_name="Kristoffer", last_name="Lindqvist", title="Upphandlare")
    kristoffer.competences.set([procurement])
    asa = UserFactory(
        first_name="Åsa",
        last_name="Öberg",
        title="Förskollärare",
        municipality__slug="landskrona",
        presentation="Jag arbetar på förskolan Solrosen med barn mellan ett och fem år.",
    )
    anna = UserFactory(
        first_name="Anna", last_name="Berg", title="Kommunikatör", municipality__slug="bjuv"
    )
    anna.competences.set([plain_language])
    marta = UserFactory(first_name="Märta", last_name="Ek", title="Socialsekreterare")

    communication = NetworkFactory(
        name="Kommunikationsnätverket",
        slug="kommunikation",
        purpose="Vi delar erfarenheter av kriskommunikation och sociala medier.",
    )
    preschool = NetworkFactory(
        name="Förskolenätverket", slug="forskola", purpose="Pedagogisk utveckling."
    )
    closed_network.purpose = "Stöd i frågor om inköp mellan kommunerna."
    closed_network.save()

    now = timezone.now()
    outdoor = MeetingFactory(
        network=preschool,
        title="Träff om utemiljö i förskolor",
        agenda="Lekplatser och gårdar",
        starts_at=now + timedelta(days=10),
    )
    secret_meeting = MeetingFactory(
        network=closed_network,
        title="Genomgång av upphandlingsregler",
        minutes="Vi gick igenom tilldelningsbeslut och avtalsspärr.",
    )

    settling_in = ThreadFactory(
        title="Hur ordnar ni förskolans inskolning?",
        author=member,
        question="Vi funderar på föräldraaktiv inskolning.",
    )
    transport = ThreadFactory(
        title="Upphandlingen av skolskjuts", author=employee, question="Hur gjorde ni?"
    )
    autumn = ThreadFactory(
        title="Inskolning på hösten", author=convener, question="Hur lång tid tar det hos er?"
    )
    unaccented_reply = PostFactory(
        thread=autumn,
        author=member,
        body="Vi på forskolan Lärkan har tre dagar med föräldrarna.",
    )
    framework_reply = PostFactory(
        thread=transport, author=member, body="Vi använde LOU och ett ramavtal."
    )
    hidden_reply = PostFactory(
        thread=settling_in,
        author=member,
        body="Ett dolt svar om semesterplanering.",
        hidden_at=now,
    )
    secret_thread = ThreadFactory(
        title="Fråga om avtalsspärr",
        author=member,
        network=closed_network,
        question="Intern diskussion om tilldelningsbeslut.",
    )

    checklist = LibraryItemFactory(
        title="Checklista för upphandlingsregler",
        description="En checklista när du upphandlar tjänster.",
    )
    paperless = LibraryItemFactory(
        kind="project",
        title="Digital nämndhandling",
        description="Projekt om digitalisering av nämndens handlingar.",
        municipality__slug="hoganas",
    )
    secret_item = LibraryItemFactory(
        title="Mall för tilldelningsbeslut", network=closed_network, description="Använd mallen."
    )

    lecture = ExpertOfferFactory(
        expert=kristoffer,
        title="Föreläsning om LOU",
        description="Jag föreläser om lagen om offentlig upphandling.",
        competences=[procurement],
    )
    workshop = ExpertOfferFactory(
        expert=anna,
        title="Workshop i klarspråk",
        description="Skriv så att mottagaren förstår.",
        competences=[plain_language],
    )
    reindex()
    return SimpleNamespace(**locals())
