import weakref

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

# Similarity from which a typed word counts as a near miss of a name on PostgreSQL.
# pg_trgm's default, 0.6, misses one wrong letter in a nine-letter name ("Lindkvist" for
# "Lindqvist" scores 0.54).
WORD_SIMILARITY_THRESHOLD = 0.5


# PostgreSQL connections that already have the setting. With the connection pool, Django
# announces a connection at every request that takes one from the pool, and a SET each
# time cost a round trip to PostgreSQL on every page.
_configured_connections = weakref.WeakSet()


def _configure_postgres(sender, connection, **kwargs) -> None:
    if connection.vendor != "postgresql" or connection.connection in _configured_connections:
        return
    with connection.cursor() as cursor:
        # set_config, unlike SET, takes a bound parameter, which server-side binding needs.
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
            [str(WORD_SIMILARITY_THRESHOLD)],
        )
    _configured_connections.add(connection.connection)


def _configure_sqlite(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        from genbo.search.functions import SQLITE_FOLD_FUNCTION, fold_for_sqlite

        connection.connection.create_function(
            SQLITE_FOLD_FUNCTION, 1, fold_for_sqlite, deterministic=True
        )


class SearchConfig(AppConfig):
    name = "genbo.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        connection_created.connect(_configure_postgres, dispatch_uid="genbo.search.postgres")
        connection_created.connect(_configure_sqlite, dispatch_uid="genbo.search.sqlite")
