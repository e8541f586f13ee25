"""Chat services: rooms, idempotent sending, input checks, mentions, edits and the rate limit."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from genbo.chat import services
from genbo.chat.models import MAX_MESSAGE_LENGTH, Message, Room
from genbo.chat.selectors import unread_total
from genbo.notifications.models import Notification
from tests.chat.conftest import send_message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_network_room_created_once(open_network):
    first = services.network_room(open_network)
    second = services.network_room(open_network)

    assert first == second
    assert first.kind == Room.Kind.NETWORK
    assert str(first) == open_network.name


def test_topic_room_drops_bidirectional_overrides(employee):
    room = services.topic_room_create(
        creator=employee, name="Lunch \u202eslabbin", description="Beskrivning \u202ehär"
    )

    assert room.name == "Lunch slabbin"
    assert room.description == "Beskrivning här"


def test_message_of_bidirectional_controls_only_rejected(topic_room, employee):
    with pytest.raises(ValidationError):
        send_message(topic_room, employee, "\u202e\u2066 \u2069")

    assert not Message.objects.exists()


def test_direct_room_reused_for_same_people(employee, member):
    first = services.direct_room_open(creator=employee, others=[member])
    second = services.direct_room_open(creator=member, others=[employee])

    assert first == second
    assert set(first.members.values_list("user_id", flat=True)) == {employee.pk, member.pk}


def test_direct_room_limits(employee):
    with pytest.raises(ValidationError):
        services.direct_room_open(creator=employee, others=[employee])
    many = [UserFactory() for _ in range(8)]
    with pytest.raises(ValidationError):
        services.direct_room_open(creator=employee, others=many)


def test_topic_room_name_unique_and_required(employee):
    services.topic_room_create(creator=employee, name="Lönebildning")

    with pytest.raises(ValidationError):
        services.topic_room_create(creator=employee, name="  lönebildning ")
    with pytest.raises(ValidationError):
        services.topic_room_create(creator=employee, name="LÖNEBILDNING")
    with pytest.raises(ValidationError):
        services.topic_room_create(creator=employee, name="   ")


def test_same_client_id_stores_once(topic_room, employee):
    client_id = uuid.uuid4()

    first, created = services.message_send(
        room=topic_room, author=employee, body="Hej", client_id=client_id
    )
    again, created_again = services.message_send(
        room=topic_room, author=employee, body="Hej", client_id=client_id
    )

    assert created is True
    assert created_again is False
    assert again.pk == first.pk
    assert Message.objects.count() == 1


def test_client_id_of_other_room_rejected(topic_room, open_room, employee):
    client_id = uuid.uuid4()
    services.message_send(room=topic_room, author=employee, body="Hej", client_id=client_id)

    with pytest.raises(ValidationError):
        services.message_send(room=open_room, author=employee, body="Hej", client_id=client_id)


@pytest.mark.parametrize(
    "body", ["", "   ", "\u200b\u200d", None, 17, "x" * (MAX_MESSAGE_LENGTH + 1), "y" * 100_000]
)
def test_bad_body_rejected(topic_room, employee, body):
    with pytest.raises(ValidationError):
        services.message_send(room=topic_room, author=employee, body=body, client_id=uuid.uuid4())
    assert not Message.objects.exists()


@pytest.mark.parametrize("body", ["trasig \ud800 text", "\udfff", "emoji \ud83d"])
def test_lone_surrogate_body_rejected(topic_room, employee, body):
    with pytest.raises(ValidationError) as raised:
        services.message_send(room=topic_room, author=employee, body=body, client_id=uuid.uuid4())

    assert raised.value.messages == [
        "Meddelandet innehåller ett ogiltigt tecken. Ta bort det och försök igen."
    ]
    assert not Message.objects.exists()


def test_body_at_limit_accepted(topic_room, employee):
    message = send_message(topic_room, employee, "å" * MAX_MESSAGE_LENGTH)

    assert len(message.body) == MAX_MESSAGE_LENGTH


def test_non_reader_cannot_send(closed_room, outsider):
    with pytest.raises(PermissionDenied):
        send_message(closed_room, outsider)


def test_rate_limit_per_user(topic_room, employee, member, settings):
    settings.GENBO_CHAT_RATE_MESSAGES = 3
    for _ in range(3):
        send_message(topic_room, employee)

    with pytest.raises(services.RateLimited):
        send_message(topic_room, employee)
    # Someone else is not slowed down by the first person's flood.
    send_message(topic_room, member)


class _Clock:
    """Stands in for the `time` module inside chat.services, so a test controls the clock."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


