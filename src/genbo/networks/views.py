from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from genbo.accounts.services import competences_resolve
from genbo.experts import selectors as expert_selectors
from genbo.forum import selectors as forum_selectors
from genbo.networks import selectors, services
from genbo.networks.calendar import meetings_calendar
from genbo.networks.forms import (
    AddendumForm,
    AddMemberForm,
    DirectoryFilterForm,
    MeetingForm,
    NetworkForm,
)
from genbo.networks.models import MeetingResponse, Membership

NETWORKS_PER_PAGE = 20
MEMBERS_PER_PAGE = 50
PAST_MEETINGS_SHOWN = 10
MEETINGS_PER_PAGE = 25
DISCUSSIONS_SHOWN = 5


def _form_errors_from(error: ValidationError, form) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


@require_safe
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = {}
    if form.is_bound:
        # An invalid value drops only its own filter, because cleaned_data keeps the others.
        form.is_valid()
        filters = form.cleaned_data
    networks = selectors.directory_networks(
        request.user,
        text=filters.get("q", ""),
        municipality=filters.get("municipality"),
        competence_text=filters.get("competence", ""),
        access=filters.get("access", ""),
    )
    page = Paginator(networks, NETWORKS_PER_PAGE).get_page(request.GET.get("page"))
    partial = request.htmx and not request.htmx.history_restore_request
    template = "networks/directory_results.html" if partial else "networks/directory.html"
    response = render(request, template, {"form": form, "page": page, "partial": partial})
    patch_vary_headers(response, ["HX-Request"])
    return response


def network_create(request):
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        labels = data.pop("competences")
        municipalities = data.pop("municipalities")
        try:
            network = services.network_create(
                creator=request.user,
                competences=competences_resolve(labels),
                municipalities=municipalities,
                **data,
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("The network is created and you are its convener."))
            return redirect(network)
    return render(request, "networks/network_form.html", {"form": form, "network": None})


def network_edit(request, slug: str):
    network = selectors.get_network_for_user(request.user, slug, manage=True)
    form = NetworkForm(request.POST or None, instance=network)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        labels = data.pop("competences")
        municipalities = data.pop("municipalities")
        try:
            services.network_update(
                network=network,
                by=request.user,
                competences=competences_resolve(labels),
                municipalities=municipalities,
                **data,
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("The network is saved."))
            return redirect(network)
    return render(request, "networks/network_form.html", {"form": form, "network": network})


