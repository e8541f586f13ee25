"""Reads of expert offers and borrowing requests, each a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncQuarter
from django.http import Http404
from django.utils import timezone

from genbo.accounts.models import Competence, normalise_competence_key
from genbo.experts.models import BorrowRequest, ExpertOffer, RequestEvent, State, UnavailablePeriod

# The search ranks offers by the competences that match the typed words. Matching
# competences are looked up first, in one query, and at most this many take part.
# NOTE: a word that matches more labels than this (such as "a") ranks offers only by
# the first ones in label order. A search index would remove the limit.
MAX_MATCHING_COMPETENCES = 300

# Score of one offer for the typed words; the higher, the better the match.
SCORE_EXACT = 4
SCORE_SYNONYM = 3
SCORE_PARTIAL = 2
SCORE_TEXT = 1


@dataclass
class CompetenceMatches:
    """The competences that match the typed words, by kind of match."""

    exact: dict[int, str] = field(default_factory=dict)
    synonym: dict[int, str] = field(default_factory=dict)
    partial: dict[int, str] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        return [*self.exact, *self.synonym, *self.partial]


def competence_matches(keys: list[str]) -> CompetenceMatches:
    """Return the competences whose label or one of whose synonyms matches one of `keys`.

    A key equal to the label is an exact match; equal to a synonym, a synonym match;
    contained in the label or a synonym, a partial match.
    """
    matches = CompetenceMatches()
    keys = [key for key in keys if key]
    if not keys:
        return matches
    label_filter = Q()
    for key in keys:
        label_filter |= Q(key__contains=key)
    # Competences with synonyms are few (the taxonomy has none), so they are all read
    # and compared here, because SQLite cannot search inside a JSON list.
    rows = (
        Competence.objects.filter(label_filter | ~Q(synonyms=[]))
        .annotate(
            exact=Case(
                When(key__in=keys, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("exact", "label")
        .values_list("pk", "label", "key", "synonyms")[:MAX_MATCHING_COMPETENCES]
    )
    for pk, label, key, synonyms in rows:
        synonym_keys = [normalise_competence_key(str(s)) for s in synonyms or []]
        if key in keys:
            matches.exact[pk] = label
        elif any(s in keys for s in synonym_keys):
            matches.synonym[pk] = label
        elif any(k in key or any(k in s for s in synonym_keys) for k in keys):
            matches.partial[pk] = label
    return matches


def _has_competence(ids) -> Exists:
    return Exists(
        ExpertOffer.competences.through.objects.filter(
            expertoffer=OuterRef("pk"), competence_id__in=list(ids)
        )
    )


def offer_prefetches(offers: QuerySet) -> QuerySet:
    return offers.select_related("expert", "expert__municipality").prefetch_related(
        "competences", "on_site_municipalities", "unavailable_periods"
    )


def search_offers(
    user,
    *,
    text: str = "",
    competence: str = "",
    format: str = "",
    municipality=None,
    where: str = "",
    available_now: bool = False,
    own_municipality_first: bool = False,
) -> tuple[QuerySet, CompetenceMatches]:
    """Return the visible active offers that match, best first, and the matching competences.

    Order: competence match (exact, synonym, partial, then words in the title or
    description), then whether the expert is available today, then, when asked, offers of
    experts in the user's municipality, then the most recently updated. There is no skill
    headline data yet, so offers in the same headline are not ranked separately.
    """
    text_key = normalise_competence_key(text)
    competence_key = normalise_competence_key(competence)
    matches = competence_matches([k for k in (text_key, competence_key) if k])
    today = timezone.localdate()

    offers = ExpertOffer.objects.visible_to(user).filter(is_active=True)
    if competence_key:
        ids = [
            pk
            for group in (matches.exact, matches.synonym, matches.partial)
            for pk, _label in group.items()
        ]
        offers = offers.filter(_has_competence(ids))
    if text_key:
        offers = offers.filter(
            _has_competence(matches.ids)
            | Q(title__icontains=text.strip())
            | Q(description__icontains=text.strip())
        )
    if format:
        # The formats are a JSON list of ASCII codes, so a text search finds "lecture".
        offers = offers.filter(formats__icontains=f'"{format}"')
    if municipality is not None:
        offers = offers.filter(
            Q(on_site_municipalities=municipality) | Q(expert__municipality=municipality)
        ).distinct()
    if where == "on_site":
        offers = offers.filter(on_site_municipalities__isnull=False).distinct()
    elif where == "online":
        offers = offers.filter(online=True)
    away_today = UnavailablePeriod.objects.filter(
        offer=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today
    )
    if available_now:
        offers = offers.exclude(Exists(away_today))

    score_cases = []
    if matches.exact:
        score_cases.append(When(_has_competence(matches.exact), then=Value(SCORE_EXACT)))
    if matches.synonym:
        score_cases.append(When(_has_competence(matches.synonym), then=Value(SCORE_SYNONYM)))
    if matches.partial:
        score_cases.append(When(_has_competence(matches.partial), then=Value(SCORE_PARTIAL)))
    if text_key:
        score_cases.append(
            When(
                Q(title__icontains=text.strip()) | Q(description__icontains=text.strip()),
                then=Value(SCORE_TEXT),
            )
        )
    offers = offers.annotate(
        score=Case(*score_cases, default=Value(0), output_field=IntegerField()),
        available_today=Case(
            When(Exists(away_today), then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        same_municipality=Case(
            When(
                Q(expert__municipality_id=user.municipality_id)
                & Q(expert__municipality__isnull=False),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )
    order = ["-score", "-available_today"]
    if own_municipality_first:
        order.append("-same_municipality")
    order += ["-updated_at", "pk"]
    return offer_prefetches(offers).order_by(*order), matches


@dataclass
class MatchReason:
    kind: str
    label: str


def match_reasons(offer: ExpertOffer, matches: CompetenceMatches, text: str) -> list[MatchReason]:
    """Return why `offer` matched, from its prefetched competences; best reasons first."""
    reasons = []
    for competence in offer.competences.all():
        if competence.pk in matches.exact:
            reasons.append(MatchReason("exact", competence.label))
        elif competence.pk in matches.synonym:
            reasons.append(MatchReason("synonym", competence.label))
        elif competence.pk in matches.partial:
            reasons.append(MatchReason("partial", competence.label))
    order = {"exact": 0, "synonym": 1, "partial": 2}
    reasons.sort(key=lambda reason: (order[reason.kind], reason.label))
    words = text.strip().casefold()
    if words and (words in offer.description.casefold() or words in offer.title.casefold()):
        reasons.append(MatchReason("text", ""))
    return reasons


def get_offer_for_user(user, pk: int) -> ExpertOffer:
    try:
        return offer_prefetches(ExpertOffer.objects.visible_to(user)).get(pk=pk)
    except ExpertOffer.DoesNotExist:
        raise Http404 from None


def my_offers(user) -> QuerySet:
    open_requests = (
        BorrowRequest.objects.filter(
            offer=OuterRef("pk"), state__in=[State.REQUESTED, State.TIME_PROPOSED]
        )
        .order_by()
        .values("offer")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return (
        offer_prefetches(ExpertOffer.objects.filter(expert=user))
        .annotate(waiting_count=Subquery(open_requests, output_field=IntegerField()))
        .order_by("-is_active", "title", "pk")
    )


def _history_prefetch() -> Prefetch:
    return Prefetch(
        "events",
        queryset=RequestEvent.objects.select_related("actor").order_by("created_at", "pk"),
    )


def request_list(user, role: str) -> QuerySet:
    """Return the requests where `user` has `role` (requester, expert or manager), newest first."""
    requests = BorrowRequest.objects.visible_to(user)
    if role == "expert":
        requests = requests.filter(offer__expert=user)
    elif role == "manager":
        requests = requests.filter(manager=user)
    else:
        requests = requests.filter(requester=user)
    return (
        requests.select_related("offer", "offer__expert", "requester", "requesting_unit")
        .prefetch_related(_history_prefetch())
        .order_by("-updated_at", "-pk")
    )


def request_counts(user) -> dict[str, int]:
    """Return how many requests wait for `user` per role, in one query."""
    waiting = BorrowRequest.objects.visible_to(user).aggregate(
        requester=Count("pk", filter=Q(requester=user, state=State.TIME_PROPOSED)),
        expert=Count("pk", filter=Q(offer__expert=user, state=State.REQUESTED)),
        manager=Count("pk", filter=Q(manager=user, state=State.AWAITING_MANAGER)),
    )
    return waiting


def get_request_for_user(user, pk: int) -> BorrowRequest:
    """Return the request with its people and history, or raise 404 for anyone not a party."""
    requests = (
        BorrowRequest.objects.visible_to(user)
        .select_related(
            "offer",
            "offer__expert",
            "offer__expert__municipality",
            "requester",
            "requester__municipality",
            "requesting_unit",
            "manager",
        )
        .prefetch_related(_history_prefetch())
    )
    try:
        return requests.get(pk=pk)
    except BorrowRequest.DoesNotExist:
        raise Http404 from None


def allowed_actions(borrow_request: BorrowRequest, user) -> list[str]:
    """Return the steps `user` may take now; the services check the same rules again."""
    state = borrow_request.state
    is_expert = borrow_request.offer.expert_id == user.pk
    is_requester = borrow_request.requester_id == user.pk
    is_manager = borrow_request.manager_id == user.pk
    actions = []
    if is_expert and state == State.REQUESTED:
        actions += ["accept", "propose", "decline"]
    if is_expert and state == State.TIME_PROPOSED:
        actions.append("decline")
    if is_requester and state == State.TIME_PROPOSED:
        actions.append("accept_proposal")
    if is_manager and state == State.AWAITING_MANAGER:
        actions += ["approve", "reject"]
    if (is_requester or is_expert) and state == State.CONFIRMED:
        if borrow_request.proposed_start <= timezone.now():
            actions.append("complete")
    if is_requester and state in (
        State.REQUESTED,
        State.TIME_PROPOSED,
        State.AWAITING_MANAGER,
        State.CONFIRMED,
    ):
        actions.append("cancel")
    if is_requester and state == State.COMPLETED and not borrow_request.feedback:
        actions.append("feedback")
    if is_expert and borrow_request.feedback:
        actions.append("feedback_visibility")
    return actions


def profile_offers(viewer) -> QuerySet:
    """Return the offers that `viewer` may see, ordered for a profile page."""
    return ExpertOffer.objects.visible_to(viewer).order_by("-is_active", "title", "pk")


def profile_feedback(person, *, limit: int = 5) -> list[BorrowRequest]:
    """Feedback that the expert `person` has chosen to show on the profile, newest first."""
    return list(
        BorrowRequest.objects.filter(
            offer__expert=person, feedback_visible=True, state=State.COMPLETED
        )
        .exclude(feedback="")
        .select_related("requester", "offer")
        .order_by("-updated_at")[:limit]
    )


def experts_for_network(user, network, *, limit: int = 6) -> list[ExpertOffer]:
    """Active offers whose competences overlap the network's, one query, best overlap first."""
    network_competences = network.competences.through.objects.filter(network_id=network.pk).values(
        "competence_id"
    )
    offer_competences = ExpertOffer.competences.through.objects
    overlap = (
        offer_competences.filter(
            expertoffer=OuterRef("pk"), competence_id__in=Subquery(network_competences)
        )
        .order_by()
        .values("expertoffer")
        .annotate(total=Count("pk"))
        .values("total")
    )
    # The offers are picked through the network's competences first. A filter on the
    # overlap count instead made PostgreSQL read every offer and every employee.
    sharing = offer_competences.filter(competence_id__in=Subquery(network_competences)).values(
        "expertoffer_id"
    )
    return list(
        ExpertOffer.objects.visible_to(user)
        .filter(is_active=True, pk__in=sharing)
        .annotate(overlap=Subquery(overlap, output_field=IntegerField()))
        .select_related("expert", "expert__municipality")
        .order_by("-overlap", "-updated_at", "pk")[:limit]
    )


