"""PostgreSQL backend: full-text search with the `swedish` configuration, pg_trgm for names.

Migration search/0002 adds two generated columns to the document table: `vector`
(weighted tsvector of the title, keywords and text, as typed and folded) and
`name_folded` (folded names of people and networks), each with a GIN index.
Migration search/0003 adds `title_vector` (the title alone, as typed and folded) and
puts the kind into the GIN indexes of both vectors.
"""

from django.db.models import Value

from genbo.search.backends.base import Matcher, SearchBackend, boolean_sql, float_sql
from genbo.search.models import NAME_KINDS
from genbo.search.text import Query

# ts_rank weights for D, C, B, A: folded text, folded title, text, title.
RANK_WEIGHTS = "ARRAY[0.05, 0.2, 0.4, 1.0]::float4[]"
# The same for names of people and networks, where the folded title weighs as much as
# the title, because names are often typed without å, ä and ö. Otherwise a text that
# writes "Bergstrom" would rank above the person Bergström.
NAME_RANK_WEIGHTS = "ARRAY[0.05, 1.0, 0.4, 1.0]::float4[]"
NAME_KINDS_SQL = ", ".join(f"'{kind.value}'" for kind in NAME_KINDS)
# Names have at most this many words; longer queries skip the forgiving name match.
MAX_NAME_TERMS = 3


def tsquery_text(query: Query, *, prefix: bool = True, weighted: bool = True) -> str:
    """Return a tsquery for the `simple` configuration that needs every term.

    The terms are already Snowball stems, the same as the `swedish` configuration
    makes when it indexes, so `simple` only lower-cases them. Terms hold only letters
    and digits, so nothing typed can act as tsquery syntax. With `prefix` False, only
    whole stems match. With `weighted`, the typed stem counts only in the typed text
    (weights A and B) and the folded stem only in the folded text (C and D).
    """
    groups = []
    for term in query.terms:
        star = "*" if prefix and term.prefix else ""
        if not weighted and term.stem == term.folded:
            # One lexeme instead of "x | x", because the planner estimates the two as
            # twice as many rows and then prefers reading the whole table.
            groups.append(f"{term.stem}:{star}")
            continue
        typed, folded = ("AB", "CD") if weighted else ("", "")
        groups.append(f"({term.stem}:{star}{typed} | {term.folded}:{star}{folded})")
    return " & ".join(groups)


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def matcher(self, query: Query) -> Matcher:
        # Matching ignores the weights, because a weighted tsquery makes PostgreSQL
        # recheck every row the GIN index returns. The weights only rank.
        tsquery = tsquery_text(query, weighted=False)
        text_sql = "{table}.vector @@ to_tsquery('simple', %s)"
        title_match = boolean_sql("{table}.title_vector @@ to_tsquery('simple', %s)", [tsquery])
        names = " ".join(query.typo_words) if len(query.terms) <= MAX_NAME_TERMS else ""
        if names:
            # `<%` is true when the words are similar enough to a part of the name, by
            # pg_trgm.word_similarity_threshold, which genbo.search.apps sets.
            matches = boolean_sql(f"({text_sql} OR %s <%% {{table}}.name_folded)", [tsquery, names])
            text_match = boolean_sql(text_sql, [tsquery])
        else:
            matches = boolean_sql(text_sql, [tsquery])
            text_match = Value(True)
        # Whole words rank above parts of compounds: "upphandling" finds both
        # "upphandlingen" and "upphandlingsregler", the first one higher.
        weights = (
            f"CASE WHEN {{table}}.kind IN ({NAME_KINDS_SQL}) "
            f"THEN {NAME_RANK_WEIGHTS} ELSE {RANK_WEIGHTS} END"
        )
        rank = f"ts_rank({weights}, {{table}}.vector, to_tsquery('simple', %s))"
        score = float_sql(
            f"{rank} + {rank}", [tsquery_text(query), tsquery_text(query, prefix=False)]
        )
        return Matcher(matches=matches, text_match=text_match, title_match=title_match, score=score)
