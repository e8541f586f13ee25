"""Writes on chat rooms and messages, and the events that open sockets receive."""

import json
import logging
import math
import time
import uuid
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Max, Q, Subquery, Value
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from genbo.chat.models import MAX_DIRECT_PEOPLE, MAX_MESSAGE_LENGTH, Message, Room, RoomMember
from genbo.core.audit import audit_record
from genbo.core.header_counts import CHAT, NOTIFICATIONS, forget_counts
from genbo.core.names import clean_display_name, without_bidi_controls
from genbo.forum.mentions import MAX_MENTIONS_PER_POST, mentioned_ids, with_real_names
from genbo.forum.services import INVISIBLE_CHARACTERS
from genbo.networks.models import Membership, Network
from genbo.notifications.models import Notification
from genbo.notifications.services import notify_chat_mention

logger = logging.getLogger(__name__)


class RateLimited(ValidationError):
    """Raised when an employee sends more messages than the rate limit allows.

    `retry_after` is the number of whole seconds until one more message fits within the limit.
    """

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def user_group(user_id: int) -> str:
    """Return the channel-layer group that every open chat socket of one employee joins."""
    return f"chat-user-{user_id}"


def send_event(group: str, event: dict) -> None:
    """Send `event` to every socket in `group`; a failing channel layer is logged only.

    Callers run this after the commit, when the change is already stored, so a channel
    layer that is down costs real-time delivery but not the data.
    """
    try:
        async_to_sync(get_channel_layer().group_send)(group, event)
    except Exception:  # noqa: BLE001 - any layer failure (Redis down, full channel) is logged
        logger.exception("Sending chat event %s to %s failed", event.get("type"), group)


# Events that sockets receive. Consumers handle the type "chat.x" in the method chat_x.


def chat_access_changed(*, user_id: int) -> None:
    """Tell the open sockets of one employee to check their room's access again at once.

    The networks services call this after the commit when a membership ends, so that a
    removed member stops receiving a closed network's room immediately.
    """
    send_event(user_group(user_id), {"type": "chat.recheck"})


def chat_room_access_changed(*, room_id: int) -> None:
    """Tell every open socket of a room to check its access again, after the room changed."""
    send_event(f"chat-room-{room_id}", {"type": "chat.recheck"})


def chat_disconnect_user(user_id: int) -> None:
    """Close every open chat socket of one employee, such as one who was deactivated."""
    send_event(user_group(user_id), {"type": "chat.disconnect"})


def network_access_changed(*, network: Network) -> None:
    """Make the open sockets of `network`'s room check their access after the commit.

    Call it when the network becomes closed or is deleted. The page-header counts of
    everyone whose chat list contains the room, or who has an unread notification about the
    network, are counted again without what they may no longer read.
    """
    room_id = Room.objects.filter(network=network).values_list("pk", flat=True).first()
    if room_id is not None:
        transaction.on_commit(partial(chat_room_access_changed, room_id=room_id))
        forget_counts(
            CHAT, RoomMember.objects.filter(room_id=room_id).values_list("user_id", flat=True)
        )
    about_network = (
        Q(network=network) | Q(thread__network=network) | Q(chat_message__room__network=network)
    )
    recipients = (
        Notification.objects.unread().filter(about_network).values_list("recipient_id", flat=True)
    )
    forget_counts(NOTIFICATIONS, recipients.distinct())


def membership_ended(*, user_id: int) -> None:
    """Make the employee's open sockets check their access after the commit.

    The unread counts in the employee's page header are counted again, without the
    network's messages and notifications.
    """
    transaction.on_commit(partial(chat_access_changed, user_id=user_id))
    forget_counts(CHAT, [user_id])
    forget_counts(NOTIFICATIONS, [user_id])


# Rooms


def network_room(network: Network) -> Room:
    """Return the room of `network`, created the first time someone opens it."""
    room, _created = Room.objects.get_or_create(
        network=network, defaults={"kind": Room.Kind.NETWORK}
    )
    return room


@transaction.atomic
def topic_room_create(*, creator, name: str, description: str = "") -> Room:
    try:
        name = clean_display_name(name)
    except ValidationError as error:
        raise ValidationError({"name": error}) from None
    if not name:
        raise ValidationError({"name": _("Give the room a name.")})
    # Compared in Python, because SQLite matches case-insensitively only in ASCII, not Å, Ä, Ö.
    taken = Room.objects.filter(kind=Room.Kind.TOPIC).values_list("name", flat=True)
    if any(other.casefold() == name.casefold() for other in taken.iterator()):
        raise ValidationError({"name": _("A topic room with that name already exists.")})
    room = Room(
        kind=Room.Kind.TOPIC,
        name=name,
        description=without_bidi_controls(description).strip(),
        created_by=creator,
    )
    room.full_clean()
    room.save()
    RoomMember.objects.create(room=room, user=creator)
    audit_record(action="chat_room.create", actor=creator, target=room, room_id=room.pk)
    return room


