"""The posts of a thread page, rendered once and shared by every viewer they fit.

Rendering 25 posts with their actions is most of the thread page's CPU time, and all
readers of a thread see nearly the same HTML. Two things are cached in Django's cache,
both keyed by the thread's `content_version`, which every service that changes the
posts raises in its transaction (see services.thread_content_changed):

- the index of the thread: the id and author id of each post, in page order, and the
  labels of the thread's competences. It gives the paginator its count and shows which
  posts on a page are the viewer's own;
- the HTML of one page of posts for one viewer key. The key contains everything in the
  HTML that differs between viewers: staff or not, whether the viewer may mark the
  answer, which posts on the page are the viewer's own and which the viewer has thanked,
  and the language and time zone. Viewers with the same key get the same HTML, apart
  from the CSRF token (below). The template is rendered without the request, so it
  cannot read anything about the viewer that the key does not hold.

The forms in the HTML carry a random placeholder in place of the CSRF token, and each
response puts the viewer's own token there, so no token is ever shared. The placeholder is
drawn after the posts are read, so no post text can contain it.

Access is checked before any of this: the caller passes a thread that
get_thread_for_user returned for the viewer.

The content of the whole thread page (heading, answer, posts, reply form) is cached the
same way, under the key of its posts extended by a digest of the thread's own facts that
the content shows: title, topic, network, follow state, lock and deletion, and the
accepted answer. The reply form's idempotency token is a placeholder as well, filled in
for each response. The pagination links are part of the cached HTML: the content is
cached only for requests whose query string has nothing but the page number, so the
links depend on the page and the thread's length alone.

Each app process also keeps the entries it read last (genbo.core.local_cache): the keys
contain everything that the values depend on, apart from what the next paragraph names.

Changes that bypass the services and the admin, and changes to an author's name, title
or municipality or to a competence's label, show after at most CACHE_SECONDS, and the
process copies add up to local_cache.LOCAL_SECONDS to that.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from genbo.core import local_cache
from genbo.core.csrf import request_token
from genbo.core.prepared import PreparedQuery
from genbo.forum.forms import ReplyForm
from genbo.forum.models import Post, PostRevision, PostVote, Thread
from genbo.forum.selectors import POSTS_PER_PAGE

CACHE_SECONDS = 15 * 60


def _votes_in_thread(user_id: int, thread_id: int):
    return PostVote.objects.filter(user=user_id, post__thread=thread_id).only("post")


# The viewer's thanks in the whole thread: one query of a fixed shape, compiled once per
# process, where the page's post ids made the SQL differ from page to page.
_viewer_votes = PreparedQuery(_votes_in_thread, "user_id", "thread_id")


@dataclass(frozen=True)
class ThreadPostsPage:
    page: Page  # its object_list contains (post id, author id) pairs
    html: SafeString
    competence_labels: list[str]


@dataclass(frozen=True)
class ThreadPageContent:
    page: Page  # its object_list contains (post id, author id) pairs
    html: SafeString


@dataclass
class _ViewerPage:
    """One page of a thread's posts as one viewer sees it."""

    index: dict
    page: Page
    own_ids: list[int]
    voted_ids: set[int]
    posts: list[Post] | None  # read already when the index was not cached


def thread_posts_page(request, thread: Thread) -> ThreadPostsPage:
    """Return the requested page of posts, the HTML of its posts, and the labels of the
    thread's competences.

    `thread` must come from get_thread_for_user for the requesting user.
    """
    viewer_page = _viewer_page(request, thread)
    placeholder, html = _posts_entry(thread, viewer_page, request.user)
    # The HTML was built from escaped and sanitised parts by the template engine.
    html = mark_safe(html.replace(placeholder, request_token(request)))
    return ThreadPostsPage(
        page=viewer_page.page, html=html, competence_labels=viewer_page.index["competence_labels"]
    )


def thread_page_content(request, thread: Thread) -> ThreadPageContent:
    """Return the requested page of posts and the HTML of the thread page's content, with
    an empty reply form.

    `thread` must come from get_thread_for_user for the requesting user. Use it only when
    the query string contains nothing but the page number, because other parameters would
    each make a cache entry of their own.
    """
    user = request.user
    viewer_page = _viewer_page(request, thread)
    key = _html_key(thread, viewer_page, is_staff=user.is_staff, head=_head_facts(thread))
    entry = local_cache.get(key)
    if entry is None:
        entry = _render_content(request, thread, viewer_page)
        local_cache.set(key, entry, CACHE_SECONDS)

    placeholders, html = entry
    html = html.replace(placeholders["csrf"], request_token(request)).replace(
        placeholders["token"], str(uuid.uuid4())
    )
    # The HTML was built from escaped and sanitised parts by the template engine.
    return ThreadPageContent(page=viewer_page.page, html=mark_safe(html))


def _viewer_page(request, thread: Thread) -> _ViewerPage:
    user = request.user
    index_key = f"forum:thread:{thread.pk}:v{thread.content_version}:index"
    index = local_cache.get(index_key)
    index_was_cached = index is not None
    if not index_was_cached:
        index = {
            "posts": list(thread.posts.order_by("created_at", "pk").values_list("pk", "author_id")),
            "competence_labels": list(thread.competences.values_list("label", flat=True)),
        }
        local_cache.set(index_key, index, CACHE_SECONDS)

    page = Paginator(index["posts"], POSTS_PER_PAGE).get_page(request.GET.get("page"))
    post_ids = [post_id for post_id, _author_id in page.object_list]
    own_ids = [post_id for post_id, author_id in page.object_list if author_id == user.pk]

    posts = None
    if index_was_cached:
        thread_votes = _viewer_votes.run(user_id=user.pk, thread_id=thread.pk)
        voted_ids = {vote.post_id for vote in thread_votes} & set(post_ids)
    else:
        # A cold index means a cold page as well, so read the posts now, with the
        # viewer's thanks as a subquery, rather than the thanks in a query of their own.
        posts = _load_posts(post_ids, user=user)
        voted_ids = {post.pk for post in posts if post.has_voted}
    return _ViewerPage(index=index, page=page, own_ids=own_ids, voted_ids=voted_ids, posts=posts)


