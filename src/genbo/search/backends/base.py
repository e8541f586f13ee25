"""The backend interface, and an expression for SQL on columns Django does not know."""

from dataclasses import dataclass

from django.db.models import BooleanField, Expression, F, FloatField, Func

from genbo.search.text import Query


class DocumentSQL(Func):
    """SQL on the search document table that names its own columns.

    `{table}` in `sql` becomes the alias the query gives the table and `{pk}` its
    primary key column, so the expression also works inside subqueries, where Django
    renames tables. Literal percent signs in `sql` must be written as `%%`.
    """

    def __init__(self, sql: str, params: list, *, output_field):
        super().__init__(F("pk"), output_field=output_field)
        self.sql = sql
        self.params = list(params)

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        table = pk_sql.rsplit(".", 1)[0]
        return self.sql.format(table=table, pk=pk_sql), [*pk_params, *self.params]


@dataclass
class Matcher:
    """The expressions one query needs: which documents match, and how well.

    `matches` passes documents whose text matches, or whose name is a near miss of a
    typed word. `text_match` is true for the first kind only. `title_match` passes
    documents whose title alone matches every term. `score` ranks the documents within
    each group, and higher is better.
    """

    matches: Expression
    text_match: Expression
    title_match: Expression
    score: Expression


class SearchBackend:
    vendor = ""

    def store(self, documents) -> None:
        """Write the text index of `documents`, which are already saved."""

    def clear(self) -> None:
        """Empty the text index that `store` writes."""

    def matcher(self, query: Query) -> Matcher:
        raise NotImplementedError


def boolean_sql(sql: str, params: list) -> DocumentSQL:
    return DocumentSQL(sql, params, output_field=BooleanField())


def float_sql(sql: str, params: list) -> DocumentSQL:
    return DocumentSQL(sql, params, output_field=FloatField())