@transaction.atomic
def direct_room_open(*, creator, others) -> Room:
    """Return the direct conversation of `creator` and `others`, created when new."""
    people = {person.pk: person for person in others if person.is_active}
    people.pop(creator.pk, None)
    if not people:
        raise ValidationError({"people": _("Choose at least one colleague to write to.")})
    if len(people) + 1 > MAX_DIRECT_PEOPLE:
        raise ValidationError(
            {
                "people": _("A direct conversation can have at most %(limit)d people.")
                % {"limit": MAX_DIRECT_PEOPLE}
            }
        )
    ids = sorted([creator.pk, *people])
    key = "-".join(str(user_id) for user_id in ids)
    room = Room.objects.filter(direct_key=key).first()
    if room is not None:
        return room
    names = sorted(person.get_full_name() for person in [creator, *people.values()])
    room = Room.objects.create(
        kind=Room.Kind.DIRECT, name=", ".join(names)[:80], direct_key=key, created_by=creator
    )
    RoomMember.objects.bulk_create(
        [RoomMember(room=room, user_id=user_id, is_participant=True) for user_id in ids]
    )
    forget_counts(CHAT, ids)
    return room


def room_list_add(*, room: Room, user) -> RoomMember:
    """Put `room` in the list of `user`, where its unread messages are counted.

    A new row starts as read up to the newest message, so joining shows no backlog as unread.
    """
    member = RoomMember.objects.filter(room=room, user=user).first()
    if member is None:
        member, _created = RoomMember.objects.get_or_create(
            room=room, user=user, defaults={"last_read_id": _newest_id(room)}
        )
        forget_counts(CHAT, [user.pk])
    return member


def room_list_remove(*, room: Room, user) -> None:
    """Take a network or topic room out of the list of `user`; direct ones stay."""
    if room.kind == Room.Kind.DIRECT:
        raise ValidationError(_("You cannot leave a direct conversation."))
    RoomMember.objects.filter(room=room, user=user).delete()
    forget_counts(CHAT, [user.pk])


def _newest_id(room: Room) -> int:
    return Message.objects.filter(room=room).aggregate(newest=Max("pk"))["newest"] or 0


def room_mark_read(*, room: Room, user, message_id: int) -> None:
    """Move the read position of `user` in `room` forward to `message_id`, never back.

    The position stops at the room's newest message, so that an id from the future does
    not hide the unread count of messages that have not been written yet. One query.
    """
    newest = Subquery(Message.objects.filter(room=room).order_by("-pk").values("pk")[:1])
    moved = (
        RoomMember.objects.filter(room=room, user=user, last_read_id__lt=message_id)
        .filter(last_read_id__lt=newest)
        .update(last_read_id=Least(Value(message_id, output_field=BigIntegerField()), newest))
    )
    if moved:
        forget_counts(CHAT, [user.pk])


# Messages


def check_rate(user_id: int) -> None:
    """Raise RateLimited when `user_id` has sent GENBO_CHAT_RATE_MESSAGES messages within
    the last GENBO_CHAT_RATE_SECONDS.

    The times of the stored messages within that span live in the cache, so with Redis all
    app processes share them. A rejected message is not counted, and no message gets in
    before the time that the rejection gave in `retry_after`, because the oldest time
    leaves the span only then. That keeps the messages a browser sends again in order.
    """
    window = settings.GENBO_CHAT_RATE_SECONDS
    limit = settings.GENBO_CHAT_RATE_MESSAGES
    now = time.time()
    key = f"chat-rate:{user_id}"
    # NOTE: reading and writing the times is not atomic, so two messages of one employee
    # handled at the same moment by two processes can both pass the last free place.
    recent = [sent for sent in cache.get(key, []) if sent > now - window]
    if len(recent) >= limit:
        retry_after = max(1, math.ceil(recent[-limit] + window - now))
        raise RateLimited(
            ngettext(
                "You are sending messages too fast. Wait %(seconds)d second and try again.",
                "You are sending messages too fast. Wait %(seconds)d seconds and try again.",
                retry_after,
            )
            % {"seconds": retry_after},
            retry_after=retry_after,
        )
    recent.append(now)
    cache.set(key, recent, timeout=window + 1)


