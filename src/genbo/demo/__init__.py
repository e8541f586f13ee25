"""Swedish demo data: organisation units, employees, networks, meetings, minutes and forum.

`seed_demo` fills a migrated database once, and `genbo demo` and `genbo seed` call it. All
choices come from the tables below and one `random.Random(seed)`, so a seed always gives
the same people, networks and texts. Dates are counted from the moment of seeding.
"""

import random
import string
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

import genbo
from genbo.accounts.models import Competence, User, normalise_competence_key
from genbo.accounts.taxonomy import import_taxonomy, read_taxonomy
from genbo.core.models import Municipality, OrganisationUnit
from genbo.demo.chat import seed_chat
from genbo.demo.content import (
    ADDENDUM_TEMPLATES,
    AREA_CODES,
    AREAS,
    DECISION_TEMPLATES,
    DEFAULT_EMPLOYEE_COUNT,
    DEFAULT_TOWN_HALL,
    DEMO_CONVENER,
    DEMO_EMPLOYEE,
    DEMO_MEMBERSHIPS,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    DISCUSSION_TEMPLATES,
    EMPLOYEES_PER_MUNICIPALITY,
    EXTRA_LANGUAGES,
    FEMALE_FIRST_NAMES,
    FORUM_QUESTION_FORMS,
    FORUM_QUESTION_TEXTS,
    FORUM_REPLIES,
    FORUM_SUBJECTS,
    GENERAL_COMPETENCES,
    HELSINGBORG_NAMES,
    LAST_NAMES,
    MALE_FIRST_NAMES,
    MANAGEMENT,
    MANAGER_SHARE,
    MANAGER_TITLE,
    MEETING_FREQUENCIES,
    MEETING_ROOMS,
    MEETING_SLOTS,
    MONTH_NAMES,
    MUNICIPALITY_NEWS,
    NETWORK_PLANS,
    OPTIONAL_ADMINISTRATIONS,
    PRESENTATION_TEMPLATES,
    PROPER_LABELS,
    SECRETARIAT,
    SERVICE,
    STARTUP_MINUTES,
    STARTUP_TOPICS,
    STOCKHOLM,
    TAXONOMY_FILE_NAME,
    TOWN_HALLS,
    UNIT_WEIGHTS,
    WEEKDAY_NAMES,
    Administration,
    DemoPerson,
    NetworkPlan,
)
from genbo.demo.experts import seed_experts
from genbo.demo.library import seed_library
from genbo.demo.mail import seed_mail_preferences
from genbo.demo.search import seed_search
from genbo.forum.models import Post, PostVote, Thread, ThreadFollow, Topic
from genbo.networks.models import Meeting, MeetingResponse, Membership, MinutesAddendum, Network
from genbo.notifications.models import Kind, Notification

__all__ = ["DEMO_PASSWORD", "demo_sign_ins", "find_taxonomy_file", "seed_demo"]

Output = Callable[[str], object]


def demo_sign_ins() -> list[tuple[str, str]]:
    """Return (role, e-mail) for the three demo accounts, which all use DEMO_PASSWORD."""
    return [(person.role, _demo_email(person)) for person in DEMO_PEOPLE]


def seed_demo(*, out: Output = print, taxonomy_file: Path | None = None, seed: int = 2026) -> bool:
    """Seed the demo data in one transaction, unless the demo employee already exists.

    Return True when the data was seeded and False when it was already there. Progress
    lines go to `out`. A missing taxonomy file is not an error: the seeder then uses its
    built-in titles and competences. A taxonomy file that exists but cannot be read raises
    TaxonomyError.
    """
    employee_email = _demo_email(DEMO_EMPLOYEE)
    if User.objects.filter(email=employee_email).exists():
        out(f"Demo data is already seeded ({employee_email} exists); nothing was changed.")
        return False

    started = time.monotonic()
    path = find_taxonomy_file(taxonomy_file)
    with transaction.atomic():
        seeder = _Seeder(random.Random(seed), out)
        seeder.load_vocabulary(path)
        seeder.seed_organisation()
        seeder.seed_people()
        seeder.seed_networks()
        seeder.seed_meetings()
        seeder.seed_forum()
        seed_library(seeder.rng, out)
        seed_experts(seeder.rng, out, employee=employee_email, convener=_demo_email(DEMO_CONVENER))
        seed_chat(seeder.rng, out, employee=employee_email, convener=_demo_email(DEMO_CONVENER))
        seed_search(out)
        seed_mail_preferences(
            seeder.rng, out, keep_defaults_for=[email for _role, email in demo_sign_ins()]
        )
    out(f"Demo data seeded in {time.monotonic() - started:.1f} s.")
    return True


def find_taxonomy_file(explicit: Path | None = None) -> Path | None:
    """Return the JobTech Taxonomy file to import, or None when there is none.

    The order is: `explicit`, then settings.GENBO_TAXONOMY_FILE, then the first existing
    `../shared/data/jobtech-taxonomy-sv.json`, seen from the repository root and from the
    working directory. An explicit or configured path that does not exist gives None.
    """
    if explicit is not None:
        candidates = [Path(explicit)]
    elif getattr(settings, "GENBO_TAXONOMY_FILE", ""):
        candidates = [Path(settings.GENBO_TAXONOMY_FILE)]
    else:
        repository_root = Path(genbo.__file__).resolve().parents[2]
        candidates = [
            repository_root.parent / "shared" / "data" / TAXONOMY_FILE_NAME,
            Path.cwd().parent / "shared" / "data" / TAXONOMY_FILE_NAME,
        ]
    return next((path for path in candidates if path.is_file()), None)


