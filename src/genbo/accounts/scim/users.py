"""The SCIM User resource: reading it from GENBO, and writing requests back.

A User is an IdentityLink of the token's municipality; its SCIM `id` is the link's
UUID and its `externalId` the link's subject. Requests are first turned into a flat
`UserState`, PATCH operations change that state, and one function stores it, so
POST, PUT and PATCH share their checks.
"""

import uuid
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Q

from genbo.accounts.models import IdentityLink
from genbo.accounts.provisioning import DirectoryProfile, ProvisioningError, user_provision
from genbo.accounts.scim.protocol import (
    ENTERPRISE_SCHEMA,
    USER_SCHEMA,
    ScimError,
    parse_bool,
    parse_path,
)

ENTERPRISE = ENTERPRISE_SCHEMA.lower()

# Attributes of RFC 7643's User schema that GENBO accepts but does not keep. Any
# attribute outside the schemas is an error, so a typing mistake in a mapping shows.
IGNORED_USER_ATTRIBUTES = {
    "id",
    "meta",
    "schemas",
    "nickname",
    "profileurl",
    "usertype",
    "preferredlanguage",
    "locale",
    "timezone",
    "password",
    "ims",
    "photos",
    "addresses",
    "groups",
    "entitlements",
    "roles",
    "x509certificates",
}
IGNORED_NAME_PARTS = {"formatted", "middlename", "honorificprefix", "honorificsuffix"}
IGNORED_ENTERPRISE_ATTRIBUTES = {"employeenumber", "costcenter", "organization", "division"}

USER_FILTERS = {"username": "userName", "externalid": "externalId", "id": "id"}


@dataclass(frozen=True)
class UserState:
    user_name: str = ""
    external_id: str = ""
    active: bool = True
    given_name: str = ""
    family_name: str = ""
    display_name: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    department: str = ""
    # The SCIM id of the manager's User resource, or "" for none.
    manager: str = ""


