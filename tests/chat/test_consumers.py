"""The chat socket through the real ASGI application, with Channels' WebSocket communicator.

These tests commit to the database (transaction=True), because messages reach the other
sockets only after the commit.
"""

import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from genbo.accounts.provisioning import user_deactivate
from genbo.chat import consumers, services
from genbo.chat.models import MAX_MESSAGE_LENGTH, Message
from genbo.chat.selectors import unread_total
from genbo.networks import services as network_services
from genbo.networks.models import Membership, Network
from tests.chat.conftest import ChatSocket, open_socket, send_message, session_key_for
from tests.factories import UserFactory
from tests.helpers import admin_change_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run(scenario):
    async_to_sync(scenario)()


def _send_frame(body="Hej!", client_id=None):
    return {"type": "send", "client_id": str(client_id or uuid.uuid4()), "body": body}


def test_message_reaches_other_socket(topic_room, employee, member):
    async def scenario():
        writer = await open_socket(topic_room, employee)
        reader = await open_socket(topic_room, member)
        client_id = str(uuid.uuid4())

        await writer.send(_send_frame("Hej **alla**", client_id))
        ack = await writer.receive_type("ack")
        arrived = await reader.receive_type("message")

        assert ack["client_id"] == client_id
        assert arrived["message"]["id"] == ack["message"]["id"]
        assert arrived["message"]["author_id"] == employee.pk
        assert "<strong>alla</strong>" in arrived["message"]["html"]
        await writer.disconnect()
        await reader.disconnect()

    run(scenario)


def test_anonymous_socket_closed(topic_room):
    async def scenario():
        socket = ChatSocket(topic_room.pk, None)
        assert await socket.open()
        assert await socket.close_code() == consumers.CLOSE_SIGNED_OUT

    run(scenario)


def test_outsider_cannot_open_closed_room(closed_room, outsider):
    async def scenario():
        socket = await open_socket(closed_room, outsider)
        assert await socket.close_code() == consumers.CLOSE_NO_ACCESS

    run(scenario)


def test_outsider_cannot_open_direct_room(direct_room, outsider):
    async def scenario():
        socket = await open_socket(direct_room, outsider)
        assert await socket.close_code() == consumers.CLOSE_NO_ACCESS

    run(scenario)


def test_unknown_room_closes_like_hidden_one(employee):
    async def scenario():
        key = await database_sync_to_async(session_key_for)(employee)
        socket = ChatSocket(987654, key)
        assert await socket.open()
        assert await socket.close_code() == consumers.CLOSE_NO_ACCESS

    run(scenario)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_frame"),
        (json.dumps({"type": "shout"}), "invalid_frame"),
        (json.dumps({"type": "hello", "last_id": "many"}), "invalid_frame"),
        (json.dumps({"type": "read", "id": -4}), "invalid_frame"),
        (json.dumps({"type": "read", "id": 10**20}), "invalid_frame"),
        (json.dumps({"type": "hello", "last_id": 10**20}), "invalid_frame"),
        (json.dumps({"type": "hello", "last_id": 1, "first_id": "1"}), "invalid_frame"),
        (json.dumps({"type": "edit", "id": 10**20, "body": "Nytt"}), "not_found"),
        (json.dumps(_send_frame("a\u0000b")), "invalid"),
        (json.dumps(_send_frame("   \n\u200b ")), "invalid"),
        (json.dumps(_send_frame("x" * (MAX_MESSAGE_LENGTH + 1))), "invalid"),
        (json.dumps(_send_frame("x" * 100_000)), "too_long"),
        (json.dumps({"type": "send", "client_id": "not-a-uuid", "body": "Hej"}), "invalid"),
        (json.dumps({"type": "send", "client_id": str(uuid.uuid4()), "body": 42}), "invalid"),
    ],
)
def test_bad_frame_gets_error_and_socket_stays(topic_room, employee, member, frame, code):
    async def scenario():
        socket = await open_socket(topic_room, employee)
        other = await open_socket(topic_room, member)

        await socket.send(frame)
        error = await socket.receive_type("error")
        assert error["code"] == code
        assert error["message"]

        # The same socket and the others keep working.
        await socket.send(_send_frame("Fortfarande här"))
        await socket.receive_type("ack")
        arrived = await other.receive_type("message")
        assert arrived["message"]["html"] == "<p>Fortfarande här</p>\n"
        await socket.disconnect()
        await other.disconnect()

    run(scenario)
    assert Message.objects.count() == 1


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