def _posts_entry(thread: Thread, viewer_page: _ViewerPage, user) -> tuple[str, str]:
    """Return the cached placeholder and HTML of the page's posts, rendered if missing."""
    html_key = _html_key(thread, viewer_page, is_staff=user.is_staff)
    posts = viewer_page.posts
    entry = local_cache.get(html_key) if posts is None else None
    if entry is None:
        if posts is None:
            posts = _load_posts([post_id for post_id, _author_id in viewer_page.page.object_list])
        for post in posts:
            post.has_voted = post.pk in viewer_page.voted_ids
            post.is_own = post.author_id == user.pk
        entry = _render(thread, posts, viewer_is_staff=user.is_staff)
        local_cache.set(html_key, entry, CACHE_SECONDS)
    return entry


def _load_posts(post_ids: list[int], *, user=None) -> list[Post]:
    """Read the posts with their authors and earlier versions, and has_voted for `user`."""
    revisions = PostRevision.objects.select_related("edited_by").order_by("-edited_at", "-pk")
    posts = (
        Post.objects.filter(pk__in=post_ids)
        .select_related("author", "author__municipality")
        .prefetch_related(Prefetch("revisions", queryset=revisions))
        .order_by("created_at", "pk")
    )
    if user is not None:
        posts = posts.annotate(
            has_voted=Exists(PostVote.objects.filter(post=OuterRef("pk"), user=user))
        )
    return list(posts)


def _html_key(thread: Thread, viewer_page: _ViewerPage, *, is_staff: bool, head: str = "") -> str:
    """Return the cache key of a page's HTML, made of every input of the template that varies.

    `head` contains the thread's facts that the page content shows. It is empty for the posts.
    """
    own_ids = viewer_page.own_ids
    voted_ids = sorted(viewer_page.voted_ids)
    viewer = f"staff={is_staff};accept={thread.can_accept};own={own_ids};voted={voted_ids}"
    if head:
        viewer = f"{viewer};head={head}"
    viewer_digest = hashlib.blake2b(viewer.encode(), digest_size=16).hexdigest()
    language = translation.get_language()
    time_zone = timezone.get_current_timezone_name()
    return (
        f"forum:thread:{thread.pk}:v{thread.content_version}:page{viewer_page.page.number}"
        f":{language}:{time_zone}:{'content' if head else 'posts'}:{viewer_digest}"
    )


def _head_facts(thread: Thread) -> str:
    """Return the thread's facts that the content around the posts shows, as one string.

    Everything thread_content.html reads from the thread must be here, apart from what
    the content version covers: the accepted answer's text changes with the version.
    """
    topic = thread.topic
    network = thread.network
    accepted = thread.accepted_post
    facts = (
        thread.title,
        thread.is_following,
        thread.locked_at,
        thread.deleted_at,
        (topic.pk, topic.name, topic.slug),
        network and (network.pk, network.name, network.slug, network.access),
        accepted
        and (
            accepted.pk,
            accepted.deleted_at,
            accepted.hidden_at,
            accepted.author_id,
            accepted.author and accepted.author.get_full_name(),
        ),
    )
    return repr(facts)


def _render_content(request, thread: Thread, viewer_page: _ViewerPage) -> tuple[dict, str]:
    """Render the page content with fresh placeholders, and return them and the HTML."""
    user = request.user
    posts_placeholder, posts_html = _posts_entry(thread, viewer_page, user)
    placeholders = {
        name: f"{name}-placeholder-{secrets.token_hex(16)}" for name in ("csrf", "token")
    }
    # The links keep the query string, which contains nothing but the page number here.
    pagination_html = render_to_string(
        "core/pagination.html", {"page": viewer_page.page}, request=request
    )
    html = render_to_string(
        "forum/thread_content.html",
        {
            "thread": thread,
            "competence_labels": viewer_page.index["competence_labels"],
            "page": viewer_page.page,
            # Drawn after the posts were read, so no post text contains the placeholders.
            "posts_html": mark_safe(posts_html.replace(posts_placeholder, placeholders["csrf"])),
            "pagination_html": pagination_html,
            "reply_form": ReplyForm(initial={"token": placeholders["token"]}),
            "viewer_is_staff": user.is_staff,
            "csrf_token": placeholders["csrf"],
        },
    )
    return placeholders, html


def _render(thread: Thread, posts: list[Post], *, viewer_is_staff: bool) -> tuple[str, str]:
    """Render the posts with a fresh CSRF placeholder, and return the placeholder and the HTML."""
    placeholder = f"csrf-placeholder-{secrets.token_hex(16)}"
    # Only the thread's fields that the posts show. Its other attributes include the
    # viewer's follow and convener state, which the key does not contain.
    thread_fields = {
        "pk": thread.pk,
        "accepted_post_id": thread.accepted_post_id,
        "can_accept": thread.can_accept,
        "is_locked": thread.is_locked,
        "deleted_at": thread.deleted_at,
    }
    html = render_to_string(
        "forum/thread_posts.html",
        {
            "thread": thread_fields,
            "posts": posts,
            "viewer_is_staff": viewer_is_staff,
            "csrf_token": placeholder,
        },
    )
    return placeholder, html
