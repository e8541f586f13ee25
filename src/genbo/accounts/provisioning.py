"""Accounts made and kept up to date from a municipality's directory.

OpenID Connect, SAML, LDAP and SCIM all end in `user_provision`: the first sign-in or
SCIM create makes the user, later ones update the same user. `user_deactivate` is the
one path by which a person who left a municipality loses access.
"""

import logging
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from genbo.accounts.models import IdentityLink, User
from genbo.core.audit import audit_record
from genbo.core.models import Municipality, OrganisationUnit
from genbo.core.names import without_bidi_controls
from genbo.search.services import index_object, remove_object

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 80
TITLE_MAX_LENGTH = 120
UNIT_NAME_MAX_LENGTH = 150


class ProvisioningError(Exception):
    """The directory's data cannot be stored. `code` is "uniqueness" or "invalid"."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class DirectoryProfile:
    """One person's directory entry, already mapped to GENBO's fields."""

    subject: str
    email: str
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    department: str = ""
    phone: str = ""
    # False for an account disabled in the directory. None when the source has no such
    # flag (an OpenID Connect or SAML sign-in), so `is_active` stays as it is.
    active: bool | None = True


def _clean_text(value: str | None) -> str:
    # Directory values are shown as names and titles, where an unclosed bidirectional
    # override would reverse the text after it.
    return " ".join(without_bidi_controls(value or "").split())


def _clean_profile(profile: DirectoryProfile) -> DirectoryProfile:
    subject = (profile.subject or "").strip()
    if not subject or len(subject) > 255:
        raise ProvisioningError("The subject (the person's identifier) is missing or too long.")
    email = (profile.email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ProvisioningError(f"The e-mail address {email!r} is missing or invalid.") from None
    return DirectoryProfile(
        subject=subject,
        email=email,
        first_name=_clean_text(profile.first_name)[:NAME_MAX_LENGTH],
        last_name=_clean_text(profile.last_name)[:NAME_MAX_LENGTH],
        title=_clean_text(profile.title)[:TITLE_MAX_LENGTH],
        department=_clean_text(profile.department)[:UNIT_NAME_MAX_LENGTH],
        phone=(profile.phone or "").strip()[:40],
        active=profile.active,
    )


def _unit_for(municipality: Municipality, department: str) -> OrganisationUnit | None:
    if not department:
        return None
    unit = OrganisationUnit.objects.filter(
        municipality=municipality, parent=None, name__iexact=department
    ).first()
    if unit is None:
        unit = OrganisationUnit.objects.create(
            municipality=municipality,
            parent=None,
            kind=OrganisationUnit.Kind.ADMINISTRATION,
            name=department,
        )
    return unit


def _check_email_free(email: str, *, user: User | None) -> None:
    others = User.objects.filter(email=email)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise ProvisioningError(
            f"Another account already uses the e-mail address {email!r}.", code="uniqueness"
        )


def _adoptable_local_account(municipality: Municipality, email: str) -> User | None:
    """Return the account with `email` that a first directory sign-in may take over.

    Only an account of the same municipality (or of none) that no directory of this
    municipality has claimed yet, and that is not a staff account, is taken over. An
    address alone never moves an account between municipalities, because each
    municipality's directory controls only its own addresses.
    """
    user = User.objects.filter(email=email).first()
    if user is None:
        return None
    if user.is_staff or user.is_superuser:
        # A directory must not be able to take over a secretariat or admin account by
        # naming its address; such accounts are linked in the admin.
        raise ProvisioningError(
            f"The e-mail address {email!r} belongs to a staff account.", code="uniqueness"
        )
    if user.municipality_id not in (None, municipality.pk):
        raise ProvisioningError(
            f"The e-mail address {email!r} belongs to an account in another municipality.",
            code="uniqueness",
        )
    if IdentityLink.objects.filter(municipality=municipality, user=user).exists():
        raise ProvisioningError(
            f"The e-mail address {email!r} belongs to another person in the directory.",
            code="uniqueness",
        )
    return user


@transaction.atomic
def user_provision(
    *,
    municipality: Municipality,
    profile: DirectoryProfile,
    source: str,
    user_name: str = "",
    actor=None,
) -> tuple[IdentityLink, bool]:
    """Create or update the user that `profile.subject` identifies in `municipality`.

    Returns the identity link and whether the user was created. `source` ("oidc",
    "saml", "ldap", "scim") goes to the audit log. Raises ProvisioningError with code
    "uniqueness" when the e-mail address or user name belongs to someone else; nothing
    is stored then.
    """
    profile = _clean_profile(profile)
    link = (
        IdentityLink.objects.select_for_update()
        .select_related("user")
        .filter(municipality=municipality, subject=profile.subject)
        .first()
    )
    created = False
    if link is None:
        user = _adoptable_local_account(municipality, profile.email)
        if user is None:
            user = User(email=profile.email, municipality=municipality)
            user.set_unusable_password()
            created = True
        link = IdentityLink(municipality=municipality, subject=profile.subject)
    else:
        user = link.user
        _check_email_free(profile.email, user=user)

    changed = _apply_profile(user, municipality, profile)
    if created or changed:
        user.save()
    if profile.active is False and user.is_active:
        user_deactivate(user=user, actor=actor, source=source)
    elif profile.active is True and not user.is_active:
        user_reactivate(user=user, actor=actor, source=source)

    link.user = user
    if user_name:
        link.user_name = user_name
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        raise ProvisioningError(
            f"The user name {user_name!r} is already taken in this municipality.",
            code="uniqueness",
        ) from None
    if created or changed:
        audit_record(
            action="user.provision" if created else "user.update",
            actor=actor,
            target=user,
            source=source,
            municipality=municipality.slug,
            fields=sorted(changed),
        )
    return link, created


def _apply_profile(user: User, municipality: Municipality, profile: DirectoryProfile) -> list[str]:
    """Copy the directory's values onto `user` and return the names of the changed fields."""
    values = {
        "email": profile.email,
        "first_name": profile.first_name or user.first_name,
        "last_name": profile.last_name or user.last_name,
        "title": profile.title,
        "municipality": municipality,
    }
    if profile.phone:
        values["phone"] = profile.phone
    changed = []
    for field, value in values.items():
        if getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    unit = _unit_for(municipality, profile.department)
    if user.unit_id != (unit.pk if unit else None):
        user.unit = unit
        changed.append("unit")
    return changed


