from functools import cache

from genbo.chat.selectors import unread_total


def unread_chat_messages(request) -> dict:
    """Add `unread_chat_count` for the header badge; its one query runs when a template reads it."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"unread_chat_count": cache(lambda: unread_total(user))}