def lending_statistics() -> list[dict]:
    """Confirmed and completed requests and their hours per quarter, between municipalities.

    The quarter is that of the agreed start, in Swedish time. Rows are ordered by quarter,
    then by the lending municipality.
    """
    rows = (
        BorrowRequest.objects.filter(state__in=[State.CONFIRMED, State.COMPLETED])
        .annotate(quarter=TruncQuarter("proposed_start"))
        .values(
            "quarter",
            "offer__expert__municipality__name",
            "requester__municipality__name",
        )
        .annotate(requests=Count("pk"), hours=Sum("expected_hours"))
        .order_by("quarter", "offer__expert__municipality__name", "requester__municipality__name")
    )
    return [
        {
            "quarter": row["quarter"],
            "label": f"{row['quarter'].year} Q{(row['quarter'].month - 1) // 3 + 1}",
            "lender": row["offer__expert__municipality__name"] or "",
            "borrower": row["requester__municipality__name"] or "",
            "requests": row["requests"],
            "hours": row["hours"] or 0,
        }
        for row in rows
    ]


def requests_per_quarter() -> list[dict]:
    """Count the requests made per quarter of the request date, and how many were confirmed."""
    rows = (
        BorrowRequest.objects.annotate(quarter=TruncQuarter("created_at"))
        .values("quarter")
        .annotate(
            requests=Count("pk"),
            agreed=Count("pk", filter=Q(state__in=[State.CONFIRMED, State.COMPLETED])),
        )
        .order_by("quarter")
    )
    return [
        {
            "label": f"{row['quarter'].year} Q{(row['quarter'].month - 1) // 3 + 1}",
            "requests": row["requests"],
            "agreed": row["agreed"],
        }
        for row in rows
    ]
