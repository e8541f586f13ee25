"""The access rule of the forum, with the personas against every forum and notification route.

A thread without a network is for every signed-in employee. A network's discussion
follows the network: a closed network's threads, their posts, deep links and actions
answer 404 to everyone but its active members, and never show up in lists or counts.
"""

import pytest
from django.urls import reverse

from genbo.forum import services
from genbo.networks import services as network_services
from genbo.notifications.mail import unsubscribe_token
from genbo.notifications.models import Notification
from tests.helpers import is_login_redirect

PERSONAS = ["anonymous", "employee", "outsider", "member", "convener", "staff"]
LOGIN = "login"


ROUTES = {
    "index": ("forum:index", lambda f: reverse("forum:index")),
    "index_unanswered": ("forum:index", lambda f: reverse("forum:index") + "?show=unanswered"),
    "topic": ("forum:topic", lambda f: reverse("forum:topic", args=["hr"])),
    "thread_create": ("forum:thread_create", lambda f: reverse("forum:thread_create")),
    "closed_thread_create": (
        "forum:thread_create",
        lambda f: reverse("forum:thread_create") + f"?network={f.closed.network.slug}",
    ),
    "public_thread": ("forum:thread", lambda f: reverse("forum:thread", args=[f.public.pk])),
    "closed_thread": ("forum:thread", lambda f: reverse("forum:thread", args=[f.closed.pk])),
    "public_reply_form": ("forum:reply", lambda f: reverse("forum:reply", args=[f.public.pk])),
    "closed_reply": ("forum:reply", lambda f: reverse("forum:reply", args=[f.closed.pk])),
    "public_lock": ("forum:lock", lambda f: reverse("forum:lock", args=[f.public.pk])),
    "closed_lock": ("forum:lock", lambda f: reverse("forum:lock", args=[f.closed.pk])),
    "public_follow": ("forum:follow", lambda f: reverse("forum:follow", args=[f.public.pk])),
    "closed_follow": ("forum:follow", lambda f: reverse("forum:follow", args=[f.closed.pk])),
    "public_post": ("forum:post", lambda f: reverse("forum:post", args=[f.public_reply.pk])),
    "closed_post": ("forum:post", lambda f: reverse("forum:post", args=[f.closed_reply.pk])),
    "public_edit": (
        "forum:post_edit",
        lambda f: reverse("forum:post_edit", args=[f.public_reply.pk]),
    ),
    "closed_edit": (
        "forum:post_edit",
        lambda f: reverse("forum:post_edit", args=[f.closed_reply.pk]),
    ),
    "public_delete": (
        "forum:post_delete",
        lambda f: reverse("forum:post_delete", args=[f.public_reply.pk]),
    ),
    "closed_delete": (
        "forum:post_delete",
        lambda f: reverse("forum:post_delete", args=[f.closed_reply.pk]),
    ),
    "public_vote": ("forum:vote", lambda f: reverse("forum:vote", args=[f.public_reply.pk])),
    "closed_vote": ("forum:vote", lambda f: reverse("forum:vote", args=[f.closed_reply.pk])),
    "public_accept": (
        "forum:accept",
        lambda f: reverse("forum:accept", args=[f.public_reply.pk]),
    ),
    "closed_accept": (
        "forum:accept",
        lambda f: reverse("forum:accept", args=[f.closed_reply.pk]),
    ),
    "public_hide": ("forum:hide", lambda f: reverse("forum:hide", args=[f.public_reply.pk])),
    "closed_hide": ("forum:hide", lambda f: reverse("forum:hide", args=[f.closed_reply.pk])),
    "mention_suggest": (
        "forum:mention_suggest",
        lambda f: reverse("forum:mention_suggest") + "?q=Mats",
    ),
    "closed_mention_suggest": (
        "forum:mention_suggest",
        lambda f: reverse("forum:mention_suggest") + f"?q=Mats&thread={f.closed.pk}",
    ),
    "notifications": ("notifications:list", lambda f: reverse("notifications:list")),
    "notification_settings": (
        "notifications:settings",
        lambda f: reverse("notifications:settings"),
    ),
    "notification_read": (
        "notifications:read",
        lambda f: reverse("notifications:read", args=[f.notification.pk]),
    ),
    "notifications_read_all": (
        "notifications:read_all",
        lambda f: reverse("notifications:read_all"),
    ),
    # The unsubscribe address is open without a session; its signed token is the key.
    "newsletter_unsubscribe": (
        "notifications:unsubscribe",
        lambda f: reverse(
            "notifications:unsubscribe", args=[unsubscribe_token(f.notification.recipient)]
        ),
    ),
    "newsletter_unsubscribe_bad": (
        "notifications:unsubscribe",
        lambda f: reverse("notifications:unsubscribe", args=["1:wrong-signature"]),
    ),
}

