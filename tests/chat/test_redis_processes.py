"""Two app processes on 127.0.0.1 sharing Redis: a message sent to one reaches the other.

Needs Redis at GENBO_REDIS_TEST_URL (default redis://127.0.0.1:6379/11); without it the
tests are skipped with the reason, which GENBO_REQUIRE_ALL=1 turns into a failure.
"""

import asyncio
import json
import sqlite3
import uuid

import pytest
from websockets.exceptions import ConnectionClosed

from tests.chat.live import LiveChat, connect, redis_reachable, redis_url

FRAME_TIMEOUT = 10
# Seconds a test holds the database's write lock, longer than one keep-alive ping interval
# plus its timeout on the `pinging_chat` servers.
LOCK_HELD_SECONDS = 4

REMOVE_FROM_NETWORK = """
import sys
import django
django.setup()
from genbo.accounts.models import User
from genbo.chat import services as chat_services
from genbo.networks import services
from genbo.networks.models import Membership, Network

convener, member = User.objects.get(pk=int(sys.argv[1])), User.objects.get(pk=int(sys.argv[2]))
action = sys.argv[3]
if action == "create":
    network = services.network_create(
        creator=convener, name="Stängt nätverk", slug="stangt", purpose="Test", access="closed"
    )
    services.membership_add(network=network, user=member, by=convener)
    print(chat_services.network_room(network).pk)
else:
    membership = Membership.objects.get(network__slug="stangt", user=member)
    services.membership_remove(membership=membership, by=convener)
    print("removed")
"""


@pytest.fixture(scope="module")
def live_chat(tmp_path_factory):
    if not redis_reachable(redis_url()):
        pytest.skip(f"Redis is not reachable at {redis_url()}")
    chat = LiveChat(tmp_path_factory.mktemp("chat-live"), processes=2)
    try:
        chat.start()
        chat.data = chat.setup_users(3)
        yield chat
    finally:
        chat.stop()


@pytest.fixture(scope="module")
def pinging_chat(tmp_path_factory):
    """One app process that pings every socket each second and closes it after 1 s silence."""
    if not redis_reachable(redis_url()):
        pytest.skip(f"Redis is not reachable at {redis_url()}")
    chat = LiveChat(
        tmp_path_factory.mktemp("chat-pinging"),
        processes=1,
        server_options=["--ws-ping-interval", "1", "--ws-ping-timeout", "1"],
    )
    try:
        chat.start()
        chat.data = chat.setup_users(1)
        yield chat
    finally:
        chat.stop()


async def _next_of_type(websocket, frame_type: str) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(websocket.recv(), FRAME_TIMEOUT))
        if frame["type"] == frame_type:
            return frame


def test_message_crosses_processes(live_chat):
    data = live_chat.data
    room = data["room"]

    async def scenario():
        first_url = live_chat.socket_url(0, room)
        second_url = live_chat.socket_url(1, room)
        async with (
            connect(first_url, data["sessions"][0], live_chat.ports[0]) as writer,
            connect(second_url, data["sessions"][1], live_chat.ports[1]) as reader,
        ):
            client_id = str(uuid.uuid4())
            frame = {"type": "send", "client_id": client_id, "body": "Hej från process ett"}
            await writer.send(json.dumps(frame))

            ack = await _next_of_type(writer, "ack")
            arrived = await _next_of_type(reader, "message")
            return ack, arrived

    ack, arrived = asyncio.run(scenario())

    assert arrived["message"]["id"] == ack["message"]["id"]
    assert arrived["message"]["author_id"] == live_chat.data["users"][0]
    assert "Hej från process ett" in arrived["message"]["html"]


def test_session_of_one_process_works_on_other(live_chat):
    data = live_chat.data

    async def scenario():
        url = live_chat.socket_url(1, data["room"])
        async with connect(url, data["sessions"][2], live_chat.ports[1]) as websocket:
            frame = {"type": "send", "client_id": str(uuid.uuid4()), "body": "Process två"}
            await websocket.send(json.dumps(frame))
            return await _next_of_type(websocket, "ack")

    ack = asyncio.run(scenario())

    assert ack["message"]["author_id"] == data["users"][2]


def test_removal_in_another_process_closes_socket(live_chat):
    # The member reads through process two; the removal happens in a third process and
    # the convener writes through process one right after it.
    data = live_chat.data
    convener, member = (str(user_id) for user_id in data["users"][:2])
    room = int(live_chat.run_python(REMOVE_FROM_NETWORK, convener, member, "create"))

    async def scenario():
        reader_url = live_chat.socket_url(1, room)
        writer_url = live_chat.socket_url(0, room)
        async with (
            connect(reader_url, data["sessions"][1], live_chat.ports[1]) as reader,
            connect(writer_url, data["sessions"][0], live_chat.ports[0]) as writer,
        ):
            await writer.send(
                json.dumps({"type": "send", "client_id": str(uuid.uuid4()), "body": "Före"})
            )
            await _next_of_type(reader, "message")
            await asyncio.to_thread(
                live_chat.run_python, REMOVE_FROM_NETWORK, convener, member, "remove"
            )
            frame = {"type": "send", "client_id": str(uuid.uuid4()), "body": "Efter"}
            await writer.send(json.dumps(frame))
            await _next_of_type(writer, "ack")
            received = []
            try:
                while True:
                    received.append(await asyncio.wait_for(reader.recv(), FRAME_TIMEOUT))
            except ConnectionClosed:
                return reader.close_code, received

    close_code, received = asyncio.run(scenario())

    assert close_code == 4403
    assert not [frame for frame in received if "Efter" in frame]


def test_sends_waiting_for_database_are_all_stored(pinging_chat):
    # While a frame waits for the database, the socket must go on reading. Otherwise the
    # client's pong frames stay unread, the server closes the socket after the ping
    # timeout, and the frames not handled yet are lost.
    data = pinging_chat.data
    client_ids = [str(uuid.uuid4()) for _ in range(3)]

    async def scenario():
        url = pinging_chat.socket_url(0, data["room"])
        async with connect(url, data["sessions"][0], pinging_chat.ports[0]) as websocket:
            lock = sqlite3.connect(pinging_chat.database_path, isolation_level=None)
            lock.execute("BEGIN IMMEDIATE")
            try:
                for client_id in client_ids:
                    frame = {"type": "send", "client_id": client_id, "body": "Väntar på databasen"}
                    await websocket.send(json.dumps(frame))
                await asyncio.sleep(LOCK_HELD_SECONDS)
            finally:
                lock.execute("COMMIT")
                lock.close()
            acks = [await _next_of_type(websocket, "ack") for _ in client_ids]
            return [ack["client_id"] for ack in acks]

    assert asyncio.run(scenario()) == client_ids