def test_lone_surrogate_client_id_not_echoed(topic_room, employee):
    async def scenario():
        socket = await open_socket(topic_room, employee)
        frame = '{"type": "send", "client_id": "\\udc00", "body": "Hej"}'
        await socket.communicator.send_to(text_data=frame)
        error = await socket.receive_type("error")
        assert error["code"] == "invalid"
        assert "client_id" not in error
        # The error frame must be encodable as UTF-8 for a real WebSocket server.
        json.dumps(error, ensure_ascii=False).encode("utf-8")
        await socket.disconnect()

    run(scenario)


def test_too_long_frame_error_names_client_id(topic_room, employee):
    client_id = str(uuid.uuid4())

    async def scenario():
        socket = await open_socket(topic_room, employee)
        await socket.send(_send_frame("x" * 100_000, client_id))
        error = await socket.receive_type("error")
        assert error["code"] == "too_long"
        assert error["client_id"] == client_id
        await socket.disconnect()

    run(scenario)


def test_read_frame_beyond_newest_keeps_later_unread(topic_room, employee, member):
    services.room_list_add(room=topic_room, user=employee)
    newest = send_message(topic_room, member)

    async def scenario():
        socket = await open_socket(topic_room, employee)
        await socket.send({"type": "read", "id": consumers.MAX_MESSAGE_ID})
        # A hello after the read frame is handled after it, so its reply means it is done.
        await socket.send({"type": "hello", "last_id": 0})
        await socket.receive_type("message")
        await socket.disconnect()

    run(scenario)
    send_message(topic_room, member, "Skrivet efteråt")
    assert topic_room.members.get(user=employee).last_read_id == newest.pk
    assert unread_total(employee) == 1


def test_forged_author_rejected(topic_room, employee, member):
    async def scenario():
        socket = await open_socket(topic_room, employee)
        frame = {**_send_frame("Jag är någon annan"), "author_id": member.pk}

        await socket.send(frame)
        error = await socket.receive_type("error")

        assert error["code"] == "invalid_frame"
        assert "author_id" in error["message"]
        await socket.disconnect()

    run(scenario)
    assert not Message.objects.exists()


def test_frame_for_other_room_rejected(topic_room, closed_room, employee, member):
    hidden = send_message(closed_room, member, "Hemligt")

    async def scenario():
        socket = await open_socket(topic_room, employee)

        await socket.send({**_send_frame("In i det stängda"), "room": closed_room.pk})
        assert (await socket.receive_type("error"))["code"] == "invalid_frame"
        await socket.send({"type": "delete", "id": hidden.pk})
        assert (await socket.receive_type("error"))["code"] == "not_found"
        await socket.send({"type": "hello", "last_id": 0})
        assert await socket.nothing_arrives()
        await socket.disconnect()

    run(scenario)
    hidden.refresh_from_db()
    assert hidden.body == "Hemligt"
    assert not hidden.is_deleted


def test_retry_with_same_client_id_stored_once(topic_room, employee):
    client_id = str(uuid.uuid4())

    async def scenario():
        first = await open_socket(topic_room, employee)
        await first.send(_send_frame("Skickas två gånger", client_id))
        stored = (await first.receive_type("ack"))["message"]["id"]
        await first.disconnect()

        # The connection dropped before the browser saw the ack, so it sends again.
        second = await open_socket(topic_room, employee)
        await second.send(_send_frame("Skickas två gånger", client_id))
        again = await second.receive_type("ack")
        assert again["message"]["id"] == stored
        await second.disconnect()

    run(scenario)
    assert Message.objects.filter(author=employee).count() == 1


def test_reconnect_sends_missed_messages_once(topic_room, employee, member):
    seen = send_message(topic_room, member, "Första")

    async def scenario():
        socket = await open_socket(topic_room, employee)
        missed = [
            await database_sync_to_async(send_message)(topic_room, member, text)
            for text in ("Andra", "Tredje")
        ]
        # Broadcasts of the two also reach this socket; the reconnecting client below has
        # a fresh socket that missed them.
        await socket.disconnect()

        again = await open_socket(topic_room, employee)
        await again.send({"type": "hello", "last_id": seen.pk})
        first = await again.receive_type("message")
        second = await again.receive_type("message")
        assert [first["message"]["id"], second["message"]["id"]] == [m.pk for m in missed]
        assert await again.nothing_arrives()
        await again.disconnect()

    run(scenario)


