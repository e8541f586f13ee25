"""Rules in the forum services: follows, notifications, mentions, answers, thanks, edits."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from genbo.forum import services
from genbo.forum.models import Post, PostRevision, Thread, ThreadFollow
from genbo.networks import services as network_services
from genbo.notifications.models import Notification
from tests.factories import UserFactory, forum_topic
from tests.helpers import in_swedish

pytestmark = pytest.mark.django_db


def _mention(user) -> str:
    return f"@[{user.get_full_name()}](user:{user.pk})"


def _ask(author, *, network=None, body="Hur gör ni?"):
    return services.thread_create(
        author=author, topic=forum_topic("ekonomi"), title="Fråga", body=body, network=network
    )


def test_asker_and_repliers_follow_automatically(employee, member):
    thread = _ask(employee)
    services.post_reply(thread=thread, author=member, body="Så här.")

    followers = set(ThreadFollow.objects.filter(thread=thread).values_list("user", flat=True))

    assert followers == {employee.pk, member.pk}


def test_reply_notifies_followers_except_actor(employee, member, convener):
    thread = _ask(employee)
    services.post_reply(thread=thread, author=member, body="Första svaret.")
    services.post_reply(thread=thread, author=convener, body="Andra svaret.")

    notified = sorted(Notification.objects.filter(kind="reply").values_list("recipient", "actor"))

    assert notified == sorted(
        [(employee.pk, member.pk), (employee.pk, convener.pk), (member.pk, convener.pk)]
    )


def test_mention_notifies_only_people_who_can_read(member, convener, closed_network, outsider):
    thread = _ask(member, network=closed_network)

    post = services.post_reply(
        thread=thread,
        author=member,
        body=f"{_mention(convener)} och {_mention(outsider)} och @[Ingen](user:999999)",
    )

    mentioned = list(
        Notification.objects.filter(kind="mention").values_list("recipient", flat=True)
    )
    assert mentioned == [convener.pk]
    assert post.mentioned_ids == [convener.pk]


def test_mentioned_follower_gets_one_notification(employee, member):
    thread = _ask(employee)

    services.post_reply(thread=thread, author=member, body=f"Fråga {_mention(employee)}")

    kinds = list(Notification.objects.filter(recipient=employee).values_list("kind", flat=True))
    assert kinds == ["mention"]


def test_follower_who_left_closed_network_gets_nothing(member, convener, closed_network):
    thread = _ask(member, network=closed_network)
    network_services.membership_leave(network=closed_network, user=member)

    services.post_reply(thread=thread, author=convener, body="Svar.")

    assert not Notification.objects.filter(recipient=member).exists()


def test_double_submit_creates_one_post(employee, member):
    thread = _ask(employee)
    token = uuid.uuid4()

    first = services.post_reply(thread=thread, author=member, body="Svar.", idempotency_key=token)
    second = services.post_reply(thread=thread, author=member, body="Svar.", idempotency_key=token)

    assert first.pk == second.pk
    assert thread.posts.count() == 2
    assert Thread.objects.get(pk=thread.pk).reply_count == 1


def test_double_submit_of_question_creates_one_thread(employee):
    token = uuid.uuid4()
    topic = forum_topic()
    first = services.thread_create(
        author=employee, topic=topic, title="A", body="B", idempotency_key=token
    )
    second = services.thread_create(
        author=employee, topic=topic, title="A", body="B", idempotency_key=token
    )

    assert first.pk == second.pk
    assert Thread.objects.count() == 1


def test_reply_to_locked_thread_is_rejected(employee, member, staff):
    thread = _ask(employee)
    services.thread_set_locked(thread=thread, by=staff, locked=True)

    with pytest.raises(ValidationError) as error:
        services.post_reply(thread=thread, author=member, body="Svar.")

    assert error.value.messages == [in_swedish("The thread is locked, so it takes no new replies.")]


def test_reply_to_deleted_thread_is_rejected(employee, member):
    thread = _ask(employee)
    services.post_delete(post=thread.posts.get(), by=employee)

    with pytest.raises(ValidationError) as error:
        services.post_reply(thread=thread, author=member, body="Svar.")

    assert error.value.messages == [
        in_swedish("The question of this thread is deleted, so it takes no replies.")
    ]


def test_empty_reply_is_rejected(employee):
    thread = _ask(employee)

    with pytest.raises(ValidationError):
        services.post_reply(thread=thread, author=employee, body="  \n ")

    assert thread.posts.count() == 1


def test_asker_accepts_and_unaccepts(employee, member):
    thread = _ask(employee)
    reply = services.post_reply(thread=thread, author=member, body="Svar.")

    services.answer_toggle(post=reply, by=employee)
    assert Thread.objects.get(pk=thread.pk).accepted_post_id == reply.pk

    services.answer_toggle(post=reply, by=employee)
    assert Thread.objects.get(pk=thread.pk).accepted_post_id is None


def test_convener_accepts_in_network_thread(member, convener, open_network, employee):
    thread = _ask(member, network=open_network)
    reply = services.post_reply(thread=thread, author=employee, body="Svar.")

    services.answer_toggle(post=reply, by=convener)

    assert Thread.objects.get(pk=thread.pk).accepted_post_id == reply.pk


@pytest.mark.parametrize("persona", ["member", "convener", "staff"])
def test_others_cannot_accept(request, employee, persona):
    thread = _ask(employee)
    reply = services.post_reply(thread=thread, author=UserFactory(), body="Svar.")

    with pytest.raises(ValidationError) as error:
        services.answer_toggle(post=reply, by=request.getfixturevalue(persona))

    assert error.value.messages == [
        in_swedish("Only the person who asked, or a convener of the network, can mark the answer.")
    ]
    assert Thread.objects.get(pk=thread.pk).accepted_post_id is None


def test_vote_toggles_and_counts(employee, member, convener):
    thread = _ask(employee)
    reply = services.post_reply(thread=thread, author=member, body="Svar.")

    assert services.vote_toggle(post=reply, user=employee) is True
    assert services.vote_toggle(post=reply, user=convener) is True
    assert Post.objects.get(pk=reply.pk).vote_count == 2
    assert services.vote_toggle(post=reply, user=employee) is False
    assert Post.objects.get(pk=reply.pk).vote_count == 1


def test_repeated_thanks_change_nothing(employee, member):
    thread = _ask(employee)
    reply = services.post_reply(thread=thread, author=member, body="Svar.")

    assert services.vote_toggle(post=reply, user=employee, voted=True) is True
    assert services.vote_toggle(post=reply, user=employee, voted=True) is True
    assert Post.objects.get(pk=reply.pk).vote_count == 1
    assert services.vote_toggle(post=reply, user=employee, voted=False) is False
    assert services.vote_toggle(post=reply, user=employee, voted=False) is False
    assert Post.objects.get(pk=reply.pk).vote_count == 0


def test_own_post_cannot_be_thanked(employee):
    thread = _ask(employee)

    with pytest.raises(ValidationError):
        services.vote_toggle(post=thread.posts.get(), user=employee)


def test_edit_keeps_history(employee):
    thread = _ask(employee, body="Första texten.")
    post = thread.posts.get()

    services.post_edit(post=post, by=employee, body="Andra texten.", title="Ny rubrik")

    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.body == "Andra texten."
    assert post.edited_at is not None
    assert thread.title == "Ny rubrik"
    assert list(PostRevision.objects.values_list("body", flat=True)) == ["Första texten."]


def test_only_author_edits_and_deletes(employee, member):
    post = _ask(employee).posts.get()

    with pytest.raises(PermissionDenied):
        services.post_edit(post=post, by=member, body="Kapat.")
    with pytest.raises(PermissionDenied):
        services.post_delete(post=post, by=member)


def test_deleting_reply_keeps_thread_readable(employee, member):
    thread = _ask(employee)
    reply = services.post_reply(thread=thread, author=member, body="Svar.")
    services.answer_toggle(post=reply, by=employee)

    services.post_delete(post=reply, by=member)

    thread.refresh_from_db()
    assert thread.deleted_at is None
    assert thread.reply_count == 0
    assert thread.accepted_post_id is None
    assert Post.objects.get(pk=reply.pk).body == "Svar."


def test_staff_hides_post_and_others_cannot(employee, member, staff):
    thread = _ask(employee)
    reply = services.post_reply(thread=thread, author=member, body="Olämpligt.")

    with pytest.raises(PermissionDenied):
        services.post_set_hidden(post=reply, by=employee, hidden=True)
    services.post_set_hidden(post=reply, by=staff, hidden=True)

    reply.refresh_from_db()
    assert reply.hidden_by == staff
    assert Thread.objects.get(pk=thread.pk).reply_count == 0


def test_only_staff_locks(employee, staff):
    thread = _ask(employee)

    with pytest.raises(PermissionDenied):
        services.thread_set_locked(thread=thread, by=employee, locked=True)
    services.thread_set_locked(thread=thread, by=staff, locked=True)

    assert Thread.objects.get(pk=thread.pk).is_locked
