from django.db import migrations

# The first topics of the forum. Staff add more in the Django admin.
TOPICS = [
    ("HR", "hr", "Anställning, arbetsrätt, lön, arbetsmiljö, rehabilitering och rekrytering."),
    ("Ekonomi", "ekonomi", "Budget, bokslut, redovisning, attester, moms och uppföljning."),
    (
        "Kommunikation",
        "kommunikation",
        "Webb, sociala medier, kriskommunikation, klarspråk och intern kommunikation.",
    ),
    ("IT", "it", "System, licenser, informationssäkerhet, support och drift."),
    ("Upphandling", "upphandling", "Avtal, förfrågningsunderlag, LOU, direktupphandling och avtalsuppföljning."),
    (
        "Digitalisering",
        "digitalisering",
        "E-tjänster, automatisering, AI, öppna data och verksamhetsutveckling med digitala verktyg.",
    ),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("forum", "Topic")
    for position, (name, slug, description) in enumerate(TOPICS, start=1):
        Topic.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


def remove_topics(apps, schema_editor):
    Topic = apps.get_model("forum", "Topic")
    Topic.objects.filter(slug__in=[slug for _name, slug, _description in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("forum", "0001_initial")]

    operations = [migrations.RunPython(add_topics, remove_topics)]
