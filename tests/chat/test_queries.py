"""The chat pages run a fixed number of queries at every data size."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from genbo.chat import services
from genbo.chat.models import Room
from tests.factories import NetworkFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db

SIZES = {"small": 2, "large": 12}


def _build(viewer, count: int):
    """Give `viewer` `count` rooms of each kind with unread messages; return one topic room."""
    authors = [UserFactory() for _ in range(3)]
    first_topic = None
    for index in range(count):
        network = NetworkFactory(access="closed" if index % 2 else "open")
        add_member(network, viewer)
        add_member(network, authors[0])
        topic = services.topic_room_create(creator=authors[1], name=f"Ämne {index}")
        direct = services.direct_room_open(creator=viewer, others=[authors[index % 3]])
        rooms = [services.network_room(network), topic, direct]
        for room in rooms:
            services.room_list_add(room=room, user=viewer)
            for _ in range(count):
                author = authors[0] if room.kind != "direct" else authors[index % 3]
                services.message_send(
                    room=room,
                    author=author,
                    body=f"Hej @[{viewer.get_full_name()}](user:{viewer.pk})",
                    client_id=uuid.uuid4(),
                )
        first_topic = first_topic or topic
    return first_topic


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


PAGES = {
    "index": lambda room: reverse("chat:index"),
    "room": lambda room: room.get_absolute_url(),
    "room_older": lambda room: room.get_absolute_url() + "?before=999999",
    "direct_room": lambda room: (
        Room.objects.filter(kind=Room.Kind.DIRECT).first().get_absolute_url()
    ),
}

# Each count starts with four for the signed-in visitor: the session, the user, and the
# unread notification and chat counts in the header.
# index (9): + my rooms with their networks and unread counts (a subquery), the other
#   people's names for the direct conversations among them, my networks, the topic rooms
#   count for the paginator and the page of topic rooms.
# room (8): + the room with its network, the page of messages with authors, the own room
#   row, and moving the read position to the newest message (one update).
# room_older (7): the same without the update, because an older page marks nothing read.
# direct_room (9): the same as room, and the names of the other people in it.
EXPECTED = {"index": 9, "room": 8, "room_older": 7, "direct_room": 9}


@pytest.mark.parametrize("page", sorted(EXPECTED))
@pytest.mark.parametrize("size", sorted(SIZES))
def test_query_count_is_pinned(client, settings, page, size):
    settings.GENBO_CHAT_RATE_MESSAGES = 100_000
    viewer = UserFactory()
    room = _build(viewer, SIZES[size])
    client.force_login(viewer)

    assert _count(client, PAGES[page](room)) == EXPECTED[page]
