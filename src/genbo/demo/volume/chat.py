"""Volume stage for the chat: one room per network and its messages, by its members."""

import uuid
from datetime import timedelta

from django.db import connection

from genbo.chat.models import Message, Room
from genbo.demo.chat import NETWORK_LINES
from genbo.demo.volume.base import Progress, SeedContext, batched, bulk_insert

HISTORY_DAYS = 365
COPY_BATCH = 20_000


def seed_chat(context: SeedContext) -> int:
    """Create every network's room and spread the chat messages over them by member count.

    Messages are written with COPY on PostgreSQL, because two million rows through
    bulk_create take several minutes; SQLite takes them through bulk_create.
    """
    rng = context.rng
    rooms = bulk_insert(
        context,
        Room,
        (
            Room(kind=Room.Kind.NETWORK, network_id=network_id, created_at=context.now)
            for network_id in context.network_ids
        ),
        label="chat rooms",
        total=len(context.network_ids),
    )
    weights = [len(context.network_members[room.network_id]) for room in rooms]
    total = context.size.chat_messages
    started_at = context.now - timedelta(days=HISTORY_DAYS)
    step = timedelta(days=HISTORY_DAYS) / max(total, 1)

    def messages():
        chosen = rng.choices(range(len(rooms)), weights=weights, k=total)
        for number, index in enumerate(chosen):
            room = rooms[index]
            yield (
                room.pk,
                rng.choice(context.network_members[room.network_id]),
                uuid.UUID(int=rng.getrandbits(128), version=4),
                rng.choice(NETWORK_LINES),
                started_at + step * number,
            )

    progress = Progress(context.out, "chat messages", total)
    if connection.vendor == "postgresql":
        _copy_messages(messages(), progress)
    else:
        for batch in batched(messages(), COPY_BATCH):
            Message.objects.bulk_create(
                [
                    Message(
                        room_id=room_id,
                        author_id=author_id,
                        client_id=client_id,
                        body=body,
                        created_at=created_at,
                    )
                    for room_id, author_id, client_id, body, created_at in batch
                ],
                batch_size=1000,
            )
            progress.advance(len(batch))
    progress.finish()
    Room.objects.filter(pk__in=[room.pk for room in rooms]).update(last_message_at=context.now)
    return total


def _copy_messages(rows, progress: Progress) -> None:
    table = connection.ops.quote_name(Message._meta.db_table)
    columns = "room_id, author_id, client_id, body, mentioned_ids, created_at"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for batch in batched(rows, COPY_BATCH):
                for room_id, author_id, client_id, body, created_at in batch:
                    copy.write_row((room_id, author_id, client_id, body, "[]", created_at))
                progress.advance(len(batch))
