from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from genbo.accounts.services import competences_resolve
from genbo.forum import selectors, services
from genbo.forum.forms import PostEditForm, ReplyForm, ThreadForm, new_token_initial
from genbo.forum.mentions import mention_markup, without_mentions
from genbo.forum.models import Post
from genbo.forum.post_cache import thread_page_content, thread_posts_page
from genbo.forum.selectors import THREADS_PER_PAGE, ListFilter
from genbo.networks.models import Network
from genbo.networks.selectors import get_network_for_user

NEWEST_SHOWN = 10


def _form_errors_from(error: ValidationError, form) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


def _list_filter(request) -> str:
    show = request.GET.get("show", "")
    return show if show in ListFilter.values else ListFilter.ALL


def _filter_links() -> list[tuple[str, str]]:
    return [
        (ListFilter.ALL, _("All")),
        (ListFilter.UNANSWERED, _("Unanswered")),
        (ListFilter.SOLVED, _("Solved")),
        (ListFilter.MINE, _("Mine")),
        (ListFilter.FOLLOWING, _("Following")),
    ]


@require_safe
def index(request):
    show = _list_filter(request)
    context = {
        "topics": list(selectors.topics_with_activity(request.user)),
        "show": show,
        "filters": _filter_links(),
    }
    if show:
        threads = selectors.thread_list(request.user, show=show)
        context["page"] = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    else:
        context["newest"] = list(selectors.newest_threads(request.user, limit=NEWEST_SHOWN))
    return render(request, "forum/index.html", context)


@require_safe
def topic_detail(request, slug: str):
    topic = selectors.get_topic(slug)
    show = _list_filter(request)
    threads = selectors.thread_list(request.user, topic=topic, show=show)
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/topic.html",
        {"topic": topic, "page": page, "show": show, "filters": _filter_links()},
    )


def _network_from_query(request) -> Network | None:
    slug = request.GET.get("network") or request.POST.get("network")
    if not slug:
        return None
    network = get_network_for_user(request.user, slug)
    if not network.can_see_member_content:
        raise Http404
    return network


def thread_create(request):
    network = _network_from_query(request)
    initial = new_token_initial()
    if request.GET.get("topic"):
        initial["topic"] = request.GET["topic"]
    form = ThreadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = services.thread_create(
                author=request.user,
                topic=data["topic"],
                title=data["title"],
                body=data["body"],
                network=network,
                competences=competences_resolve(data["competences"]),
                idempotency_key=data["token"],
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("Your question is published. You follow the thread."))
            return redirect(thread)
    return render(request, "forum/thread_form.html", {"form": form, "network": network})


def _render_thread(request, thread, *, reply_form=None, status: int = 200):
    if reply_form is None and set(request.GET) <= {"page"}:
        content = thread_page_content(request, thread)
        page, content_html = content.page, content.html
    else:
        # A reply with errors, or a query string the cache leaves out.
        posts = thread_posts_page(request, thread)
        page = posts.page
        content_html = render_to_string(
            "forum/thread_content.html",
            {
                "thread": thread,
                "competence_labels": posts.competence_labels,
                "page": page,
                "posts_html": posts.html,
                "pagination_html": render_to_string(
                    "core/pagination.html", {"page": page}, request=request
                ),
                "reply_form": reply_form or ReplyForm(initial=new_token_initial()),
                "viewer_is_staff": request.user.is_staff,
            },
            request=request,
        )
    context = {"thread": thread, "page": page, "content_html": content_html}
    return render(request, "forum/thread.html", context, status=status)


@require_safe
def thread_detail(request, pk: int):
    thread = selectors.get_thread_for_user(request.user, pk)
    return _render_thread(request, thread)


def thread_reply(request, pk: int):
    """Show the reply form on its own page (GET, optionally quoting a post) or store a reply."""
    thread = selectors.get_thread_for_user(request.user, pk)
    if request.method != "POST":
        initial = new_token_initial()
        quote_id = request.GET.get("quote", "")
        if quote_id.isdigit():
            initial["body"] = _quote(request.user, thread, int(quote_id))
        form = ReplyForm(initial=initial)
        return render(request, "forum/reply_form.html", {"thread": thread, "form": form})
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            post = services.post_reply(
                thread=thread,
                author=request.user,
                body=form.cleaned_data["body"],
                idempotency_key=form.cleaned_data["token"],
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("Your reply is published."))
            return redirect(post)
    return render(request, "forum/reply_form.html", {"thread": thread, "form": form}, status=200)


def _quote(user, thread, post_id: int) -> str:
    """Return the Markdown quote of a post of `thread` that the reply form starts with."""
    post = (
        Post.objects.visible_to(user)
        .filter(thread=thread, pk=post_id, deleted_at__isnull=True, hidden_at__isnull=True)
        .select_related("author")
        .first()
    )
    if post is None:
        return ""
    name = post.author.get_full_name() if post.author else _("A former employee")
    # A quote repeats no mentions, so quoting a post notifies nobody again.
    quoted = "\n".join(f"> {line}" for line in without_mentions(post.body).strip().splitlines())
    heading = _("%(name)s wrote:") % {"name": name}
    return f"> **[{heading}]({post.get_absolute_url()})**\n>\n{quoted}\n\n"


