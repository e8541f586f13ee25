"""The page header, rendered once per variant and process and then filled in per request.

The header is the same for every employee with the same language, section, staff link
and unread counts. Rendering it took about a sixth of the thread page's CPU time:
fourteen URL reversals, twenty translations and the template engine around them. Each
variant is now rendered once per process, with placeholders for the three values that
differ from request to request: the CSRF token, the link to the employee's own profile
and the path the language form returns to.
"""

import re
import secrets
from functools import cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from genbo.core.csrf import request_token

# Random per process, so no text an employee writes can hold one.
PLACEHOLDERS = {
    name: f"genbo-header-{name}-{secrets.token_hex(8)}" for name in ("csrf", "profile", "next")
}
# The counts make most of the variants. A full cache starts again rather than grow
# without end.
MAX_VARIANTS = 1000

# The header's sections: the URL name of each, and whether a path must equal its
# address (the start page) or only begin with it.
SECTIONS = (
    ("home", "core:home", True),
    ("networks", "networks:directory", False),
    ("forum", "forum:index", False),
    ("chat", "chat:index", False),
    ("experts", "experts:search", False),
    ("library", "library:index", False),
    ("notifications", "notifications:list", False),
    ("guide", "core:guide", False),
)

_variants: dict[tuple, tuple[str, ...]] = {}


@cache
def _section_addresses() -> tuple[tuple[str, str, bool], ...]:
    return tuple((name, reverse(url_name), exact) for name, url_name, exact in SECTIONS)


def current_section(path: str) -> str:
    """Return the name of the header section that `path` belongs to, or ""."""
    for name, address, exact in _section_addresses():
        if path == address or (not exact and path.startswith(address)):
            return name
    return ""


def site_header(context) -> SafeString:
    """Return the header's HTML for the request in the template `context`."""
    request = context.get("request")
    user = context.get("user")
    if request is None or user is None:
        # A page rendered without its request (none of GENBO's pages is): signed out,
        # rendered afresh.
        return render_to_string("core/site_header.html", {"signed_in": False})
    signed_in = user.is_authenticated

    facts = {
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE", settings.LANGUAGE_CODE),
        "signed_in": signed_in,
        "is_staff": signed_in and user.is_staff,
        "section": current_section(request.path) if signed_in else "",
        "unread_chat": _count(context, "unread_chat_count") if signed_in else 0,
        "unread": _count(context, "unread_notification_count") if signed_in else 0,
    }
    key = tuple(sorted(facts.items()))
    parts = _variants.get(key)
    if parts is None or settings.DEBUG:
        html = render_to_string(
            "core/site_header.html",
            {
                **facts,
                "csrf_token": PLACEHOLDERS["csrf"],
                "profile_url": PLACEHOLDERS["profile"],
                "next_path": PLACEHOLDERS["next"],
            },
        )
        if len(_variants) >= MAX_VARIANTS:
            _variants.clear()
        parts = _variants[key] = _split(html)

    values = {
        PLACEHOLDERS["csrf"]: request_token(request),
        PLACEHOLDERS["profile"]: reverse("accounts:profile", args=[user.pk]) if signed_in else "",
        PLACEHOLDERS["next"]: escape(request.get_full_path()),
    }
    # The parts alternate between fixed HTML and placeholders.
    return mark_safe("".join(values.get(part, part) for part in parts))


def _count(context, name: str) -> int:
    value = context.get(name, 0)
    return value() if callable(value) else value


def _split(html: str) -> tuple[str, ...]:
    """Split `html` into the fixed parts and the placeholders between them."""
    return tuple(re.split(f"({'|'.join(PLACEHOLDERS.values())})", html))
