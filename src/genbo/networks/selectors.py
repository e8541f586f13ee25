"""Reads of networks and meetings, each a fixed number of queries whatever the volume."""

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from genbo.accounts.models import normalise_competence_key
from genbo.networks.models import Meeting, MeetingResponse, Membership, Network


def _convener_prefetch() -> Prefetch:
    conveners = (
        Membership.objects.filter(role=Membership.Role.CONVENER, status=Membership.Status.ACTIVE)
        .select_related("user", "user__municipality")
        .order_by("user__last_name", "user__first_name")
    )
    return Prefetch("memberships", queryset=conveners, to_attr="convener_memberships")


def annotate_for_user(networks: QuerySet, user) -> QuerySet:
    """Add member_count, my_status, my_role and, where `user` may see it, next_meeting_at."""
    member_count = (
        Membership.objects.filter(network=OuterRef("pk"), status=Membership.Status.ACTIVE)
        .order_by()
        .values("network")
        .annotate(total=Count("pk"))
        .values("total")
    )
    mine = Membership.objects.filter(network=OuterRef("pk"), user=user)
    next_meeting = (
        Meeting.objects.filter(
            network=OuterRef("pk"), ends_at__gte=timezone.now(), cancelled_at__isnull=True
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return networks.annotate(
        member_count=Coalesce(Subquery(member_count, output_field=IntegerField()), Value(0)),
        my_status=Subquery(mine.values("status")[:1], output_field=CharField()),
        my_role=Subquery(mine.values("role")[:1], output_field=CharField()),
    ).annotate(
        next_meeting_at=Case(
            When(
                Q(access=Network.Access.OPEN) | Q(my_status=Membership.Status.ACTIVE),
                then=Subquery(next_meeting),
            ),
            default=None,
        )
    )


def directory_networks(
    user, *, text: str = "", municipality=None, competence_text: str = "", access: str = ""
) -> QuerySet:
    """Current networks filtered by name or purpose, municipality, competence and access.

    `competence_text` matches every competence whose label contains it ("arkiv" finds
    "Arkivering" and "E-arkiv").
    """
    networks = Network.objects.visible_to(user).current()
    if text:
        networks = networks.filter(Q(name__icontains=text) | Q(purpose__icontains=text))
    if municipality is not None:
        networks = networks.filter(
            Exists(
                Network.municipalities.through.objects.filter(
                    network=OuterRef("pk"), municipality=municipality
                )
            )
        )
    competence_key = normalise_competence_key(competence_text)
    if competence_key:
        networks = networks.filter(
            Exists(
                Network.competences.through.objects.filter(
                    network=OuterRef("pk"), competence__key__contains=competence_key
                )
            )
        )
    if access:
        networks = networks.filter(access=access)
    return annotate_for_user(networks, user).prefetch_related(_convener_prefetch()).order_by("name")


def get_network_for_user(user, slug: str, *, manage: bool = False) -> Network:
    """Return the network with the caller's membership annotated, or raise 404.

    With manage=True only a convener (or secretariat staff) gets it; others get 403,
    because every employee may know that the network exists.
    """
    networks = annotate_for_user(Network.objects.visible_to(user), user).prefetch_related(
        _convener_prefetch(), "competences", "municipalities"
    )
    try:
        network = networks.get(slug=slug)
    except Network.DoesNotExist:
        raise Http404 from None
    network.is_member = network.my_status == Membership.Status.ACTIVE
    network.is_pending = network.my_status == Membership.Status.PENDING
    network.is_convener = network.is_member and network.my_role == Membership.Role.CONVENER
    # Secretariat staff manage networks through the Django admin, not as conveners.
    network.can_manage = network.is_convener
    network.can_see_member_content = not network.is_closed or network.is_member
    if manage and not network.can_manage:
        raise PermissionDenied("convener")
    return network


def network_members(network: Network, user) -> QuerySet:
    return (
        Membership.objects.visible_to(user)
        .filter(network=network)
        .select_related("user", "user__municipality", "user__unit")
        .order_by("user__last_name", "user__first_name")
    )


def pending_requests(network: Network) -> QuerySet:
    return (
        network.memberships.filter(status=Membership.Status.PENDING)
        .select_related("user", "user__municipality")
        .order_by("created_at")
    )


def network_meetings(network: Network, user) -> QuerySet:
    # The network is joined in because each listed meeting links to its page by slug.
    return Meeting.objects.visible_to(user).filter(network=network).select_related("network")


def get_meeting_for_user(user, network: Network, meeting_id: int) -> Meeting:
    """Return a meeting of `network` that `user` may see, or raise 404."""
    try:
        meeting = (
            Meeting.objects.visible_to(user)
            .select_related("minutes_approved_by")
            .prefetch_related("addenda__author")
            .get(network=network, pk=meeting_id)
        )
    except Meeting.DoesNotExist:
        raise Http404 from None
    meeting.network = network
    return meeting


def meeting_responses(meeting: Meeting) -> QuerySet:
    return meeting.responses.select_related("user", "user__municipality").order_by(
        "user__last_name", "user__first_name"
    )


def my_networks(user) -> QuerySet:
    return annotate_for_user(
        Network.objects.current().filter(
            memberships__user=user, memberships__status=Membership.Status.ACTIVE
        ),
        user,
    ).order_by("name")


def my_upcoming_meetings(user, *, limit: int = 8) -> QuerySet:
    return (
        Meeting.objects.visible_to(user)
        .upcoming(include_cancelled=True)
        .filter(
            network__memberships__user=user,
            network__memberships__status=Membership.Status.ACTIVE,
        )
        .select_related("network")
        .annotate(
            my_answer=Subquery(
                MeetingResponse.objects.filter(meeting=OuterRef("pk"), user=user).values("answer")[
                    :1
                ]
            )
        )[:limit]
    )


def requests_awaiting(user, *, limit: int = 10) -> list[Membership]:
    """Pending requests to join the networks that `user` convenes, oldest first."""
    convened = Membership.objects.filter(
        user=user, role=Membership.Role.CONVENER, status=Membership.Status.ACTIVE
    ).values("network")
    return list(
        Membership.objects.filter(status=Membership.Status.PENDING, network__in=convened)
        .select_related("user", "user__municipality", "network")
        .order_by("created_at")[:limit]
    )


def new_networks(user, *, limit: int = 6) -> QuerySet:
    return (
        annotate_for_user(Network.objects.visible_to(user).current(), user)
        .prefetch_related(_convener_prefetch())
        .order_by("-created_at")[:limit]
    )


def networks_without_convener():
    """Return the current networks without an active convener, with their active member count."""
    return (
        Network.objects.without_convener()
        .annotate(
            active_members=Count(
                "memberships",
                filter=Q(
                    memberships__status=Membership.Status.ACTIVE,
                    memberships__user__is_active=True,
                ),
            )
        )
        .order_by("name", "pk")
    )


def can_take_over(network: Network, user) -> bool:
    """Tell whether `user` is an active member of `network` and it has no convener."""
    return (
        Network.objects.without_convener().filter(pk=network.pk).exists()
        and Membership.objects.filter(
            network=network, user=user, status=Membership.Status.ACTIVE
        ).exists()
    )
