"""Reads of the search index: the results page with its facets, and the header suggestions.

Every read goes through `SearchDocument.objects.visible_to(user)`, so results, counts
and highlights come only from documents the user may see.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.safestring import SafeString

from genbo.accounts.models import Competence, normalise_competence_key
from genbo.search.backends import get_backend
from genbo.search.facets import count_facets
from genbo.search.models import NAME_KINDS, Kind, SearchDocument
from genbo.search.text import Query, highlight, snippet

PAGE_SIZE = 20
# Deeper pages cost more without helping a reader, so the page asks for a narrower search.
MAX_PAGE = 50
# Values shown per facet, the most frequent first.
FACET_SIZE = 12
# Hits counted and ranked exactly. A broader search reads only this many rows for its
# counts, shows "more than" this number, and ranks at most this many candidates, those
# whose titles match first (docs/performance.md, section Search).
COUNT_LIMIT = 1000
SUGGESTIONS_PER_KIND = 5
# Names ranked for the header's suggestions, of which SUGGESTIONS_PER_KIND per kind are shown.
SUGGESTION_CANDIDATES = 200


@dataclass
class Filters:
    """The filters of one search, where None or empty means "any"."""

    kinds: list[str] = field(default_factory=list)
    municipality: object = None
    competence: object = None
    network: object = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def any_facet(self) -> bool:
        return bool(self.kinds or self.municipality or self.competence or self.network)

    @property
    def any(self) -> bool:
        return bool(self.any_facet or self.date_from or self.date_to)


@dataclass
class FacetValue:
    """One value of a facet; `count` is None when the search had too many hits to count."""

    value: str
    label: str
    count: int | None
    selected: bool = False


@dataclass
class Result:
    kind: str
    kind_label: str
    title: SafeString
    snippet: SafeString
    url: str
    date: datetime | None


@dataclass
class SearchPage:
    query: Query
    results: list[Result] = field(default_factory=list)
    total: int = 0
    # True when there are more hits than `total`, which is then COUNT_LIMIT.
    more_than_total: bool = False
    # False when the facets list values without their counts.
    counts_shown: bool = True
    page: int = 1
    page_count: int = 0
    kind_facet: list[FacetValue] = field(default_factory=list)
    municipality_facet: list[FacetValue] = field(default_factory=list)
    competence_facet: list[FacetValue] = field(default_factory=list)
    network_facet: list[FacetValue] = field(default_factory=list)

    @property
    def shown_max(self) -> int:
        return MAX_PAGE * PAGE_SIZE

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _dated(documents, filters: Filters):
    if filters.date_from is not None:
        documents = documents.filter(date__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        documents = documents.filter(date__lt=_start_of(filters.date_to) + timedelta(days=1))
    return documents


def _filtered(documents, filters: Filters):
    if filters.kinds:
        documents = documents.filter(kind__in=filters.kinds)
    if filters.municipality is not None:
        documents = documents.filter(municipalities=filters.municipality)
    if filters.competence is not None:
        documents = documents.filter(competences=filters.competence)
    if filters.network is not None:
        documents = documents.filter(network=filters.network)
    return documents


def _facet(rows, selected, key: str, *, exact: bool) -> list[FacetValue]:
    """Turn counted rows into facet values. `selected` is the chosen object, whose
    attribute `key` is the value in the address. Without `exact`, the counts are left out."""
    chosen = str(getattr(selected, key)) if selected is not None else None
    values = [
        FacetValue(
            value=value, label=label, count=count if exact else None, selected=value == chosen
        )
        for value, label, count in rows
    ]
    if chosen is not None and not any(value.selected for value in values):
        # A chosen value stays visible, with no hits, so that it can be seen and removed.
        values.append(
            FacetValue(value=chosen, label=str(selected), count=0 if exact else None, selected=True)
        )
    return values


def _candidates(titles, others, *, limit: int) -> RawSQL:
    """Return the ids of at most `limit` hits: first those in `titles`, then those in
    `others`, which must not repeat them.

    A GIN or FTS5 index cannot return hits in the order of their rank, so ranking every
    hit of a broad word means reading all of them. Reading at most `limit` keeps the work
    bounded. Title matches carry the highest weight in the ranking, and the others fill
    the pages when few titles match. Which rows of a larger set are read follows the
    order of the table. The others are read only when the titles are too few.

    NOTE: this relies on the database reading the branches of UNION ALL in order, as
    SQLite does and PostgreSQL does without a parallel plan. A parallel plan could leave
    some title matches out of the candidates.
    """
    titles_sql, titles_params = titles.values("id").query.sql_with_params()
    others_sql, others_params = others.values("id").query.sql_with_params()
    sql = (
        f"SELECT id FROM ({titles_sql}) AS titles "
        f"UNION ALL SELECT id FROM ({others_sql}) AS others LIMIT %s"
    )
    return RawSQL(sql, [*titles_params, *others_params, limit])


def search(user, query: Query, filters: Filters, *, page: int = 1) -> SearchPage:
    """Return one page of the documents that match `query` and `filters`, with facets.

    Runs two queries whatever the number of hits: the facet counts, and the page.
    SQLite runs one more when a typed word has four letters or more, because the
    forgiving match on names reads its candidates first.

    Up to COUNT_LIMIT hits, the counts are exact and every hit is ranked. Past it, the
    total is shown as "more than COUNT_LIMIT", the facets list values without counts,
    and only the candidates of `_candidates` are ranked.
    """
    result = SearchPage(query=query)
    visible = SearchDocument.objects.visible_to(user)
    if not query.is_empty:
        matcher = get_backend().matcher(query)
        matching = visible.filter(matcher.matches)
        score, text_match = matcher.score, matcher.text_match
        title_match = matcher.title_match
    elif filters.any:
        # Filters alone list what they select, such as everything tagged with a competence.
        matching = visible
        score, text_match, title_match = Value(0.0), Value(True), Value(True)
    else:
        return result

    matching = _dated(matching, filters)
    filtered = _filtered(matching, filters)
    counted = count_facets(matching, filtered, filters, size=FACET_SIZE, limit=COUNT_LIMIT)
    exact = counted.read <= COUNT_LIMIT
    result.counts_shown = exact
    kind_counts = {value: count for value, _label, count in counted.rows["kind"]}
    result.kind_facet = [
        FacetValue(
            value=kind.value,
            label=str(kind.label),
            count=kind_counts.get(kind.value, 0) if exact else None,
            selected=kind.value in filters.kinds,
        )
        for kind in Kind
    ]
    result.more_than_total = counted.total > COUNT_LIMIT
    result.total = min(counted.total, COUNT_LIMIT)
    for name, selected, key in (
        ("municipality", filters.municipality, "slug"),
        ("competence", filters.competence, "pk"),
        ("network", filters.network, "slug"),
    ):
        values = _facet(counted.rows[name], selected, key, exact=exact)
        setattr(result, f"{name}_facet", values)

    result.page_count = min(MAX_PAGE, -(-result.total // PAGE_SIZE))
    result.page = max(1, min(page, result.page_count or 1))
    if not result.total:
        return result
    start = (result.page - 1) * PAGE_SIZE
    ranked = filtered
    if result.more_than_total:
        # Every title match is a text match, so the titles need not be matched twice.
        titles = _filtered(_dated(visible.filter(title_match), filters), filters)
        candidates = _candidates(titles, filtered.exclude(title_match), limit=COUNT_LIMIT)
        ranked = SearchDocument.objects.filter(pk__in=candidates)
    rows = (
        ranked.annotate(score=score, text_match=text_match)
        .order_by("-text_match", "-score", "-date", "-pk")
        .values("kind", "title", "body", "keywords", "url", "date")[start : start + PAGE_SIZE]
    )
    labels = dict(Kind.choices)
    result.results = [
        Result(
            kind=row["kind"],
            kind_label=str(labels.get(row["kind"], row["kind"])),
            title=highlight(row["title"], query.terms),
            snippet=snippet(row["body"] or row["keywords"], query.terms),
            url=row["url"],
            date=row["date"],
        )
        for row in rows
    ]
    return result


@dataclass
class Suggestions:
    people: list[dict] = field(default_factory=list)
    networks: list[dict] = field(default_factory=list)
    competences: list[Competence] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.people) + len(self.networks) + len(self.competences)


def suggestions(user, query: Query) -> Suggestions:
    """Return the people, networks and competences that match what is typed in the header.

    People and networks are visible to every signed-in employee, and so are competences.
    """
    found = Suggestions()
    if query.is_empty or not user.is_authenticated:
        return found
    matcher = get_backend().matcher(query)
    names = SearchDocument.objects.visible_to(user).filter(kind__in=NAME_KINDS)
    # A short prefix such as "för" is in the text of thousands of people, so only a
    # bounded set of candidates is ranked, the names that match first.
    candidates = _candidates(
        names.filter(matcher.title_match),
        names.filter(matcher.matches).exclude(matcher.title_match),
        limit=SUGGESTION_CANDIDATES,
    )
    rows = (
        SearchDocument.objects.filter(pk__in=candidates)
        .annotate(score=matcher.score, text_match=matcher.text_match)
        .order_by("-text_match", "-score", "title")
        .values("kind", "title", "url")[: 4 * SUGGESTIONS_PER_KIND]
    )
    for row in rows:
        bucket = found.people if row["kind"] == Kind.PERSON else found.networks
        if len(bucket) < SUGGESTIONS_PER_KIND:
            bucket.append({"title": highlight(row["title"], query.terms), "url": row["url"]})
    key = normalise_competence_key(query.text)
    found.competences = list(
        Competence.objects.filter(Q(key__startswith=key) | Q(key__contains=f" {key}"))
        .order_by("label")
        .only("pk", "label")[:SUGGESTIONS_PER_KIND]
    )
    return found
