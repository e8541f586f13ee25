"""Per-employee counts in the page header (unread notifications and chat messages), cached.

Counting them ran two permission-checked queries on every page, about 5.5 ms of CPU time,
a third of the profile page's. Both queries are now compiled once per process
(genbo.core.prepared), which takes them to about 0.5 ms together at full volume.

Each count is kept in Django's cache for a time drawn between three quarters of
COUNT_SECONDS and COUNT_SECONDS. Counts stored in the same second (after a restart, or by
a benchmark's sign-ins) would otherwise all expire together, and every active employee's
next page would count again at once.

The services forget a count when they change it: a new notification or chat message for
the employee, the employee reading them, a membership that ends, or a network that
becomes closed. Changes that no service announces show within COUNT_SECONDS.

NOTE: a request that reads the data just before a change commits and stores its count just
after the commit forgot the old one keeps the count from before the change for up to
COUNT_SECONDS.
"""

import random
from collections.abc import Callable, Iterable
from functools import partial

from django.core.cache import cache
from django.db import transaction

COUNT_SECONDS = 60

NOTIFICATIONS = "notifications"
CHAT = "chat"
# The counts that every signed-in page's header shows.
HEADER_KINDS = (NOTIFICATIONS, CHAT)


def _key(kind: str, user_id: int) -> str:
    return f"header-count:{kind}:{user_id}"


def count_timeout() -> int:
    """Return how many seconds to keep a new count, drawn from the last quarter of COUNT_SECONDS."""
    return random.randint(COUNT_SECONDS * 3 // 4, COUNT_SECONDS)


def cached_count(kind: str, user_id: int, count: Callable[[], int]) -> int:
    """Return the cached count of `kind` for `user_id`, or call `count` and cache its result."""
    key = _key(kind, user_id)
    value = cache.get(key)
    if value is None:
        value = count()
        cache.set(key, value, count_timeout())
    return value


def request_count(request, kind: str, count: Callable[[], int]) -> int:
    """Return the cached count of `kind` for the request's user, or call `count` and cache it.

    The first call in a request reads the cached counts of all HEADER_KINDS in one cache
    call, since the header shows them all.
    """
    user_id = request.user.pk
    found = getattr(request, "_genbo_header_counts", None)
    if found is None:
        found = cache.get_many([_key(header_kind, user_id) for header_kind in HEADER_KINDS])
        request._genbo_header_counts = found
    key = _key(kind, user_id)
    value = found.get(key)
    if value is None:
        value = found[key] = count()
        cache.set(key, value, count_timeout())
    return value


def forget_counts(kind: str, user_ids: Iterable[int]) -> None:
    """Forget the counts of `kind` for `user_ids` now and again when the transaction commits.

    The second time drops a count that another request stored from the data before the
    commit.
    """
    keys = [_key(kind, user_id) for user_id in set(user_ids)]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(partial(cache.delete_many, keys))
