"""The SCIM Group resource: a municipality's directory group and its members."""

from django.db import IntegrityError, transaction

from genbo.accounts.models import IdentityLink, ScimGroup
from genbo.accounts.scim.protocol import GROUP_SCHEMA, ScimError, parse_path
from genbo.accounts.scim.users import _is_uuid
from genbo.core.audit import audit_record

GROUP_FILTERS = {"displayname": "displayName", "externalid": "externalId", "id": "id"}


def _member_ids(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ScimError(400, "members must be a list of objects with a value.", "invalidValue")
    return [str(item.get("value", "")) for item in value]


def _links_for(municipality, member_ids: list[str]) -> list[IdentityLink]:
    wanted = set(member_ids)
    if not all(_is_uuid(member_id) for member_id in wanted):
        raise ScimError(400, "A member value is not the id of a user.", "invalidValue")
    links = list(IdentityLink.objects.filter(municipality=municipality, id__in=wanted))
    if len(links) != len(wanted):
        raise ScimError(400, "A member is not a user of this municipality.", "invalidValue")
    return links


def to_resource(
    group: ScimGroup, *, location: str, member_links: list[IdentityLink] | None
) -> dict:
    resource = {
        "schemas": [GROUP_SCHEMA],
        "id": str(group.id),
        "displayName": group.display_name,
        "meta": {
            "resourceType": "Group",
            "created": group.created_at.isoformat(),
            "lastModified": group.updated_at.isoformat(),
            "location": location,
            "version": f'W/"{int(group.updated_at.timestamp() * 1_000_000)}"',
        },
    }
    if group.external_id:
        resource["externalId"] = group.external_id
    if member_links is not None:
        resource["members"] = [
            {"value": str(link.id), "display": link.user.get_full_name(), "type": "User"}
            for link in member_links
        ]
    return resource


def member_links_by_group(groups: list[ScimGroup]) -> dict:
    """Return the members' links of each group in `groups`, in two queries for the page."""
    through = ScimGroup.members.through
    pairs = list(
        through.objects.filter(scimgroup_id__in=[group.pk for group in groups]).values_list(
            "scimgroup_id", "user_id"
        )
    )
    municipality_ids = {group.municipality_id for group in groups}
    links = {
        link.user_id: link
        for link in IdentityLink.objects.filter(
            municipality_id__in=municipality_ids, user_id__in={user_id for _group, user_id in pairs}
        ).select_related("user")
    }
    result: dict = {group.pk: [] for group in groups}
    for group_id, user_id in pairs:
        if user_id in links:
            result[group_id].append(links[user_id])
    for members in result.values():
        members.sort(key=lambda link: (link.user.last_name, link.user.first_name))
    return result


def member_links(group: ScimGroup) -> list[IdentityLink]:
    return list(
        IdentityLink.objects.filter(municipality=group.municipality_id, user__scim_groups=group)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


@transaction.atomic
def group_save(*, municipality, body: dict, group: ScimGroup | None) -> ScimGroup:
    """Create or replace a group from a whole Group resource (POST or PUT)."""
    display_name = external_id = None
    members: list[str] = []
    for key, value in body.items():
        lowered = key.lower().removeprefix(GROUP_SCHEMA.lower() + ":")
        if lowered == "displayname":
            display_name = value
        elif lowered == "externalid":
            external_id = value
        elif lowered == "members":
            members = _member_ids(value)
        elif lowered not in {"schemas", "id", "meta"}:
            raise ScimError(
                400, f"The attribute {key!r} is not part of the Group schema.", "invalidPath"
            )
    if not isinstance(display_name, str) or not display_name.strip():
        raise ScimError(400, "displayName is required.", "invalidValue")
    group = group or ScimGroup(municipality=municipality)
    group.display_name = display_name.strip()[:255]
    group.external_id = str(external_id or "")[:255]
    _save_unique(group)
    group.members.set([link.user_id for link in _links_for(municipality, members)])
    audit_record(action="scim_group.save", target=group, municipality=municipality.slug)
    return group


def _save_unique(group: ScimGroup) -> None:
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        raise ScimError(
            409, f"A group named {group.display_name!r} exists.", "uniqueness"
        ) from None


@transaction.atomic
def group_patch(*, group: ScimGroup, operations) -> ScimGroup:
    """Apply PATCH operations: rename, and add, remove or replace members."""
    municipality = group.municipality
    for op, path, value in operations:
        parsed = parse_path(path, schemas=(GROUP_SCHEMA,)) if path else None
        if parsed is None:
            if not isinstance(value, dict):
                raise ScimError(
                    400, f"An {op} without a path needs an object value.", "invalidValue"
                )
            for key, item in value.items():
                _apply(group, municipality, op, parse_path(key, schemas=(GROUP_SCHEMA,)), item)
        else:
            _apply(group, municipality, op, parsed, value)
    _save_unique(group)
    audit_record(action="scim_group.patch", target=group, municipality=municipality.slug)
    return group


def _apply(group: ScimGroup, municipality, op: str, parsed, value) -> None:
    if parsed.attribute == "displayname" and op != "remove":
        if not isinstance(value, str) or not value.strip():
            raise ScimError(400, "displayName must be a non-empty string.", "invalidValue")
        group.display_name = value.strip()[:255]
    elif parsed.attribute == "externalid":
        group.external_id = "" if op == "remove" else str(value or "")[:255]
    elif parsed.attribute == "members":
        if op == "remove" and parsed.filter_attribute == "value":
            ids = [parsed.filter_value]
        elif op == "remove" and value is None:
            group.members.clear()
            return
        else:
            ids = _member_ids(value)
        users = [link.user_id for link in _links_for(municipality, ids)]
        if op == "add":
            group.members.add(*users)
        elif op == "remove":
            group.members.remove(*users)
        else:
            group.members.set(users)
    else:
        raise ScimError(
            400, f"The path {parsed.attribute!r} is not supported for groups.", "invalidPath"
        )
