"""Writes on employees and competences."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from genbo.accounts.models import Competence, normalise_competence_key
from genbo.core.audit import audit_record
from genbo.search.services import index_object


def competences_resolve(labels: list[str]) -> list[Competence]:
    """Return the competences for `labels`, creating free-text ones that do not exist yet."""
    # The first spelling of a competence wins, as in CompetenceField and the taxonomy import.
    keys: dict[str, str] = {}
    for label in labels:
        keys.setdefault(normalise_competence_key(label), label)
    found = {c.key: c for c in Competence.objects.filter(key__in=keys)}
    for key, label in keys.items():
        if key not in found:
            try:
                with transaction.atomic():
                    found[key] = Competence.objects.create(label=label)
            except IntegrityError:
                found[key] = Competence.objects.get(key=key)
    return [found[key] for key in keys]


@transaction.atomic
def profile_update(*, user, form) -> None:
    """Save the profile form of `user`, replacing the old photo file when a new one came."""
    # Validating the form has already put a new photo on `user`, so the name of the
    # stored photo is read from the database row.
    stored = get_user_model().objects.filter(pk=user.pk).values_list("photo", flat=True)
    old_photo = stored.first() or ""
    user = form.save(commit=False)
    if form.cleaned_data.get("remove_photo") and "photo" not in form.changed_data:
        user.photo = ""
    user.save()
    user.competences.set(competences_resolve(form.cleaned_data["competences"]))
    if old_photo and old_photo != (user.photo.name if user.photo else ""):
        storage = user.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    audit_record(action="profile.update", actor=user, target=user, fields=sorted(form.changed_data))
    index_object(user)
