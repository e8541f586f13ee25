"""SCIM 2.0 endpoints, one set per municipality: /scim/v2/<municipality>/Users and /Groups.

Every request carries `Authorization: Bearer <token>` with a token issued for that
municipality (`genbo manage scim_token <municipality>`). A token of another
municipality, a revoked token or none gets 401. Another municipality's users and groups
get 404, as if they did not exist.
"""

import functools
import logging

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from genbo.accounts.models import IdentityLink, ScimGroup, ScimToken, hash_token
from genbo.accounts.provisioning import user_deactivate
from genbo.accounts.scim import groups, users
from genbo.accounts.scim.protocol import (
    ScimError,
    list_response,
    page_bounds,
    parse_body,
    parse_filter,
    patch_operations,
    scim_response,
)
from genbo.core.audit import audit_record
from genbo.core.models import Municipality

logger = logging.getLogger(__name__)


def _authenticate(request, slug: str) -> Municipality:
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        logger.warning(
            "SCIM request for %s without a bearer token from %s",
            slug,
            request.META.get("REMOTE_ADDR"),
        )
        raise ScimError(401, "A bearer token is required.")
    row = (
        ScimToken.objects.select_related("municipality")
        .filter(token_hash=hash_token(token.strip()), revoked_at__isnull=True)
        .first()
    )
    if row is None or row.municipality.slug != slug:
        logger.warning(
            "SCIM request for %s with an unknown, revoked or other municipality's token from %s",
            slug,
            request.META.get("REMOTE_ADDR"),
        )
        raise ScimError(401, "The bearer token is not valid for this municipality.")
    ScimToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.municipality


def scim_view(methods: tuple[str, ...]):
    """Authenticate, allow `methods` and turn ScimError into a SCIM error response."""

    def decorate(view):
        @functools.wraps(view)
        @csrf_exempt
        @login_not_required
        def wrapper(request, slug: str, *args, **kwargs):
            try:
                if request.method not in methods:
                    raise ScimError(405, f"{request.method} is not supported here.")
                municipality = _authenticate(request, slug)
                return view(request, municipality, *args, **kwargs)
            except ScimError as error:
                if error.status >= 400 and error.status != 401:
                    logger.info(
                        "SCIM %s %s rejected with %s: %s",
                        request.method,
                        request.path,
                        error.status,
                        error.detail,
                    )
                response = error.response()
                if error.status == 401:
                    response["WWW-Authenticate"] = 'Bearer realm="GENBO SCIM"'
                if error.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response

        return wrapper

    return decorate


def _user_links(municipality):
    return IdentityLink.objects.filter(municipality=municipality).select_related("user__unit")


def _user_resource(request, link: IdentityLink, managers: dict[int, str]) -> dict:
    location = request.build_absolute_uri(_user_path(request, link))
    return users.to_resource(
        link, location=location, manager_link_id=managers.get(link.user.manager_id, "")
    )


def _user_path(request, link: IdentityLink) -> str:
    base = request.path.split("/Users")[0]
    return f"{base}/Users/{link.id}"


def _group_path(request, group: ScimGroup) -> str:
    base = request.path.split("/Groups")[0]
    return f"{base}/Groups/{group.id}"


def _one_user(request, link: IdentityLink, *, status: int = 200):
    link = _user_links(link.municipality_id).get(pk=link.pk)
    managers = users.manager_link_ids([link])
    resource = _user_resource(request, link, managers)
    location = resource["meta"]["location"] if status == 201 else ""
    return scim_response(resource, status=status, location=location)


@scim_view(("GET", "POST"))
def user_list(request, municipality):
    if request.method == "POST":
        state = users.state_from_resource(parse_body(request))
        link = users.state_save(municipality=municipality, state=state, link=None)
        return _one_user(request, link, status=201)
    links = _user_links(municipality).order_by("created_at", "id")
    if request.GET.get("filter"):
        condition = parse_filter(request.GET["filter"], supported=users.USER_FILTERS)
        links = links.filter(users.user_filter_q(condition.attribute, condition.value))
    start, count = page_bounds(request)
    total = links.count()
    page = list(links[start : start + count]) if count else []
    managers = users.manager_link_ids(page)
    return list_response(
        [_user_resource(request, link, managers) for link in page], total=total, start=start
    )


