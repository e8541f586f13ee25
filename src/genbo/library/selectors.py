"""Reads of Idébiblioteket, each a fixed number of queries whatever the volume."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from genbo.accounts.models import normalise_competence_key
from genbo.library.models import (
    Comment,
    FileVersion,
    Item,
    ItemFile,
    MeetingAttachment,
    UsefulMark,
)
from genbo.networks.models import Membership, Network

ITEMS_PER_PAGE = 20
COMMENTS_PER_PAGE = 50


class Order:
    NEWEST = "newest"
    USEFUL = "useful"
    CHOICES = (NEWEST, USEFUL)


def item_list(
    user,
    *,
    kind: str = "",
    competence_text: str = "",
    municipality=None,
    network=None,
    order: str = Order.NEWEST,
) -> QuerySet:
    """Items `user` may read, filtered, with their tags and people joined in.

    `competence_text` matches every competence whose label contains it.
    """
    items = Item.objects.visible_to(user)
    if kind:
        items = items.filter(kind=kind)
    if municipality is not None:
        items = items.filter(municipality=municipality)
    if network is not None:
        items = items.filter(network=network)
    competence_key = normalise_competence_key(competence_text or "")
    if competence_key:
        items = items.filter(
            Exists(
                Item.competences.through.objects.filter(
                    item=OuterRef("pk"), competence__key__contains=competence_key
                )
            )
        )
    ordering = (
        ["-useful_count", "-created_at", "-pk"]
        if order == Order.USEFUL
        else [
            "-created_at",
            "-pk",
        ]
    )
    return (
        items.select_related("author", "municipality", "network")
        .prefetch_related("competences")
        .order_by(*ordering)
    )


def filter_networks(user) -> QuerySet:
    """Networks offered in the filter: those whose member content `user` may read."""
    return Network.objects.with_member_content_for(user).current().order_by("name")


def member_networks(user, *, keep: int | None = None) -> QuerySet:
    """Networks `user` may share items in: those where the user is an active member.

    `keep` is the id of the network an edited item already has, which stays selectable.
    """
    mine = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values("network")
    shareable = Q(archived_at__isnull=True, pk__in=mine)
    if keep is not None:
        shareable |= Q(pk=keep)
    return Network.objects.filter(shareable).order_by("name")


def _versions_prefetch() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=FileVersion.objects.select_related("uploaded_by").order_by("-number"),
    )


def get_item_for_user(user, pk: int) -> Item:
    """Return an item with everything its page shows, or raise 404 when `user` may not read it.

    The item carries `has_marked_useful` for `user`.
    """
    items = (
        Item.objects.visible_to(user)
        .select_related(
            "author", "author__municipality", "municipality", "network", "contact_person"
        )
        .prefetch_related(
            "competences",
            "municipalities_involved",
            "links",
            Prefetch(
                "files",
                queryset=ItemFile.objects.order_by("created_at", "pk").prefetch_related(
                    _versions_prefetch()
                ),
            ),
        )
        .annotate(
            has_marked_useful=Exists(UsefulMark.objects.filter(item=OuterRef("pk"), user=user))
        )
    )
    try:
        return items.get(pk=pk)
    except Item.DoesNotExist:
        raise Http404 from None


def get_item_plain(user, pk: int) -> Item:
    """Return an item for a write, or raise 404 when `user` may not read it."""
    try:
        return Item.objects.visible_to(user).get(pk=pk)
    except Item.DoesNotExist:
        raise Http404 from None


def item_comments(item: Item, user) -> QuerySet:
    return (
        Comment.objects.visible_to(user)
        .filter(item=item)
        .select_related("author", "author__municipality")
        .order_by("created_at", "pk")
    )


def get_version_for_user(user, pk: int) -> FileVersion:
    try:
        return FileVersion.objects.visible_to(user).get(pk=pk)
    except FileVersion.DoesNotExist:
        raise Http404 from None


def get_item_file_for_user(user, pk: int) -> ItemFile:
    try:
        return ItemFile.objects.visible_to(user).select_related("item").get(pk=pk)
    except ItemFile.DoesNotExist:
        raise Http404 from None


def get_attachment_for_user(user, pk: int) -> MeetingAttachment:
    try:
        return MeetingAttachment.objects.visible_to(user).select_related("meeting").get(pk=pk)
    except MeetingAttachment.DoesNotExist:
        raise Http404 from None


def meeting_attachments(meeting, user) -> QuerySet:
    return MeetingAttachment.objects.visible_to(user).filter(meeting=meeting)
