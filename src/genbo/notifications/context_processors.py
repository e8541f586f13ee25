from functools import cache

from genbo.core.header_counts import NOTIFICATIONS, request_count
from genbo.notifications.services import unread_count


def unread_notifications(request) -> dict:
    """Add `unread_notification_count`, which is looked up when a template first reads it.

    Templates call callables in the context, and functools.cache keeps the result for the
    rest of the request. The count comes from genbo.core.header_counts, or from one query
    when that has none.
    """
    user = getattr(request, "user", None)
    if user is None:
        return {}
    if not user.is_authenticated:
        return {"unread_notification_count": 0}
    return {
        "unread_notification_count": cache(
            lambda: request_count(request, NOTIFICATIONS, lambda: unread_count(user))
        )
    }
