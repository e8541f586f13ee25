"""The two search backends, chosen by the database vendor of the default connection."""

from django.db import connection

from genbo.search.backends.base import SearchBackend
from genbo.search.backends.postgres import PostgresBackend
from genbo.search.backends.sqlite import SqliteBackend

BACKENDS: dict[str, type[SearchBackend]] = {
    "sqlite": SqliteBackend,
    "postgresql": PostgresBackend,
}


def get_backend() -> SearchBackend:
    try:
        return BACKENDS[connection.vendor]()
    except KeyError:
        raise RuntimeError(
            f"Search supports SQLite and PostgreSQL, not {connection.vendor}."
        ) from None
