from django.db.models import Case, IntegerField, Value, When

from genbo.accounts.models import Competence, normalise_competence_key


def competence_suggestions(text: str, *, limit: int = 10) -> list[str]:
    """Competence labels that start with or contain `text`, those that start with it first."""
    key = normalise_competence_key(text)
    if not key:
        return []
    rows = (
        Competence.objects.filter(key__contains=key)
        .annotate(
            rank=Case(
                When(key__startswith=key, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "label")
        .values_list("label", flat=True)[:limit]
    )
    return list(rows)