def test_reconnect_replays_changes_to_shown_messages(topic_room, employee, member):
    first = send_message(topic_room, member, "Mitt personnummer är 19800101-1234")
    send_message(topic_room, member, "Oförändrad")
    edited = send_message(topic_room, member, "Skrivfel")
    newest = send_message(topic_room, member, "Senaste")

    async def scenario():
        # The reader was disconnected while the author deleted one message and edited
        # another, so it saw neither "changed" event.
        await database_sync_to_async(services.message_delete)(message=first, by=member)
        await database_sync_to_async(services.message_edit)(
            message=edited, by=member, body="Rättat"
        )

        reader = await open_socket(topic_room, employee)
        await reader.send({"type": "hello", "first_id": first.pk, "last_id": newest.pk})
        deleted_frame = await reader.receive()
        edited_frame = await reader.receive()
        assert deleted_frame["type"] == "changed"
        assert deleted_frame["message"]["id"] == first.pk
        assert deleted_frame["message"]["deleted"] is True
        assert deleted_frame["message"]["html"] == ""
        assert edited_frame["type"] == "changed"
        assert edited_frame["message"]["id"] == edited.pk
        assert edited_frame["message"]["html"] == "<p>Rättat</p>\n"
        assert await reader.nothing_arrives()
        await reader.disconnect()

    run(scenario)


def test_reconnect_skips_changes_outside_shown_range(topic_room, employee, member):
    older = send_message(topic_room, member, "Äldre än sidan")
    shown = send_message(topic_room, member, "På sidan")
    services.message_delete(message=older, by=member)

    async def scenario():
        reader = await open_socket(topic_room, employee)
        await reader.send({"type": "hello", "first_id": shown.pk, "last_id": shown.pk})
        assert await reader.nothing_arrives()
        await reader.disconnect()

    run(scenario)


def test_reconnect_showing_too_many_reloads(topic_room, employee, member, monkeypatch):
    monkeypatch.setattr(consumers, "MAX_CHANGE_SCAN", 3)
    messages = [send_message(topic_room, member, f"Nummer {n}") for n in range(4)]
    services.message_delete(message=messages[0], by=member)

    async def scenario():
        reader = await open_socket(topic_room, employee)
        await reader.send({"type": "hello", "first_id": messages[0].pk, "last_id": messages[-1].pk})
        assert (await reader.receive())["type"] == "reload"
        await reader.send({"type": "hello", "first_id": messages[1].pk, "last_id": messages[-1].pk})
        assert await reader.nothing_arrives()
        await reader.disconnect()

    run(scenario)


def test_removed_member_stops_receiving_at_once(closed_room, closed_network, convener, member):
    async def scenario():
        socket = await open_socket(closed_room, member)
        membership = await database_sync_to_async(Membership.objects.get)(
            network=closed_network, user=member
        )

        await database_sync_to_async(network_services.membership_remove)(
            membership=membership, by=convener
        )
        assert await socket.close_code() == consumers.CLOSE_NO_ACCESS

        await database_sync_to_async(send_message)(closed_room, convener, "Efter borttagningen")
        assert await socket.nothing_arrives()

    run(scenario)


def test_message_right_after_removal_not_delivered(closed_room, closed_network, convener, member):
    # The message is sent before the removed member's socket has handled the removal's
    # event; the socket must still not forward it.
    async def scenario():
        socket = await open_socket(closed_room, member)
        membership = await database_sync_to_async(Membership.objects.get)(
            network=closed_network, user=member
        )

        await database_sync_to_async(network_services.membership_remove)(
            membership=membership, by=convener
        )
        await database_sync_to_async(send_message)(closed_room, convener, "Direkt efteråt")

        frames = []
        while True:
            output = await socket.communicator.receive_output(timeout=3)
            if output["type"] == "websocket.close":
                break
            frames.append(output["text"])
        assert output["code"] == consumers.CLOSE_NO_ACCESS
        assert not [frame for frame in frames if "Direkt efteråt" in frame]

    run(scenario)


