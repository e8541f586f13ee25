"""Mentions: real names, quotes and code, the cap per post, and the search field."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from genbo.forum import services
from genbo.forum.mentions import (
    MAX_MENTIONS_PER_POST,
    MENTION_PATTERN,
    mention_markup,
    mentioned_ids,
    render_chat_message_body,
    render_post_body,
)
from genbo.notifications.models import Notification
from tests.factories import UserFactory, forum_topic
from tests.helpers import in_swedish

pytestmark = pytest.mark.django_db


def _ask(author, body="Hur gör ni?"):
    return services.thread_create(topic=forum_topic(), author=author, title="En fråga", body=body)


def test_mention_shows_real_name_not_typed_text(employee, member):
    thread = _ask(employee)

    post = services.post_reply(
        thread=thread, author=member, body=f"Fråga @[Sekretariatet – logga in](user:{employee.pk})"
    )

    assert f"@[{employee.get_full_name()}](user:{employee.pk})" in post.body
    assert "logga in" not in post.body


def test_mention_of_longest_name_is_recognised(employee):
    person = UserFactory(first_name="Å" * 80, last_name="B" * 80)

    markup = mention_markup(person)

    match = MENTION_PATTERN.fullmatch(markup)
    assert match is not None
    assert match["name"] == "Å" * 80 + " " + "B" * 78 + "…"
    assert mentioned_ids(f"Hej {markup}!") == [person.pk]


def test_reply_keeps_mention_of_longest_name(employee, member):
    person = UserFactory(first_name="Å" * 80, last_name="B" * 80)
    thread = _ask(employee)

    post = services.post_reply(thread=thread, author=member, body=f"Fråga {mention_markup(person)}")

    assert mentioned_ids(post.body) == [person.pk]


def test_mention_of_name_of_brackets_shows_address(employee):
    person = UserFactory(first_name="[", last_name="]", email="klamrar@bjuv.example")

    markup = mention_markup(person)

    assert markup == f"@[klamrar@bjuv.example](user:{person.pk})"
    assert mentioned_ids(markup) == [person.pk]


def test_mentions_inside_quotes_and_code_notify_nobody(employee, member, convener):
    thread = _ask(employee)
    body = (
        f"> @[{convener.get_full_name()}](user:{convener.pk}) skrev något\n\n"
        f"`@[x](user:{convener.pk})`\n\n"
        f"```\n@[y](user:{convener.pk})\n```\n\nTack!"
    )

    services.post_reply(thread=thread, author=member, body=body)

    assert mentioned_ids(body) == []
    assert Notification.objects.filter(recipient=convener).exists() is False


def test_quoting_a_post_removes_its_mentions(client, employee, member, convener):
    thread = _ask(employee)
    quoted = services.post_reply(
        thread=thread, author=member, body=f"Hej @[x](user:{convener.pk}), vad tycker du?"
    )
    client.force_login(employee)

    response = client.get(reverse("forum:reply", args=[thread.pk]), {"quote": quoted.pk})

    form_text = response.context["form"].initial["body"]
    assert f"user:{convener.pk}" not in form_text
    assert f"@{convener.get_full_name()}" in form_text


def test_post_keeps_headings_that_chat_flattens():
    # Both share one cache of rendered bodies, so the order of the calls matters here.
    body = "# Rubrik"
    assert str(render_chat_message_body(body, [])) == "<p><strong>Rubrik</strong></p>\n"
    assert str(render_post_body(body, [])) == "<h2>Rubrik</h2>\n"


def test_too_many_mentions_are_rejected(employee):
    thread = _ask(employee)
    people = UserFactory.create_batch(MAX_MENTIONS_PER_POST + 1)
    body = " ".join(f"@[p](user:{person.pk})" for person in people)

    with pytest.raises(ValidationError) as error:
        services.post_reply(thread=thread, author=employee, body=body)

    expected = in_swedish("You can mention at most %(limit)d colleagues in one post.") % {
        "limit": MAX_MENTIONS_PER_POST
    }
    assert error.value.message_dict["body"] == [expected]
    assert Notification.objects.exists() is False


def test_reply_of_invisible_characters_is_rejected(employee):
    thread = _ask(employee)

    with pytest.raises(ValidationError) as error:
        services.post_reply(thread=thread, author=employee, body="\u200b\u200b\ufeff")

    assert "body" in error.value.message_dict


def test_post_in_locked_thread_cannot_be_edited(employee, staff):
    thread = _ask(employee)
    services.thread_set_locked(thread=thread, by=staff, locked=True)
    question = thread.posts.get(is_question=True)

    with pytest.raises(ValidationError):
        services.post_edit(post=question, by=employee, body="Ny text")


def test_mention_search_reads_the_field_name(client, employee, member):
    thread = _ask(employee)
    client.force_login(employee)

    response = client.get(
        reverse("forum:mention_suggest"),
        {"thread": thread.pk, "mention_q": member.first_name},
    )

    assert member.get_full_name() in response.content.decode()


def test_email_subject_is_not_html_escaped(
    employee, member, mailoutbox, django_capture_on_commit_callbacks
):
    thread = services.thread_create(
        topic=forum_topic(), author=employee, title='"Tips & trix" <nu>', body="Hej"
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(
            thread=thread, author=member, body=f"@[x](user:{employee.pk}) titta här"
        )

    subjects = [message.subject for message in mailoutbox]
    assert any('"Tips & trix" <nu>' in subject for subject in subjects)
