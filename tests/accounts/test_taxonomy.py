"""Import of the JobTech Taxonomy file into competences and occupations."""

import json
from pathlib import Path

import pytest

from genbo.accounts.models import Competence, Occupation
from genbo.accounts.taxonomy import TaxonomyError, import_taxonomy

pytestmark = pytest.mark.django_db

# The file is read from beside the repository, never copied into it: parents[3] is the
# folder that contains the repository.
REAL_FILE = Path(__file__).resolve().parents[3] / "shared/data/jobtech-taxonomy-sv.json"


@pytest.fixture
def real_file() -> Path:
    if not REAL_FILE.is_file():
        pytest.skip(f"JobTech Taxonomy file not found at {REAL_FILE}")
    return REAL_FILE


def _write(tmp_path: Path, document, name: str = "taxonomy.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _taxonomy(skills=(), occupations=()) -> dict:
    return {
        "source": "test",
        "concepts": {
            "skill": [{"concept_id": cid, "label": label} for cid, label in skills],
            "occupation-name": [{"concept_id": cid, "label": label} for cid, label in occupations],
        },
    }


# The real file: 5,762 skills, two of which share a label with another skill once
# normalised, and 3,506 occupation names.


def test_real_file_import_creates_all_concepts(real_file):
    report = import_taxonomy(real_file)

    assert report.created["skill"] == 5760
    assert report.duplicates == 2
    assert report.created["occupation-name"] == 3506
    assert Competence.objects.count() == 5760
    assert Competence.objects.filter(concept_id=None).count() == 0
    assert Occupation.objects.count() == 3506


def test_real_file_second_import_changes_nothing(real_file):
    import_taxonomy(real_file)
    labels_before = dict(Competence.objects.values_list("concept_id", "label"))

    report = import_taxonomy(real_file)

    assert report.created == {"skill": 0, "occupation-name": 0}
    assert report.updated == {"skill": 0, "occupation-name": 0}
    assert report.unchanged == {"skill": 5760, "occupation-name": 3506}
    assert dict(Competence.objects.values_list("concept_id", "label")) == labels_before
    assert Occupation.objects.count() == 3506


def test_real_file_attaches_concept_to_free_text_competence(real_file):
    document = json.loads(real_file.read_text(encoding="utf-8"))
    skill = document["concepts"]["skill"][100]
    typed = Competence.objects.create(label=f"  {skill['label'].upper()} ")

    import_taxonomy(real_file)

    typed.refresh_from_db()
    assert typed.concept_id == skill["concept_id"]
    assert typed.label == skill["label"]
    assert Competence.objects.count() == 5760


# Small hand-made files


def test_free_text_competence_gets_concept_id(tmp_path):
    typed = Competence.objects.create(label="projektledning")
    path = _write(tmp_path, _taxonomy(skills=[("abc_123_xyz", "Projektledning")]))

    report = import_taxonomy(path)

    typed.refresh_from_db()
    assert typed.concept_id == "abc_123_xyz"
    assert typed.label == "Projektledning"
    assert report.created["skill"] == 0
    assert report.updated["skill"] == 1
    assert Competence.objects.count() == 1


def test_changed_label_is_updated(tmp_path):
    import_taxonomy(_write(tmp_path, _taxonomy(skills=[("s1", "Excel")]), "v1.json"))

    report = import_taxonomy(
        _write(tmp_path, _taxonomy(skills=[("s1", "Microsoft Excel")]), "v2.json")
    )

    competence = Competence.objects.get(concept_id="s1")
    assert report.updated["skill"] == 1
    assert competence.label == "Microsoft Excel"
    assert competence.key == "microsoft excel"


def test_changed_occupation_label_is_updated(tmp_path):
    import_taxonomy(
        _write(tmp_path, _taxonomy(occupations=[("o1", "Socialsekreterare")]), "a.json")
    )

    report = import_taxonomy(
        _write(
            tmp_path, _taxonomy(occupations=[("o1", "Socialsekreterare, barn och unga")]), "b.json"
        )
    )

    assert report.updated["occupation-name"] == 1
    assert Occupation.objects.get(concept_id="o1").label == "Socialsekreterare, barn och unga"


def test_skill_label_whitespace_is_normalised(tmp_path):
    import_taxonomy(_write(tmp_path, _taxonomy(skills=[("s1", "  Agil   utveckling ")])))

    assert Competence.objects.get(concept_id="s1").label == "Agil utveckling"


def test_duplicate_labels_keep_first_concept(tmp_path):
    path = _write(tmp_path, _taxonomy(skills=[("s1", "Svetsning"), ("s2", "SVETSNING")]))

    report = import_taxonomy(path)

    assert report.duplicates == 1
    assert list(Competence.objects.values_list("concept_id", flat=True)) == ["s1"]


def test_missing_file_raises_clear_error(tmp_path):
    path = tmp_path / "finns-inte.json"

    with pytest.raises(TaxonomyError) as caught:
        import_taxonomy(path)

    assert str(caught.value) == f"{path}: file not found"


def test_invalid_json_raises_clear_error(tmp_path):
    path = tmp_path / "trasig.json"
    path.write_text('{"concepts": {"skill": [', encoding="utf-8")

    with pytest.raises(TaxonomyError) as caught:
        import_taxonomy(path)

    assert str(caught.value).startswith(f"{path}: not a readable JSON file")


def test_non_utf8_file_raises_clear_error(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"concepts": {"skill": [{"label": "Sjuksköterska"}]}}'.encode("latin-1"))

    with pytest.raises(TaxonomyError) as caught:
        import_taxonomy(path)

    assert str(caught.value).startswith(f"{path}: not a readable JSON file")


@pytest.mark.parametrize(
    "document",
    [
        pytest.param([], id="list"),
        pytest.param({"skills": []}, id="no-concepts"),
        pytest.param({"concepts": {"occupation-name": []}}, id="no-skills"),
        pytest.param({"concepts": {"skill": {"id": "label"}}}, id="skills-not-a-list"),
    ],
)
def test_wrong_shape_raises_clear_error(tmp_path, document):
    path = _write(tmp_path, document)

    with pytest.raises(TaxonomyError) as caught:
        import_taxonomy(path)

    assert (
        str(caught.value) == f"{path}: expected an object with concepts.skill, a list of concepts"
    )


@pytest.mark.parametrize(
    "concept",
    [
        pytest.param({"label": "Utan id"}, id="no-id"),
        pytest.param({"concept_id": "x1"}, id="no-label"),
        pytest.param({"concept_id": "x1", "label": ""}, id="empty-label"),
        pytest.param("Projektledning", id="not-an-object"),
    ],
)
def test_incomplete_concept_raises_clear_error(tmp_path, concept):
    path = _write(
        tmp_path, {"concepts": {"skill": [{"concept_id": "ok", "label": "Bra"}, concept]}}
    )

    with pytest.raises(TaxonomyError) as caught:
        import_taxonomy(path)

    assert str(caught.value).startswith(f"{path}: a skill concept lacks concept_id or label")
    assert Competence.objects.exists() is False
