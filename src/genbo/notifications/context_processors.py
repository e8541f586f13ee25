from functools import cache

from genbo.notifications.services import unread_count


def unread_notifications(request) -> dict:
    """Add `unread_notification_count`, which runs its one query when a template first reads it.

    Templates call callables in the context, and the cache keeps the result for the rest
    of the request.
    """
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"unread_notification_count": cache(lambda: unread_count(user))}
