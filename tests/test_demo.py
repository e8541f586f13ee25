"""The demo seeder: what it creates, the demo sign-ins, seeding once, and seeding without taxonomy.

The password hasher is MD5 here through the autouse `fast_settings` fixture in conftest.py.
"""

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.db.models import Count, Q
from django.utils import timezone

from genbo.accounts.models import Competence, Occupation, User
from genbo.core.models import OrganisationUnit
from genbo.demo import DEMO_PASSWORD, demo_sign_ins, find_taxonomy_file, seed_demo
from genbo.networks.models import Meeting, MeetingResponse, Membership, MinutesAddendum, Network

NAMED_NETWORKS = [
    "HR-nätverket",
    "Ekonominätverket",
    "Kommunikatörsnätverket",
    "Webb- och IT-nätverket",
]
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def seeded(db):
    """Seed the demo data, with the JobTech Taxonomy file when it is found."""
    assert seed_demo(out=lambda line: None) is True


def sign_in_email(role: str) -> str:
    return dict(demo_sign_ins())[role]


def table_counts() -> dict[str, int]:
    models = [
        User,
        Competence,
        Occupation,
        OrganisationUnit,
        Network,
        Membership,
        Meeting,
        MeetingResponse,
        MinutesAddendum,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_demo_sign_ins_use_example_domain():
    roles = [role for role, _email in demo_sign_ins()]
    assert roles == ["employee", "convener", "secretariat staff"]
    for _role, email in demo_sign_ins():
        assert re.fullmatch(r"[a-z]+\.[a-z]+@[a-z]+\.example", email), email
    assert sign_in_email("employee") == "sara.lindqvist@helsingborg.example"


def test_seed_creates_about_300_employees(seeded):
    assert 280 <= User.objects.count() <= 320


def test_seed_spreads_employees_over_municipalities(seeded):
    per_municipality = dict(
        User.objects.values_list("municipality__slug").annotate(count=Count("id"))
    )
    assert len(per_municipality) == 11
    assert per_municipality["helsingborg"] == max(per_municipality.values())


def test_employee_emails_unique_and_example(seeded):
    emails = list(User.objects.values_list("email", flat=True))
    assert len(emails) == len(set(emails))
    for email in emails:
        assert re.fullmatch(r"[a-z]+\.[a-z]+[0-9]*@[a-z]+\.example", email), email


def test_employees_have_profile_and_competences(seeded):
    users = User.objects.annotate(competence_count=Count("competences"))
    for user in users:
        assert user.title, user.email
        assert user.unit is not None, user.email
        assert user.unit.municipality_id == user.municipality_id, user.email
        assert user.unit.kind == OrganisationUnit.Kind.UNIT, user.email
        assert re.fullmatch(r"0[0-9]{2,3}-[0-9]{2} [0-9]{2} [0-9]{2}", user.phone), user.phone
        assert user.presentation, user.email
        assert user.languages.startswith("svenska"), user.email
        assert 3 <= user.competence_count <= 8, user.email


def test_seed_creates_administrations_with_units(seeded):
    administrations = OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.ADMINISTRATION)
    per_municipality = administrations.values("municipality").annotate(count=Count("id"))
    assert len(per_municipality) == 11
    for row in per_municipality:
        assert 4 <= row["count"] <= 6
    for administration in administrations.annotate(unit_count=Count("children")):
        assert 2 <= administration.unit_count <= 3, administration.name


def test_seed_creates_named_networks(seeded):
    names = set(Network.objects.values_list("name", flat=True))
    assert len(names) >= 25
    for name in NAMED_NETWORKS:
        assert name in names


def test_closed_networks_are_bollplank(seeded):
    closed = Network.objects.filter(access=Network.Access.CLOSED)
    assert closed.count() >= 5
    for network in closed:
        assert network.name.startswith("Bollplank: "), network.name


def test_every_network_has_active_convener(seeded):
    networks = Network.objects.annotate(
        convener_count=Count(
            "memberships",
            filter=Q(
                memberships__role=Membership.Role.CONVENER,
                memberships__status=Membership.Status.ACTIVE,
            ),
        )
    )
    for network in networks:
        assert network.convener_count >= 1, network.name


def test_networks_have_members_and_details(seeded):
    networks = Network.objects.annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__status=Membership.Status.ACTIVE),
            distinct=True,
        ),
        municipality_count=Count("municipalities", distinct=True),
        competence_count=Count("competences", distinct=True),
    )
    for network in networks:
        assert 8 <= network.member_count <= 60, network.name
        assert 2 <= network.municipality_count <= 5, network.name
        assert 2 <= network.competence_count <= 5, network.name
        assert network.purpose, network.name
        assert network.description, network.name
        assert network.meeting_rhythm, network.name
        assert network.contact_email.endswith(".example"), network.contact_email


