"""Facet counts of one search in a single SQL statement, on SQLite and PostgreSQL.

The matching documents are collected once in a materialized common table expression,
and each facet counts them with every filter applied except its own, so that choosing
a municipality still shows how many hits the other municipalities have.

Counting reads every counted row of the document table, so it stops at `limit` + 1
rows. Otherwise a word found in tens of thousands of documents would take seconds at
the design volume (docs/performance.md). Past the limit, the counts cover only the
first rows read, in the order of the table, and the caller must not show them as totals.
"""

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection

from genbo.accounts.models import Competence
from genbo.core.models import Municipality
from genbo.networks.models import Network
from genbo.search.models import SearchDocument

FACETS = ("kind", "municipality", "competence", "network")


def _conditions(filters, without: str) -> tuple[list[str], list]:
    """Return SQL conditions on the hit `h` for every filter except `without`."""
    sql: list[str] = []
    params: list = []
    if filters.kinds and without != "kind":
        sql.append(f"h.kind IN ({', '.join(['%s'] * len(filters.kinds))})")
        params.extend(filters.kinds)
    if filters.municipality is not None and without != "municipality":
        sql.append("h.in_municipality")
    if filters.competence is not None and without != "competence":
        sql.append("h.in_competence")
    if filters.network is not None and without != "network":
        sql.append("h.network_id = %s")
        params.append(filters.network.pk)
    return sql, params


def _hits_sql(matching, filters, limit: int) -> tuple[str, list]:
    """Return the SQL of at most `limit` + 1 hits, each with whether it is linked to the
    chosen municipality and competence, so that every facet reuses the one lookup."""
    flags: list[str] = []
    params: list = []
    for relation, column, chosen in (
        (SearchDocument.municipalities, "municipality_id", filters.municipality),
        (SearchDocument.competences, "competence_id", filters.competence),
    ):
        if chosen is None:
            flags.append("1 = 1")
            continue
        links = relation.through._meta.db_table
        flags.append(f"capped.id IN (SELECT searchdocument_id FROM {links} WHERE {column} = %s)")
        params.append(chosen.pk)
    capped_sql, capped_params = _capped_sql(matching, ("id", "kind", "network_id"), limit)
    sql = (
        f"SELECT capped.id, capped.kind, capped.network_id, {flags[0]}, {flags[1]} "
        f"FROM ({capped_sql}) AS capped"
    )
    return sql, [*params, *capped_params]


def _where(filters, without: str) -> tuple[str, list]:
    sql, params = _conditions(filters, without)
    return (" WHERE " + " AND ".join(sql) if sql else ""), params


@dataclass
class Counted:
    """The facet counts of one search, each facet's rows the largest counts first.

    `read` is the number of matching rows counted, and `total` the number of hits with
    every filter applied; each stops at the limit + 1.
    """

    rows: dict[str, list[tuple[str, str, int]]] = field(
        default_factory=lambda: {facet: [] for facet in FACETS}
    )
    read: int = 0
    total: int = 0


def _capped_sql(queryset, fields: tuple[str, ...], limit: int) -> tuple[str, list]:
    sql, params = queryset.values(*fields).query.sql_with_params()
    # The outer SELECT keeps the LIMIT with this query wherever its SQL is embedded.
    return f"SELECT * FROM ({sql} LIMIT %s) AS capped", [*params, limit + 1]


def count_facets(matching, filtered, filters, *, size: int, limit: int) -> Counted:
    """Return, per facet, up to `size` (value, label, count) rows, and the number of hits.

    A chosen municipality, competence or network is in the rows of its facet with its
    count, even when it is not among the `size` largest, so that facet has `size` + 1 rows.

    `matching` is the queryset of the documents the query matches and the user may see,
    with the date filters applied, and `filtered` the same with every filter applied.
    The kind facet returns every kind that has hits. At most `limit` + 1 rows of each are
    read.
    """
    counted = Counted()
    try:
        hits_sql, hits_params = _hits_sql(matching, filters, limit)
        total_sql, total_params = _capped_sql(filtered, ("id",), limit)
    except EmptyResultSet:
        # The queryset can match nothing, as for a visitor who is not signed in.
        return counted
    municipality_links = SearchDocument.municipalities.through._meta.db_table
    competence_links = SearchDocument.competences.through._meta.db_table
    parts: list[str] = [
        "SELECT 'read' AS facet, '' AS value, '' AS label, COUNT(*) AS hits FROM hits"
    ]
    params: list = list(hits_params)
    if filters.any_facet:
        parts.append(f"SELECT 'total', '', '', COUNT(*) FROM ({total_sql}) AS total")
        params.extend(total_params)

    where, where_params = _where(filters, "kind")
    parts.append(
        "SELECT 'kind' AS facet, h.kind AS value, h.kind AS label, COUNT(*) AS hits "
        f"FROM hits h{where} GROUP BY h.kind"
    )
    params.extend(where_params)

    joins = {
        "municipality": (
            f"JOIN {municipality_links} link ON link.searchdocument_id = h.id "
            f"JOIN {Municipality._meta.db_table} m ON m.id = link.municipality_id",
            "m.slug",
            "m.name",
        ),
        "competence": (
            f"JOIN {competence_links} link ON link.searchdocument_id = h.id "
            f"JOIN {Competence._meta.db_table} m ON m.id = link.competence_id",
            "CAST(m.id AS TEXT)",
            "m.label",
        ),
        "network": (f"JOIN {Network._meta.db_table} m ON m.id = h.network_id", "m.slug", "m.name"),
    }
    for facet, (join, value, label) in joins.items():
        where, where_params = _where(filters, facet)
        select = (
            f"SELECT '{facet}' AS facet, {value} AS value, {label} AS label, COUNT(*) AS hits "
            f"FROM hits h {join}"
        )
        parts.append(
            f"SELECT * FROM ({select}{where} GROUP BY {value}, {label} "
            f"ORDER BY hits DESC, {label} LIMIT %s) AS {facet}_facet"
        )
        params.extend([*where_params, size])
        chosen = getattr(filters, facet)
        if chosen is not None:
            # The chosen value is counted on its own as well, because it may be outside
            # the `size` largest.
            condition = f"{where} AND m.id = %s" if where else " WHERE m.id = %s"
            parts.append(
                f"SELECT * FROM ({select}{condition} GROUP BY {value}, {label}) AS {facet}_chosen"
            )
            params.extend([*where_params, chosen.pk])

    columns = "id, kind, network_id, in_municipality, in_competence"
    sql = f"WITH hits ({columns}) AS MATERIALIZED ({hits_sql}) " + " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, label, hits in cursor.fetchall():
            if facet in FACETS:
                row = (str(value), label, hits)
                # The chosen value arrives twice when it is also among the largest.
                if row not in counted.rows[facet]:
                    counted.rows[facet].append(row)
            else:
                setattr(counted, facet, hits)
    if not filters.any_facet:
        counted.total = counted.read
    for rows in counted.rows.values():
        rows.sort(key=lambda row: (-row[2], row[1]))
    return counted
