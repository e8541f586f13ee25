"""Facet counts of one search in a single SQL statement, on SQLite and PostgreSQL.

The matching documents are collected once in a materialized common table expression,
and each facet counts them with every filter applied except its own, so that choosing
a municipality still shows how many hits the other municipalities have.

NOTE: the counts visit every matching row of the wide document table, so a word found in
tens of thousands of documents takes seconds at the design volume (docs/performance.md).
Counting from a narrow table of ids, kinds, networks and vectors would remove most of it.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection

from genbo.accounts.models import Competence
from genbo.core.models import Municipality
from genbo.networks.models import Network
from genbo.search.models import SearchDocument

FACETS = ("kind", "municipality", "competence", "network")


def _conditions(filters, without: str) -> tuple[list[str], list]:
    """Return SQL conditions on the hit `h` for every filter except `without`."""
    municipalities = SearchDocument.municipalities.through._meta.db_table
    competences = SearchDocument.competences.through._meta.db_table
    sql: list[str] = []
    params: list = []
    if filters.kinds and without != "kind":
        sql.append(f"h.kind IN ({', '.join(['%s'] * len(filters.kinds))})")
        params.extend(filters.kinds)
    if filters.municipality is not None and without != "municipality":
        sql.append(
            f"h.id IN (SELECT searchdocument_id FROM {municipalities} WHERE municipality_id = %s)"
        )
        params.append(filters.municipality.pk)
    if filters.competence is not None and without != "competence":
        sql.append(
            f"h.id IN (SELECT searchdocument_id FROM {competences} WHERE competence_id = %s)"
        )
        params.append(filters.competence.pk)
    if filters.network is not None and without != "network":
        sql.append("h.network_id = %s")
        params.append(filters.network.pk)
    return sql, params


def _where(filters, without: str) -> tuple[str, list]:
    sql, params = _conditions(filters, without)
    return (" WHERE " + " AND ".join(sql) if sql else ""), params


def count_facets(matching, filters, *, size: int) -> dict[str, list[tuple[str, str, int]]]:
    """Return, per facet, up to `size` (value, label, count) rows, the largest counts first.

    `matching` is the queryset of the documents the query matches and the user may see,
    with the date filters applied. The kind facet returns every kind that has hits.
    """
    counted: dict[str, list[tuple[str, str, int]]] = {facet: [] for facet in FACETS}
    try:
        hits_sql, hits_params = matching.values("id", "kind", "network_id").query.sql_with_params()
    except EmptyResultSet:
        # The queryset can match nothing, as for a visitor who is not signed in.
        return counted
    municipality_links = SearchDocument.municipalities.through._meta.db_table
    competence_links = SearchDocument.competences.through._meta.db_table
    parts: list[str] = []
    params: list = list(hits_params)

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
        parts.append(
            f"SELECT * FROM (SELECT '{facet}' AS facet, {value} AS value, {label} AS label, "
            f"COUNT(*) AS hits FROM hits h {join}{where} GROUP BY {value}, {label} "
            f"ORDER BY hits DESC, {label} LIMIT %s) AS {facet}_facet"
        )
        params.extend([*where_params, size])

    sql = f"WITH hits (id, kind, network_id) AS MATERIALIZED ({hits_sql}) " + " UNION ALL ".join(
        parts
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, label, hits in cursor.fetchall():
            counted[facet].append((str(value), label, hits))
    for rows in counted.values():
        rows.sort(key=lambda row: (-row[2], row[1]))
    return counted
