from django.db import migrations

# The eleven municipalities of Familjen Helsingborg with their JobTech Taxonomy concept ids.
MUNICIPALITIES = [
    ("Bjuv", "bjuv", "upFU_7qQ_koP"),
    ("Båstad", "bastad", "V5mv_hbH_bQP"),
    ("Helsingborg", "helsingborg", "F1ew_2oE_zuz"),
    ("Höganäs", "hoganas", "vbLj_nj8_s6f"),
    ("Klippan", "klippan", "6fuV_KcL_ccx"),
    ("Landskrona", "landskrona", "R5pK_GDW_eR4"),
    ("Perstorp", "perstorp", "A3oG_Mn4_bPr"),
    ("Svalöv", "svalov", "TjJn_22h_CA7"),
    ("Åstorp", "astorp", "p9vs_s9U_EaC"),
    ("Ängelholm", "angelholm", "fyph_iPt_fK1"),
    ("Örkelljunga", "orkelljunga", "jbhz_Rc7_m6w"),
]


def add_municipalities(apps, schema_editor):
    Municipality = apps.get_model("core", "Municipality")
    for name, slug, concept_id in MUNICIPALITIES:
        Municipality.objects.update_or_create(
            concept_id=concept_id, defaults={"name": name, "slug": slug}
        )


def remove_municipalities(apps, schema_editor):
    Municipality = apps.get_model("core", "Municipality")
    Municipality.objects.filter(concept_id__in=[m[2] for m in MUNICIPALITIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(add_municipalities, remove_municipalities)]
