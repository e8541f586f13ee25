"""SCIM 2.0 protocol pieces shared by Users and Groups (RFC 7643 and RFC 7644).

The parser covers what a provisioning client such as Microsoft Entra ID sends. Filters
have the form `attribute eq "value"`. A PATCH path is an attribute, a sub-attribute, a
URN-qualified attribute, or a multi-valued attribute with one `eq` value filter
(`emails[type eq "work"].value`).
"""

import json
import re
from dataclasses import dataclass

from django.http import JsonResponse

SCIM_CONTENT_TYPE = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

MAX_PAGE_SIZE = 100
MAX_BODY_BYTES = 1024 * 1024


class ScimError(Exception):
    """An error returned as a SCIM error response (RFC 7644, section 3.12)."""

    def __init__(self, status: int, detail: str, scim_type: str = ""):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type

    def response(self) -> JsonResponse:
        body = {"schemas": [ERROR_SCHEMA], "status": str(self.status), "detail": self.detail}
        if self.scim_type:
            body["scimType"] = self.scim_type
        return scim_response(body, status=self.status)


def scim_response(body: dict, *, status: int = 200, location: str = "") -> JsonResponse:
    response = JsonResponse(body, status=status, content_type=SCIM_CONTENT_TYPE)
    if location:
        response["Location"] = location
    return response


def parse_body(request) -> dict:
    if len(request.body) > MAX_BODY_BYTES:
        raise ScimError(413, "The request body is larger than 1 MiB.", "tooLarge")
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        detail = f"The request body is not valid JSON: {error}"
        raise ScimError(400, detail, "invalidSyntax") from None
    if not isinstance(body, dict):
        raise ScimError(400, "The request body must be a JSON object.", "invalidSyntax")
    try:
        # A JSON escape such as "\ud800" gives a lone UTF-16 surrogate, which has no UTF-8
        # form and cannot be stored. Encoding the whole body finds one in any key or value.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        detail = "The request body contains a lone surrogate escape (\\ud800 to \\udfff)."
        raise ScimError(400, detail, "invalidValue") from None
    return body


def parse_bool(value, *, attribute: str) -> bool:
    """Read a SCIM boolean; Entra ID sends the strings "True" and "False" as well."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise ScimError(400, f"{attribute} must be a boolean, not {value!r}.", "invalidValue")


FILTER_PATTERN = re.compile(r'^\s*([A-Za-z][\w.:-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


@dataclass(frozen=True)
class EqualityFilter:
    attribute: str
    value: str


def parse_filter(text: str, *, supported: dict[str, str]) -> EqualityFilter:
    """Parse `attribute eq "value"` where the attribute is one of `supported`.

    `supported` maps lower-case attribute names (RFC 7643 names are case-insensitive) to
    the names the caller uses. Anything else is an invalidFilter error.
    """
    match = FILTER_PATTERN.match(text)
    if not match:
        raise ScimError(
            400,
            f'The filter {text!r} is not supported. Use attribute eq "value" with one of: '
            + ", ".join(sorted(supported.values())),
            "invalidFilter",
        )
    attribute = match.group(1).lower()
    for prefix in (USER_SCHEMA.lower() + ":", GROUP_SCHEMA.lower() + ":"):
        attribute = attribute.removeprefix(prefix)
    if attribute not in supported:
        raise ScimError(
            400,
            f"Filtering on {match.group(1)!r} is not supported. Use one of: "
            + ", ".join(sorted(supported.values())),
            "invalidFilter",
        )
    try:
        value = json.loads(f'"{match.group(2)}"')
        value.encode("utf-8")
    except (json.JSONDecodeError, UnicodeEncodeError):
        raise ScimError(
            400,
            f"The filter value {match.group(2)!r} has an invalid escape sequence.",
            "invalidFilter",
        ) from None
    return EqualityFilter(attribute=supported[attribute], value=value)


def page_bounds(request) -> tuple[int, int]:
    """Return the zero-based start and the count from startIndex and count (1-based)."""
    try:
        start = max(int(request.GET.get("startIndex", "1")), 1)
        count = min(max(int(request.GET.get("count", str(MAX_PAGE_SIZE))), 0), MAX_PAGE_SIZE)
    except ValueError:
        detail = "startIndex and count must be whole numbers."
        raise ScimError(400, detail, "invalidValue") from None
    return start - 1, count


def list_response(resources: list[dict], *, total: int, start: int) -> JsonResponse:
    return scim_response(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start + 1,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


VALUE_FILTER_PATTERN = re.compile(
    r'^([A-Za-z][\w]*)\[\s*([A-Za-z][\w]*)\s+eq\s+"?([^"\]]*)"?\s*\](?:\.([A-Za-z][\w]*))?$',
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PatchPath:
    """A PATCH path split into its parts; every name is in lower case."""

    attribute: str
    sub_attribute: str = ""
    filter_attribute: str = ""
    filter_value: str = ""


def parse_path(path: str, *, schemas: tuple[str, ...]) -> PatchPath:
    """Split a PATCH path such as `emails[type eq "work"].value` or a URN-qualified name."""
    text = path.strip()
    lowered = text.lower()
    for schema in schemas:
        prefix = schema.lower() + ":"
        if lowered.startswith(prefix):
            # Extension attributes keep their URN so they cannot clash with core names.
            rest = lowered[len(prefix) :]
            if schema != USER_SCHEMA and schema != GROUP_SCHEMA:
                return PatchPath(attribute=f"{schema.lower()}:{rest}")
            text, lowered = text[len(prefix) :], rest
            break
    match = VALUE_FILTER_PATTERN.match(text)
    if match:
        return PatchPath(
            attribute=match.group(1).lower(),
            filter_attribute=match.group(2).lower(),
            filter_value=match.group(3),
            sub_attribute=(match.group(4) or "").lower(),
        )
    if not re.fullmatch(r"[A-Za-z][\w]*(\.[A-Za-z][\w]*)?", text):
        raise ScimError(400, f"The path {path!r} is not supported.", "invalidPath")
    attribute, _dot, sub_attribute = lowered.partition(".")
    return PatchPath(attribute=attribute, sub_attribute=sub_attribute)


def patch_operations(body: dict) -> list[tuple[str, str, object]]:
    """Return (op, path, value) per operation, with op in lower case, checked for form."""
    schemas = body.get("schemas")
    if not isinstance(schemas, list) or PATCH_SCHEMA not in schemas:
        raise ScimError(
            400, f"A PATCH request must name the schema {PATCH_SCHEMA}.", "invalidSyntax"
        )
    operations = body.get("Operations", body.get("operations"))
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "A PATCH request needs a non-empty list Operations.", "invalidSyntax")
    result = []
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, "Each operation must be a JSON object.", "invalidSyntax")
        op = str(operation.get("op", "")).strip().lower()
        if op not in {"add", "replace", "remove"}:
            raise ScimError(
                400,
                f"The operation {operation.get('op')!r} is not add, replace or remove.",
                "invalidSyntax",
            )
        path = operation.get("path") or ""
        if not isinstance(path, str):
            raise ScimError(400, "An operation's path must be a string.", "invalidPath")
        if op == "remove" and not path:
            raise ScimError(400, "A remove operation needs a path.", "noTarget")
        if op != "remove" and "value" not in operation:
            raise ScimError(400, f"The {op} operation needs a value.", "invalidValue")
        result.append((op, path, operation.get("value")))
    return result
