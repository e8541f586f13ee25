"""The text index of each database: FTS5 tables on SQLite, generated columns with GIN
indexes on PostgreSQL. Django's migration state does not know these objects; the
backends in genbo.search.backends use them through SQL.
"""

from django.db import migrations

# Folding of Swedish letters, the same as genbo.search.text.FOLDING.
FROM_LETTERS = "åäöæøéèêëüáàâíïóôú"
TO_LETTERS = "aaoaoeeeeuaaaiioou"

SQLITE_CREATE = [
    # Stems of the title and of keywords and text, then the same of the folded words.
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, title_folded, body_folded, tokenize = 'unicode61 remove_diacritics 0')",
    # Folded names of people and networks, for the forgiving match on typing errors.
    "CREATE VIRTUAL TABLE search_names USING fts5(name, tokenize = 'trigram')",
    "CREATE TRIGGER search_document_deleted AFTER DELETE ON search_searchdocument BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; "
    "DELETE FROM search_names WHERE rowid = old.id; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_document_deleted",
    "DROP TABLE IF EXISTS search_names",
    "DROP TABLE IF EXISTS search_fts",
]


def _folded(column: str) -> str:
    return f"translate(lower({column}), '{FROM_LETTERS}', '{TO_LETTERS}')"


KEYWORDS_AND_BODY = "keywords || ' ' || body"

POSTGRES_CREATE = [
    # Needs the right to create extensions once per database; see docs/configuration.md.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('swedish'::regconfig, title), 'A') || "
    "setweight(to_tsvector('swedish'::regconfig, keywords || ' ' || body), 'B') || "
    f"setweight(to_tsvector('swedish'::regconfig, {_folded('title')}), 'C') || "
    f"setweight(to_tsvector('swedish'::regconfig, {_folded(KEYWORDS_AND_BODY)}), 'D')"
    ") STORED",
    "ALTER TABLE search_searchdocument ADD COLUMN name_folded text GENERATED ALWAYS AS ("
    f"CASE WHEN kind IN ('person', 'network') THEN {_folded('title')} END) STORED",
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (vector)",
    "CREATE INDEX search_document_name_trgm ON search_searchdocument "
    "USING gin (name_folded gin_trgm_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_document_name_trgm",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS name_folded",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]

STATEMENTS = {"sqlite": (SQLITE_CREATE, SQLITE_DROP), "postgresql": (POSTGRES_CREATE, POSTGRES_DROP)}


def _run(schema_editor, index: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"Search supports SQLite and PostgreSQL, not {vendor}.")
    for statement in STATEMENTS[vendor][index]:
        schema_editor.execute(statement, params=None)


def create(apps, schema_editor) -> None:
    _run(schema_editor, 0)


def drop(apps, schema_editor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