def _encodes_as_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_body(body) -> str:
    """Return the message text, or raise ValidationError when it is empty, too long or invalid."""
    if not isinstance(body, str):
        raise ValidationError(_("The message must be text."))
    if "\x00" in body:
        # The plain form refuses this through Django's validator; PostgreSQL cannot store it.
        raise ValidationError(_("Null characters are not allowed."))
    if not _encodes_as_utf8(body):
        # JSON can carry a lone UTF-16 surrogate such as "\ud800", which JavaScript's
        # JSON.stringify writes for a string cut in the middle of an emoji. It has no
        # UTF-8 form, so neither PostgreSQL nor SQLite can store it.
        raise ValidationError(
            _("The message contains an invalid character. Remove it and try again.")
        )
    if not body.translate(INVISIBLE_CHARACTERS).strip():
        raise ValidationError(_("Write a message before you send it."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            _("The message is %(length)d characters long. The limit is %(limit)d characters.")
            % {"length": len(body), "limit": MAX_MESSAGE_LENGTH}
        )
    if len(mentioned_ids(body)) > MAX_MENTIONS_PER_POST:
        raise ValidationError(
            _("You can mention at most %(limit)d colleagues in one message.")
            % {"limit": MAX_MENTIONS_PER_POST}
        )
    return body


def users_who_can_read_room(room: Room, users):
    """Filter the user queryset `users` to the active employees who may read `room`."""
    users = users.filter(is_active=True)
    if room.kind == Room.Kind.TOPIC:
        return users
    if room.kind == Room.Kind.DIRECT:
        return users.filter(chat_rooms__room=room, chat_rooms__is_participant=True)
    if room.network.is_closed:
        return users.filter(
            memberships__network_id=room.network_id,
            memberships__status=Membership.Status.ACTIVE,
        )
    return users


def _readable_mentions(room: Room, body: str, *, author) -> tuple[str, list[int]]:
    ids = [user_id for user_id in mentioned_ids(body) if user_id != author.pk]
    if not ids:
        return body, []
    readers = list(users_who_can_read_room(room, get_user_model().objects.filter(pk__in=ids)))
    found = {reader.pk for reader in readers}
    return with_real_names(body, readers), [user_id for user_id in ids if user_id in found]


def _check_can_write(room: Room, user) -> None:
    if not Room.objects.visible_to(user).filter(pk=room.pk).exists():
        raise PermissionDenied("The room is not visible to this user.")


def _broadcast(message_id: int, event_type: str) -> None:
    from genbo.chat.selectors import message_payload

    message = Message.objects.select_related("author").get(pk=message_id)
    frame_type = "message" if event_type == "chat.message" else "changed"
    # The frame is serialised here once, not once per socket that forwards it.
    frame = json.dumps(
        {"type": frame_type, "message": message_payload(message)}, ensure_ascii=False
    )
    send_event(message.room.group_name, {"type": event_type, "frame": frame})


def message_send(*, room: Room, author, body, client_id) -> tuple[Message, bool]:
    """Store a message once per (author, client_id); return it and whether it is new.

    A repeated client id returns the stored message unchanged, so a browser that sends
    again after a lost connection never makes a duplicate. New messages are broadcast to
    the room and notify the people mentioned, both after the commit.
    """
    try:
        client_id = uuid.UUID(str(client_id))
    except ValueError as error:
        raise ValidationError(_("The message has no valid client id.")) from error
    existing = Message.objects.filter(author=author, client_id=client_id).first()
    if existing is not None:
        if existing.room_id != room.pk:
            raise ValidationError(_("The client id is already used for another message."))
        return existing, False
    body = clean_body(body)
    _check_can_write(room, author)
    check_rate(author.pk)
    try:
        with transaction.atomic():
            message = Message(room=room, author=author, client_id=client_id)
            message.body, message.mentioned_ids = _readable_mentions(room, body, author=author)
            message.save()
            Room.objects.filter(pk=room.pk).update(last_message_at=message.created_at)
            RoomMember.objects.filter(room=room, user=author).update(last_read_id=message.pk)
            if message.mentioned_ids:
                notify_chat_mention(
                    recipient_ids=message.mentioned_ids, actor=author, message=message
                )
            _forget_member_counts(room)
            transaction.on_commit(partial(_broadcast, message.pk, "chat.message"))
    except IntegrityError:
        # The same client id arrived twice at once, through two sockets or processes.
        existing = Message.objects.filter(author=author, client_id=client_id).first()
        if existing is None:
            raise
        return existing, False
    return message, True


def _forget_member_counts(room: Room) -> None:
    """Forget the unread chat counts of everyone with `room` in their list."""
    member_ids = RoomMember.objects.filter(room=room).values_list("user_id", flat=True)
    forget_counts(CHAT, list(member_ids))


def _check_own(message: Message, user) -> None:
    if message.author_id != user.pk:
        raise PermissionDenied("Only the author may change a message.")
    if message.is_deleted:
        raise ValidationError(_("The message is deleted."))


@transaction.atomic
def message_edit(*, message: Message, by, body) -> Message:
    _check_own(message, by)
    body = clean_body(body)
    _check_can_write(message.room, by)
    old_mentions = set(message.mentioned_ids)
    message.body, message.mentioned_ids = _readable_mentions(message.room, body, author=by)
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "mentioned_ids", "edited_at"])
    new_mentions = [pk for pk in message.mentioned_ids if pk not in old_mentions]
    if new_mentions:
        notify_chat_mention(recipient_ids=new_mentions, actor=by, message=message)
    transaction.on_commit(partial(_broadcast, message.pk, "chat.changed"))
    return message


@transaction.atomic
def message_delete(*, message: Message, by) -> Message:
    """Delete the text of one's own message; the room shows that a message was deleted."""
    _check_own(message, by)
    message.body = ""
    message.mentioned_ids = []
    message.deleted_at = timezone.now()
    message.save(update_fields=["body", "mentioned_ids", "deleted_at"])
    audit_record(action="chat_message.delete", actor=by, target=message, room_id=message.room_id)
    _forget_member_counts(message.room)
    transaction.on_commit(partial(_broadcast, message.pk, "chat.changed"))
    return message
