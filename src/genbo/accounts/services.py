"""Writes on employees and competences."""

from django.db import IntegrityError, transaction

from genbo.accounts.models import Competence, normalise_competence_key
from genbo.core.audit import audit_record


def competences_resolve(labels: list[str]) -> list[Competence]:
    """Return the competences for `labels`, creating free-text ones that do not exist yet."""
    keys = {normalise_competence_key(label): label for label in labels}
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
    old_photo = user.photo.name if user.photo else ""
    user = form.save(commit=False)
    if form.cleaned_data.get("remove_photo") and "photo" not in form.changed_data:
        user.photo = ""
    user.save()
    user.competences.set(competences_resolve(form.cleaned_data["competences"]))
    if old_photo and old_photo != (user.photo.name if user.photo else ""):
        storage = user.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    audit_record(action="profile.update", actor=user, target=user, fields=sorted(form.changed_data))