def _get_link(municipality, pk: str) -> IdentityLink:
    if not users._is_uuid(pk):
        raise ScimError(404, f"No user has the id {pk!r}.")
    link = _user_links(municipality).filter(pk=pk).first()
    if link is None:
        raise ScimError(404, f"No user has the id {pk!r}.")
    return link


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def user_detail(request, municipality, pk: str):
    with transaction.atomic():
        link = _get_link(municipality, pk)
        if request.method == "GET":
            return _one_user(request, link)
        if request.method == "DELETE":
            user_deactivate(user=link.user, source="scim")
            audit_record(
                action="user.unlink",
                target=link.user,
                municipality=municipality.slug,
                source="scim",
            )
            link.delete()
            return HttpResponse(status=204)
        managers = users.manager_link_ids([link])
        current = users.state_of(link, manager_link_id=managers.get(link.user.manager_id, ""))
        if request.method == "PUT":
            state = users.state_from_resource(parse_body(request))
        else:
            state = users.state_patch(current, patch_operations(parse_body(request)))
        link = users.state_save(municipality=municipality, state=state, link=link)
        return _one_user(request, link)


@scim_view(("GET", "POST"))
def group_list(request, municipality):
    if request.method == "POST":
        group = groups.group_save(municipality=municipality, body=parse_body(request), group=None)
        return _one_group(request, group, status=201)
    rows = ScimGroup.objects.filter(municipality=municipality).order_by("display_name", "id")
    if request.GET.get("filter"):
        condition = parse_filter(request.GET["filter"], supported=groups.GROUP_FILTERS)
        if condition.attribute == "displayName":
            rows = rows.filter(display_name__iexact=condition.value)
        elif condition.attribute == "externalId":
            rows = rows.filter(external_id=condition.value)
        else:
            rows = rows.filter(
                Q(pk=condition.value) if users._is_uuid(condition.value) else Q(pk__in=[])
            )
    start, count = page_bounds(request)
    total = rows.count()
    page = list(rows[start : start + count]) if count else []
    with_members = "members" not in request.GET.get("excludedAttributes", "")
    members = groups.member_links_by_group(page) if with_members and page else {}
    resources = [
        groups.to_resource(
            group,
            location=request.build_absolute_uri(_group_path(request, group)),
            member_links=members.get(group.pk, []) if with_members else None,
        )
        for group in page
    ]
    return list_response(resources, total=total, start=start)


def _one_group(request, group: ScimGroup, *, status: int = 200):
    location = request.build_absolute_uri(_group_path(request, group))
    with_members = "members" not in request.GET.get("excludedAttributes", "")
    resource = groups.to_resource(
        group, location=location, member_links=groups.member_links(group) if with_members else None
    )
    return scim_response(resource, status=status, location=location if status == 201 else "")


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def group_detail(request, municipality, pk: str):
    if not users._is_uuid(pk):
        raise ScimError(404, f"No group has the id {pk!r}.")
    group = ScimGroup.objects.filter(municipality=municipality, pk=pk).first()
    if group is None:
        raise ScimError(404, f"No group has the id {pk!r}.")
    if request.method == "GET":
        return _one_group(request, group)
    if request.method == "DELETE":
        audit_record(action="scim_group.delete", target=group, municipality=municipality.slug)
        group.delete()
        return HttpResponse(status=204)
    if request.method == "PUT":
        group = groups.group_save(municipality=municipality, body=parse_body(request), group=group)
    else:
        group = groups.group_patch(group=group, operations=patch_operations(parse_body(request)))
    return _one_group(request, group)


@scim_view(("GET",))
def service_provider_config(request, municipality):
    return scim_response(
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": True},
            "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": True, "maxResults": 100},
            "changePassword": {"supported": False},
            "sort": {"supported": False},
            "etag": {"supported": False},
            "authenticationSchemes": [
                {
                    "type": "oauthbearertoken",
                    "name": "Bearer token",
                    "description": "A token per municipality, issued by the GENBO administrator.",
                }
            ],
            "meta": {"resourceType": "ServiceProviderConfig"},
        }
    )
