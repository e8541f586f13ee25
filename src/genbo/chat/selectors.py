"""Reads for the chat pages and sockets, each a fixed number of queries."""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.formats import date_format
from django.utils.timezone import localtime

from genbo.chat.models import Message, Room, RoomMember, room_access_q
from genbo.forum.mentions import render_post_body

MESSAGES_PER_PAGE = 50
# The badge in the header counts up to this many unread messages and then shows "99+",
# so that its one query stays cheap for someone who has not read for months.
UNREAD_BADGE_LIMIT = 100
TOPIC_ROOMS_PER_PAGE = 30


def get_room_for_user(user, room_id) -> Room:
    """Return the room `room_id` if `user` may read it; raise Http404 otherwise."""
    try:
        room_id = int(room_id)
    except (TypeError, ValueError) as error:
        raise Http404("No such chat room.") from error
    room = Room.objects.visible_to(user).select_related("network").filter(pk=room_id).first()
    if room is None:
        raise Http404("No such chat room.")
    return room


def get_message_for_user(user, message_id: int) -> Message:
    message = (
        Message.objects.visible_to(user)
        .select_related("room__network", "author")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise Http404("No such chat message.")
    return message


def message_page(room: Room, *, before: int | None = None) -> tuple[list[Message], bool]:
    """Return up to MESSAGES_PER_PAGE messages older than `before`, oldest first.

    The second value is True when older messages remain. Paging goes by message id,
    so new messages arriving meanwhile do not shift the pages.
    """
    messages = Message.objects.filter(room=room).select_related("author").order_by("-pk")
    if before is not None:
        messages = messages.filter(pk__lt=before)
    rows = list(messages[: MESSAGES_PER_PAGE + 1])
    has_older = len(rows) > MESSAGES_PER_PAGE
    return list(reversed(rows[:MESSAGES_PER_PAGE])), has_older


def messages_after(room: Room, after_id: int, *, limit: int) -> list[Message]:
    """Return the messages of `room` with an id above `after_id`, oldest first, at most `limit`."""
    return list(
        Message.objects.filter(room=room, pk__gt=after_id)
        .select_related("author")
        .order_by("pk")[:limit]
    )


def message_payload(message: Message) -> dict:
    """Return the JSON form of `message` that sockets send to browsers.

    `html` is the sanitised Markdown, empty for a deleted message.
    """
    author = message.author
    created = localtime(message.created_at)
    return {
        "id": message.pk,
        "room": message.room_id,
        "client_id": str(message.client_id),
        "author_id": message.author_id,
        "author_name": author.get_full_name() if author else "",
        "html": ""
        if message.is_deleted
        else str(render_post_body(message.body, message.mentioned_ids)),
        "created_at": created.isoformat(),
        "time": date_format(created, "Y-m-d H:i"),
        "edited": message.edited_at is not None,
        "deleted": message.is_deleted,
    }


def _unread_subquery(user):
    unread = (
        Message.objects.filter(
            room=OuterRef("room"), pk__gt=OuterRef("last_read_id"), deleted_at__isnull=True
        )
        .exclude(author=user)
        .order_by()
        .values("room")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(unread), 0)


def my_rooms(user) -> list[RoomMember]:
    """Return the rooms in the list of `user` with their unread counts, newest activity first."""
    return list(
        RoomMember.objects.visible_to(user)
        .select_related("room__network")
        .annotate(unread=_unread_subquery(user))
        .order_by(F("room__last_message_at").desc(nulls_last=True), "room__pk")
    )


def topic_rooms(user):
    """Return the topic rooms as a queryset for a paginator, most recently active first."""
    return (
        Room.objects.visible_to(user)
        .filter(kind=Room.Kind.TOPIC)
        .order_by(F("last_message_at").desc(nulls_last=True), "name")
    )


def unread_total(user) -> int:
    """Count the unread messages in the rooms of `user`, up to UNREAD_BADGE_LIMIT, in one query."""
    if not user.is_authenticated or not user.is_active:
        return 0
    unread = (
        Message.objects.filter(
            Q(room__members__user=user) & Q(pk__gt=F("room__members__last_read_id")),
            room_access_q(user, "room"),
            deleted_at__isnull=True,
        )
        .exclude(author=user)
        .values("pk")[:UNREAD_BADGE_LIMIT]
    )
    return unread.count()


def can_read_room(user_id: int, room_id: int) -> bool:
    """Tell whether the active employee `user_id` may still read the room `room_id`."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    return Room.objects.visible_to(user).filter(pk=room_id).exists()