def test_member_who_leaves_is_closed(closed_room, closed_network, member):
    async def scenario():
        socket = await open_socket(closed_room, member)
        await database_sync_to_async(network_services.membership_leave)(
            network=closed_network, user=member
        )
        assert await socket.close_code() == consumers.CLOSE_NO_ACCESS

    run(scenario)


def test_network_closed_while_outsider_reads(open_room, open_network, convener, outsider):
    async def scenario():
        socket = await open_socket(open_room, outsider)
        await database_sync_to_async(network_services.network_update)(
            network=open_network, by=convener, access="closed"
        )
        assert await socket.close_code() == consumers.CLOSE_NO_ACCESS

    run(scenario)


def _close_in_admin(network, superuser) -> None:
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:networks_network_change", args=[network.pk])
    data = admin_change_data(client, url)
    data["access"] = Network.Access.CLOSED
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_admin_closing_network_stops_outsider(open_room, open_network, convener, outsider):
    # Closing the network in the admin must not leave a non-member reading its room until
    # the periodic access check.
    superuser = UserFactory(is_staff=True, is_superuser=True)

    async def scenario():
        socket = await open_socket(open_room, outsider)
        await database_sync_to_async(_close_in_admin)(open_network, superuser)
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


def test_admin_membership_delete_stops_member(closed_room, closed_network, member):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    closed_network.memberships.create(user=superuser, role=Membership.Role.MEMBER)

    def delete_in_admin():
        client = Client()
        client.force_login(superuser)
        url = reverse("admin:networks_network_change", args=[closed_network.pk])
        data = admin_change_data(client, url)
        membership = Membership.objects.get(network=closed_network, user=member)
        prefix = next(
            key.removesuffix("-id")
            for key, value in data.items()
            if key.endswith("-id") and value == str(membership.pk)
        )
        data[f"{prefix}-DELETE"] = "on"
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors

    async def scenario():
        socket = await open_socket(closed_room, member)
        await database_sync_to_async(delete_in_admin)()

        assert await socket.close_code() == consumers.CLOSE_NO_ACCESS

    run(scenario)
    assert not Membership.objects.filter(network=closed_network, user=member).exists()


def test_deactivated_user_closed_on_next_frame(topic_room, employee):
    async def scenario():
        socket = await open_socket(topic_room, employee)
        other_socket = await open_socket(topic_room, employee)
        employee.is_active = False
        await database_sync_to_async(employee.save)(update_fields=["is_active"])

        await socket.send(_send_frame("Hinner jag?"))
        assert await socket.close_code() == consumers.CLOSE_SIGNED_OUT
        # chat_disconnect_user closes the employee's other sockets too.
        assert await other_socket.close_code() == consumers.CLOSE_SIGNED_OUT

    run(scenario)
    assert not Message.objects.exists()


def test_disconnect_user_closes_every_socket(topic_room, open_room, member):
    async def scenario():
        first = await open_socket(topic_room, member)
        second = await open_socket(open_room, member)

        await database_sync_to_async(services.chat_disconnect_user)(member.pk)

        assert await first.close_code() == consumers.CLOSE_SIGNED_OUT
        assert await second.close_code() == consumers.CLOSE_SIGNED_OUT

    run(scenario)


def test_provisioning_deactivation_closes_sockets(topic_room, open_room, member):
    # The SCIM endpoint, the LDAP sync and the admin all deactivate through this service.
    async def scenario():
        first = await open_socket(topic_room, member)
        second = await open_socket(open_room, member)

        await database_sync_to_async(user_deactivate)(user=member, source="test")

        assert await first.close_code() == consumers.CLOSE_SIGNED_OUT
        assert await second.close_code() == consumers.CLOSE_SIGNED_OUT

    run(scenario)


def test_admin_deactivation_closes_sockets(topic_room, open_room, member):
    superuser = UserFactory(is_staff=True, is_superuser=True)

    def deactivate_in_admin():
        client = Client()
        client.force_login(superuser)
        url = reverse("admin:accounts_user_change", args=[member.pk])
        data = admin_change_data(client, url)
        del data["is_active"]
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors

    async def scenario():
        first = await open_socket(topic_room, member)
        second = await open_socket(open_room, member)

        await database_sync_to_async(deactivate_in_admin)()

        assert await first.close_code() == consumers.CLOSE_SIGNED_OUT
        assert await second.close_code() == consumers.CLOSE_SIGNED_OUT

    run(scenario)
    member.refresh_from_db()
    assert not member.is_active


