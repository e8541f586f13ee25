"""Defects found by hand-testing the demo, kept as tests until they are fixed."""

import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib import admin
from django.test import RequestFactory

from genbo.chat import consumers
from genbo.networks.models import Network
from tests.chat.conftest import open_socket, send_message

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run(scenario):
    async_to_sync(scenario)()


def _close_in_admin(network: Network, staff) -> None:
    # What the admin's change form does after validation: NetworkAdmin.save_model.
    request = RequestFactory().post("/admin/")
    request.user = staff
    network.access = Network.Access.CLOSED
    admin.site._registry[Network].save_model(request, network, form=None, change=True)


def test_admin_closing_network_stops_outsider(open_room, open_network, convener, outsider):
    # Closing the network through the network's edit page closes the socket at once;
    # the admin's change form must not leave a non-member reading the room.
    async def scenario():
        socket = await open_socket(open_room, outsider)
        await database_sync_to_async(_close_in_admin)(open_network, convener)
        await database_sync_to_async(send_message)(open_room, convener, "Bara för medlemmar")

        frames, close_code = [], None
        try:
            while close_code is None:
                output = await socket.communicator.receive_output(timeout=3)
                if output["type"] == "websocket.close":
                    close_code = output["code"]
                else:
                    frames.append(output["text"])
        except TimeoutError:
            pass
        assert not [frame for frame in frames if "Bara för medlemmar" in frame]
        assert close_code == consumers.CLOSE_NO_ACCESS

    run(scenario)


def test_lone_surrogate_rejected_without_crash(topic_room, employee):
    # The browser resends every message it has no "ack" for after any close, so a
    # message that closes the socket with 1011 is sent again after every reconnection.
    async def scenario():
        socket = await open_socket(topic_room, employee)
        # A lone surrogate is valid in JSON but cannot be encoded as UTF-8 for the database.
        body = '"trasig \\ud800 text"'
        frame = f'{{"type": "send", "client_id": "{uuid.uuid4()}", "body": {body}}}'
        await socket.communicator.send_to(text_data=frame)
        output = await socket.communicator.receive_output(timeout=3)
        assert output["type"] == "websocket.send", output
        assert json.loads(output["text"])["type"] == "error"

    run(scenario)
