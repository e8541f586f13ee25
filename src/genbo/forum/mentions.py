"""Mentions in forum posts, written as @[First Last](user:ID) by the autocomplete."""

import functools
import re

from django.urls import reverse
from django.utils.safestring import SafeString

from genbo.core.markdown import render_markdown

MAX_MENTION_NAME_LENGTH = 160
MENTION_PATTERN = re.compile(
    rf"@\[(?P<name>[^\[\]\n]{{1,{MAX_MENTION_NAME_LENGTH}}})\]\(user:(?P<id>[0-9]{{1,12}})\)"
)
# More mentions than this in one post look like a mass mailing and are refused.
MAX_MENTIONS_PER_POST = 10
# Quoted lines, fenced code and inline code are what someone else wrote or literal text,
# so mentions there notify nobody.
QUOTED_OR_CODE = re.compile(r"^ {0,3}>.*$|^ {0,3}```.*?^ {0,3}```|`[^`\n]*`", re.M | re.S)


def mentioned_ids(body: str) -> list[int]:
    """Return the user ids that `body` mentions outside quotes and code, each once, in order."""
    ids: list[int] = []
    for match in MENTION_PATTERN.finditer(QUOTED_OR_CODE.sub("", body or "")):
        user_id = int(match["id"])
        if user_id not in ids:
            ids.append(user_id)
    return ids


def _without_brackets(text: str) -> str:
    return " ".join(text.replace("[", "").replace("]", "").split())


def _mention_name(user) -> str:
    """Return the name that a mention of `user` shows, in a form MENTION_PATTERN accepts.

    A full name can be 161 characters long (two names of 80 and a space), so a name
    longer than MAX_MENTION_NAME_LENGTH is cut and ends with "…". A name of only
    brackets and white space is replaced by the e-mail address.
    """
    name = _without_brackets(user.get_full_name()) or _without_brackets(user.email)
    if len(name) > MAX_MENTION_NAME_LENGTH:
        name = name[: MAX_MENTION_NAME_LENGTH - 1].rstrip() + "…"
    return name


def mention_markup(user) -> str:
    return f"@[{_mention_name(user)}](user:{user.pk})"


def with_real_names(body: str, users) -> str:
    """Rewrite the mentions of `users` in `body` to show their real names.

    The text between the brackets is typed by the author, so without this a mention
    could show any text as a link to someone's profile.
    """
    names = {user.pk: _mention_name(user) for user in users}

    def replace(match: re.Match) -> str:
        user_id = int(match["id"])
        if user_id in names:
            return f"@[{names[user_id]}](user:{user_id})"
        return match[0]

    return MENTION_PATTERN.sub(replace, body or "")


def without_mentions(body: str) -> str:
    """Turn every mention in `body` into plain text "@Name", for quoting a post."""
    return MENTION_PATTERN.sub(lambda match: f"@{match['name']}", body or "")


def render_post_body(body: str, linked_ids) -> SafeString:
    """Render a post's Markdown, with the mentions of `linked_ids` as profile links.

    Other mentions (unknown people, or people who could not read the thread) become
    plain text "@First Last".
    """
    return _render_post_body(body or "", frozenset(linked_ids or ()), headings=True)


def render_chat_message_body(body: str, linked_ids) -> SafeString:
    """Render a chat message like a post, but with headings as bold paragraphs.

    A heading inside the message log would break the room page's heading outline.
    """
    return _render_post_body(body or "", frozenset(linked_ids or ()), headings=False)


# The HTML depends only on the text and the linked ids, so every viewer of a thread page
# can share it. An edit changes the text and so the key; nothing needs to be invalidated.
# 4,096 entries of a few kilobytes each stay within about 10 MB per process.
@functools.lru_cache(maxsize=4096)
def _render_post_body(body: str, linked: frozenset[int], *, headings: bool) -> SafeString:

    def replace(match: re.Match) -> str:
        name = match["name"]
        user_id = int(match["id"])
        if user_id in linked:
            return f"[@{name}]({reverse('accounts:profile', args=[user_id])})"
        return f"@{name}"

    return render_markdown(MENTION_PATTERN.sub(replace, body), headings=headings)
