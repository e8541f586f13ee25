"""Notifications: the list and unread count, marking read, settings, and e-mail delivery."""

import pytest
from django.urls import reverse

from genbo.forum import services as forum_services
from genbo.networks import services as network_services
from genbo.notifications import services
from genbo.notifications.models import Notification
from tests.factories import forum_topic
from tests.helpers import in_swedish

pytestmark = pytest.mark.django_db


def _ask(author, *, network=None):
    return forum_services.thread_create(
        author=author,
        topic=forum_topic(),
        title="Hur gör ni med lönerevision?",
        body="Fråga",
        network=network,
    )


def _mention(user) -> str:
    return f"@[{user.get_full_name()}](user:{user.pk})"


def test_unread_count_in_header(client, employee, member):
    thread = _ask(employee)
    forum_services.post_reply(thread=thread, author=member, body="Ett svar.")
    forum_services.post_reply(thread=thread, author=member, body="Ett till.")
    client.force_login(employee)

    html = client.get(reverse("forum:index")).content.decode()

    assert "(2 olästa)" in html or "(2 unread)" in html


def test_mark_one_and_all_read(client, employee, member):
    thread = _ask(employee)
    first = forum_services.post_reply(thread=thread, author=member, body="Ett.")
    forum_services.post_reply(thread=thread, author=member, body="Två.")
    client.force_login(employee)
    notification = Notification.objects.get(post=first)

    response = client.post(reverse("notifications:read", args=[notification.pk]))

    assert response.url == reverse("forum:post", args=[first.pk])
    assert services.unread_count(employee) == 1
    client.post(reverse("notifications:read_all"))
    assert services.unread_count(employee) == 0


def test_leaving_closed_network_hides_its_notifications(client, member, convener, closed_network):
    thread = _ask(member, network=closed_network)
    forum_services.post_reply(thread=thread, author=convener, body="Hemligt svar.")
    assert services.unread_count(member) == 1

    network_services.membership_leave(network=closed_network, user=member)
    client.force_login(member)
    html = client.get(reverse("notifications:list")).content.decode()

    assert services.unread_count(member) == 0
    assert thread.title not in html


def test_mention_sends_swedish_email_by_default(
    employee, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = _ask(employee)
        forum_services.post_reply(thread=thread, author=employee, body=f"Hej {_mention(member)}")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [member.email]
    assert "Elin Eriksson" in message.subject
    assert in_swedish("Read the post:") in message.body
    assert reverse("notifications:settings") in message.body
    assert message.alternatives[0][1] == "text/html"


def test_reply_sends_no_email_by_default(
    employee, member, mailoutbox, django_capture_on_commit_callbacks
):
    thread = _ask(employee)
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.post_reply(thread=thread, author=member, body="Svar.")

    assert Notification.objects.filter(recipient=employee).count() == 1
    assert mailoutbox == []


def test_preferences_respected_for_email(
    client, employee, member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(employee)
    client.post(
        reverse("notifications:settings"),
        {
            "reply": "app_email",
            "mention": "app",
            "borrow_request": "app",
            "chat_mention": "app",
            "no_convener": "app",
        },
    )
    thread = _ask(employee)

    with django_capture_on_commit_callbacks(execute=True):
        forum_services.post_reply(thread=thread, author=member, body="Svar.")
        forum_services.post_reply(thread=thread, author=member, body=f"{_mention(employee)}")

    assert [m.to for m in mailoutbox] == [[employee.email]]
    assert services.preferences_for(employee) == {
        "reply": "app_email",
        "mention": "app",
        "borrow_request": "app",
        "chat_mention": "app",
        "no_convener": "app",
    }


def test_no_email_to_recipient_who_lost_access(
    member, convener, closed_network, mailoutbox, django_capture_on_commit_callbacks
):
    thread = _ask(member, network=closed_network)
    post = forum_services.post_reply(thread=thread, author=convener, body="Svar.")
    notification = services.notify(
        kind="mention", recipient_ids=[member.pk], actor=convener, post=post
    )[0]
    network_services.membership_leave(network=closed_network, user=member)

    sent = services.send_notification_emails([notification.pk])

    assert sent == 0
    assert mailoutbox == []


def test_settings_rejects_unknown_choice(client, employee):
    client.force_login(employee)

    response = client.post(reverse("notifications:settings"), {"reply": "sms", "mention": "app"})

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert services.preferences_for(employee)["reply"] == "app"


def test_read_redirect_stays_on_site(client, employee, member):
    thread = _ask(employee)
    forum_services.post_reply(thread=thread, author=member, body="Svar.")
    notification = Notification.objects.get(recipient=employee)
    client.force_login(employee)

    response = client.post(
        reverse("notifications:read", args=[notification.pk]),
        {"next": "https://evil.example/"},
    )

    assert response.url == reverse("forum:post", args=[notification.post_id])
