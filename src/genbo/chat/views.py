from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from genbo.chat import selectors, services
from genbo.chat.forms import DirectRoomForm, MessageEditForm, MessageForm, TopicRoomForm
from genbo.chat.models import Room
from genbo.forum.mentions import mention_markup, render_chat_message_body
from genbo.networks.models import Membership, Network
from genbo.networks.selectors import get_network_for_user


def _form_errors_from(error: ValidationError, form) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


def _index_context(request, **forms) -> dict:
    user = request.user
    topics = Paginator(selectors.topic_rooms(user), selectors.TOPIC_ROOMS_PER_PAGE)
    return {
        "my_rooms": selectors.my_rooms(user),
        "my_networks": list(
            Network.objects.current()
            .filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE)
            .order_by("name")
        ),
        "page": topics.get_page(request.GET.get("page")),
        "topic_form": forms.get("topic_form") or TopicRoomForm(),
        "direct_form": forms.get("direct_form") or DirectRoomForm(),
    }


@require_safe
def index(request):
    return render(request, "chat/index.html", _index_context(request))


@require_POST
def topic_create(request):
    form = TopicRoomForm(request.POST)
    if form.is_valid():
        try:
            room = services.topic_room_create(creator=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            return redirect(room)
    context = _index_context(request, topic_form=form)
    return render(request, "chat/index.html", context, status=400)


@require_POST
def direct_create(request):
    form = DirectRoomForm(request.POST)
    if form.is_valid():
        try:
            room = services.direct_room_open(
                creator=request.user, others=form.cleaned_data["people"]
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            return redirect(room)
    context = _index_context(request, direct_form=form)
    return render(request, "chat/index.html", context, status=400)


@require_safe
def people_suggest(request):
    """Return <option> elements for the datalist of the direct conversation form (htmx).

    Each option completes the last address being typed and shows the person's title and
    municipality, so that two colleagues with the same name can be distinguished.
    """
    text = request.GET.get("people", "")[:1000].replace("\x00", "")
    typed, _separator, current = text.rpartition(",")
    prefix = f"{typed.strip()}, " if typed.strip() else ""
    people = (
        selectors.direct_people_suggestions(request.user, current)
        if len(current.strip()) >= 2
        else []
    )
    return render(request, "chat/people_options.html", {"people": people, "prefix": prefix})


@require_safe
def mention_suggest(request, pk: int):
    """Return buttons that put a mention of a colleague who may read the room in the text."""
    room = selectors.get_room_for_user(request.user, pk)
    text = request.GET.get("mention_q", "")[:100].replace("\x00", "")
    people = selectors.mention_candidates(room, request.user, text)
    context = {
        "choices": [(person, mention_markup(person)) for person in people],
        "text": text,
        "no_match": _("No colleague who can read the room has that name."),
    }
    return render(request, "forum/post_form_mentions.html", context)


@require_safe
def network_room_open(request, slug: str):
    network = get_network_for_user(request.user, slug)
    if not network.can_see_member_content:
        raise Http404("The network's room is for its members.")
    return redirect(services.network_room(network))


def _before(request) -> int | None:
    raw = request.GET.get("before", "")
    if not raw:
        return None
    try:
        before = int(raw)
    except ValueError:
        raise Http404("Invalid message id.") from None
    if before < 1:
        raise Http404("Invalid message id.")
    return before


def _with_html(page_messages) -> list:
    for message in page_messages:
        message.html = (
            ""
            if message.is_deleted
            else render_chat_message_body(message.body, message.mentioned_ids)
        )
    return page_messages


def _room_page(request, room: Room, *, form=None, status: int = 200):
    before = _before(request)
    selectors.name_direct_rooms([room], request.user)
    page_messages, has_older = selectors.message_page(room, before=before)
    member = services.room_list_add(room=room, user=request.user)
    marker_id = None
    if before is None:
        unread = [
            message
            for message in page_messages
            if message.pk > member.last_read_id and message.author_id != request.user.pk
        ]
        marker_id = unread[0].pk if unread else None
        if page_messages:
            services.room_mark_read(room=room, user=request.user, message_id=page_messages[-1].pk)
    context = {
        "room": room,
        "messages_shown": _with_html(page_messages),
        "has_older": has_older,
        "oldest_id": page_messages[0].pk if page_messages else None,
        "newest_id": page_messages[-1].pk if page_messages else 0,
        "before": before,
        "marker_id": marker_id,
        "form": form or MessageForm(),
    }
    if request.htmx and before is not None:
        return render(request, "chat/room_older.html", context)
    return render(request, "chat/room.html", context, status=status)


@require_safe
def room(request, pk: int):
    return _room_page(request, selectors.get_room_for_user(request.user, pk))


@require_POST
def message_post(request, pk: int):
    """Store a message from the plain form; the page without JavaScript uses this."""
    room = selectors.get_room_for_user(request.user, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            message, _created = services.message_send(
                room=room,
                author=request.user,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
            )
        except ValidationError as error:
            form.add_error("body", error.messages)
        except PermissionDenied:
            raise Http404("No such chat room.") from None
        else:
            return redirect(f"{room.get_absolute_url()}#message-{message.pk}")
    return _room_page(request, room, form=form, status=400)


def _own_message(request, pk: int):
    message = selectors.get_message_for_user(request.user, pk)
    if message.author_id != request.user.pk:
        raise PermissionDenied("Only the author may change a message.")
    if message.is_deleted:
        raise Http404("The message is deleted.")
    selectors.name_direct_rooms([message.room], request.user)
    return message


@require_http_methods(["GET", "HEAD", "POST"])
def message_edit(request, pk: int):
    message = _own_message(request, pk)
    form = MessageEditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_edit(message=message, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error.messages)
        else:
            return redirect(f"{message.room.get_absolute_url()}#message-{message.pk}")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "chat/message_edit.html", {"message": message, "form": form}, status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
def message_delete(request, pk: int):
    message = _own_message(request, pk)
    if request.method == "POST":
        services.message_delete(message=message, by=request.user)
        messages.success(request, _("The message is deleted."))
        return redirect(f"{message.room.get_absolute_url()}#message-{message.pk}")
    message.html = render_chat_message_body(message.body, message.mentioned_ids)
    return render(request, "chat/message_delete.html", {"message": message})


@require_POST
def room_leave(request, pk: int):
    room = selectors.get_room_for_user(request.user, pk)
    try:
        services.room_list_remove(room=room, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(room)
    messages.success(
        request, _("The room is no longer in your list. You can open it again from the chat page.")
    )
    return redirect("chat:index")
