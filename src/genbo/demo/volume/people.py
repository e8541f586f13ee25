"""Volume stage: competences, employees and their competence tags."""

from django.contrib.auth.hashers import make_password

from genbo.accounts.models import Competence, User, normalise_competence_key
from genbo.core.models import Municipality
from genbo.demo.content import (
    AREAS,
    DEFAULT_EMPLOYEE_COUNT,
    DEMO_PASSWORD,
    EMPLOYEES_PER_MUNICIPALITY,
    FEMALE_FIRST_NAMES,
    GENERAL_COMPETENCES,
    LAST_NAMES,
    MALE_FIRST_NAMES,
    PRESENTATION_TEMPLATES,
)
from genbo.demo.volume.base import (
    VOLUME_EMAIL_DOMAIN,
    SeedContext,
    bulk_insert,
    bulk_insert_quietly,
)

COMPETENCES_PER_USER = (1, 5)


def seed_competences(context: SeedContext) -> int:
    """Make sure every competence label of the demo vocabulary exists; return how many exist."""
    labels = list(GENERAL_COMPETENCES)
    for area in AREAS.values():
        labels.extend(area.competences)
    labels_by_key = {normalise_competence_key(label): label for label in labels}
    existing = set(Competence.objects.filter(key__in=labels_by_key).values_list("key", flat=True))
    Competence.objects.bulk_create(
        Competence(label=label, key=key)
        for key, label in labels_by_key.items()
        if key not in existing
    )
    context.competence_ids = list(
        Competence.objects.filter(key__in=labels_by_key).order_by("pk").values_list("pk", flat=True)
    )
    return len(context.competence_ids)


def seed_users(context: SeedContext) -> int:
    """Create the employees, spread over the municipalities like the demo, all with one password.

    The password hash is computed once: hashing 30,000 times would take most of an hour.
    """
    rng = context.rng
    context.password_hash = make_password(DEMO_PASSWORD)
    municipalities = list(Municipality.objects.order_by("pk"))
    context.municipality_ids = [municipality.pk for municipality in municipalities]
    weights = [
        EMPLOYEES_PER_MUNICIPALITY.get(municipality.slug, DEFAULT_EMPLOYEE_COUNT)
        for municipality in municipalities
    ]
    areas = list(AREAS.values())
    first_names = FEMALE_FIRST_NAMES + MALE_FIRST_NAMES

    def users():
        for number in range(1, context.size.users + 1):
            municipality = rng.choices(municipalities, weights)[0]
            area = rng.choice(areas)
            first_name = rng.choice(first_names)
            last_name = rng.choice(LAST_NAMES)
            title = rng.choice(area.titles)
            presentation = rng.choice(PRESENTATION_TEMPLATES).format(
                title=title.lower(),
                unit="förvaltningen",
                municipality=municipality.name,
                competence=rng.choice(area.competences).lower(),
                other_competence=rng.choice(GENERAL_COMPETENCES).lower(),
                years=rng.randint(2, 25),
            )
            yield User(
                email=f"volym{number}@{VOLUME_EMAIL_DOMAIN}",
                first_name=first_name,
                last_name=last_name,
                title=title,
                municipality=municipality,
                phone=f"0{rng.randint(40, 499)}-{rng.randint(100000, 999999)}",
                presentation=presentation,
                password=context.password_hash,
                date_joined=context.now,
            )

    saved = bulk_insert(context, User, users(), label="employees", total=context.size.users)
    names = {municipality.pk: municipality.name for municipality in municipalities}
    for user in saved:
        context.user_ids.append(user.pk)
        context.user_municipality[user.pk] = names[user.municipality_id]
        context.user_names[user.pk] = f"{user.first_name} {user.last_name}"

    link = User.competences.through
    links = (
        link(user_id=user_id, competence_id=competence_id)
        for user_id in context.user_ids
        for competence_id in rng.sample(context.competence_ids, rng.randint(*COMPETENCES_PER_USER))
    )
    tags = bulk_insert_quietly(link, links)
    context.out(f"  competence tags on profiles: {tags:,}")
    return len(saved)