def test_some_networks_are_new(seeded):
    a_month_ago = timezone.now() - timezone.timedelta(days=31)
    assert Network.objects.filter(created_at__gte=a_month_ago).count() >= 2
    assert Network.objects.filter(created_at__lt=a_month_ago).count() >= 20


def test_closed_networks_have_join_requests(seeded):
    pending = Membership.objects.filter(status=Membership.Status.PENDING)
    assert pending.exists()
    for membership in pending:
        assert membership.network.access == Network.Access.CLOSED


def test_meetings_in_weekday_office_hours(seeded):
    for meeting in Meeting.objects.all():
        starts_at = meeting.starts_at.astimezone(STOCKHOLM)
        ends_at = meeting.ends_at.astimezone(STOCKHOLM)
        assert starts_at.weekday() < 5, meeting.title
        assert starts_at.hour >= 8, meeting.title
        assert ends_at.hour <= 17, meeting.title
        assert starts_at.date() == ends_at.date(), meeting.title


def test_networks_have_past_and_upcoming_meetings(seeded):
    now = timezone.now()
    for network in Network.objects.all():
        past = network.meetings.filter(ends_at__lt=now)
        upcoming = network.meetings.filter(starts_at__gt=now)
        assert 2 <= past.count() <= 6, network.name
        assert 1 <= upcoming.count() <= 3, network.name
        assert not upcoming.exclude(minutes="").exists(), network.name


def test_past_minutes_mostly_approved(seeded):
    past = Meeting.objects.filter(ends_at__lt=timezone.now())
    approved = past.filter(minutes_approved_at__isnull=False)
    assert approved.count() >= past.count() * 0.7
    for meeting in approved.select_related("minutes_approved_by"):
        assert meeting.minutes.strip(), meeting.title
        assert Membership.objects.filter(
            network=meeting.network_id,
            user=meeting.minutes_approved_by,
            role=Membership.Role.CONVENER,
        ).exists(), meeting.title
    assert MinutesAddendum.objects.filter(meeting__minutes_approved_at__isnull=False).exists()


def test_upcoming_meetings_have_responses(seeded):
    responses = MeetingResponse.objects.filter(meeting__starts_at__gt=timezone.now())
    assert responses.filter(answer=MeetingResponse.Answer.YES).exists()
    assert responses.filter(answer=MeetingResponse.Answer.NO).exists()
    assert responses.filter(answer=MeetingResponse.Answer.MAYBE).exists()


def test_demo_sign_ins_authenticate(seeded):
    for role, email in demo_sign_ins():
        user = authenticate(username=email, password=DEMO_PASSWORD)
        assert user is not None, role
        assert user.email == email


def test_employee_sign_in_open_networks_only(seeded):
    employee = User.objects.get(email=sign_in_email("employee"))
    memberships = Membership.objects.filter(user=employee)
    assert memberships.filter(network__access=Network.Access.OPEN).count() >= 2
    assert not memberships.filter(network__access=Network.Access.CLOSED).exists()
    assert not employee.is_staff


def test_employee_sign_in_has_upcoming_meetings(seeded):
    employee = User.objects.get(email=sign_in_email("employee"))
    upcoming = Meeting.objects.upcoming().filter(
        network__memberships__user=employee,
        network__memberships__status=Membership.Status.ACTIVE,
    )
    assert upcoming.count() >= 2


def test_convener_sign_in_convenes_hr_network(seeded):
    convener = User.objects.get(email=sign_in_email("convener"))
    hr_network = Network.objects.get(name="HR-nätverket")
    membership = Membership.objects.get(network=hr_network, user=convener)
    assert membership.is_convener
    assert Membership.objects.filter(user=convener, role=Membership.Role.MEMBER).exists()


def test_convener_sign_in_has_join_requests(seeded):
    convener = User.objects.get(email=sign_in_email("convener"))
    convened = Network.objects.filter(
        access=Network.Access.CLOSED,
        memberships__user=convener,
        memberships__role=Membership.Role.CONVENER,
    )
    assert convened.exists()
    pending = Membership.objects.filter(network__in=convened, status=Membership.Status.PENDING)
    assert pending.exists()


