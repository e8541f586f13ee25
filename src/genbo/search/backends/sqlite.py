"""SQLite FTS5 backend: Python stems the text, FTS5 matches the stems.

The tables `search_fts` (stems of each document) and `search_names` (folded names of
people and networks, trigram tokenizer) are created by migration search/0002; a
trigger removes their rows when a document row is deleted.
"""

from django.db import connection
from django.db.models import Value

from genbo.search.backends.base import Matcher, SearchBackend, boolean_sql, float_sql
from genbo.search.models import NAME_KINDS
from genbo.search.text import Query, fold, index_text, near_miss

# bm25 weights of the columns title, body, folded title, folded body: a match with
# å, ä and ö as typed ranks above a match of the folded words only.
BM25 = "bm25(search_fts, 10.0, 3.0, 2.0, 0.6)"
# The same for names of people and networks, where the folded title weighs as much as
# the title, because names are often typed without å, ä and ö. Otherwise a text that
# writes "Bergstrom" would rank above the person Bergström.
NAME_BM25 = "bm25(search_fts, 10.0, 3.0, 10.0, 0.6)"
NAME_KINDS_SQL = ", ".join(f"'{kind.value}'" for kind in NAME_KINDS)
# Maximum names read per query for the forgiving match. The trigram index picks the closest.
MAX_NAME_CANDIDATES = 200


def fts_match_expression(query: Query, *, prefix: bool = True, title_only: bool = False) -> str:
    """Return an FTS5 query that needs every term as a stem prefix, as typed in the typed
    columns or folded in the folded columns. With `prefix` False, only whole stems match;
    with `title_only`, only the title columns are searched.

    Terms hold only letters and digits, and each is quoted, so nothing typed can act as
    FTS5 syntax.
    """
    typed, folded = (
        ("title", "title_folded") if title_only else ("title body", "title_folded body_folded")
    )
    groups = []
    for term in query.terms:
        star = "*" if prefix and term.prefix else ""
        groups.append(f'({{{typed}}}: "{term.stem}"{star} OR {{{folded}}}: "{term.folded}"{star})')
    return " AND ".join(groups)


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def store(self, documents) -> None:
        rows, names = [], []
        for document in documents:
            title, title_folded = index_text(document.title)
            body, body_folded = index_text(f"{document.keywords} {document.body}")
            rows.append((document.pk, title, body, title_folded, body_folded))
            if document.kind in NAME_KINDS:
                names.append((document.pk, fold(document.title.casefold())))
        ids = [(document.pk,) for document in documents]
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", ids)
            cursor.executemany("DELETE FROM search_names WHERE rowid = %s", ids)
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, body, title_folded, body_folded) "
                "VALUES (%s, %s, %s, %s, %s)",
                rows,
            )
            cursor.executemany("INSERT INTO search_names (rowid, name) VALUES (%s, %s)", names)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")
            cursor.execute("DELETE FROM search_names")

    def near_miss_ids(self, query: Query) -> list[int]:
        """Return the documents of people and networks whose names nearly match a word.

        The trigram table narrows the names to the closest candidates, and the edit
        distance is then checked in Python on those only.
        """
        typed = [word for word in query.typo_words if len(word) >= 4]
        if not typed:
            return []
        trigrams = {word[i : i + 3] for word in typed for i in range(len(word) - 2)}
        expression = " OR ".join(f'"{trigram}"' for trigram in sorted(trigrams))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, name FROM search_names WHERE search_names MATCH %s "
                "ORDER BY rank LIMIT %s",
                [expression, MAX_NAME_CANDIDATES],
            )
            candidates = cursor.fetchall()
        return [
            row_id for row_id, name in candidates if all(near_miss(word, name) for word in typed)
        ]

    def matcher(self, query: Query) -> Matcher:
        expression = fts_match_expression(query)
        text_sql = "{pk} IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
        near_ids = self.near_miss_ids(query)
        if near_ids:
            placeholders = ", ".join(["%s"] * len(near_ids))
            matches = boolean_sql(
                f"({text_sql} OR {{pk}} IN ({placeholders}))", [expression, *near_ids]
            )
        else:
            matches = boolean_sql(text_sql, [expression])
        # Whole words rank above parts of compounds: "upphandling" finds both
        # "upphandlingen" and "upphandlingsregler", the first one higher.
        rank = (
            f"COALESCE((SELECT CASE WHEN {{table}}.kind IN ({NAME_KINDS_SQL}) "
            f"THEN -{NAME_BM25} ELSE -{BM25} END FROM search_fts "
            "WHERE search_fts MATCH %s AND search_fts.rowid = {pk}), 0.0)"
        )
        score = float_sql(
            f"{rank} + {rank}", [expression, fts_match_expression(query, prefix=False)]
        )
        title_match = boolean_sql(text_sql, [fts_match_expression(query, title_only=True)])
        text_match = boolean_sql(text_sql, [expression]) if near_ids else Value(True)
        return Matcher(matches=matches, text_match=text_match, title_match=title_match, score=score)