POST_DATA = {"closed_reply": {"body": "Ett svar.", "token": "0f6ab0b4-0d39-4f1e-9d4c-2d8e0b9f0a11"}}

# Expected status per persona, in the order of PERSONAS. The employee asked the public
# thread. The outsider works in another municipality. The member belongs to the closed
# network and wrote the public reply and the closed question. The convener convenes both
# networks and wrote the closed reply. Staff belong to no network.
# Edit and delete are for the author only: others get 403 on a thread they can read.
# Accepting is for the asker or a convener; others are sent back with a message (302).
TABLE = [
    ("index", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("index_unanswered", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("topic", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("thread_create", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("closed_thread_create", "GET", (LOGIN, 404, 404, 200, 200, 404)),
    ("public_thread", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("closed_thread", "GET", (LOGIN, 404, 404, 200, 200, 404)),
    ("public_reply_form", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("closed_reply", "POST", (LOGIN, 404, 404, 302, 302, 404)),
    ("public_lock", "POST", (LOGIN, 403, 403, 403, 403, 302)),
    ("closed_lock", "POST", (LOGIN, 404, 404, 403, 403, 404)),
    ("public_follow", "POST", (LOGIN, 302, 302, 302, 302, 302)),
    ("closed_follow", "POST", (LOGIN, 404, 404, 302, 302, 404)),
    ("public_post", "GET", (LOGIN, 302, 302, 302, 302, 302)),
    ("closed_post", "GET", (LOGIN, 404, 404, 302, 302, 404)),
    ("public_edit", "GET", (LOGIN, 403, 403, 200, 403, 403)),
    ("closed_edit", "GET", (LOGIN, 404, 404, 403, 200, 404)),
    ("public_delete", "GET", (LOGIN, 403, 403, 200, 403, 403)),
    ("closed_delete", "GET", (LOGIN, 404, 404, 403, 200, 404)),
    ("public_vote", "POST", (LOGIN, 302, 302, 302, 302, 302)),
    ("closed_vote", "POST", (LOGIN, 404, 404, 302, 302, 404)),
    ("public_accept", "POST", (LOGIN, 302, 302, 302, 302, 302)),
    ("closed_accept", "POST", (LOGIN, 404, 404, 302, 302, 404)),
    ("public_hide", "POST", (LOGIN, 403, 403, 403, 403, 302)),
    ("closed_hide", "POST", (LOGIN, 404, 404, 403, 403, 404)),
    ("mention_suggest", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("closed_mention_suggest", "GET", (LOGIN, 404, 404, 200, 200, 404)),
    ("notifications", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("notification_settings", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    # The notification belongs to the member; for anyone else it does not exist.
    ("notification_read", "POST", (LOGIN, 404, 404, 302, 404, 404)),
    ("notifications_read_all", "POST", (LOGIN, 302, 302, 302, 302, 302)),
    ("newsletter_unsubscribe", "GET", (200, 200, 200, 200, 200, 200)),
    ("newsletter_unsubscribe_bad", "GET", (404, 404, 404, 404, 404, 404)),
]

CASES = [
    pytest.param(route, method, persona, expected, id=f"{route}-{persona}")
    for route, method, outcomes in TABLE
    for persona, expected in zip(PERSONAS, outcomes, strict=True)
]


@pytest.fixture
def world(forum, member, convener):
    forum.notification = Notification.objects.create(
        recipient=member,
        kind="reply",
        actor=convener,
        thread=forum.closed,
        post=forum.closed_reply,
    )
    return forum


def test_table_covers_every_forum_and_notifications_route():
    from genbo.forum.urls import urlpatterns as forum_patterns
    from genbo.notifications.urls import urlpatterns as notification_patterns

    exercised = {ROUTES[route][0] for route, _method, _outcomes in TABLE}
    every_route = {f"forum:{pattern.name}" for pattern in forum_patterns} | {
        f"notifications:{pattern.name}" for pattern in notification_patterns
    }

    assert every_route - exercised == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "persona", "expected"), CASES)
def test_status_by_role(client, request, world, route, method, persona, expected):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = ROUTES[route][1](world)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, POST_DATA.get(route, {}))

    if expected == LOGIN:
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected


SECRETS = ["Hemlig omorganisation av enheten", "Budgeten för nästa år skärs ned"]

LIST_PAGES = {
    "start": lambda f: reverse("forum:index"),
    "topic": lambda f: reverse("forum:topic", args=["hr"]),
    "unanswered": lambda f: reverse("forum:index") + "?show=unanswered",
    "solved": lambda f: reverse("forum:index") + "?show=solved",
    "following": lambda f: reverse("forum:index") + "?show=following",
    "mine": lambda f: reverse("forum:index") + "?show=mine",
    "network_page": lambda f: f.closed.network.get_absolute_url(),
    "notifications": lambda f: reverse("notifications:list"),
}


@pytest.mark.parametrize("persona", ["employee", "outsider", "staff"])
@pytest.mark.parametrize("page", sorted(LIST_PAGES))
def test_closed_thread_stays_off_lists(client, request, forum, convener, persona, page):
    user = request.getfixturevalue(persona)
    # A follower who was never a member gets no trace of it either.
    forum.closed.follows.create(user=user)
    services.answer_toggle(post=forum.closed_reply, by=convener)
    client.force_login(user)

    html = client.get(LIST_PAGES[page](forum)).content.decode()

    assert [secret for secret in SECRETS if secret in html] == []


def test_member_sees_closed_thread_in_lists(client, member, forum):
    client.force_login(member)

    html = client.get(reverse("forum:topic", args=["hr"])).content.decode()

    assert SECRETS[0] in html


def test_topic_counts_only_readable_threads(client, employee, member, forum):
    from genbo.forum.selectors import topics_with_activity

    counts_for_employee = {t.slug: t.thread_count for t in topics_with_activity(employee)}
    counts_for_member = {t.slug: t.thread_count for t in topics_with_activity(member)}

    assert counts_for_employee["hr"] == 2
    assert counts_for_member["hr"] == 3


def test_hidden_thread_looks_like_missing_thread(client, employee, forum):
    client.force_login(employee)

    hidden = client.get(reverse("forum:thread", args=[forum.closed.pk]))
    missing = client.get(reverse("forum:thread", args=[999_999]))

    assert hidden.status_code == missing.status_code == 404
    assert SECRETS[0] not in hidden.content.decode()


def test_former_member_loses_closed_thread(client, member, forum):
    network_services.membership_leave(network=forum.closed.network, user=member)
    client.force_login(member)

    response = client.get(reverse("forum:thread", args=[forum.closed.pk]))

    assert response.status_code == 404


def test_mention_suggest_offers_only_members_for_closed_thread(client, member, forum):
    from tests.factories import UserFactory

    UserFactory(first_name="Matilda", last_name="Utanför")
    client.force_login(member)

    html = client.get(
        reverse("forum:mention_suggest") + f"?q=Ma&thread={forum.closed.pk}"
    ).content.decode()

    assert "Mats Medlem" in html
    assert "Matilda" not in html
