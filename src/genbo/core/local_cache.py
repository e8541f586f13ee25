"""A copy, in this process, of Django cache entries whose value never changes under their key.

The thread page read its index and its rendered content from Redis on every request. Under
load, reading and unpickling them (40 kB of HTML) took about a tenth of the page's samples
in a py-spy profile. Their keys contain the thread's content version and everything else
the value depends on, so a value read once may be kept in the process for a short while.
What the key leaves out (an author's new name, say) shows after at most the Django
cache's timeout plus LOCAL_SECONDS.

Each app process keeps at most MAX_ENTRIES values, the least recently used going first.
"""

import threading
import time
from collections import OrderedDict

from django.core.cache import cache

LOCAL_SECONDS = 60
MAX_ENTRIES = 300

_entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
_lock = threading.Lock()


def get(key: str):
    """Return the value of `key` from this process or else from Django's cache, or None."""
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
        if entry is not None:
            expires, value = entry
            if expires > now:
                _entries.move_to_end(key)
                return value
            del _entries[key]
    value = cache.get(key)
    if value is not None:
        _keep(key, value, now)
    return value


def set(key: str, value, timeout: int) -> None:  # noqa: A001 - the name of Django's cache call
    """Store `value` under `key` in Django's cache for `timeout` seconds and in this process."""
    cache.set(key, value, timeout)
    _keep(key, value, time.monotonic())


def clear() -> None:
    """Forget every value kept in this process (for tests, which reuse keys)."""
    with _lock:
        _entries.clear()


def _keep(key: str, value, now: float) -> None:
    with _lock:
        _entries[key] = (now + LOCAL_SECONDS, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
