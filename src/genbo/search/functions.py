"""A database function that folds text as genbo.search.text does, on SQLite and PostgreSQL."""

import unicodedata

from django.db.models import CharField, Func

from genbo.search.text import FOLDED_LETTERS, FOLDING, UNFOLDED_LETTERS

# Name of the SQLite function that genbo.search.apps registers on each connection.
SQLITE_FOLD_FUNCTION = "genbo_fold"


def fold_for_sqlite(value: str | None) -> str | None:
    """Case-fold and fold `value` in Python, because SQLite's lower() changes only A-Z."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value).casefold().translate(FOLDING)


class Folded(Func):
    """The text of an expression in lower case with å, ä, ö and the other letters of
    FOLDING replaced, so that "Bergström" and "bergstrom" compare equal."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=SQLITE_FOLD_FUNCTION, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template=f"translate(lower(%(expressions)s), '{UNFOLDED_LETTERS}', '{FOLDED_LETTERS}')",
            **extra_context,
        )
