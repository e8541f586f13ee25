"""One Redis connection pool per app process for Django's Redis cache.

Under ASGI, Django keeps its cache objects per request context, and each new cache
object built a connection pool of its own. Every request therefore opened a new
connection to Redis for its session and cached fragments. The pool class below hands
out one shared pool per address and options instead. redis-py's pools are thread-safe
and start afresh in a forked child process.
"""

import threading

import redis


class SharedConnectionPool(redis.ConnectionPool):
    """A connection pool that `from_url` shares between all callers with the same arguments."""

    _pools: dict[tuple, "SharedConnectionPool"] = {}
    _lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **options) -> "SharedConnectionPool":
        key = (url, tuple(sorted((name, repr(value)) for name, value in options.items())))
        with cls._lock:
            pool = cls._pools.get(key)
            if pool is None:
                pool = super().from_url(url, **options)
                cls._pools[key] = pool
            return pool
