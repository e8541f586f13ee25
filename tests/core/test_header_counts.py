"""The unread counts in the page header come from the cache and change with the data."""

import uuid

import pytest
from django.urls import reverse

from genbo.chat import services as chat_services
from genbo.core import header_counts
from genbo.forum import services as forum_services
from genbo.networks import services as network_services
from tests.factories import ThreadFactory

pytestmark = pytest.mark.django_db


def _header(client) -> str:
    return client.get(reverse("core:home")).content.decode().split("<main")[0]


def _notifications_link(header: str) -> str:
    return header.split(reverse("notifications:list"))[1].split("</a>")[0]


def _chat_link(header: str) -> str:
    return header.split(reverse("chat:index"))[1].split("</a>")[0]


def _send(room, author, body: str = "Hej!"):
    message, _created = chat_services.message_send(
        room=room, author=author, body=body, client_id=uuid.uuid4()
    )
    return message


def test_new_notification_shows_after_cached_count(client, employee, member):
    thread = ThreadFactory(author=employee)
    client.force_login(employee)
    assert "(1 " not in _notifications_link(_header(client))

    forum_services.post_reply(thread=thread, author=member, body="Ett svar.")

    assert "(1 " in _notifications_link(_header(client))


def test_read_notifications_leave_the_count(client, employee, member):
    thread = ThreadFactory(author=employee)
    forum_services.post_reply(thread=thread, author=member, body="Ett svar.")
    client.force_login(employee)
    assert "(1 " in _notifications_link(_header(client))

    client.post(reverse("notifications:read_all"))

    assert "(1 " not in _notifications_link(_header(client))


def test_count_is_per_employee(client, employee, member):
    thread = ThreadFactory(author=employee)
    forum_services.post_reply(thread=thread, author=member, body="Ett svar.")
    client.force_login(employee)
    employee_header = _header(client)
    client.force_login(member)
    member_header = _header(client)

    assert "(1 " in _notifications_link(employee_header)
    assert "(1 " not in _notifications_link(member_header)


def test_chat_count_follows_messages_and_reading(client, employee, member):
    room = chat_services.topic_room_create(creator=employee, name="Kaffe")
    client.force_login(employee)
    assert "(1 " not in _chat_link(_header(client))

    message = _send(room, member)
    after_message = _chat_link(_header(client))
    chat_services.room_mark_read(room=room, user=employee, message_id=message.pk)
    after_reading = _chat_link(_header(client))

    assert "(1 " in after_message
    assert "(1 " not in after_reading


def test_leaving_network_drops_its_counts(client, member, convener, closed_network):
    room = chat_services.network_room(closed_network)
    chat_services.room_list_add(room=room, user=member)
    thread = ThreadFactory(author=member, network=closed_network)
    forum_services.post_reply(thread=thread, author=convener, body="Hemligt svar.")
    _send(room, convener)
    client.force_login(member)
    before = _header(client)

    network_services.membership_leave(network=closed_network, user=member)
    after = _header(client)

    assert "(1 " in _notifications_link(before)
    assert "(1 " in _chat_link(before)
    assert "(1 " not in _notifications_link(after)
    assert "(1 " not in _chat_link(after)


class _RecordingCache:
    """Django's cache, recording the name of each call."""

    def __init__(self, real):
        self.real = real
        self.calls = []

    def __getattr__(self, name):
        method = getattr(self.real, name)

        def call(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return call


def test_cached_counts_are_read_in_one_call(client, employee, monkeypatch):
    client.force_login(employee)
    _header(client)
    recording = _RecordingCache(header_counts.cache)
    monkeypatch.setattr(header_counts, "cache", recording)

    _header(client)

    assert recording.calls == ["get_many"]


def test_count_timeouts_spread_over_last_quarter():
    timeouts = {header_counts.count_timeout() for _ in range(500)}

    assert min(timeouts) >= header_counts.COUNT_SECONDS * 3 // 4
    assert max(timeouts) <= header_counts.COUNT_SECONDS
    # Counts stored in the same second expire at different times.
    assert len(timeouts) > 5
