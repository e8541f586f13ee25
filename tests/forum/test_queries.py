"""The forum pages run a fixed number of SQL queries, whatever the number of threads and posts.

Every page is measured at a small and at a large data size. Both counts must equal the
pinned number, whose breakdown is written next to it.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from genbo.forum import services
from genbo.forum.models import Post, PostRevision, PostVote, Thread
from tests.factories import NetworkFactory, UserFactory, add_member, forum_topic

pytestmark = pytest.mark.django_db

SIZES = {
    "small": {"threads": 3, "replies": 3},
    "large": {"threads": 30, "replies": 200},
}


def _build(viewer, *, threads: int, replies: int) -> Thread:
    """Create `threads` threads in two topics (every third in a closed network the viewer
    belongs to), and give the first one `replies` replies with votes, edits and an answer.

    Returns the first thread, the one whose page is measured.
    """
    people = [UserFactory() for _ in range(4)]
    closed = NetworkFactory(access="closed")
    add_member(closed, viewer)
    topics = [forum_topic("hr"), forum_topic("it")]
    created = []
    for index in range(threads):
        created.append(
            services.thread_create(
                author=people[index % 4],
                topic=topics[index % 2],
                title=f"Fråga {index}",
                body="Text",
                network=closed if index % 3 == 2 else None,
            )
        )
    first = created[0]
    posts = Post.objects.bulk_create(
        Post(thread=first, author=people[n % 4], body=f"Svar {n} **fet**") for n in range(replies)
    )
    PostVote.objects.bulk_create(PostVote(post=post, user=viewer) for post in posts[::2])
    PostRevision.objects.bulk_create(
        PostRevision(post=post, body="Tidigare", edited_by=post.author) for post in posts[::3]
    )
    first.accepted_post = posts[0]
    first.reply_count = replies
    first.save()
    return first


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _measure(client, page: str, size: str) -> int:
    viewer = UserFactory()
    thread = _build(viewer, **SIZES[size])
    client.force_login(viewer)
    url = {
        "start": reverse("forum:index"),
        "topic": reverse("forum:topic", args=["hr"]),
        "thread": thread.get_absolute_url(),
        "thread_last_page": thread.get_absolute_url() + "?page=last",
    }[page]
    return _count_queries(client, url)


# Queries per page, the same at every size. Each starts with four for the signed-in
# visitor: the session, the user, and the unread notification and chat counts in the
# header.
# start (6): + the topics with thread counts and latest activity (subqueries), the
#   newest threads with topic, network and author joined.
# topic (7): + the topic, the thread count for the paginator, the page of threads.
# thread (9): + the thread (topic, network, author and accepted answer joined; follow and
#   convener are subqueries), the ids and authors of its posts (for the paginator and the
#   viewer's own posts), its competences, the page of posts (author joined, own thanks as
#   a subquery), their earlier versions with editors.
EXPECTED_QUERIES = {"start": 6, "topic": 7, "thread": 9, "thread_last_page": 9}
# thread from the cache (4): the session, the user, the thread as above, and the viewer's
#   thanks on the page. The ids and authors of the posts, the competences, the rendered
#   posts and the unread counts in the header come from the cache.
EXPECTED_CACHED_THREAD_QUERIES = 4


@pytest.mark.parametrize("page", sorted(EXPECTED_QUERIES))
@pytest.mark.parametrize("size", sorted(SIZES))
def test_page_query_count_is_pinned(client, page, size):
    assert _measure(client, page, size) == EXPECTED_QUERIES[page]


@pytest.mark.parametrize("page", sorted(EXPECTED_QUERIES))
def test_page_query_count_does_not_grow(client, page):
    small = _measure(client, page, "small")
    client.logout()
    large = _measure(client, page, "large")

    assert small == large


@pytest.mark.parametrize("size", sorted(SIZES))
def test_cached_thread_query_count_is_pinned(client, size):
    viewer = UserFactory()
    thread = _build(viewer, **SIZES[size])
    client.force_login(viewer)
    client.get(thread.get_absolute_url())

    assert _count_queries(client, thread.get_absolute_url()) == EXPECTED_CACHED_THREAD_QUERIES
