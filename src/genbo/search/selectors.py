"""Reads of the search index: the results page with its facets, and the header suggestions.

Every read goes through `SearchDocument.objects.visible_to(user)`, so results, counts
and highlights come only from documents the user may see.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, Value
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
SUGGESTIONS_PER_KIND = 5


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
    def any(self) -> bool:
        return bool(
            self.kinds
            or self.municipality
            or self.competence
            or self.network
            or self.date_from
            or self.date_to
        )


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
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


def _facet(rows, selected, key: str) -> list[FacetValue]:
    """Turn counted rows into facet values; `selected` is the chosen object, whose
    attribute `key` is the value in the address."""
    chosen = str(getattr(selected, key)) if selected is not None else None
    values = [
        FacetValue(value=value, label=label, count=count, selected=value == chosen)
        for value, label, count in rows
    ]
    if chosen is not None and not any(value.selected for value in values):
        # A chosen value stays visible, with no hits, so that it can be seen and removed.
        values.append(FacetValue(value=chosen, label=str(selected), count=0, selected=True))
    return values


def search(user, query: Query, filters: Filters, *, page: int = 1) -> SearchPage:
    """Return one page of the documents that match `query` and `filters`, with facets.

    Runs two queries whatever the number of hits: the facet counts, and the page.
    SQLite runs one more when a typed word has four letters or more, because the
    forgiving match on names reads its candidates first.
    """
    result = SearchPage(query=query)
    visible = SearchDocument.objects.visible_to(user)
    if not query.is_empty:
        matcher = get_backend().matcher(query)
        matching = visible.filter(matcher.matches)
        score, text_match = matcher.score, matcher.text_match
    elif filters.any:
        # Filters alone list what they select, such as everything tagged with a competence.
        matching = visible
        score, text_match = Value(0.0), Value(True)
    else:
        return result

    matching = _dated(matching, filters)
    counted = count_facets(matching, filters, size=FACET_SIZE)
    kind_counts = {value: count for value, _label, count in counted["kind"]}
    result.kind_facet = [
        FacetValue(
            value=kind.value,
            label=str(kind.label),
            count=kind_counts.get(kind.value, 0),
            selected=kind.value in filters.kinds,
        )
        for kind in Kind
    ]
    shown_kinds = filters.kinds or list(kind_counts)
    result.total = sum(kind_counts.get(kind, 0) for kind in shown_kinds)
    result.municipality_facet = _facet(counted["municipality"], filters.municipality, "slug")
    result.competence_facet = _facet(counted["competence"], filters.competence, "pk")
    result.network_facet = _facet(counted["network"], filters.network, "slug")

    result.page_count = min(MAX_PAGE, -(-result.total // PAGE_SIZE))
    result.page = max(1, min(page, result.page_count or 1))
    if not result.total:
        return result
    start = (result.page - 1) * PAGE_SIZE
    rows = (
        _filtered(matching, filters)
        .annotate(score=score, text_match=text_match)
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
    rows = (
        SearchDocument.objects.visible_to(user)
        .filter(matcher.matches, kind__in=NAME_KINDS)
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