def test_admin_user_delete_closes_sockets(topic_room, member):
    superuser = UserFactory(is_staff=True, is_superuser=True)

    def delete_in_admin():
        client = Client()
        client.force_login(superuser)
        url = reverse("admin:accounts_user_delete", args=[member.pk])
        response = client.post(url, {"post": "yes"})
        assert response.status_code == 302

    async def scenario():
        socket = await open_socket(topic_room, member)

        await database_sync_to_async(delete_in_admin)()

        assert await socket.close_code() == consumers.CLOSE_SIGNED_OUT

    run(scenario)
    assert not type(member).objects.filter(pk=member.pk).exists()


def test_expired_session_closed_on_next_frame(topic_room, employee):
    async def scenario():
        socket = await open_socket(topic_room, employee)
        await database_sync_to_async(Session.objects.all().delete)()

        await socket.send({"type": "hello", "last_id": 0})
        assert await socket.close_code() == consumers.CLOSE_SIGNED_OUT

    run(scenario)


def test_expired_session_noticed_while_only_reading(topic_room, employee, member, settings):
    settings.GENBO_CHAT_RECHECK_SECONDS = 0

    async def scenario():
        reader = await open_socket(topic_room, employee)
        await database_sync_to_async(
            Session.objects.filter(session_key=reader.session_key).delete
        )()

        await database_sync_to_async(send_message)(topic_room, member, "Hallå?")
        assert await reader.close_code() == consumers.CLOSE_SIGNED_OUT

    run(scenario)


def test_edit_and_delete_reach_everyone(topic_room, employee, member):
    async def scenario():
        writer = await open_socket(topic_room, employee)
        reader = await open_socket(topic_room, member)
        await writer.send(_send_frame("Först så här"))
        message_id = (await writer.receive_type("ack"))["message"]["id"]
        await reader.receive_type("message")

        await writer.send({"type": "edit", "id": message_id, "body": "Nu så här"})
        edited = (await reader.receive_type("changed"))["message"]
        assert edited["edited"] is True
        assert "Nu så här" in edited["html"]

        await writer.send({"type": "delete", "id": message_id})
        deleted = (await reader.receive_type("changed"))["message"]
        assert deleted["deleted"] is True
        assert deleted["html"] == ""

        await reader.send({"type": "edit", "id": message_id, "body": "Kapat"})
        assert (await reader.receive_type("error"))["code"] == "not_found"
        await writer.disconnect()
        await reader.disconnect()

    run(scenario)


def test_rate_limit_message(topic_room, employee, settings):
    settings.GENBO_CHAT_RATE_MESSAGES = 2

    async def scenario():
        socket = await open_socket(topic_room, employee)
        for _ in range(2):
            await socket.send(_send_frame())
            await socket.receive_type("ack")

        client_id = str(uuid.uuid4())
        await socket.send(_send_frame("Ett för mycket", client_id))
        error = await socket.receive_type("error")

        assert error["code"] == "rate_limited"
        assert str(error["retry_after"]) in error["message"]
        # The browser sends the message again by itself, so the text does not ask for that.
        assert "försök igen" not in error["message"]
        assert "try again" not in error["message"]
        # The browser keeps the message and sends it again once the window has passed.
        assert error["client_id"] == client_id
        assert 1 <= error["retry_after"] <= settings.GENBO_CHAT_RATE_SECONDS
        await socket.disconnect()

    run(scenario)
    assert Message.objects.count() == 2


def test_frame_flood_closes_socket(topic_room, employee):
    async def scenario():
        socket = await open_socket(topic_room, employee)
        for _ in range(consumers.MAX_FRAMES_PER_SECOND + 1):
            await socket.send({"type": "read", "id": 0})
        assert await socket.close_code() == consumers.CLOSE_FLOOD

    run(scenario)


def test_read_frame_moves_read_position(topic_room, employee, member):
    message = send_message(topic_room, member)

    async def scenario():
        socket = await open_socket(topic_room, employee)
        await socket.send({"type": "read", "id": message.pk})
        await socket.send({"type": "hello", "last_id": message.pk})
        assert await socket.nothing_arrives()
        await socket.disconnect()

    services.room_list_add(room=topic_room, user=employee)
    services.room_mark_read(room=topic_room, user=employee, message_id=0)
    run(scenario)
    assert topic_room.members.get(user=employee).last_read_id == message.pk
