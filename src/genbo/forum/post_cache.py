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

Changes that bypass the services and the admin, and changes to an author's name, title
or municipality or to a competence's label, show after at most CACHE_SECONDS.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from genbo.forum.models import Post, PostRevision, PostVote, Thread
from genbo.forum.selectors import POSTS_PER_PAGE

CACHE_SECONDS = 15 * 60


@dataclass(frozen=True)
class ThreadPostsPage:
    page: Page  # its object_list contains (post id, author id) pairs
    html: SafeString
    competence_labels: list[str]


def thread_posts_page(request, thread: Thread) -> ThreadPostsPage:
    """Return the requested page of posts, the HTML of its posts, and the labels of the
    thread's competences.

    `thread` must come from get_thread_for_user for the requesting user.
    """
    user = request.user
    index_key = f"forum:thread:{thread.pk}:v{thread.content_version}:index"
    index = cache.get(index_key)
    index_was_cached = index is not None
    if not index_was_cached:
        index = {
            "posts": list(thread.posts.order_by("created_at", "pk").values_list("pk", "author_id")),
            "competence_labels": list(thread.competences.values_list("label", flat=True)),
        }
        cache.set(index_key, index, CACHE_SECONDS)

    page = Paginator(index["posts"], POSTS_PER_PAGE).get_page(request.GET.get("page"))
    post_ids = [post_id for post_id, _author_id in page.object_list]
    own_ids = [post_id for post_id, author_id in page.object_list if author_id == user.pk]

    posts = None
    if index_was_cached:
        voted_ids = set(
            PostVote.objects.filter(user=user, post_id__in=post_ids).values_list(
                "post_id", flat=True
            )
        )
    else:
        # A cold index means a cold page as well, so read the posts now, with the
        # viewer's thanks as a subquery, rather than the thanks in a query of their own.
        posts = _load_posts(post_ids, user=user)
        voted_ids = {post.pk for post in posts if post.has_voted}

    html_key = _html_key(
        thread,
        page_number=page.number,
        is_staff=user.is_staff,
        own_ids=own_ids,
        voted_ids=sorted(voted_ids),
    )
    entry = cache.get(html_key) if posts is None else None
    if entry is None:
        if posts is None:
            posts = _load_posts(post_ids)
        for post in posts:
            post.has_voted = post.pk in voted_ids
            post.is_own = post.author_id == user.pk
        entry = _render(thread, posts, viewer_is_staff=user.is_staff)
        cache.set(html_key, entry, CACHE_SECONDS)

    placeholder, html = entry
    # The HTML was built from escaped and sanitised parts by the template engine.
    html = mark_safe(html.replace(placeholder, get_token(request)))
    return ThreadPostsPage(page=page, html=html, competence_labels=index["competence_labels"])


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


def _html_key(
    thread: Thread,
    *,
    page_number: int,
    is_staff: bool,
    own_ids: list[int],
    voted_ids: list[int],
) -> str:
    """Return the cache key of a page's HTML, made of every input of the template that varies."""
    viewer = f"staff={is_staff};accept={thread.can_accept};own={own_ids};voted={voted_ids}"
    viewer_digest = hashlib.blake2b(viewer.encode(), digest_size=16).hexdigest()
    language = translation.get_language()
    time_zone = timezone.get_current_timezone_name()
    return (
        f"forum:thread:{thread.pk}:v{thread.content_version}:page{page_number}"
        f":{language}:{time_zone}:{viewer_digest}"
    )


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