def _fold_ascii(text: str) -> str:
    """Return `text` without diacritics: "Jönsson" becomes "Jonsson", "Linnéa" "Linnea"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _email_local_part(first_name: str, last_name: str) -> str:
    return slugify(_fold_ascii(f"{first_name}.{last_name}").replace(".", "-")).replace("-", ".")


def _demo_email(person: DemoPerson) -> str:
    local_part = _email_local_part(person.first_name, person.last_name)
    return f"{local_part}@{person.municipality_slug}.example"


def _lower_first(text: str) -> str:
    """Return `text` as it reads inside a Swedish sentence: "Ekonomienheten" as "ekonomienheten".

    Words whose second letter is a capital ("HR-enheten", "GIS") and PROPER_LABELS keep
    their case.
    """
    if text in PROPER_LABELS or len(text) < 2 or not text[1].islower():
        return text
    return text[0].lower() + text[1:]


def _swedish_date(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def _clock(hour: int, minute: int) -> str:
    return f"{hour}" if minute == 0 else f"{hour}.{minute:02d}"


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, clock_time(hour, minute), tzinfo=STOCKHOLM)


def _in_holiday_period(day: date) -> bool:
    """Return whether `day` falls in July or around Christmas, when networks do not meet."""
    return day.month == 7 or (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 6)


def _spread_days(
    rng: random.Random, first: date, last: date, count: int, weekday: int
) -> list[date]:
    """Pick `count` dates between `first` and `last`, spread out, on `weekday` where possible.

    When the period has too few such weekdays, any Monday to Thursday will do. Returns
    fewer dates only when the period has fewer than `count` weekdays in it.
    """
    if count <= 0 or last < first:
        return []
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    days = [day for day in days if not _in_holiday_period(day)]
    candidates = [day for day in days if day.weekday() == weekday]
    if len(candidates) < count:
        candidates = [day for day in days if day.weekday() < 4]
    if len(candidates) <= count:
        return candidates
    step = len(candidates) / count
    # The middle of each of `count` equal parts, moved by at most a quarter of a part, so
    # that two picked dates are at least half a part apart.
    return [
        candidates[int((index + 0.5 + rng.uniform(-0.25, 0.25)) * step)] for index in range(count)
    ]


@dataclass
class _Person:
    """An employee being built, before and after its User row exists."""

    user: User
    area: str
    municipality: Municipality


@dataclass
class _SeededNetwork:
    network: Network
    plan: NetworkPlan
    municipalities: list[Municipality]
    conveners: list[_Person]
    members: list[_Person]
    weekday: int
    slot: tuple[tuple[int, int], tuple[int, int]]


class _Seeder:
    """The seeding steps. Each step reads what the earlier steps stored on the instance."""

    def __init__(self, rng: random.Random, out: Output) -> None:
        self.rng = rng
        self.out = out
        self.now = timezone.now()
        self.today = self.now.astimezone(STOCKHOLM).date()
        self.competences: dict[str, Competence] = {}
        self.titles: dict[str, list[str]] = {}
        self.taxonomy_skills: dict[str, list[Competence]] = {}
        self.municipalities: list[Municipality] = []
        self.units: dict[int, list[tuple[OrganisationUnit, str]]] = {}
        self.people: list[_Person] = []
        self.demo_people: dict[DemoPerson, _Person] = {}
        self.networks: list[_SeededNetwork] = []

    # Vocabulary: titles and competences.

    def load_vocabulary(self, path: Path | None) -> None:
        """Import the taxonomy file if there is one, then look up or create the competences."""
        skill_labels: dict[str, str] = {}
        occupation_labels: dict[str, str] = {}
        if path is None:
            self.out("No JobTech Taxonomy file found; using the built-in titles and competences.")
        else:
            concepts = read_taxonomy(path)
            report = import_taxonomy(path)
            skill_labels = {
                normalise_competence_key(concept["label"]): concept["label"]
                for concept in concepts["skill"]
            }
            occupation_labels = {
                normalise_competence_key(concept["label"]): concept["label"]
                for concept in concepts.get("occupation-name", [])
            }
            self.out(
                f"Taxonomy {path}: {report.created['skill']} competences and "
                f"{report.created['occupation-name']} occupations added."
            )

        curated = list(GENERAL_COMPETENCES)
        for area in AREAS.values():
            curated.extend(area.competences)
        for plan in NETWORK_PLANS:
            curated.extend(plan.competences)
        for person in DEMO_PEOPLE:
            curated.extend(person.competences)
        extra = [label for area in AREAS.values() for label in area.taxonomy_skills]
        extra = [label for label in extra if normalise_competence_key(label) in skill_labels]

        keys = {normalise_competence_key(label) for label in curated + extra}
        self.competences = {c.key: c for c in Competence.objects.filter(key__in=keys)}
        new = []
        for label in curated:
            key = normalise_competence_key(label)
            if key not in self.competences:
                self.competences[key] = Competence(label=label, key=key)
                new.append(self.competences[key])
        Competence.objects.bulk_create(new)

        for name, area in AREAS.items():
            titles = [occupation_labels.get(normalise_competence_key(t), t) for t in area.titles]
            titles += [
                occupation_labels[normalise_competence_key(t)]
                for t in area.taxonomy_titles
                if normalise_competence_key(t) in occupation_labels
            ]
            self.titles[name] = titles
            self.taxonomy_skills[name] = [
                self.competences[normalise_competence_key(label)]
                for label in area.taxonomy_skills
                if normalise_competence_key(label) in self.competences
            ]
        from_taxonomy = sum(1 for c in self.competences.values() if c.concept_id)
        self.out(
            f"Competences: {len(self.competences)} in use, {from_taxonomy} of them from the "
            f"taxonomy and {len(new)} added as free text."
        )

    def competence(self, label: str) -> Competence:
        return self.competences[normalise_competence_key(label)]

    # Organisation.

    def seed_organisation(self) -> None:
        """Create 4 to 6 administrations with 2 or 3 units each in every municipality."""
        self.municipalities = list(Municipality.objects.order_by("name"))
        if not self.municipalities:
            raise RuntimeError(
                "No municipalities found in the database. Run the migrations first "
                "(genbo manage migrate)."
            )

        planned: list[tuple[OrganisationUnit, list[tuple[str, str]]]] = []
        for municipality in self.municipalities:
            helsingborg = municipality.slug == "helsingborg"
            administrations = [MANAGEMENT, SERVICE]
            if helsingborg:
                administrations.append(SECRETARIAT)
            optional_count = 3 if helsingborg else self.rng.randint(2, 4)
            administrations += self.rng.sample(OPTIONAL_ADMINISTRATIONS, optional_count)
            for administration in administrations:
                name = administration.name
                if helsingborg:
                    name = HELSINGBORG_NAMES.get(name, name)
                row = OrganisationUnit(
                    municipality=municipality, kind=OrganisationUnit.Kind.ADMINISTRATION, name=name
                )
                planned.append((row, self._pick_units(administration)))
        OrganisationUnit.objects.bulk_create([row for row, _units in planned])

        unit_rows: list[tuple[OrganisationUnit, str]] = []
        for parent, units in planned:
            for unit_name, area in units:
                row = OrganisationUnit(
                    municipality=parent.municipality,
                    parent=parent,
                    kind=OrganisationUnit.Kind.UNIT,
                    name=unit_name,
                )
                unit_rows.append((row, area))
        OrganisationUnit.objects.bulk_create([row for row, _area in unit_rows])
        for row, area in unit_rows:
            self.units.setdefault(row.municipality_id, []).append((row, area))
        self.out(f"Organisation: {len(planned)} administrations with {len(unit_rows)} units.")

    def _pick_units(self, administration: Administration) -> list[tuple[str, str]]:
        fixed = list(administration.units[: administration.fixed_units])
        if len(fixed) >= 2:
            return fixed
        rest = list(administration.units[administration.fixed_units :])
        unit_count = self.rng.randint(2, min(3, len(administration.units)))
        return fixed + self.rng.sample(rest, unit_count - len(fixed))

    # People.

    def seed_people(self) -> None:
        """Create about 300 employees, the three demo accounts among them."""
        password = make_password(DEMO_PASSWORD)
        taken_emails = set(
            User.objects.filter(email__endswith=".example").values_list("email", flat=True)
        )
        by_slug = {m.slug: m for m in self.municipalities}

        for demo in DEMO_PEOPLE:
            municipality = by_slug.get(demo.municipality_slug, self.municipalities[0])
            unit, area = self._find_unit(municipality, demo.unit)
            email = _demo_email(demo)
            taken_emails.add(email)
            user = User(
                email=email,
                password=password,
                first_name=demo.first_name,
                last_name=demo.last_name,
                title=demo.title,
                municipality=municipality,
                unit=unit,
                phone=self._phone(municipality),
                presentation=demo.presentation,
                languages="svenska, engelska",
                is_staff=demo.is_staff,
                is_superuser=demo.is_staff,
                date_joined=self.now - timedelta(days=self.rng.randint(700, 760)),
            )
            person = _Person(user, area, municipality)
            self.people.append(person)
            self.demo_people[demo] = person

        for municipality in self.municipalities:
            count = EMPLOYEES_PER_MUNICIPALITY.get(municipality.slug, DEFAULT_EMPLOYEE_COUNT)
            count -= sum(1 for p in self.demo_people.values() if p.municipality == municipality)
            for _index in range(count):
                self.people.append(self._new_person(municipality, password, taken_emails))

        User.objects.bulk_create([person.user for person in self.people], batch_size=500)
        self._assign_competences()
        self.out(f"Employees: {len(self.people)}, of whom 1 is secretariat staff.")

    def _find_unit(self, municipality: Municipality, name: str) -> tuple[OrganisationUnit, str]:
        units = self.units[municipality.pk]
        return next(((unit, area) for unit, area in units if unit.name == name), units[0])

    def _phone(self, municipality: Municipality) -> str:
        code = AREA_CODES.get(municipality.slug, "042")
        digits = [self.rng.randint(10, 99) for _pair in range(3)]
        return f"{code}-{digits[0]} {digits[1]:02d} {digits[2]:02d}"

    def _new_person(
        self, municipality: Municipality, password: str, taken_emails: set[str]
    ) -> _Person:
        rng = self.rng
        first_name = rng.choice(FEMALE_FIRST_NAMES if rng.random() < 0.55 else MALE_FIRST_NAMES)
        last_name = rng.choice(LAST_NAMES)
        local_part = _email_local_part(first_name, last_name)
        email = f"{local_part}@{municipality.slug}.example"
        number = 2
        while email in taken_emails:
            email = f"{local_part}{number}@{municipality.slug}.example"
            number += 1
        taken_emails.add(email)

        units = self.units[municipality.pk]
        weights = [UNIT_WEIGHTS.get(area, 1.0) for _unit, area in units]
        unit, area = rng.choices(units, weights=weights)[0]
        if area != "sekretariat" and rng.random() < MANAGER_SHARE:
            title = MANAGER_TITLE
        else:
            title = rng.choice(self.titles[area])
        languages = ["svenska", "engelska"]
        if rng.random() < 0.3:
            languages.append(rng.choice(EXTRA_LANGUAGES))
        competences = rng.sample(AREAS[area].competences, 2)
        presentation = rng.choice(PRESENTATION_TEMPLATES).format(
            title=_lower_first(title),
            unit=_lower_first(unit.name),
            municipality=municipality.name,
            competence=_lower_first(competences[0]),
            other_competence=_lower_first(competences[1]),
            years=rng.randint(3, 25),
        )
        user = User(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            title=title,
            municipality=municipality,
            unit=unit,
            phone=self._phone(municipality),
            presentation=presentation,
            languages=", ".join(languages),
            date_joined=self.now - timedelta(days=rng.randint(20, 760)),
        )
        return _Person(user, area, municipality)

    def _assign_competences(self) -> None:
        """Give every employee 3 to 8 competences from their area, general ones and the taxonomy."""
        rows = []
        demo_users = {person.user.pk: demo for demo, person in self.demo_people.items()}
        for person in self.people:
            demo = demo_users.get(person.user.pk)
            if demo is not None:
                chosen = [self.competence(label) for label in demo.competences]
            else:
                chosen = self._draw_competences(person)
            rows += [
                User.competences.through(user_id=person.user.pk, competence_id=competence.pk)
                for competence in chosen
            ]
        User.competences.through.objects.bulk_create(rows, batch_size=1000)

    def _draw_competences(self, person: _Person) -> list[Competence]:
        rng = self.rng
        area = AREAS[person.area]
        labels = rng.sample(area.competences, min(len(area.competences), rng.randint(2, 4)))
        labels += rng.sample(GENERAL_COMPETENCES, rng.randint(1, 2))
        if person.user.title == MANAGER_TITLE and "Ledarskap" not in labels:
            labels.append("Ledarskap")
        chosen = [self.competence(label) for label in labels]
        extra = self.taxonomy_skills[person.area]
        if extra:
            chosen += rng.sample(extra, min(len(extra), rng.randint(0, 2)))
        return chosen[:8]

    # Networks and memberships.

    def seed_networks(self) -> None:
        """Create the networks with their competences, municipalities, conveners and members."""
        rng = self.rng
        taken_slugs = set(Network.objects.values_list("slug", flat=True))
        demo_members: dict[str, list[tuple[_Person, str]]] = {}
        for demo, memberships in DEMO_MEMBERSHIPS.items():
            for network_name, role in memberships:
                demo_members.setdefault(network_name, []).append((self.demo_people[demo], role))
        demo_users = {person.user.pk for person in self.demo_people.values()}
        others = [person for person in self.people if person.user.pk not in demo_users]
        employee_networks = [name for name, _role in DEMO_MEMBERSHIPS[DEMO_EMPLOYEE]]

        for plan in NETWORK_PLANS:
            slug = slugify(plan.name)
            number = 2
            while slug in taken_slugs:
                slug = f"{slugify(plan.name)}-{number}"
                number += 1
            taken_slugs.add(slug)

            if plan.new:
                created_at = self.now - timedelta(days=rng.randint(15, 28), hours=rng.randint(0, 8))
            else:
                created_at = self.now - timedelta(
                    days=rng.randint(60, 720), hours=rng.randint(0, 8)
                )
            weekday = rng.randint(0, 3)
            if plan.name in employee_networks:
                # Different weekdays, so that the demo employee has no two meetings at once.
                weekday = employee_networks.index(plan.name) % 4
            slot = rng.choice(MEETING_SLOTS)
            rhythm = (
                f"{rng.choice(MEETING_FREQUENCIES)}, {WEEKDAY_NAMES[weekday]}ar "
                f"kl. {_clock(*slot[0])}–{_clock(*slot[1])}"
            )

            fixed = demo_members.get(plan.name, [])
            conveners = [person for person, role in fixed if role == Membership.Role.CONVENER]
            specialists = [p for p in others if self._fits(plan, p)] or others
            for candidate in rng.sample(specialists, min(len(specialists), 2 - len(conveners))):
                if not conveners or rng.random() < 0.5:
                    conveners.append(candidate)
            members = [person for person, role in fixed if role == Membership.Role.MEMBER]
            members += self._draw_members(plan, others, conveners + members)
            municipalities = self._network_municipalities(conveners, members)

            contact_municipality = conveners[0].municipality
            network = Network(
                name=plan.name,
                slug=slug,
                purpose=plan.purpose,
                description=self._description(plan, rhythm),
                access=Network.Access.CLOSED if plan.closed else Network.Access.OPEN,
                contact_email=f"{slug}@{contact_municipality.slug}.example",
                meeting_rhythm=rhythm,
                created_at=created_at,
            )
            self.networks.append(
                _SeededNetwork(network, plan, municipalities, conveners, members, weekday, slot)
            )

        Network.objects.bulk_create([entry.network for entry in self.networks])
        self._link_networks()
        memberships, pending = self._create_memberships(others)
        closed = sum(1 for entry in self.networks if entry.plan.closed)
        self.out(
            f"Networks: {len(self.networks)} ({closed} closed) with {memberships} memberships "
            f"and {pending} open requests to join."
        )

    def _fits(self, plan: NetworkPlan, person: _Person) -> bool:
        if plan.prefer_managers:
            return person.user.title == MANAGER_TITLE or person.user.title.endswith("chef")
        return person.area in plan.areas

    def _network_municipalities(
        self, conveners: Sequence[_Person], members: Sequence[_Person]
    ) -> list[Municipality]:
        """Return 2 to 5 municipalities: the conveners' and then those with the most members."""
        counts: dict[Municipality, int] = {}
        for person in members:
            counts[person.municipality] = counts.get(person.municipality, 0) + 1
        chosen: list[Municipality] = []
        for person in conveners:
            if person.municipality not in chosen:
                chosen.append(person.municipality)
        target_count = max(len(chosen), self.rng.randint(2, 5))
        by_count = sorted(self.municipalities, key=lambda m: counts.get(m, 0), reverse=True)
        for municipality in by_count:
            if len(chosen) >= target_count:
                break
            if municipality not in chosen:
                chosen.append(municipality)
        return chosen

    def _draw_members(
        self, plan: NetworkPlan, candidates: Sequence[_Person], already: Sequence[_Person]
    ) -> list[_Person]:
        """Draw members from the network's field, then from managers, then from anyone.

        People outside the field only fill the network up to the smallest size of its plan.
        """
        skip = {person.user.pk for person in already}
        fits: list[_Person] = []
        managers: list[_Person] = []
        rest: list[_Person] = []
        for person in candidates:
            if person.user.pk in skip:
                continue
            if self._fits(plan, person):
                fits.append(person)
            elif person.user.title == MANAGER_TITLE:
                managers.append(person)
            else:
                rest.append(person)
        draw_count = max(0, self.rng.randint(*plan.size) - len(already))
        draw_count = min(draw_count, max(len(fits), plan.size[0] - len(already)))
        drawn: list[_Person] = []
        for tier in (fits, managers, rest):
            self.rng.shuffle(tier)
            drawn += tier[: draw_count - len(drawn)]
        return drawn

    def _description(self, plan: NetworkPlan, rhythm: str) -> str:
        topics = "\n".join(f"- {topic}" for topic in plan.topics)
        if plan.closed:
            joining = (
                "Det här är ett bollplank, alltså en mindre grupp där vi delar erfarenheter i "
                "förtroende. Det som sägs på träffarna stannar i gruppen. Du ansöker om att gå "
                "med, och en sammankallande godkänner ansökan."
            )
        else:
            joining = (
                "Nätverket är öppet för alla medarbetare i Familjen Helsingborgs kommuner som "
                f"{plan.audience}. Du går med direkt på nätverkets sida."
            )
        return (
            f"{plan.intro}\n\n"
            f"## Det här tar vi upp\n\n{topics}\n\n"
            f"## Vem kan vara med?\n\n{joining}\n\n"
            f"## Så träffas vi\n\n"
            f"Vi träffas {_lower_first(rhythm)}. Träffarna hålls i kommunerna i tur och ordning, "
            "och ibland digitalt. På nätverkets sida hittar du dagordningar och "
            "minnesanteckningar från träffarna.\n"
        )

    def _link_networks(self) -> None:
        competence_rows = []
        municipality_rows = []
        for entry in self.networks:
            network = entry.network
            labels = list(entry.plan.competences)
            competence_rows += [
                Network.competences.through(
                    network_id=network.pk, competence_id=self.competence(label).pk
                )
                for label in labels
            ]
            municipality_rows += [
                Network.municipalities.through(
                    network_id=network.pk, municipality_id=municipality.pk
                )
                for municipality in entry.municipalities
            ]
        Network.competences.through.objects.bulk_create(competence_rows)
        Network.municipalities.through.objects.bulk_create(municipality_rows)

    def _create_memberships(self, candidates: Sequence[_Person]) -> tuple[int, int]:
        """Create active memberships and, on at least two closed networks, requests to join."""
        rng = self.rng
        rows: list[Membership] = []
        joined: list[datetime] = []
        for entry in self.networks:
            network = entry.network
            for person in entry.conveners:
                rows.append(
                    Membership(network=network, user=person.user, role=Membership.Role.CONVENER)
                )
                joined.append(max(network.created_at, person.user.date_joined))
            for person in entry.members:
                rows.append(Membership(network=network, user=person.user))
                earliest = max(network.created_at, person.user.date_joined)
                span = max(1, int((self.now - earliest).total_seconds()))
                joined.append(earliest + timedelta(seconds=rng.randrange(span)))

        demo_users = {person.user.pk for person in self.demo_people.values()}
        demo_convener = self.demo_people[DEMO_CONVENER]
        closed = [entry for entry in self.networks if entry.plan.closed]
        with_requests = [entry for entry in closed if demo_convener in entry.conveners]
        others = [entry for entry in closed if entry not in with_requests]
        with_requests += rng.sample(others, max(0, min(len(others), 2 - len(with_requests))))
        pending = 0
        for entry in with_requests:
            inside = {person.user.pk for person in entry.conveners + entry.members}
            outside = [
                p for p in candidates if p.user.pk not in inside and p.user.pk not in demo_users
            ]
            for person in rng.sample(outside, rng.randint(1, 3)):
                rows.append(
                    Membership(
                        network=entry.network, user=person.user, status=Membership.Status.PENDING
                    )
                )
                joined.append(
                    self.now - timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8))
                )
                pending += 1

        Membership.objects.bulk_create(rows, batch_size=500)
        # created_at has auto_now_add, so the dates can only be set after the insert.
        for row, created_at in zip(rows, joined, strict=True):
            row.created_at = created_at
        Membership.objects.bulk_update(rows, ["created_at"], batch_size=500)
        return len(rows) - pending, pending

    # Meetings.

    def seed_meetings(self) -> None:
        """Create past meetings with minutes, and upcoming meetings with agendas and responses."""
        rng = self.rng
        employee_networks = {name for name, _role in DEMO_MEMBERSHIPS[DEMO_EMPLOYEE]}
        meetings: list[Meeting] = []
        created: list[datetime] = []
        responses_for: list[tuple[Meeting, _SeededNetwork]] = []
        for entry in self.networks:
            created_day = entry.network.created_at.astimezone(STOCKHOLM).date()
            first_day = created_day + timedelta(days=2 if entry.plan.new else 7)
            last_day = self.today - timedelta(days=1)
            # About one meeting every one to three months since the start, 2 to 6 in all.
            past_count = min(6, max(2, (last_day - first_day).days // rng.randint(45, 90)))
            past_days = _spread_days(rng, first_day, last_day, past_count, entry.weekday)
            upcoming_count = (
                rng.randint(2, 3) if entry.plan.name in employee_networks else rng.randint(1, 3)
            )
            upcoming_days = _spread_days(
                rng,
                self.today + timedelta(days=3),
                self.today + timedelta(days=90),
                upcoming_count,
                entry.weekday,
            )
            days = past_days + upcoming_days
            # Each meeting takes the next two topics, so that topics repeat as late as possible.
            topic_queue = list(entry.plan.topics)
            rng.shuffle(topic_queue)
            topic_queue *= len(days)
            for index, day in enumerate(days):
                next_day = days[index + 1] if index + 1 < len(days) else None
                is_latest_past = index == len(past_days) - 1
                topics = topic_queue[2 * index : 2 * index + 2]
                meeting = self._meeting(
                    entry, day, next_day, topics, first=index == 0, past=index < len(past_days)
                )
                if is_latest_past and rng.random() < 0.5:
                    meeting.minutes_approved_at = None
                    meeting.minutes_approved_by = None
                meetings.append(meeting)
                planned_at = meeting.starts_at - timedelta(days=rng.randint(14, 40))
                created.append(min(self.now, max(entry.network.created_at, planned_at)))
                if index >= len(past_days):
                    responses_for.append((meeting, entry))

        Meeting.objects.bulk_create(meetings, batch_size=500)
        # created_at and updated_at are automatic, so the dates can only be set after the insert.
        for meeting, created_at in zip(meetings, created, strict=True):
            meeting.created_at = created_at
            if meeting.minutes_approved_at:
                meeting.updated_at = meeting.minutes_approved_at
            elif meeting.minutes:
                meeting.updated_at = min(self.now, meeting.ends_at + timedelta(days=1))
            else:
                meeting.updated_at = created_at
        Meeting.objects.bulk_update(meetings, ["created_at", "updated_at"], batch_size=500)

        addenda = self._add_addenda([m for m in meetings if m.minutes_approved_at])
        responses = self._add_responses(responses_for)
        past = sum(1 for meeting in meetings if meeting.ends_at < self.now)
        self.out(
            f"Meetings: {past} past, {len(meetings) - past} upcoming, {responses} responses "
            f"and {addenda} addenda to minutes."
        )

    def _meeting(
        self,
        entry: _SeededNetwork,
        day: date,
        next_day: date | None,
        topics: Sequence[str],
        *,
        first: bool,
        past: bool,
    ) -> Meeting:
        rng = self.rng
        (start_hour, start_minute), (end_hour, end_minute) = entry.slot
        starts_at = _local(day, start_hour, start_minute)
        ends_at = _local(day, end_hour, end_minute)
        convener = rng.choice(entry.conveners)
        if first:
            title = "Uppstartsträff"
            topics = STARTUP_TOPICS
        elif entry.plan.closed:
            title = f"Bollplanksträff: {topics[0]}"
        else:
            title = f"Nätverksträff: {topics[0]}"

        place, online_url = self._place(entry)
        agenda = self._agenda(entry, convener, topics, first=first)
        meeting = Meeting(
            network=entry.network,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            online_url=online_url,
            agenda=agenda,
            created_by=convener.user,
        )
        if past:
            meeting.minutes = self._minutes(entry, convener, topics, next_day, first=first)
            approved_at = ends_at + timedelta(days=rng.randint(2, 10), hours=rng.randint(0, 5))
            if approved_at < self.now:
                meeting.minutes_approved_at = approved_at
                meeting.minutes_approved_by = rng.choice(entry.conveners).user
        return meeting

    def _place(self, entry: _SeededNetwork) -> tuple[str, str]:
        """Return the place and the online link of a meeting.

        About 30 % of meetings are online only, some are hybrid and the rest are on site.
        """
        rng = self.rng
        kind = rng.random()
        hybrid_share = 0.6 if entry.plan.closed else 0.45
        online_url = self._online_url() if kind < hybrid_share else ""
        if kind < 0.3:
            return "Digitalt", online_url
        municipality = rng.choice(entry.municipalities)
        building = TOWN_HALLS.get(municipality.slug, DEFAULT_TOWN_HALL)
        return f"{building}, {municipality.name}, {rng.choice(MEETING_ROOMS)}", online_url

    def _online_url(self) -> str:
        alphabet = string.ascii_letters + string.digits
        token = "".join(self.rng.choice(alphabet) for _char in range(44))
        return f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{token}%40thread.v2/0"

    def _agenda(
        self, entry: _SeededNetwork, convener: _Person, topics: Sequence[str], *, first: bool
    ) -> str:
        speaker = self.rng.choice(entry.conveners + entry.members)
        introduction = f"{speaker.user.get_full_name()} från {speaker.municipality.name} inleder"
        items = [
            "Välkommen och genomgång av dagordningen",
            "Förväntningar på nätverket" if first else "Minnesanteckningar från förra träffen",
            "Nytt från kommunerna",
            f"{topics[0]}\n   - {introduction}",
            topics[1],
            "Övriga frågor",
            "Nästa träff",
        ]
        numbered = "\n".join(f"{number}. {item}" for number, item in enumerate(items, start=1))
        return (
            f"Välkommen till träffen! Skicka gärna frågor till {convener.user.first_name} "
            f"({convener.user.email}) i förväg.\n\n## Dagordning\n\n{numbered}\n"
        )

    def _minutes(
        self,
        entry: _SeededNetwork,
        convener: _Person,
        topics: Sequence[str],
        next_day: date | None,
        *,
        first: bool,
    ) -> str:
        """Write minutes whose numbered sections follow the items of the agenda."""
        rng = self.rng
        present = entry.conveners + rng.sample(
            entry.members, min(len(entry.members), rng.randint(4, 12))
        )
        present_text = ", ".join(
            f"{p.user.get_full_name()} ({p.municipality.name})" for p in present
        )
        writer = rng.choice(present)

        sections = [
            f"**Närvarande:** {present_text}\n\n**Antecknat av:** {writer.user.get_full_name()}",
            f"## 1. Välkommen och genomgång av dagordningen\n\n{convener.user.first_name} hälsade "
            "alla välkomna. Vi gick igenom dagordningen och godkände den.",
        ]
        if first:
            sections.append(
                "## 2. Förväntningar på nätverket\n\nAlla berättade kort vad de vill få ut av "
                "nätverket. Det vanligaste svaret var att slippa lösa samma problem på egen hand."
            )
        else:
            sections.append(
                "## 2. Minnesanteckningar från förra träffen\n\nVi gick igenom "
                "minnesanteckningarna från förra träffen. Alla punkter är klara eller finns med "
                "på dagens dagordning."
            )
        municipalities: list[Municipality] = []
        for person in present:
            if person.municipality not in municipalities:
                municipalities.append(person.municipality)
        news_items = MUNICIPALITY_NEWS[:-1] if first else MUNICIPALITY_NEWS
        municipalities = municipalities[:4]
        news = "\n".join(
            f"- **{municipality.name}:** {item}"
            for municipality, item in zip(
                municipalities, rng.sample(news_items, len(municipalities)), strict=True
            )
        )
        sections.append(f"## 3. Nytt från kommunerna\n\n{news}")
        if first:
            for number, (topic, text) in enumerate(zip(topics, STARTUP_MINUTES, strict=True), 4):
                sections.append(f"## {number}. {topic}\n\n{text}")
        else:
            discussions = rng.sample(DISCUSSION_TEMPLATES, len(topics))
            decisions = rng.sample(DECISION_TEMPLATES, len(topics))
            for number, topic in enumerate(topics, start=4):
                speaker, other = (
                    rng.sample(present, 2) if len(present) > 1 else (present[0], present[0])
                )
                fields = {
                    "name": speaker.user.get_full_name(),
                    "first_name": speaker.user.first_name,
                    "other_first_name": other.user.first_name,
                    "municipality": speaker.municipality.name,
                }
                discussion = discussions[number - 4].format(**fields)
                decision = decisions[number - 4].format(**fields)
                sections.append(f"## {number}. {topic}\n\n{discussion}\n\n{decision}")
        sections.append("## 6. Övriga frågor\n\nInga övriga frågor.")
        if next_day is None:
            next_text = "Sammankallande skickar ut datum för nästa träff."
        else:
            next_text = f"Nästa träff är {_swedish_date(next_day)}."
        sections.append(f"## 7. Nästa träff\n\n{next_text}")
        return "\n\n".join(sections) + "\n"

    def _add_addenda(self, approved: Sequence[Meeting]) -> int:
        """Add a dated correction to the approved minutes of two meetings."""
        rng = self.rng
        by_network = {entry.network.pk: entry for entry in self.networks}
        chosen = rng.sample(list(approved), min(2, len(approved)))
        rows = []
        for index, meeting in enumerate(chosen):
            entry = by_network[meeting.network_id]
            person = rng.choice(entry.members or entry.conveners)
            text = ADDENDUM_TEMPLATES[index % len(ADDENDUM_TEMPLATES)].format(
                name=person.user.get_full_name(),
                municipality=person.municipality.name,
                topic=_lower_first(rng.choice(entry.plan.topics)),
            )
            rows.append(
                MinutesAddendum(meeting=meeting, text=text, author=meeting.minutes_approved_by)
            )
        MinutesAddendum.objects.bulk_create(rows)
        for row in rows:
            written = row.meeting.minutes_approved_at + timedelta(days=rng.randint(1, 7))
            row.created_at = min(written, self.now)
        MinutesAddendum.objects.bulk_update(rows, ["created_at"])
        return len(rows)

    def _add_responses(self, upcoming: Sequence[tuple[Meeting, _SeededNetwork]]) -> int:
        """Create responses from some members to each upcoming meeting.

        The demo employee responds to one meeting and leaves the others open.
        """
        rng = self.rng
        demo_users = {person.user.pk for person in self.demo_people.values()}
        employee = self.demo_people[DEMO_EMPLOYEE].user
        answers = [
            MeetingResponse.Answer.YES,
            MeetingResponse.Answer.MAYBE,
            MeetingResponse.Answer.NO,
        ]
        rows = []
        employee_answered = False
        for meeting, entry in upcoming:
            people = [p for p in entry.conveners + entry.members if p.user.pk not in demo_users]
            for person in rng.sample(people, int(len(people) * rng.uniform(0.3, 0.7))):
                answer = rng.choices(answers, weights=[60, 25, 15])[0]
                rows.append(MeetingResponse(meeting=meeting, user=person.user, answer=answer))
            in_network = any(p.user.pk == employee.pk for p in entry.members)
            if in_network and not employee_answered:
                rows.append(
                    MeetingResponse(
                        meeting=meeting, user=employee, answer=MeetingResponse.Answer.YES
                    )
                )
                employee_answered = True
        MeetingResponse.objects.bulk_create(rows, batch_size=1000)
        return len(rows)

    # Forum.

    def seed_forum(self) -> None:
        """Create about 100 threads in the six topics with replies, answers, thanks and follows.

        About one thread in five belongs to a network, a few of them to closed networks. The
        demo employee asks three questions whose replies leave unread notifications.
        """
        rng = self.rng
        topics = {topic.slug: topic for topic in Topic.objects.all()}
        employee = self.demo_people[DEMO_EMPLOYEE]
        open_networks = [e for e in self.networks if not e.plan.closed]
        closed_networks = [e for e in self.networks if e.plan.closed]
        plans: list[tuple[Thread, Post, list[_Person]]] = []

        for slug, subjects in FORUM_SUBJECTS.items():
            for index, subject in enumerate(subjects):
                entry = None
                if index in (3, 11) and slug in ("hr", "digitalisering"):
                    entry = rng.choice(closed_networks)
                elif rng.random() < 0.18:
                    entry = rng.choice(open_networks)
                people = entry.conveners + entry.members if entry else self.people
                asker = rng.choice(people)
                if entry is None and slug == "kommunikation" and index < 3:
                    asker = employee
                created_at = self.now - timedelta(days=rng.randint(1, 150), hours=rng.randint(0, 9))
                form = FORUM_QUESTION_FORMS[(index + len(slug)) % len(FORUM_QUESTION_FORMS)]
                thread = Thread(
                    topic=topics[slug],
                    network=entry.network if entry else None,
                    title=form.format(subject=subject),
                    author=asker.user,
                    created_at=created_at,
                    last_activity_at=created_at,
                )
                text = rng.choice(FORUM_QUESTION_TEXTS).format(
                    unit=_lower_first(asker.user.unit.name) if asker.user.unit else "enheten",
                    municipality=asker.municipality.name,
                    subject=subject,
                )
                question = Post(
                    author=asker.user, body=text, is_question=True, created_at=created_at
                )
                plans.append((thread, question, people))

        Thread.objects.bulk_create([thread for thread, _question, _people in plans])
        posts: list[Post] = []
        replies_of: dict[int, list[Post]] = {}
        for thread, question, people in plans:
            question.thread = thread
            posts.append(question)
            count = rng.randint(2, 5) if thread.author_id == employee.user.pk else rng.randint(0, 8)
            moment = thread.created_at
            replies = []
            for _number in range(count):
                # Nobody replies to the question or to the reply just above as themselves.
                earlier = {thread.author_id, replies[-1].author_id if replies else None}
                writer = rng.choice([p for p in people if p.user.pk not in earlier] or people)
                moment = min(self.now, moment + timedelta(hours=rng.randint(1, 40)))
                name = replies[-1].author.get_full_name() if replies else writer.user.first_name
                body = rng.choice(FORUM_REPLIES).format(
                    municipality=writer.municipality.name,
                    unit=_lower_first(writer.user.unit.name) if writer.user.unit else "enheten",
                    name=name,
                )
                replies.append(
                    Post(thread=thread, author=writer.user, body=body, created_at=moment)
                )
            thread.reply_count = count
            thread.last_activity_at = moment
            replies_of[id(thread)] = replies
            posts.extend(replies)
        Post.objects.bulk_create(posts, batch_size=500)

        follows, votes, notifications = [], [], []
        solved = 0
        for thread, _question, people in plans:
            replies = replies_of[id(thread)]
            followers = {thread.author_id} | {reply.author_id for reply in replies}
            follows += [ThreadFollow(thread=thread, user_id=user_id) for user_id in followers]
            if replies and rng.random() < 0.4:
                thread.accepted_post = rng.choice(replies)
                solved += 1
            for reply in replies:
                voters = rng.sample(people, min(len(people), rng.randint(0, 4)))
                voters = [p for p in voters if p.user.pk != reply.author_id]
                votes += [PostVote(post=reply, user=p.user) for p in voters]
                reply.vote_count = len(voters)
            if thread.author_id == employee.user.pk:
                notifications += [
                    Notification(
                        recipient=employee.user,
                        kind=Kind.REPLY,
                        actor=reply.author,
                        thread=thread,
                        post=reply,
                        created_at=reply.created_at,
                    )
                    for reply in replies
                    if reply.author_id != employee.user.pk
                ]
        Thread.objects.bulk_update(
            [thread for thread, _question, _people in plans],
            ["reply_count", "last_activity_at", "accepted_post"],
            batch_size=500,
        )
        Post.objects.bulk_update(
            [post for post in posts if post.vote_count], ["vote_count"], batch_size=500
        )
        ThreadFollow.objects.bulk_create(follows, batch_size=1000)
        PostVote.objects.bulk_create(votes, batch_size=1000)
        Notification.objects.bulk_create(notifications)
        self.out(
            f"Forum: {len(plans)} threads ({solved} solved) with {len(posts) - len(plans)} "
            f"replies, {len(votes)} thanks and {len(notifications)} notifications."
        )
