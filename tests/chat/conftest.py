"""Chat fixtures: rooms for the personas, and real WebSocket clients on the ASGI application."""

import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from genbo.asgi import application
from genbo.chat import services
from genbo.chat.models import Room

# Seconds a test waits for a frame that should arrive.
FRAME_TIMEOUT = 3


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    """Lift the rate limit, which tests reach by writing many messages; some set it again."""
    settings.GENBO_CHAT_RATE_MESSAGES = 10_000


@pytest.fixture(autouse=True)
def empty_channel_layer():
    """Start each test with an empty in-memory channel layer.

    Each test runs its sockets in its own event loop. A socket left open by an earlier
    test would keep a waiting receive bound to that closed loop, and the in-memory layer
    fails when it wakes it.
    """
    layer = get_channel_layer()
    if hasattr(layer, "flush"):
        async_to_sync(layer.flush)()


@pytest.fixture
def topic_room(employee):
    return services.topic_room_create(creator=employee, name="Kaffe och klarspråk")


@pytest.fixture
def closed_room(closed_network):
    return services.network_room(closed_network)


@pytest.fixture
def open_room(open_network):
    return services.network_room(open_network)


@pytest.fixture
def direct_room(employee, member):
    return services.direct_room_open(creator=employee, others=[member])


def session_key_for(user) -> str:
    """Sign `user` in through Django's test client and return the session key."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def send_message(room: Room, author, body: str = "Hej allihop!"):
    message, _created = services.message_send(
        room=room, author=author, body=body, client_id=uuid.uuid4()
    )
    return message


class ChatSocket:
    """A WebSocket client of one chat room, speaking JSON frames."""

    def __init__(self, room_id: int, session_key: str | None):
        self.session_key = session_key
        headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
        if session_key:
            cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
            headers.append((b"cookie", cookie.encode()))
        self.communicator = WebsocketCommunicator(
            application, f"/ws/chat/rooms/{room_id}/", headers=headers
        )

    async def open(self) -> bool:
        connected, _subprotocol = await self.communicator.connect(timeout=FRAME_TIMEOUT)
        return connected

    async def send(self, frame) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame)
        await self.communicator.send_to(text_data=text)

    async def receive(self) -> dict:
        return json.loads(await self.communicator.receive_from(timeout=FRAME_TIMEOUT))

    async def receive_type(self, frame_type: str) -> dict:
        """Return the next frame of `frame_type`, skipping others such as the sender's echo."""
        while True:
            frame = await self.receive()
            if frame["type"] == frame_type:
                return frame

    async def close_code(self) -> int:
        """Wait for the server to close the socket and return the close code."""
        while True:
            output = await self.communicator.receive_output(timeout=FRAME_TIMEOUT)
            if output["type"] == "websocket.close":
                return output.get("code")

    async def nothing_arrives(self, seconds: float = 0.3) -> bool:
        return await self.communicator.receive_nothing(timeout=seconds)

    async def disconnect(self) -> None:
        await self.communicator.disconnect()


async def open_socket(room: Room, user) -> ChatSocket:
    from channels.db import database_sync_to_async

    key = await database_sync_to_async(session_key_for)(user)
    socket = ChatSocket(room.pk, key)
    assert await socket.open()
    return socket