def _text(value, *, attribute: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ScimError(400, f"{attribute} must be a string.", "invalidValue")
    return str(value).strip()


def _pick(values, *, attribute: str) -> str:
    """Return the value of the primary item of a multi-valued attribute, else the work one."""
    if values is None:
        return ""
    if not isinstance(values, list) or not all(isinstance(item, dict) for item in values):
        raise ScimError(400, f"{attribute} must be a list of objects.", "invalidValue")
    if not values:
        return ""
    chosen = next((item for item in values if item.get("primary") in (True, "true", "True")), None)
    chosen = chosen or next((item for item in values if item.get("type") == "work"), values[0])
    return _text(chosen.get("value"), attribute=f"{attribute}.value")


def _manager_id(value) -> str:
    if isinstance(value, dict):
        value = value.get("value")
    return _text(value, attribute="manager")


def _set(state: UserState, attribute: str, value, *, sub: str = "") -> UserState:
    """Return `state` with one attribute (lower-case name, optional sub-attribute) set."""
    if attribute.startswith(ENTERPRISE + ":"):
        name = attribute[len(ENTERPRISE) + 1 :]
        if name == "department":
            return replace(state, department=_text(value, attribute="department"))
        if name == "manager":
            return replace(state, manager=_manager_id(value))
        if name in IGNORED_ENTERPRISE_ATTRIBUTES:
            return state
        raise ScimError(
            400, f"The attribute {name!r} is not part of {ENTERPRISE_SCHEMA}.", "invalidPath"
        )
    if attribute == ENTERPRISE:
        if not isinstance(value, dict):
            raise ScimError(400, f"{ENTERPRISE_SCHEMA} must be an object.", "invalidValue")
        for key, item in value.items():
            state = _set(state, f"{ENTERPRISE}:{key.lower()}", item)
        return state
    if attribute == "name" and sub:
        return _set(state, "name", {sub: value})
    if attribute == "emails" and sub in ("", "value"):
        return replace(
            state,
            email=_pick(value, attribute="emails")
            if not sub
            else _text(value, attribute="emails.value"),
        )
    if attribute == "phonenumbers" and sub in ("", "value"):
        return replace(
            state,
            phone=_pick(value, attribute="phoneNumbers")
            if not sub
            else _text(value, attribute="phoneNumbers.value"),
        )
    if sub:
        raise ScimError(400, f"The attribute {attribute}.{sub} is not supported.", "invalidPath")
    if attribute == "username":
        return replace(state, user_name=_text(value, attribute="userName"))
    if attribute == "externalid":
        return replace(state, external_id=_text(value, attribute="externalId"))
    if attribute == "active":
        return replace(state, active=parse_bool(value, attribute="active"))
    if attribute == "displayname":
        return replace(state, display_name=_text(value, attribute="displayName"))
    if attribute == "title":
        return replace(state, title=_text(value, attribute="title"))
    if attribute == "name":
        if not isinstance(value, dict):
            raise ScimError(400, "name must be an object.", "invalidValue")
        for key, part in value.items():
            if key.lower() == "givenname":
                state = replace(state, given_name=_text(part, attribute="name.givenName"))
            elif key.lower() == "familyname":
                state = replace(state, family_name=_text(part, attribute="name.familyName"))
            elif key.lower() not in IGNORED_NAME_PARTS:
                raise ScimError(400, f"name.{key} is not part of the User schema.", "invalidPath")
        return state
    if attribute in IGNORED_USER_ATTRIBUTES:
        return state
    raise ScimError(
        400, f"The attribute {attribute!r} is not part of the User schema.", "invalidPath"
    )


def state_from_resource(body: dict) -> UserState:
    """Read a whole User resource, as sent with POST or PUT."""
    state = UserState()
    for key, value in body.items():
        lowered = key.lower()
        if lowered.startswith(USER_SCHEMA.lower() + ":"):
            lowered = lowered[len(USER_SCHEMA) + 1 :]
        state = _set(state, lowered, value)
    return state


def state_patch(state: UserState, operations: list[tuple[str, str, object]]) -> UserState:
    """Apply PATCH operations (RFC 7644, section 3.5.2) to `state`."""
    schemas = (USER_SCHEMA, ENTERPRISE_SCHEMA)
    for op, path, value in operations:
        if not path:
            if not isinstance(value, dict):
                raise ScimError(
                    400, f"An {op} without a path needs an object value.", "invalidValue"
                )
            for key, item in value.items():
                parsed = parse_path(key, schemas=schemas)
                state = _set(state, parsed.attribute, item, sub=parsed.sub_attribute)
            continue
        parsed = parse_path(path, schemas=schemas)
        if op == "remove":
            state = _remove(state, parsed.attribute, parsed.sub_attribute)
            continue
        if parsed.filter_attribute:
            # Only one e-mail address and one phone number are kept, so the filter
            # (such as type eq "work") selects the value that GENBO stores.
            if parsed.attribute not in ("emails", "phonenumbers"):
                raise ScimError(400, f"The path {path!r} is not supported.", "invalidPath")
            if isinstance(value, list):
                value = _pick(value, attribute=parsed.attribute)
            state = _set(state, parsed.attribute, value, sub="value")
            continue
        state = _set(state, parsed.attribute, value, sub=parsed.sub_attribute)
    return state


def _remove(state: UserState, attribute: str, sub: str) -> UserState:
    simple = {
        "externalid": "external_id",
        "displayname": "display_name",
        "title": "title",
        "emails": "email",
        "phonenumbers": "phone",
        f"{ENTERPRISE}:department": "department",
        f"{ENTERPRISE}:manager": "manager",
    }
    if attribute == "name" and sub in ("givenname", "familyname"):
        return replace(state, **{"given_name" if sub == "givenname" else "family_name": ""})
    if attribute in simple:
        return replace(state, **{simple[attribute]: ""})
    if attribute in IGNORED_USER_ATTRIBUTES or attribute == f"{ENTERPRISE}:employeenumber":
        return state
    raise ScimError(400, f"The attribute {attribute!r} cannot be removed.", "mutability")


def state_of(link: IdentityLink, *, manager_link_id: str = "") -> UserState:
    user = link.user
    return UserState(
        user_name=link.user_name or user.email,
        external_id=link.subject,
        active=user.is_active,
        given_name=user.first_name,
        family_name=user.last_name,
        display_name=user.get_full_name(),
        title=user.title,
        email=user.email,
        phone=user.phone,
        department=user.unit.name if user.unit_id else "",
        manager=manager_link_id,
    )


def manager_link_ids(links: list[IdentityLink]) -> dict[int, str]:
    """Return, per user id of a manager, the SCIM id of that manager in the same municipality."""
    manager_ids = {link.user.manager_id for link in links if link.user.manager_id}
    if not manager_ids:
        return {}
    municipality_ids = {link.municipality_id for link in links}
    rows = IdentityLink.objects.filter(
        user_id__in=manager_ids, municipality_id__in=municipality_ids
    ).values_list("user_id", "id")
    return {user_id: str(link_id) for user_id, link_id in rows}


def to_resource(link: IdentityLink, *, location: str, manager_link_id: str = "") -> dict:
    state = state_of(link, manager_link_id=manager_link_id)
    user = link.user
    resource = {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "id": str(link.id),
        "externalId": state.external_id,
        "userName": state.user_name,
        "name": {
            "givenName": state.given_name,
            "familyName": state.family_name,
            "formatted": state.display_name,
        },
        "displayName": state.display_name,
        "title": state.title,
        "active": state.active,
        "emails": [{"value": state.email, "type": "work", "primary": True}],
        ENTERPRISE_SCHEMA: {"department": state.department},
        "meta": {
            "resourceType": "User",
            "created": link.created_at.isoformat(),
            "lastModified": max(link.updated_at, user.date_joined).isoformat(),
            "location": location,
            "version": f'W/"{int(link.updated_at.timestamp() * 1_000_000)}"',
        },
    }
    if state.phone:
        resource["phoneNumbers"] = [{"value": state.phone, "type": "work"}]
    if state.manager:
        resource[ENTERPRISE_SCHEMA]["manager"] = {"value": state.manager}
    return resource


def user_filter_q(attribute: str, value: str) -> Q:
    if attribute == "userName":
        return Q(user_name__iexact=value) | Q(user_name="", user__email=value.strip().lower())
    if attribute == "externalId":
        return Q(subject=value)
    return Q(id=value) if _is_uuid(value) else Q(pk__in=[])


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@transaction.atomic
def state_save(*, municipality, state: UserState, link: IdentityLink | None) -> IdentityLink:
    """Store `state` as the user of `link` (or a new one) and return the link.

    Raises ScimError 409 when the user name, external id or e-mail address belongs to
    someone else, and 400 when a required value is missing. Nothing is stored then.
    """
    if not state.user_name:
        raise ScimError(400, "userName is required.", "invalidValue")
    if not state.email:
        raise ScimError(400, "An e-mail address (emails) is required.", "invalidValue")
    subject = state.external_id or (link.subject if link else state.user_name)
    taken = IdentityLink.objects.filter(municipality=municipality).filter(
        Q(user_name__iexact=state.user_name) | Q(subject=subject)
    )
    if link is not None:
        taken = taken.exclude(pk=link.pk)
    if taken.exists():
        raise ScimError(
            409,
            f"A user with the userName or externalId of {state.user_name!r} exists.",
            "uniqueness",
        )
    if link is not None and link.subject != subject:
        link.subject = subject
        link.save(update_fields=["subject", "updated_at"])
    given, family = state.given_name, state.family_name
    if not (given or family) and state.display_name:
        given, _space, family = state.display_name.partition(" ")
    profile = DirectoryProfile(
        subject=subject,
        email=state.email,
        first_name=given,
        last_name=family,
        title=state.title,
        department=state.department,
        phone=state.phone,
        active=state.active,
    )
    try:
        saved, _created = user_provision(
            municipality=municipality, profile=profile, source="scim", user_name=state.user_name
        )
    except ProvisioningError as error:
        status = 409 if error.code == "uniqueness" else 400
        scim_type = "uniqueness" if status == 409 else "invalidValue"
        raise ScimError(status, str(error), scim_type) from None
    _set_manager(saved, municipality=municipality, manager_id=state.manager)
    return saved


def _set_manager(link: IdentityLink, *, municipality, manager_id: str) -> None:
    user = link.user
    manager = None
    if manager_id:
        manager_link = (
            IdentityLink.objects.select_related("user")
            .filter(municipality=municipality, id=manager_id if _is_uuid(manager_id) else None)
            .first()
        )
        if manager_link is None:
            raise ScimError(400, f"The manager {manager_id!r} is not a user here.", "invalidValue")
        if manager_link.user_id == user.pk:
            raise ScimError(400, "A user cannot be their own manager.", "invalidValue")
        manager = manager_link.user
    if user.manager_id != (manager.pk if manager else None):
        user.manager = manager
        user.save(update_fields=["manager"])
