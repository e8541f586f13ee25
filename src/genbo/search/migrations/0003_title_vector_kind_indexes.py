"""Indexes on PostgreSQL that let a broad search stop early.

A `title_vector` column holds the stems of the title alone, so the title matches of a
word that is in thousands of texts can be read without reading every text. Both GIN
indexes also hold the kind (through `btree_gin`), so a search limited to one kind reads
only that kind's rows. SQLite needs nothing new: FTS5 can match the title columns alone.
"""

from django.db import migrations

# Folding of Swedish letters, the same as in migration 0002 and genbo.search.text.FOLDING.
FOLDED_TITLE = "translate(lower(title), 'åäöæøéèêëüáàâíïóôú', 'aaoaoeeeeuaaaiioou')"
POSTGRES_CREATE = [
    # A trusted extension, like pg_trgm; see docs/configuration.md.
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "ALTER TABLE search_searchdocument ADD COLUMN title_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('swedish'::regconfig, title), 'A') || "
    f"setweight(to_tsvector('swedish'::regconfig, {FOLDED_TITLE}), 'C')"
    ") STORED",
    "CREATE INDEX search_document_vector_kind ON search_searchdocument USING gin (vector, kind)",
    "CREATE INDEX search_document_title_vector_kind ON search_searchdocument "
    "USING gin (title_vector, kind)",
    "DROP INDEX IF EXISTS search_document_vector",
]
POSTGRES_DROP = [
    "CREATE INDEX IF NOT EXISTS search_document_vector ON search_searchdocument USING gin (vector)",
    "DROP INDEX IF EXISTS search_document_title_vector_kind",
    "DROP INDEX IF EXISTS search_document_vector_kind",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS title_vector",
]


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement, params=None)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_text_index")]

    operations = [migrations.RunPython(create, drop)]
