"""Volume stage for the search: rebuild the index over everything the other stages stored."""

from genbo.demo.volume.base import SeedContext
from genbo.search.services import reindex


def seed_search_index(context: SeedContext) -> int:
    """Rebuild the search index and return the number of documents written."""
    last_printed: dict[str, int] = {}

    def progress(kind: str, done: int, total: int) -> None:
        # One line per kind and tenth, so the full volume prints a few dozen lines.
        tenth = done * 10 // max(total, 1)
        if last_printed.get(kind) != tenth:
            last_printed[kind] = tenth
            context.out(f"  search index, {kind}: {done:,} of {total:,}")

    return sum(reindex(progress=progress).values())
