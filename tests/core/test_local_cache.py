"""The process copy of cache entries that never change under their key."""

import pytest
from django.core.cache import cache

from genbo.core import local_cache


def test_value_is_kept_in_process():
    local_cache.set("local-test:a", "first", 60)
    cache.delete("local-test:a")

    assert local_cache.get("local-test:a") == "first"


def test_value_is_read_from_django_cache():
    cache.set("local-test:b", {"posts": [1, 2]}, 60)

    assert local_cache.get("local-test:b") == {"posts": [1, 2]}


def test_missing_key_gives_none():
    assert local_cache.get("local-test:missing") is None


def test_process_copy_expires(monkeypatch):
    now = 1000.0
    monkeypatch.setattr(local_cache.time, "monotonic", lambda: now)
    local_cache.set("local-test:c", "old", 600)
    cache.set("local-test:c", "new", 600)

    now += local_cache.LOCAL_SECONDS + 1

    assert local_cache.get("local-test:c") == "new"


def _store_three_of_two(monkeypatch) -> None:
    """Store three values where two fit, reading the first again before the third."""
    monkeypatch.setattr(local_cache, "MAX_ENTRIES", 2)
    local_cache.set("local-test:1", "one", 60)
    local_cache.set("local-test:2", "two", 60)
    local_cache.get("local-test:1")
    local_cache.set("local-test:3", "three", 60)
    cache.clear()


def test_least_recently_used_goes_first(monkeypatch):
    _store_three_of_two(monkeypatch)

    assert local_cache.get("local-test:2") is None


@pytest.mark.parametrize("key", ["local-test:1", "local-test:3"])
def test_recently_used_values_stay(monkeypatch, key):
    _store_three_of_two(monkeypatch)

    assert local_cache.get(key) is not None