@require_safe
def post_link(request, pk: int):
    """Send the browser to the page of the thread that shows the post."""
    post = selectors.get_post_for_user(request.user, pk)
    page = selectors.post_page_number(post)
    url = post.thread.get_absolute_url()
    if page > 1:
        url += f"?page={page}"
    return redirect(f"{url}#post-{post.pk}")


def post_edit(request, pk: int):
    post = selectors.get_post_for_user(request.user, pk)
    if post.author_id != request.user.pk:
        # The thread is readable, so the post is no secret: others are told they may not.
        raise PermissionDenied("author")
    if post.is_deleted or post.is_hidden:
        messages.error(request, _("A deleted or hidden post cannot be edited."))
        return redirect(post)
    initial = {"body": post.body, "title": post.thread.title}
    form = PostEditForm(request.POST or None, initial=initial, with_title=post.is_question)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                post=post,
                by=request.user,
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title"),
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(post)
    return render(request, "forum/post_edit.html", {"post": post, "form": form})


def post_delete(request, pk: int):
    post = selectors.get_post_for_user(request.user, pk)
    if post.author_id != request.user.pk:
        raise PermissionDenied("author")
    if request.method != "POST":
        return render(request, "forum/post_delete.html", {"post": post})
    services.post_delete(post=post, by=request.user)
    if post.is_question:
        messages.success(
            request, _("Your question is deleted. The thread no longer shows in the lists.")
        )
    else:
        messages.success(request, _("Your post is deleted."))
    return redirect(post)


def _wants_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_POST
def post_vote(request, pk: int):
    post = selectors.get_post_for_user(request.user, pk)
    error = ""
    try:
        requested_state = {"1": True, "0": False}.get(request.POST.get("voted", ""))
        post.has_voted = services.vote_toggle(post=post, user=request.user, voted=requested_state)
    except ValidationError as exception:
        error = " ".join(exception.messages)
        post.has_voted = False
    post.refresh_from_db(fields=["vote_count"])
    post.is_own = post.author_id == request.user.pk
    if _wants_partial(request):
        return render(request, "forum/thread_vote.html", {"post": post, "vote_error": error})
    if error:
        messages.error(request, error)
    return redirect(post)


@require_POST
def post_accept(request, pk: int):
    post = selectors.get_post_for_user(request.user, pk)
    try:
        thread = services.answer_toggle(post=post, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if thread.accepted_post_id == post.pk:
            messages.success(request, _("The reply is marked as the answer. The thread is solved."))
        else:
            messages.success(request, _("The reply is no longer marked as the answer."))
    return redirect(post)


@require_POST
def post_hide(request, pk: int):
    post = selectors.get_post_for_user(request.user, pk)
    if not request.user.is_staff:
        raise PermissionDenied("staff")
    hide = request.POST.get("hidden", "1") == "1"
    services.post_set_hidden(post=post, by=request.user, hidden=hide)
    messages.success(request, _("The post is hidden.") if hide else _("The post is shown again."))
    return redirect(post)


@require_POST
def thread_lock(request, pk: int):
    thread = selectors.get_thread_for_user(request.user, pk)
    if not request.user.is_staff:
        raise PermissionDenied("staff")
    lock = request.POST.get("locked", "1") == "1"
    services.thread_set_locked(thread=thread, by=request.user, locked=lock)
    messages.success(
        request, _("The thread is locked.") if lock else _("The thread is open for replies again.")
    )
    return redirect(thread)


@require_POST
def thread_follow(request, pk: int):
    thread = selectors.get_thread_for_user(request.user, pk)
    thread.is_following = services.follow_toggle(thread=thread, user=request.user)
    if _wants_partial(request):
        return render(request, "forum/thread_follow.html", {"thread": thread, "announce": True})
    if thread.is_following:
        messages.success(request, _("You follow the thread and get a notification on new replies."))
    else:
        messages.success(request, _("You no longer follow the thread."))
    return redirect(thread)


@require_safe
def mention_suggest(request):
    """Return buttons that insert a mention of each employee whose name starts with `q`."""
    text = request.GET.get("mention_q", request.GET.get("q", ""))[:100].replace("\x00", "")
    network = None
    thread_id = request.GET.get("thread", "")
    if thread_id.isdigit():
        network = selectors.get_thread_for_user(request.user, int(thread_id)).network
    elif request.GET.get("network"):
        network = _network_from_query(request)
    people = list(selectors.mention_candidates(text, network=network))
    choices = [(person, mention_markup(person)) for person in people]
    return render(request, "forum/post_form_mentions.html", {"choices": choices, "text": text})