@transaction.atomic
def user_deactivate(*, user: User, actor=None, source: str) -> list:
    """Take away the access of a person who left: sign-in, sessions and chat.

    Django's ModelBackend returns no user for an inactive account, so every session of
    `user` is anonymous from its next request on. Content keeps the author's name.
    Returns the networks that lost their last active convener. Their members are notified.
    """
    from genbo.chat.services import chat_disconnect_user
    from genbo.networks.services import networks_orphaned_by

    if not user.is_active:
        return []
    orphaned = networks_orphaned_by(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(action="user.deactivate", actor=actor, target=user, source=source)
    # The profile returns 404 from now on, so search must not find it.
    index_object(user)
    # The chat closes every open socket of the user at once; without this they would
    # close at their next frame or access recheck.
    transaction.on_commit(partial(chat_disconnect_user, user.pk))
    if orphaned:
        from genbo.notifications.services import notify_network_without_convener

        for network in orphaned:
            notify_network_without_convener(network=network, former_convener=user)
        logger.info(
            "Deactivated user %s was the last convener of networks %s",
            user.pk,
            [network.pk for network in orphaned],
        )
    return orphaned


@transaction.atomic
def user_reactivate(*, user: User, actor=None, source: str) -> None:
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(action="user.reactivate", actor=actor, target=user, source=source)
    index_object(user)


@transaction.atomic
def user_delete(*, user: User, actor=None, source: str) -> None:
    """Delete an account with its search document, and close its open chat sockets.

    The rows that refer to the account are deleted or kept as their foreign keys set.
    """
    from genbo.chat.services import chat_disconnect_user

    user_id = user.pk
    remove_object(user)
    audit_record(action="user.delete", actor=actor, target=user, source=source, user_id=user_id)
    user.delete()
    transaction.on_commit(partial(chat_disconnect_user, user_id))
