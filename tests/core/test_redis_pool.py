"""Django's Redis cache shares one connection pool per process, whatever the request context."""

import contextvars
import os
import subprocess
import sys

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

REDIS_TEST_URL = os.environ.get("GENBO_REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
OPTIONS = {"pool_class": "genbo.core.redis_pool.SharedConnectionPool"}


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")
    return REDIS_TEST_URL


def _new_cache(url: str, prefix: str) -> RedisCache:
    # Under ASGI Django builds a cache object like this one for each request context.
    return RedisCache(url, {"KEY_PREFIX": prefix, "OPTIONS": OPTIONS})


def _connections_received(url: str) -> int:
    return redis.Redis.from_url(url).info("stats")["total_connections_received"]


def test_cache_objects_share_one_pool(redis_url):
    first = _new_cache(redis_url, "pool-test")
    second = _new_cache(redis_url, "pool-test")

    assert first._cache.get_client().connection_pool is second._cache.get_client().connection_pool


def test_request_contexts_reuse_connections(redis_url):
    """Check that twenty request contexts, each with its own cache object, reuse one connection."""
    _new_cache(redis_url, "pool-test").get("warm-up")
    before = _connections_received(redis_url)

    for number in range(20):
        context = contextvars.copy_context()
        context.run(_new_cache(redis_url, "pool-test").get, f"key-{number}")

    # The count includes the one connection that reads it.
    assert _connections_received(redis_url) - before <= 2


def test_production_cache_uses_shared_pool(tmp_path):
    code = "import genbo.settings as s; print(s.CACHES['default']['OPTIONS']['pool_class'])"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GENBO_")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(GENBO_DATA_DIR=str(tmp_path), GENBO_REDIS_URL="redis://127.0.0.1:6379/15")

    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == OPTIONS["pool_class"]
