from functools import cache

from genbo.chat.selectors import unread_total
from genbo.core.header_counts import CHAT, request_count


def unread_chat_messages(request) -> dict:
    """Add `unread_chat_count` for the header badge, looked up when a template first reads it."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    if not user.is_authenticated:
        return {"unread_chat_count": 0}
    return {
        "unread_chat_count": cache(lambda: request_count(request, CHAT, lambda: unread_total(user)))
    }