def test_rate_limit_holds_across_window_boundary(topic_room, employee, settings, monkeypatch):
    # Fixed windows alone would allow three messages at the end of one window and three
    # more at the start of the next.
    settings.GENBO_CHAT_RATE_MESSAGES = 3
    settings.GENBO_CHAT_RATE_SECONDS = 10
    clock = _Clock(1_000_009.8)
    monkeypatch.setattr(services, "time", clock)
    for _ in range(2):
        send_message(topic_room, employee)
    clock.now = 1_000_010.1
    send_message(topic_room, employee)

    with pytest.raises(services.RateLimited):
        send_message(topic_room, employee)
    assert Message.objects.count() == 3


def test_rate_limited_message_fits_after_retry_after(topic_room, employee, settings, monkeypatch):
    settings.GENBO_CHAT_RATE_MESSAGES = 2
    settings.GENBO_CHAT_RATE_SECONDS = 10
    clock = _Clock(2_000_000.0)
    monkeypatch.setattr(services, "time", clock)
    for _ in range(2):
        send_message(topic_room, employee)
    # Rejected messages do not count, or each retry of the browser would push its wait further.
    for _ in range(5):
        with pytest.raises(services.RateLimited) as rejected:
            send_message(topic_room, employee)
    retry_after = rejected.value.retry_after

    clock.now += retry_after - 1
    with pytest.raises(services.RateLimited):
        send_message(topic_room, employee)
    clock.now += 1
    send_message(topic_room, employee)
    assert Message.objects.count() == 3


def test_rate_limit_counts_any_span_of_window(topic_room, employee, settings, monkeypatch):
    # Twenty messages just before a window boundary still count 7.7 s later.
    settings.GENBO_CHAT_RATE_MESSAGES = 20
    settings.GENBO_CHAT_RATE_SECONDS = 10
    clock = _Clock(3_000_009.3)
    monkeypatch.setattr(services, "time", clock)
    for _ in range(20):
        send_message(topic_room, employee)
    clock.now += 7.7

    with pytest.raises(services.RateLimited) as rejected:
        send_message(topic_room, employee)

    assert rejected.value.retry_after == 3
    assert Message.objects.count() == 20


def test_rate_limit_frees_oldest_first(topic_room, employee, settings, monkeypatch):
    settings.GENBO_CHAT_RATE_MESSAGES = 2
    settings.GENBO_CHAT_RATE_SECONDS = 10
    clock = _Clock(4_000_000.0)
    monkeypatch.setattr(services, "time", clock)
    send_message(topic_room, employee)
    clock.now += 4
    send_message(topic_room, employee)
    clock.now += 1

    with pytest.raises(services.RateLimited) as rejected:
        send_message(topic_room, employee)
    assert rejected.value.retry_after == 5

    clock.now += 5
    send_message(topic_room, employee)
    with pytest.raises(services.RateLimited) as rejected:
        send_message(topic_room, employee)
    assert rejected.value.retry_after == 4


def test_mention_notifies_once_and_not_self(topic_room, employee, member):
    body = (
        f"@[Fel Namn](user:{member.pk}) @[{member.get_full_name()}](user:{member.pk}) "
        f"@[Jag](user:{employee.pk}) @[Ingen](user:99999)"
    )

    message = send_message(topic_room, employee, body)

    assert message.mentioned_ids == [member.pk]
    assert f"@[{member.get_full_name()}](user:{member.pk})" in message.body
    notification = Notification.objects.get()
    assert notification.recipient == member
    assert notification.kind == "chat_mention"
    assert notification.get_absolute_url().endswith(f"#message-{message.pk}")


