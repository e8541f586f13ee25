"""Reads of the forum, each a fixed number of queries whatever the volume."""

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from genbo.core.prepared import PreparedQuery
from genbo.forum.models import Post, Thread, ThreadFollow, Topic
from genbo.networks.models import Membership

POSTS_PER_PAGE = 25
THREADS_PER_PAGE = 20


class ListFilter:
    ALL = ""
    UNANSWERED = "unanswered"
    SOLVED = "solved"
    MINE = "mine"
    FOLLOWING = "following"

    values = (UNANSWERED, SOLVED, MINE, FOLLOWING)


def thread_list(user, *, topic: Topic | None = None, network=None, show: str = "") -> QuerySet:
    """Threads `user` may read, newest activity first, narrowed by topic, network and `show`.

    `show` is one of ListFilter: unanswered (no replies), solved, mine (asked by `user`)
    or following.
    """
    threads = Thread.objects.visible_to(user).listed()
    if topic is not None:
        threads = threads.filter(topic=topic)
    if network is not None:
        threads = threads.filter(network=network)
    if show == ListFilter.UNANSWERED:
        threads = threads.filter(reply_count=0)
    elif show == ListFilter.SOLVED:
        threads = threads.filter(accepted_post__isnull=False)
    elif show == ListFilter.MINE:
        threads = threads.filter(author=user)
    elif show == ListFilter.FOLLOWING:
        threads = threads.filter(
            Exists(ThreadFollow.objects.filter(thread=OuterRef("pk"), user=user))
        )
    return threads.select_related("topic", "network", "author", "author__municipality").order_by(
        "-last_activity_at", "-pk"
    )


def newest_threads(user, *, limit: int = 10) -> QuerySet:
    return thread_list(user).order_by("-created_at", "-pk")[:limit]


def topics_with_activity(user) -> QuerySet:
    """Return every topic with the number of threads `user` may read and their latest activity."""
    readable = Thread.objects.visible_to(user).listed().filter(topic=OuterRef("pk")).order_by()
    thread_count = readable.values("topic").annotate(total=Count("pk")).values("total")
    latest = readable.order_by("-last_activity_at").values("last_activity_at")[:1]
    return Topic.objects.annotate(
        thread_count=Coalesce(Subquery(thread_count, output_field=IntegerField()), Value(0)),
        last_activity_at=Subquery(latest),
    ).order_by("position", "name")


def get_topic(slug: str) -> Topic:
    try:
        return Topic.objects.get(slug=slug)
    except Topic.DoesNotExist:
        raise Http404 from None


def _threads_for_user(user) -> QuerySet:
    """Return the threads `user` may read, with the relations and annotations of the getter."""
    return (
        Thread.objects.visible_to(user)
        .select_related("topic", "network", "author", "accepted_post", "accepted_post__author")
        # One row by its key needs no sorting; the default order costs planning time.
        .order_by()
        .annotate(
            is_following=Exists(ThreadFollow.objects.filter(thread=OuterRef("pk"), user=user)),
            is_convener=Exists(
                Membership.objects.filter(
                    network=OuterRef("network"),
                    user=user,
                    role=Membership.Role.CONVENER,
                    status=Membership.Status.ACTIVE,
                )
            ),
        )
    )


def _thread_by_ids(user_id: int, thread_id: int) -> QuerySet:
    # An unsaved active user takes the reader's place while the query compiles.
    reader = get_user_model()(pk=user_id, is_active=True)
    return _threads_for_user(reader).filter(pk=thread_id)[:1]


# The getter's query, compiled once per process: building and compiling it cost more
# than running it.
_thread_for_user = PreparedQuery(_thread_by_ids, "user_id", "thread_id")


def get_thread_for_user(user, pk: int) -> Thread:
    """Return the thread with the caller's relations to it, or raise 404 if `user` may not read it.

    Annotations: is_following, and is_convener (of the thread's network).
    """
    # The same condition as in Thread.objects.visible_to, which returns no threads then.
    if not user.is_authenticated or not user.is_active:
        raise Http404
    thread = _thread_for_user.first(user_id=user.pk, thread_id=pk)
    if thread is None:
        raise Http404
    thread.can_accept = thread.author_id == user.pk or thread.is_convener
    return thread


def get_post_for_user(user, pk: int) -> Post:
    """Return a post of a thread that `user` may read, with its thread, or raise 404."""
    try:
        return Post.objects.visible_to(user).select_related("thread", "thread__network").get(pk=pk)
    except Post.DoesNotExist:
        raise Http404 from None


def post_page_number(post: Post) -> int:
    """Return the page of its thread that shows `post`."""
    earlier = (
        Post.objects.filter(thread_id=post.thread_id)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
        .count()
    )
    return earlier // POSTS_PER_PAGE + 1


def mention_candidates(text: str, *, network=None, limit: int = 8) -> QuerySet:
    """Active employees whose first or last name, or full name, starts with `text`.

    For a discussion of a closed network only its active members are offered, because
    others could not read it.
    """
    words = text.split()
    if not words:
        return get_user_model().objects.none()
    people = get_user_model().objects.filter(is_active=True)
    for word in words[:3]:
        people = people.filter(Q(first_name__istartswith=word) | Q(last_name__istartswith=word))
    if network is not None and network.is_closed:
        people = people.filter(
            memberships__network=network,
            memberships__status=Membership.Status.ACTIVE,
        )
    return people.select_related("municipality").order_by("first_name", "last_name")[:limit]
