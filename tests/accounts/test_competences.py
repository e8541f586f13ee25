"""Competences: one normalised key per competence, free-text creation and suggestions."""

import re
import unicodedata

import pytest
from django.db import IntegrityError
from django.urls import reverse

from genbo.accounts.models import Competence, normalise_competence_key
from genbo.accounts.selectors import competence_suggestions
from genbo.accounts.services import competences_resolve

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