@require_safe
def network_detail(request, slug: str):
    network = selectors.get_network_for_user(request.user, slug)
    context = {"network": network, "members_page": None, "upcoming": [], "past": []}
    if network.can_see_member_content:
        members = selectors.network_members(network, request.user)
        context["members_page"] = Paginator(members, MEMBERS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        meetings = selectors.network_meetings(network, request.user)
        context["upcoming"] = list(meetings.upcoming(include_cancelled=True))
        context["past"] = list(meetings.past()[:PAST_MEETINGS_SHOWN])
        context["threads"] = list(
            forum_selectors.thread_list(request.user, network=network)[:DISCUSSIONS_SHOWN]
        )
    if network.can_manage:
        context["pending_count"] = selectors.pending_requests(network).count()
    context["matching_experts"] = expert_selectors.experts_for_network(request.user, network)
    return render(request, "networks/network_detail.html", context)


@require_POST
def network_join(request, slug: str):
    network = selectors.get_network_for_user(request.user, slug)
    try:
        membership = services.membership_join(network=network, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if membership.status == Membership.Status.PENDING:
            messages.success(
                request, _("Your request is sent. A convener decides whether you can join.")
            )
        else:
            messages.success(
                request, _("You are now a member of %(network)s.") % {"network": network}
            )
    return redirect(network)


@require_POST
def network_leave(request, slug: str):
    network = selectors.get_network_for_user(request.user, slug)
    try:
        membership = services.membership_leave(network=network, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if membership is None:
            messages.info(request, _("You are not a member of %(network)s.") % {"network": network})
        elif membership.status == Membership.Status.PENDING:
            messages.success(request, _("Your request to join is withdrawn."))
        else:
            messages.success(request, _("You have left %(network)s.") % {"network": network})
    return redirect(network)


def network_members_manage(request, slug: str):
    network = selectors.get_network_for_user(request.user, slug, manage=True)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.membership_add(
            network=network,
            user=form.cleaned_data["email"],
            by=request.user,
            role=form.cleaned_data["role"],
        )
        messages.success(
            request, _("%(person)s is added.") % {"person": form.cleaned_data["email"]}
        )
        return redirect("networks:members", slug=network.slug)
    members = (
        network.memberships.filter(status=Membership.Status.ACTIVE)
        .select_related("user", "user__municipality")
        .order_by("role", "user__last_name", "user__first_name")
    )
    return render(
        request,
        "networks/members_manage.html",
        {
            "network": network,
            "form": form,
            "pending": list(selectors.pending_requests(network)),
            "members_page": Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page")),
        },
    )


MEMBERSHIP_ACTIONS = {"approve", "decline", "remove", "make-convener", "make-member"}


def membership_change(request, slug: str, membership_id: int, action: str):
    """Confirm (GET) and carry out (POST) a convener's change to one membership."""
    network = selectors.get_network_for_user(request.user, slug, manage=True)
    membership = get_object_or_404(network.memberships.select_related("user"), pk=membership_id)
    if action not in MEMBERSHIP_ACTIONS:
        return redirect("networks:members", slug=network.slug)
    if request.method != "POST":
        return render(
            request,
            "networks/membership_confirm.html",
            {"network": network, "membership": membership, "action": action},
        )
    try:
        if action == "approve":
            services.membership_approve(membership=membership, by=request.user)
        elif action == "decline":
            services.membership_decline(membership=membership, by=request.user)
        elif action == "remove":
            services.membership_remove(membership=membership, by=request.user)
        elif action == "make-convener":
            services.membership_set_role(
                membership=membership, role=Membership.Role.CONVENER, by=request.user
            )
        else:
            services.membership_set_role(
                membership=membership, role=Membership.Role.MEMBER, by=request.user
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The change is saved."))
    return redirect("networks:members", slug=network.slug)


def meeting_create(request, slug: str):
    network = selectors.get_network_for_user(request.user, slug, manage=True)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(network=network, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("The meeting is created."))
            return redirect(meeting)
    return render(
        request, "networks/meeting_form.html", {"form": form, "network": network, "meeting": None}
    )


def meeting_edit(request, slug: str, pk: int):
    network = selectors.get_network_for_user(request.user, slug, manage=True)
    meeting = selectors.get_meeting_for_user(request.user, network, pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if meeting.is_cancelled:
        messages.error(request, _("A cancelled meeting cannot be changed."))
        return redirect(meeting)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name] for name in form.fields if not form.fields[name].disabled
        }
        try:
            # The form wrote its values onto the instance; start from the stored row.
            meeting.refresh_from_db()
            services.meeting_update(meeting=meeting, by=request.user, **fields)
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect(meeting)
    return render(
        request,
        "networks/meeting_form.html",
        {"form": form, "network": network, "meeting": meeting},
    )


def meeting_cancel(request, slug: str, pk: int):
    network = selectors.get_network_for_user(request.user, slug, manage=True)
    meeting = selectors.get_meeting_for_user(request.user, network, pk)
    if request.method == "POST":
        services.meeting_cancel(meeting=meeting, by=request.user)
        messages.success(request, _("The meeting is cancelled."))
        return redirect(meeting)
    return render(request, "networks/meeting_cancel.html", {"network": network, "meeting": meeting})


@require_safe
def meeting_list(request, slug: str):
    network = selectors.get_network_for_user(request.user, slug)
    if not network.can_see_member_content:
        raise Http404
    meetings = selectors.network_meetings(network, request.user).order_by("-starts_at")
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "networks/meeting_list.html", {"network": network, "page": page})


@require_safe
def meeting_detail(request, slug: str, pk: int):
    network = selectors.get_network_for_user(request.user, slug)
    meeting = selectors.get_meeting_for_user(request.user, network, pk)
    return _render_meeting_page(request, network, meeting, addendum_form=AddendumForm())


def _render_meeting_page(request, network, meeting, *, addendum_form, status: int = 200):
    responses = list(selectors.meeting_responses(meeting))
    my_answer = next((r.answer for r in responses if r.user_id == request.user.pk), None)
    return render(
        request,
        "networks/meeting_detail.html",
        {
            "network": network,
            "meeting": meeting,
            "responses": responses,
            "going": [r for r in responses if r.answer == MeetingResponse.Answer.YES],
            "maybe": [r for r in responses if r.answer == MeetingResponse.Answer.MAYBE],
            "not_going": [r for r in responses if r.answer == MeetingResponse.Answer.NO],
            "my_answer": my_answer,
            "answers": MeetingResponse.Answer.choices,
            "addendum_form": addendum_form,
            "is_over": meeting.ends_at < timezone.now(),
            # Agenda documents and presentations, stored through Idébiblioteket's files.
            "attachments": list(meeting.attachments.all()),
        },
        status=status,
    )


@require_POST
def meeting_respond(request, slug: str, pk: int):
    network = selectors.get_network_for_user(request.user, slug)
    meeting = selectors.get_meeting_for_user(request.user, network, pk)
    if not network.is_member:
        messages.error(request, _("Join the network to say whether you are coming."))
        return redirect(meeting)
    try:
        services.meeting_respond(
            meeting=meeting, user=request.user, answer=request.POST.get("answer", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your answer is saved."))
    return redirect(meeting)


def minutes_approve(request, slug: str, pk: int):
    network = selectors.get_network_for_user(request.user, slug, manage=True)
    meeting = selectors.get_meeting_for_user(request.user, network, pk)
    if request.method != "POST":
        return render(
            request, "networks/minutes_approve.html", {"network": network, "meeting": meeting}
        )
    try:
        services.minutes_approve(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The minutes are approved and locked."))
    return redirect(meeting)


@require_POST
def minutes_addendum(request, slug: str, pk: int):
    network = selectors.get_network_for_user(request.user, slug, manage=True)
    meeting = selectors.get_meeting_for_user(request.user, network, pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_add_addendum(
                meeting=meeting, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("The addendum is added to the minutes."))
            return redirect(meeting)
    # Show the meeting again with the errors next to the field and the typed text kept.
    return _render_meeting_page(request, network, meeting, addendum_form=form)


@require_safe
def meeting_ics(request, slug: str, pk: int):
    network = selectors.get_network_for_user(request.user, slug)
    meeting = selectors.get_meeting_for_user(request.user, network, pk)
    body = meetings_calendar(
        [meeting], url_for=lambda m: request.build_absolute_uri(m.get_absolute_url())
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="genbo-meeting-{meeting.pk}.ics"'
    return response


def network_take_over(request, slug: str):
    """Let a member become convener of a network whose last convener left (confirm first)."""
    network = selectors.get_network_for_user(request.user, slug)
    if not selectors.can_take_over(network, request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.network_take_over(network=network, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("You are now a convener of %(network)s.") % {"network": network}
            )
        return redirect(network)
    return render(request, "networks/take_over.html", {"network": network})


@require_safe
def networks_without_convener(request):
    if not request.user.is_staff:
        raise PermissionDenied
    networks = selectors.networks_without_convener()
    page = Paginator(networks, NETWORKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "networks/without_convener.html", {"page": page})
