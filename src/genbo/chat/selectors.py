"""Reads for the chat pages and sockets, each a fixed number of queries."""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import F, IntegerField, OuterRef, Q, Subquery
from django.http import Http404
from django.utils.formats import date_format
from django.utils.timezone import localtime

from genbo.chat.models import Message, Room, RoomMember
from genbo.core.collation import swedish_sort_key
from genbo.core.prepared import PreparedQuery
from genbo.forum.mentions import render_chat_message_body
from genbo.search.functions import Folded
from genbo.search.text import fold

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


def messages_changed_between(
    room: Room, first_id: int, last_id: int, *, scan_limit: int
) -> tuple[list[Message], bool]:
    """Return the edited or deleted messages of `room` with ids from `first_id` to `last_id`.

    Only the newest `scan_limit` messages of that range are looked at, through the (room,
    id) index, so the cost does not grow with the range a browser names. The second
    value is True when the range contains older messages that were not looked at. Two
    queries.
    """
    in_range = Message.objects.filter(room=room, pk__gte=first_id, pk__lte=last_id).order_by("-pk")
    scanned_ids = in_range.values("pk")[:scan_limit]
    changed = list(
        Message.objects.filter(pk__in=scanned_ids)
        .filter(Q(edited_at__isnull=False) | Q(deleted_at__isnull=False))
        .select_related("author")
        .order_by("pk")
    )
    truncated = in_range[scan_limit : scan_limit + 1].exists()
    return changed, truncated


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
        else str(render_chat_message_body(message.body, message.mentioned_ids)),
        "created_at": created.isoformat(),
        "time": date_format(created, "Y-m-d H:i"),
        "edited": message.edited_at is not None,
        "deleted": message.is_deleted,
    }


class _CappedCount(Subquery):
    """The number of rows of a sliced queryset, counted in the database.

    The slice's LIMIT lets the database stop early, so counting the unread messages of a
    room with 100,000 of them costs no more than counting UNREAD_BADGE_LIMIT.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()


def _unread_in_room(user) -> _CappedCount:
    """Count the unread messages of the outer RoomMember row, up to UNREAD_BADGE_LIMIT."""
    return _CappedCount(
        Message.objects.filter(
            room=OuterRef("room"), pk__gt=OuterRef("last_read_id"), deleted_at__isnull=True
        )
        .exclude(author=user)
        # In id order the database walks the (room, id) index and stops at the limit.
        .order_by("pk")
        .values("pk")[:UNREAD_BADGE_LIMIT]
    )


def my_rooms(user) -> list[RoomMember]:
    """Return the rooms in the list of `user` with their unread counts, newest activity first.

    A count stops at UNREAD_BADGE_LIMIT, which the list shows as "more than 99".
    Direct conversations are named after the other people in them.
    """
    members = list(
        RoomMember.objects.visible_to(user)
        .select_related("room__network")
        .annotate(unread=_unread_in_room(user))
        .order_by(F("room__last_message_at").desc(nulls_last=True), "room__pk")
    )
    name_direct_rooms([member.room for member in members], user)
    return members


def name_direct_rooms(rooms: Iterable[Room], user) -> None:
    """Set `other_names` on the direct conversations in `rooms`: everyone in them but `user`.

    Runs one query, or none when no room in `rooms` is a direct conversation.
    """
    direct = {room.pk: room for room in rooms if room.kind == Room.Kind.DIRECT}
    if not direct:
        return
    names = defaultdict(list)
    participants = (
        RoomMember.objects.filter(room_id__in=direct, is_participant=True)
        .exclude(user=user)
        .values_list("room_id", "user__first_name", "user__last_name")
    )
    for room_id, first_name, last_name in participants:
        names[room_id].append(f"{first_name} {last_name}".strip())
    for room_id, room_names in names.items():
        direct[room_id].other_names = ", ".join(sorted(room_names, key=swedish_sort_key))


def direct_people_suggestions(user, text: str, *, limit: int = 8) -> list:
    """Return active colleagues other than `user` whose name or e-mail address starts with `text`.

    Names are matched as in `_people_by_name_or_address`.
    """
    people = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    return _people_by_name_or_address(people, text, limit)


def mention_candidates(room: Room, user, text: str, *, limit: int = 8) -> list:
    """Return the active colleagues who may read `room` and whose name or e-mail address
    starts with `text`.

    Names are matched as in `_people_by_name_or_address`. `user` is left out, because
    mentioning oneself notifies nobody.
    """
    from genbo.chat.services import users_who_can_read_room

    people = users_who_can_read_room(room, get_user_model().objects.exclude(pk=user.pk))
    return _people_by_name_or_address(people, text, limit)


def _people_by_name_or_address(people, text: str, limit: int) -> list:
    """Return up to `limit` of the user queryset `people` whose name or address starts with `text`.

    Each word of `text` (up to three) must start the first name, the last name or the
    address. When no name matches as typed, the names are compared folded, so that
    "bergstrom" finds Bergström.
    """
    words = text.split()[:3]
    if not words:
        return []
    as_typed = people
    for word in words:
        as_typed = as_typed.filter(
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(email__istartswith=word)
        )
    found = _first_people(as_typed, limit)
    if found:
        return found
    # NOTE: both comparisons read every employee row, and the folded one costs more:
    # 60 ms instead of 11 ms for 30,000 synthetic names on PostgreSQL (psql, a 2-core
    # machine), so it runs only when the names as typed match nobody. "Soder" therefore
    # lists a Soderberg but not a Söderberg. An expression index on the folded names
    # with text_pattern_ops would avoid the scan.
    folded_people = people.alias(first_folded=Folded("first_name"), last_folded=Folded("last_name"))
    for word in words:
        folded = fold(unicodedata.normalize("NFC", word).casefold())
        folded_people = folded_people.filter(
            Q(first_folded__startswith=folded)
            | Q(last_folded__startswith=folded)
            | Q(email__istartswith=word)
        )
    return _first_people(folded_people, limit)


def _first_people(people, limit: int) -> list:
    return list(
        people.select_related("municipality").order_by("first_name", "last_name", "pk")[:limit]
    )


def topic_rooms(user):
    """Return the topic rooms as a queryset for a paginator, most recently active first."""
    return (
        Room.objects.visible_to(user)
        .filter(kind=Room.Kind.TOPIC)
        .order_by(F("last_message_at").desc(nulls_last=True), "name")
    )


def _rooms_of(user_id: int):
    # An unsaved active user takes the member's place while the query compiles.
    member = get_user_model()(pk=user_id, is_active=True)
    return RoomMember.objects.visible_to(member).annotate(unread=_unread_in_room(member))


# The header's count, compiled once per process. At full volume, building and running the
# query took 2.9 ms of CPU, and running the compiled one takes 0.3 ms.
_rooms_with_unread = PreparedQuery(_rooms_of, "user_id")


def unread_total(user) -> int:
    """Count the unread messages in the rooms of `user`, up to UNREAD_BADGE_LIMIT, in one query.

    Each room is counted on its own through the (room, id) index from the member's read
    position, so the cost follows the number of rooms, not the messages in them.
    """
    if not user.is_authenticated or not user.is_active:
        return 0
    total = sum(member.unread for member in _rooms_with_unread.run(user_id=user.pk))
    return min(total, UNREAD_BADGE_LIMIT)


def can_read_room(user_id: int, room_id: int) -> bool:
    """Tell whether the active employee `user_id` may still read the room `room_id`."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    return Room.objects.visible_to(user).filter(pk=room_id).exists()
