"""Competences: one normalised key per competence, free-text creation and suggestions."""

import re
import unicodedata

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from genbo.accounts.forms import CompetenceField
from genbo.accounts.models import (
    COMPETENCE_LABEL_MAX_LENGTH,
    Competence,
    normalise_competence_key,
)
from genbo.accounts.selectors import competence_suggestions
from genbo.accounts.services import competences_resolve
from tests.factories import UserFactory
from tests.helpers import in_swedish

O_NFC = unicodedata.normalize("NFC", "Ö")
O_NFD = unicodedata.normalize("NFD", "Ö")


def test_nfc_and_nfd_forms_differ_as_strings():
    # The precondition of the tests below: the two spellings are different code points.
    assert O_NFC != O_NFD
    assert len(O_NFD) == 2


@pytest.mark.parametrize(
    "spelling",
    ["Projektledning", " projektledning ", "PROJEKTLEDNING", "projektledning\t"],
)
def test_key_ignores_case_and_outer_space(spelling):
    assert normalise_competence_key(spelling) == "projektledning"


def test_key_collapses_inner_whitespace():
    assert normalise_competence_key("Agil   projekt\nledning") == "agil projekt ledning"


def test_key_joins_nfc_and_nfd():
    assert normalise_competence_key(f"{O_NFD}versättning") == normalise_competence_key(
        f"{O_NFC}versättning"
    )


@pytest.mark.django_db
def test_save_normalises_label_and_key():
    competence = Competence.objects.create(label=f"  {O_NFD}versättning   av  texter ")

    assert competence.label == f"{O_NFC}versättning av texter"
    assert competence.key == "översättning av texter"


@pytest.mark.django_db
def test_two_spellings_cannot_be_two_competences():
    Competence.objects.create(label="Projektledning")

    with pytest.raises(IntegrityError):
        Competence.objects.create(label=" projektledning ")


@pytest.mark.django_db
def test_resolve_creates_free_text_competences():
    competences = competences_resolve(["Kriskommunikation", "Klarspråk"])

    assert [c.label for c in competences] == ["Kriskommunikation", "Klarspråk"]
    assert all(c.pk is not None for c in competences)
    assert all(c.concept_id is None for c in competences)


@pytest.mark.django_db
def test_resolve_reuses_other_spelling():
    existing = Competence.objects.create(label="Projektledning")

    competences = competences_resolve([" projektledning "])

    assert competences == [existing]
    assert Competence.objects.count() == 1


@pytest.mark.django_db
def test_resolve_reuses_nfd_spelling():
    existing = Competence.objects.create(label=f"{O_NFC}konomistyrning")

    competences = competences_resolve([f"{O_NFD}konomistyrning"])

    assert competences == [existing]
    assert Competence.objects.count() == 1


@pytest.mark.django_db
def test_resolve_merges_duplicates_in_input():
    competences = competences_resolve(["Excel", "EXCEL", " excel"])

    assert [c.label for c in competences] == ["Excel"]
    assert Competence.objects.count() == 1


@pytest.fixture
def suggestible(db):
    for label in [
        "Agil projektledning",
        "Projektekonomi",
        "Projektledning",
        "Ledarskap",
        "Upphandling",
    ]:
        Competence.objects.create(label=label)


def test_suggestions_put_prefix_matches_first(suggestible):
    assert competence_suggestions("proj") == [
        "Projektekonomi",
        "Projektledning",
        "Agil projektledning",
    ]


def test_suggestions_match_any_case_and_nfd(suggestible):
    Competence.objects.create(label=f"{O_NFC}vers\u00e4ttning")

    assert competence_suggestions(f"{O_NFD}VERS") == ["Översättning"]


def test_suggestions_respect_limit(db):
    for number in range(15):
        Competence.objects.create(label=f"Språk {number:02}")

    assert len(competence_suggestions("språk", limit=10)) == 10


def _options(response) -> list[str]:
    return re.findall(r'<option value="([^"]*)">', response.content.decode())


@pytest.fixture
def as_employee(client, employee):
    client.force_login(employee)
    return client


def test_suggest_endpoint_returns_matching_options(as_employee, suggestible):
    response = as_employee.get(reverse("accounts:competence_suggest"), {"competences": "proj"})

    assert response.status_code == 200
    assert _options(response) == ["Projektekonomi", "Projektledning", "Agil projektledning"]


def test_suggest_endpoint_keeps_earlier_entries(as_employee, suggestible):
    response = as_employee.get(
        reverse("accounts:competence_suggest"), {"competences": "Ledarskap,  Upphandling, projektl"}
    )

    assert _options(response) == [
        "Ledarskap,  Upphandling, Projektledning",
        "Ledarskap,  Upphandling, Agil projektledning",
    ]


@pytest.mark.parametrize("parameter", ["competence", "q"])
def test_suggest_endpoint_reads_other_field_names(as_employee, suggestible, parameter):
    response = as_employee.get(reverse("accounts:competence_suggest"), {parameter: "ledar"})

    assert _options(response) == ["Ledarskap"]


@pytest.mark.parametrize("text", ["", "p", "Ledarskap, p", "Ledarskap, "])
def test_suggest_endpoint_waits_for_two_characters(as_employee, suggestible, text):
    response = as_employee.get(reverse("accounts:competence_suggest"), {"competences": text})

    assert response.status_code == 200
    assert _options(response) == []