def test_staff_sign_in_is_superuser(seeded):
    staff = User.objects.get(email=sign_in_email("secretariat staff"))
    assert staff.is_staff
    assert staff.is_superuser
    assert staff.municipality.slug == "helsingborg"


def test_second_seed_changes_nothing(seeded):
    before = table_counts()
    lines = []
    assert seed_demo(out=lines.append) is False
    assert table_counts() == before
    assert len(lines) == 1
    assert "already seeded" in lines[0]


@pytest.mark.skipif(find_taxonomy_file() is None, reason="JobTech Taxonomy file not found")
def test_seed_uses_taxonomy_concepts(seeded):
    assert Occupation.objects.exists()
    assert Competence.objects.get(key="arbetsrätt").concept_id
    from_taxonomy = Competence.objects.filter(people__isnull=False, concept_id__isnull=False)
    assert from_taxonomy.exists()


@pytest.mark.django_db
def test_seed_without_taxonomy_file(tmp_path: Path):
    lines = []
    assert seed_demo(out=lines.append, taxonomy_file=tmp_path / "missing.json") is True
    assert any("No JobTech Taxonomy file" in line for line in lines)
    assert not Occupation.objects.exists()
    assert not Competence.objects.filter(concept_id__isnull=False).exists()
    assert 280 <= User.objects.count() <= 320
    assert Network.objects.count() >= 25
    assert authenticate(username=sign_in_email("convener"), password=DEMO_PASSWORD)


@pytest.mark.django_db
def test_seed_is_deterministic_for_a_seed(tmp_path: Path):
    missing = tmp_path / "missing.json"
    assert seed_demo(out=lambda line: None, taxonomy_file=missing, seed=7)
    first = list(User.objects.order_by("email").values_list("email", "title", "presentation"))
    User.objects.all().delete()
    Network.objects.all().delete()
    OrganisationUnit.objects.all().delete()
    Competence.objects.all().delete()
    assert seed_demo(out=lambda line: None, taxonomy_file=missing, seed=7)
    second = list(User.objects.order_by("email").values_list("email", "title", "presentation"))
    assert first == second


def test_seed_creates_forum_threads(seeded):
    from genbo.forum.models import Post, Thread

    threads = Thread.objects.all()
    assert 90 <= threads.count() <= 110
    assert threads.filter(accepted_post__isnull=False).count() >= 10
    assert threads.filter(network__access=Network.Access.CLOSED).count() >= 2
    assert set(threads.values_list("topic__slug", flat=True)) == {
        "hr",
        "ekonomi",
        "kommunikation",
        "it",
        "upphandling",
        "digitalisering",
    }
    for thread in threads.filter(accepted_post__isnull=False).select_related("accepted_post"):
        assert thread.accepted_post.thread_id == thread.pk
        assert not thread.accepted_post.is_question
    assert Post.objects.filter(is_question=True).count() == threads.count()


def test_demo_employee_has_unread_notifications(seeded):
    from genbo.notifications.models import Notification

    employee = User.objects.get(email=sign_in_email("employee"))

    assert Notification.objects.visible_to(employee).unread().count() >= 3


def test_seed_library_items_of_every_kind(seeded):
    from django.core.files.storage import default_storage

    from genbo.library.models import FileVersion, Item

    kinds = dict(Item.objects.values_list("kind").annotate(count=Count("id")))
    assert 50 <= Item.objects.count() <= 70
    assert set(kinds) == {"file", "link", "tip", "project"}
    assert Item.objects.filter(network__access="closed").exists()
    versions = list(FileVersion.objects.all())
    assert any(version.number == 2 for version in versions)
    for version in versions:
        with default_storage.open(version.storage_name) as stored:
            assert len(stored.read()) == version.size


def test_seed_expert_offers_and_requests_in_every_state(seeded):
    from genbo.experts.models import BorrowRequest, ExpertOffer, State

    states = set(BorrowRequest.objects.values_list("state", flat=True))
    assert 55 <= ExpertOffer.objects.count() <= 65
    assert states == set(State.values)
    employee = User.objects.get(email=sign_in_email("employee"))
    convener = User.objects.get(email=sign_in_email("convener"))
    assert BorrowRequest.objects.filter(
        requester=employee, state__in=[State.REQUESTED, State.TIME_PROPOSED]
    ).exists()
    assert BorrowRequest.objects.filter(offer__expert=convener, state=State.REQUESTED).exists()
    assert User.objects.filter(manager__isnull=False).count() > 100
    assert Competence.objects.exclude(synonyms=[]).exists()
