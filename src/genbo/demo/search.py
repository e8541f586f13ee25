"""Build the search index of the demo data, which the seeders create without services."""

from genbo.search.services import reindex


def seed_search(out) -> None:
    written = reindex()
    out(f"Search index: {sum(written.values())} documents.")