def test_suggest_endpoint_escapes_labels(as_employee, db):
    Competence.objects.create(label='Excel "avancerad" & VBA')

    response = as_employee.get(reverse("accounts:competence_suggest"), {"q": "excel"})

    assert 'value="Excel &quot;avancerad&quot; &amp; VBA"' in response.content.decode()


@pytest.mark.parametrize("query", ["%00", "%00%00%00", "Ledarskap,%20%00%00"])
def test_suggest_endpoint_accepts_null_character(as_employee, suggestible, query):
    response = as_employee.get(reverse("accounts:competence_suggest") + f"?q={query}")

    assert response.status_code == 200
    assert _options(response) == []


def test_suggest_endpoint_drops_null_character(as_employee, suggestible):
    response = as_employee.get(reverse("accounts:competence_suggest"), {"q": "ledar\x00"})

    assert response.status_code == 200
    assert _options(response) == ["Ledarskap"]


# Labels with commas, null characters and long keys


def _clean_competences(text: str) -> list[str]:
    return CompetenceField(required=False).clean(text)


@pytest.mark.django_db
def test_field_keeps_known_label_with_comma_whole():
    Competence.objects.create(label="SQL, programmeringsspråk")

    labels = _clean_competences("Excel, SQL, programmeringsspråk, Statistik")

    assert labels == ["Excel", "SQL, programmeringsspråk", "Statistik"]


@pytest.mark.django_db
def test_field_matches_label_with_comma_in_any_spelling():
    Competence.objects.create(label="SQL, programmeringsspråk")

    labels = _clean_competences("sql ,PROGRAMMERINGSSPRÅK")

    assert [normalise_competence_key(label) for label in labels] == ["sql, programmeringsspråk"]


@pytest.mark.django_db
def test_field_keeps_label_with_two_commas_whole():
    Competence.objects.create(label="Lager, logistik, transport")

    labels = _clean_competences("Lager, logistik, transport, Inköp")

    assert labels == ["Lager, logistik, transport", "Inköp"]


@pytest.mark.django_db
def test_field_splits_unknown_parts_at_commas():
    Competence.objects.create(label="SQL, programmeringsspråk")

    labels = _clean_competences("SQL, Python, programmeringsspråk")

    assert labels == ["SQL", "Python", "programmeringsspråk"]


@pytest.mark.django_db
def test_field_rejects_null_character():
    with pytest.raises(forms.ValidationError) as caught:
        _clean_competences("Ledarskap, Upp\x00handling")

    assert caught.value.code == "null"
    assert caught.value.messages == [
        in_swedish("The text contains a null character, which is not allowed.")
    ]


@pytest.mark.django_db
def test_label_whose_key_is_longer_saves():
    # Case folding turns each "ß" into "ss", so the key is twice as long as the label.
    label = "ß" * COMPETENCE_LABEL_MAX_LENGTH

    competence = Competence.objects.create(label=label)

    competence.refresh_from_db()
    assert competence.label == label
    assert competence.key == "ss" * COMPETENCE_LABEL_MAX_LENGTH
    assert len(competence.key) == 240


@pytest.mark.django_db
def test_clean_rejects_label_with_taken_key():
    Competence.objects.create(label="Projektledning")

    with pytest.raises(ValidationError) as caught:
        Competence(label=" PROJEKTLEDNING").clean()

    assert list(caught.value.message_dict) == ["label"]


@pytest.mark.django_db
def test_clean_accepts_own_key_on_change():
    competence = Competence.objects.create(label="Projektledning")
    competence.label = "projektledning"

    competence.clean()


# The admin


@pytest.fixture
def as_superuser(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _admin_form(response):
    return response.context["adminform"].form


def test_admin_change_rejects_label_with_taken_key(as_superuser):
    Competence.objects.create(label="Projektledning")
    other = Competence.objects.create(label="Projektekonomi")

    response = as_superuser.post(
        f"/admin/accounts/competence/{other.pk}/change/",
        {"label": "PROJEKTLEDNING", "concept_id": "", "synonyms": "[]"},
    )

    other.refresh_from_db()
    message = in_swedish("The competence “%(label)s” already exists.", label="PROJEKTLEDNING")
    assert response.status_code == 200
    assert _admin_form(response).errors["label"] == [message]
    assert other.label == "Projektekonomi"


def test_admin_add_rejects_label_with_taken_key(as_superuser):
    Competence.objects.create(label="Projektledning")

    response = as_superuser.post(
        "/admin/accounts/competence/add/",
        {"label": " projektledning ", "concept_id": "", "synonyms": "[]"},
    )

    assert response.status_code == 200
    assert "label" in _admin_form(response).errors
    assert Competence.objects.count() == 1


def test_admin_change_keeps_own_label_allowed(as_superuser):
    competence = Competence.objects.create(label="Projektledning")

    response = as_superuser.post(
        f"/admin/accounts/competence/{competence.pk}/change/",
        {"label": "projektledning", "concept_id": "", "synonyms": "[]"},
    )

    competence.refresh_from_db()
    assert response.status_code == 302
    assert competence.label == "projektledning"
