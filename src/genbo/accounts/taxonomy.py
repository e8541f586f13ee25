"""Import of the JobTech Taxonomy (Arbetsförmedlingen) file into competences and occupations."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from genbo.accounts.models import (
    COMPETENCE_LABEL_MAX_LENGTH,
    Competence,
    Occupation,
    normalise_competence_key,
)


class TaxonomyError(ValueError):
    pass


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: {"skill": 0, "occupation-name": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"skill": 0, "occupation-name": 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {"skill": 0, "occupation-name": 0})
    # Skills whose label another skill already has (same key); the first one wins.
    duplicates: int = 0


def read_taxonomy(path: Path) -> dict[str, list[dict[str, str]]]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TaxonomyError(f"{path}: not a readable JSON file: {error}") from None
    concepts = document.get("concepts") if isinstance(document, dict) else None
    if not isinstance(concepts, dict) or not isinstance(concepts.get("skill"), list):
        raise TaxonomyError(f"{path}: expected an object with concepts.skill, a list of concepts")
    for kind in ("skill", "occupation-name"):
        for concept in concepts.get(kind, []):
            if (
                not isinstance(concept, dict)
                or not concept.get("concept_id")
                or not concept.get("label")
            ):
                raise TaxonomyError(
                    f"{path}: a {kind} concept lacks concept_id or label: {concept!r}"
                )
    return concepts


@transaction.atomic
def import_taxonomy(path: Path) -> ImportReport:
    """Load skills as competences and occupation names as occupations; a re-run changes nothing."""
    concepts = read_taxonomy(path)
    report = ImportReport()
    _import_skills(concepts["skill"], report)
    _import_occupations(concepts.get("occupation-name", []), report)
    return report


def _import_skills(skills: list[dict[str, str]], report: ImportReport) -> None:
    by_concept = {c.concept_id: c for c in Competence.objects.exclude(concept_id=None)}
    by_key = {c.key: c for c in Competence.objects.all()}
    new: list[Competence] = []
    changed: list[Competence] = []
    for concept in skills:
        label = " ".join(concept["label"].split())[:COMPETENCE_LABEL_MAX_LENGTH]
        key = normalise_competence_key(label)
        competence = by_concept.get(concept["concept_id"])
        if competence is None:
            existing = by_key.get(key)
            if existing is not None and existing.concept_id is None:
                # A free-text tag someone typed earlier becomes the taxonomy's concept.
                existing.concept_id = concept["concept_id"]
                existing.label = label
                changed.append(existing)
                by_concept[concept["concept_id"]] = existing
            elif existing is not None:
                report.duplicates += 1
            else:
                competence = Competence(label=label, key=key, concept_id=concept["concept_id"])
                new.append(competence)
                by_key[key] = competence
                by_concept[concept["concept_id"]] = competence
            continue
        if competence.label != label and key not in by_key:
            by_key.pop(competence.key, None)
            competence.label, competence.key = label, key
            by_key[key] = competence
            changed.append(competence)
        else:
            report.unchanged["skill"] += 1
    Competence.objects.bulk_create(new, batch_size=1000)
    Competence.objects.bulk_update(changed, ["label", "key", "concept_id"], batch_size=1000)
    report.created["skill"] = len(new)
    report.updated["skill"] = len(changed)


def _import_occupations(occupations: list[dict[str, str]], report: ImportReport) -> None:
    existing = {o.concept_id: o for o in Occupation.objects.all()}
    new: list[Occupation] = []
    changed: list[Occupation] = []
    for concept in occupations:
        label = " ".join(concept["label"].split())[:200]
        occupation = existing.get(concept["concept_id"])
        if occupation is None:
            occupation = Occupation(label=label, concept_id=concept["concept_id"])
            new.append(occupation)
            existing[occupation.concept_id] = occupation
        elif occupation.label != label:
            occupation.label = label
            changed.append(occupation)
        else:
            report.unchanged["occupation-name"] += 1
    Occupation.objects.bulk_create(new, batch_size=1000)
    Occupation.objects.bulk_update(changed, ["label"], batch_size=1000)
    report.created["occupation-name"] = len(new)
    report.updated["occupation-name"] = len(changed)