def test_mention_in_code_notifies_nobody(topic_room, employee, member):
    send_message(topic_room, employee, f"`@[{member.get_full_name()}](user:{member.pk})`")

    assert not Notification.objects.exists()


def test_mention_email_only_when_chosen(
    topic_room, employee, member, mailoutbox, django_capture_on_commit_callbacks
):
    from genbo.notifications.services import preferences_save

    with django_capture_on_commit_callbacks(execute=True):
        send_message(topic_room, employee, f"@[{member.get_full_name()}](user:{member.pk})")
    assert mailoutbox == []

    preferences_save(user=member, channels={"chat_mention": "app_email"})
    with django_capture_on_commit_callbacks(execute=True):
        send_message(topic_room, employee, f"Igen @[{member.get_full_name()}](user:{member.pk})")

    assert len(mailoutbox) == 1
    assert topic_room.name in mailoutbox[0].subject


def test_mention_in_direct_conversation_named_as_such(
    direct_room, employee, member, client, mailoutbox, django_capture_on_commit_callbacks
):
    # A direct conversation's stored name lists its people, the recipient among them.
    from genbo.notifications.services import preferences_save

    preferences_save(user=member, channels={"chat_mention": "app_email"})
    with django_capture_on_commit_callbacks(execute=True):
        send_message(direct_room, employee, f"@[{member.get_full_name()}](user:{member.pk})")
    client.force_login(member)
    page = client.get(reverse("notifications:list")).content.decode()

    assert "nämnde dig i ett direktsamtal" in page
    assert len(mailoutbox) == 1
    assert "nämnde dig i ett direktsamtal" in mailoutbox[0].subject
    for text in (page, mailoutbox[0].subject, mailoutbox[0].body):
        assert member.get_full_name() not in text.replace(f"Hej {member.first_name}", "")


def test_edit_marks_edited_and_notifies_new_mentions(topic_room, employee, member):
    message = send_message(topic_room, employee, "Utan omnämnande")

    services.message_edit(
        message=message, by=employee, body=f"Med @[{member.get_full_name()}](user:{member.pk})"
    )

    message.refresh_from_db()
    assert message.edited_at is not None
    assert Notification.objects.filter(recipient=member).count() == 1


def test_delete_clears_text_and_is_final(topic_room, employee):
    message = send_message(topic_room, employee, "Ångrar mig")

    services.message_delete(message=message, by=employee)

    message.refresh_from_db()
    assert message.is_deleted
    assert message.body == ""
    with pytest.raises(ValidationError):
        services.message_edit(message=message, by=employee, body="Tillbaka")


def test_only_author_edits(topic_room, employee, member):
    message = send_message(topic_room, employee)

    with pytest.raises(PermissionDenied):
        services.message_edit(message=message, by=member, body="Kapat")
    with pytest.raises(PermissionDenied):
        services.message_delete(message=message, by=member)


def test_read_position_never_moves_back(topic_room, employee, member):
    services.room_list_add(room=topic_room, user=employee)
    second = [send_message(topic_room, member) for _ in range(2)][-1]

    services.room_mark_read(room=topic_room, user=employee, message_id=second.pk)
    services.room_mark_read(room=topic_room, user=employee, message_id=1)

    assert topic_room.members.get(user=employee).last_read_id == second.pk


def test_read_position_stops_at_newest_message(topic_room, employee, member):
    services.room_list_add(room=topic_room, user=employee)
    newest = send_message(topic_room, member)

    services.room_mark_read(room=topic_room, user=employee, message_id=2**63 - 1)
    send_message(topic_room, member, "Skrivet efteråt")

    assert topic_room.members.get(user=employee).last_read_id == newest.pk
    assert unread_total(employee) == 1


def test_read_position_in_empty_room_stays(topic_room, employee):
    services.room_mark_read(room=topic_room, user=employee, message_id=500)

    assert topic_room.members.get(user=employee).last_read_id == 0
