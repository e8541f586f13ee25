"""Each database connection gets the search's settings once, not at every request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genbo.search.apps import WORD_SIMILARITY_THRESHOLD
from genbo.search.functions import SQLITE_FOLD_FUNCTION

# The connection is closed and opened again, which a test transaction would not allow.
pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 12


def _reopen() -> list[str]:
    """Close the connection as a request ends and open it as the next one starts.

    Return the SQL that the connection ran meanwhile.
    """
    with CaptureQueriesContext(connection) as queries:
        connection.close()
        connection.ensure_connection()
    return [query["sql"] for query in queries.captured_queries]


def test_every_connection_has_the_search_settings():
    for _round in range(ROUNDS):
        _reopen()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW pg_trgm.word_similarity_threshold")
                assert float(cursor.fetchone()[0]) == WORD_SIMILARITY_THRESHOLD
            else:
                cursor.execute(f"SELECT {SQLITE_FOLD_FUNCTION}('Åsa Öberg')")
                assert cursor.fetchone()[0] == "asa oberg"


def test_pooled_connection_is_not_set_up_again():
    # With the pool, Django announces a connection at every request that takes one, and a
    # SET each time cost a round trip to PostgreSQL on every page.
    seen = set()
    repeats = 0
    for _round in range(ROUNDS):
        statements = _reopen()
        raw = id(connection.connection)
        if raw in seen:
            repeats += 1
            assert not [sql for sql in statements if "word_similarity_threshold" in sql]
        seen.add(raw)
    if connection.vendor == "postgresql":
        assert repeats > 0, "the pool handed out a new connection every time"
