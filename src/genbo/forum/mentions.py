"""Mentions in forum posts, written as @[First Last](user:ID) by the autocomplete."""

import re

from django.urls import reverse
from django.utils.safestring import SafeString

from genbo.core.markdown import render_markdown

MENTION_PATTERN = re.compile(r"@\[(?P<name>[^\[\]\n]{1,160})\]\(user:(?P<id>[0-9]{1,12})\)")


def mentioned_ids(body: str) -> list[int]:
    """Return the user ids that `body` mentions, each once, in order of appearance."""
    ids: list[int] = []
    for match in MENTION_PATTERN.finditer(body or ""):
        user_id = int(match["id"])
        if user_id not in ids:
            ids.append(user_id)
    return ids


def mention_markup(user) -> str:
    name = " ".join(user.get_full_name().replace("[", "").replace("]", "").split())
    return f"@[{name}](user:{user.pk})"


def render_post_body(body: str, linked_ids) -> SafeString:
    """Render a post's Markdown, with the mentions of `linked_ids` as profile links.

    Other mentions (unknown people, or people who could not read the thread) become
    plain text "@First Last".
    """
    linked = set(linked_ids or ())

    def replace(match: re.Match) -> str:
        name = match["name"]
        user_id = int(match["id"])
        if user_id in linked:
            return f"[@{name}]({reverse('accounts:profile', args=[user_id])})"
        return f"@{name}"

    return render_markdown(MENTION_PATTERN.sub(replace, body or ""))
