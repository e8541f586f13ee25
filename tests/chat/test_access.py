"""Who may read which chat room: the personas against every room kind and every read path."""

import pytest
from django.urls import reverse

from genbo.chat.models import Message, Room
from genbo.chat.selectors import unread_total
from genbo.notifications.models import Notification
from tests.chat.conftest import send_message
from tests.factories import UserFactory
from tests.helpers import is_login_redirect

pytestmark = pytest.mark.django_db

ROOMS = ["topic_room", "open_room", "closed_room", "direct_room"]
# Room fixture → personas who may read it. The employee wrote the topic room and opened
# the direct conversation with the member.
READERS = {
    "topic_room": {"employee", "convener", "member", "outsider", "staff"},
    "open_room": {"employee", "convener", "member", "outsider", "staff"},
    "closed_room": {"convener", "member"},
    "direct_room": {"employee", "member"},
}
PERSONAS = ["employee", "convener", "member", "outsider", "staff"]


@pytest.mark.parametrize("room_name", ROOMS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_room_visibility_matrix(request, room_name, persona):
    room = request.getfixturevalue(room_name)
    user = request.getfixturevalue(persona)
    message = send_message(room, request.getfixturevalue("member"))

    can_read = persona in READERS[room_name]

    assert Room.objects.visible_to(user).filter(pk=room.pk).exists() is can_read
    assert Message.objects.visible_to(user).filter(pk=message.pk).exists() is can_read


@pytest.mark.parametrize("room_name", ROOMS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_room_page_answers_404_when_hidden(client, request, room_name, persona):
    room = request.getfixturevalue(room_name)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("chat:room", args=[room.pk]))

    assert response.status_code == (200 if persona in READERS[room_name] else 404)


def test_anonymous_sent_to_sign_in(client, topic_room):
    for url in (
        reverse("chat:index"),
        reverse("chat:room", args=[topic_room.pk]),
        reverse("chat:people_suggest") + "?people=anna",
    ):
        assert is_login_redirect(client.get(url)), url


def test_outsider_cannot_post_in_closed_room(client, outsider, closed_room):
    client.force_login(outsider)

    response = client.post(
        reverse("chat:post", args=[closed_room.pk]),
        {"body": "Släpp in mig", "client_id": "0b6f1bde-8f6a-4c39-9a8d-3f3fbfb7e8a1"},
    )

    assert response.status_code == 404
    assert not Message.objects.exists()


def test_outsider_gets_404_for_closed_network_room_link(client, outsider, closed_network):
    client.force_login(outsider)

    response = client.get(reverse("chat:network", args=[closed_network.slug]))

    assert response.status_code == 404
    assert not Room.objects.exists()


def test_hidden_message_edit_and_delete_404(client, outsider, member, closed_room):
    message = send_message(closed_room, member, "Hemligt")
    client.force_login(outsider)

    assert client.get(reverse("chat:edit", args=[message.pk])).status_code == 404
    assert client.post(reverse("chat:delete", args=[message.pk])).status_code == 404


def test_someone_elses_message_cannot_be_changed(client, employee, member, topic_room):
    message = send_message(topic_room, member, "Mitt")
    client.force_login(employee)

    assert client.get(reverse("chat:edit", args=[message.pk])).status_code == 403
    assert client.post(reverse("chat:delete", args=[message.pk])).status_code == 403
    message.refresh_from_db()
    assert message.body == "Mitt"


def test_mention_of_non_member_in_closed_room_notifies_nobody(
    closed_room, convener, outsider, member
):
    body = (
        f"@[{outsider.get_full_name()}](user:{outsider.pk}) och "
        f"@[{member.get_full_name()}](user:{member.pk})"
    )

    message = send_message(closed_room, convener, body)

    assert message.mentioned_ids == [member.pk]
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert Notification.objects.filter(recipient=member, kind="chat_mention").count() == 1


def test_chat_mention_hidden_after_leaving(closed_room, closed_network, convener, member):
    from genbo.networks import services as network_services

    send_message(closed_room, convener, f"@[{member.get_full_name()}](user:{member.pk})")
    assert Notification.objects.visible_to(member).count() == 1

    network_services.membership_leave(network=closed_network, user=member)

    assert Notification.objects.visible_to(member).count() == 0


def test_unread_badge_ignores_room_after_leaving(closed_room, closed_network, convener, member):
    from genbo.chat import services
    from genbo.networks import services as network_services

    services.room_list_add(room=closed_room, user=member)
    send_message(closed_room, convener, "Nytt")
    assert unread_total(member) == 1

    network_services.membership_leave(network=closed_network, user=member)

    assert unread_total(member) == 0


def test_admin_shows_only_visible_messages(client, member, closed_room, topic_room):
    hidden = send_message(closed_room, member, "Hemligt i stängt rum")
    send_message(topic_room, member, "Öppet i ämnesrummet")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    html = client.get(reverse("admin:chat_message_changelist")).content.decode()

    assert "Öppet i ämnesrummet" in html
    assert "Hemligt i stängt rum" not in html
    assert client.get(reverse("admin:chat_message_change", args=[hidden.pk])).status_code == 302


def test_unread_counts_stop_at_the_badge_limit(client, open_room, topic_room, member, convener):
    """Each room counts at most UNREAD_BADGE_LIMIT messages, and so does the header badge."""
    from uuid import uuid4

    from genbo.chat import services
    from genbo.chat.models import Message
    from genbo.chat.selectors import UNREAD_BADGE_LIMIT, my_rooms

    services.room_list_add(room=open_room, user=member)
    services.room_list_add(room=topic_room, user=member)
    Message.objects.bulk_create(
        Message(room=open_room, author=convener, body=f"Meddelande {number}", client_id=uuid4())
        for number in range(UNREAD_BADGE_LIMIT + 5)
    )
    send_message(topic_room, convener, "Ett till")

    assert {row.room_id: row.unread for row in my_rooms(member)} == {
        open_room.pk: UNREAD_BADGE_LIMIT,
        topic_room.pk: 1,
    }
    assert unread_total(member) == UNREAD_BADGE_LIMIT

    client.force_login(member)
    page = client.get(reverse("chat:index")).content.decode()
    assert "fler än 99 olästa" in page
