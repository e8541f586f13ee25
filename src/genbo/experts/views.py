from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from genbo.accounts.services import competences_resolve
from genbo.experts import selectors, services
from genbo.experts.calendar import request_calendar
from genbo.experts.forms import (
    FeedbackForm,
    OfferForm,
    ProposeTimeForm,
    ReasonForm,
    RequestForm,
    SearchForm,
)
from genbo.experts.models import ExpertOffer

OFFERS_PER_PAGE = 20
REQUESTS_PER_PAGE = 20
REQUEST_ROLES = ("requester", "expert", "manager")


def _form_errors_from(error: ValidationError, form) -> None:
    if hasattr(error, "error_dict"):
        for name, field_errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


@require_safe
def search(request):
    form = SearchForm(request.GET or None)
    filters = {}
    if form.is_bound:
        # An invalid value drops only its own filter, because cleaned_data keeps the others.
        form.is_valid()
        filters = form.cleaned_data
    offers, matches = selectors.search_offers(
        request.user,
        text=filters.get("q", ""),
        competence=filters.get("competence", ""),
        format=filters.get("format", ""),
        municipality=filters.get("municipality"),
        where=filters.get("where", ""),
        available_now=filters.get("available_now", False),
        own_municipality_first=filters.get("own_first", False),
    )
    page = Paginator(offers, OFFERS_PER_PAGE).get_page(request.GET.get("page"))
    words = " ".join(filter(None, [filters.get("q", ""), filters.get("competence", "")]))
    for offer in page.object_list:
        offer.reasons = selectors.match_reasons(offer, matches, filters.get("q", ""))
    partial = request.htmx and not request.htmx.history_restore_request
    template = "experts/search_results.html" if partial else "experts/search.html"
    response = render(
        request,
        template,
        {"form": form, "page": page, "partial": partial, "searched": bool(words)},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _offer_for_expert(request, pk: int) -> ExpertOffer:
    offer = selectors.get_offer_for_user(request.user, pk)
    if offer.expert_id != request.user.pk:
        # Offers are not secret, so someone else's offer answers 403, not 404.
        raise PermissionDenied
    return offer


@require_safe
def offer_list_mine(request):
    return render(
        request, "experts/my_offers.html", {"offers": list(selectors.my_offers(request.user))}
    )


def _save_offer(request, form, offer=None):
    data = dict(form.cleaned_data)
    competences = competences_resolve(data.pop("competences"))
    municipalities = data.pop("on_site_municipalities")
    unavailable = data.pop("unavailable")
    if offer is None:
        return services.offer_create(
            expert=request.user,
            competences=competences,
            on_site_municipalities=municipalities,
            unavailable=unavailable,
            **data,
        )
    return services.offer_update(
        offer=offer,
        by=request.user,
        competences=competences,
        on_site_municipalities=municipalities,
        unavailable=unavailable,
        **data,
    )


def offer_create(request):
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = _save_offer(request, form)
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("Your offer is published."))
            return redirect(offer)
    return render(request, "experts/offer_form.html", {"form": form, "offer": None})


def offer_edit(request, pk: int):
    offer = _offer_for_expert(request, pk)
    form = OfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        try:
            offer.refresh_from_db()
            _save_offer(request, form, offer)
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("Your offer is saved."))
            return redirect(offer)
    return render(request, "experts/offer_form.html", {"form": form, "offer": offer})


@require_POST
def offer_switch(request, pk: int):
    offer = _offer_for_expert(request, pk)
    active = request.POST.get("active") == "1"
    services.offer_set_active(offer=offer, by=request.user, active=active)
    if active:
        messages.success(request, _("The offer is switched on and can be found again."))
    else:
        messages.success(
            request, _("The offer is switched off. Colleagues no longer find it or send requests.")
        )
    return redirect("experts:my_offers")


def offer_delete(request, pk: int):
    offer = _offer_for_expert(request, pk)
    if request.method == "POST":
        try:
            services.offer_delete(offer=offer, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(offer)
        messages.success(request, _("The offer is deleted."))
        return redirect("experts:my_offers")
    return render(request, "experts/offer_delete.html", {"offer": offer})


def _render_offer(request, offer, form, *, status: int = 200):
    return render(
        request,
        "experts/offer_detail.html",
        {"offer": offer, "form": form, "is_mine": offer.expert_id == request.user.pk},
        status=status,
    )


@require_safe
def offer_detail(request, pk: int):
    offer = selectors.get_offer_for_user(request.user, pk)
    form = None
    if offer.expert_id != request.user.pk and offer.is_active:
        form = RequestForm(offer=offer, user=request.user)
    return _render_offer(request, offer, form)


@require_POST
def request_create(request, pk: int):
    offer = selectors.get_offer_for_user(request.user, pk)
    form = RequestForm(request.POST, offer=offer, user=request.user)
    if form.is_valid():
        try:
            borrow_request = services.borrow_request_create(
                offer=offer, requester=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(
                request, _("Your request is sent. You get a notification when the expert answers.")
            )
            return redirect(borrow_request)
    return _render_offer(request, offer, form, status=400)


@require_safe
def request_list(request):
    role = request.GET.get("role", "requester")
    if role not in REQUEST_ROLES:
        role = "requester"
    requests = selectors.request_list(request.user, role)
    page = Paginator(requests, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "experts/request_list.html",
        {"page": page, "role": role, "waiting": selectors.request_counts(request.user)},
    )


def _render_request(request, borrow_request, *, forms=None, status: int = 200):
    actions = selectors.allowed_actions(borrow_request, request.user)
    context = {
        "borrow_request": borrow_request,
        "actions": actions,
        "propose_form": ProposeTimeForm(),
        "decline_form": ReasonForm(prefix="decline"),
        "reject_form": ReasonForm(prefix="reject"),
        "feedback_form": FeedbackForm(),
        "is_expert": borrow_request.offer.expert_id == request.user.pk,
        "is_requester": borrow_request.requester_id == request.user.pk,
    }
    context.update(forms or {})
    return render(request, "experts/request_detail.html", context, status=status)


@require_safe
def request_detail(request, pk: int):
    borrow_request = selectors.get_request_for_user(request.user, pk)
    return _render_request(request, borrow_request)


# Each action: (form class and prefix or None, the context name of its form, success message).
ACTION_MESSAGES = {
    "accept": _("You have accepted the request."),
    "propose": _("Your proposed time is sent to the requester."),
    "accept_proposal": _("You have accepted the proposed time."),
    "decline": _("The request is declined."),
    "cancel": _("The request is cancelled."),
    "approve": _("The request is approved and confirmed."),
    "reject": _("The request is rejected."),
    "complete": _("The request is marked as completed."),
    "feedback": _("Thank you. Your feedback is sent to the expert."),
    "feedback_visibility": _("Your choice is saved."),
}


def _run_action(request, borrow_request, action: str):
    """Carry out `action`; return the bound form with errors, or None when it is done."""
    user = request.user
    if action == "accept":
        services.borrow_request_accept(borrow_request=borrow_request, by=user)
    elif action == "propose":
        form = ProposeTimeForm(request.POST)
        if not form.is_valid():
            return "propose_form", form
        services.borrow_request_propose_time(
            borrow_request=borrow_request, by=user, **form.cleaned_data
        )
    elif action == "accept_proposal":
        services.borrow_request_accept_proposal(borrow_request=borrow_request, by=user)
    elif action in ("decline", "reject"):
        form = ReasonForm(request.POST, prefix=action)
        if not form.is_valid():
            return f"{action}_form", form
        service = (
            services.borrow_request_decline
            if action == "decline"
            else services.borrow_request_manager_reject
        )
        service(borrow_request=borrow_request, by=user, reason=form.cleaned_data["reason"])
    elif action == "cancel":
        services.borrow_request_cancel(borrow_request=borrow_request, by=user)
    elif action == "approve":
        services.borrow_request_manager_approve(borrow_request=borrow_request, by=user)
    elif action == "complete":
        services.borrow_request_complete(borrow_request=borrow_request, by=user)
    elif action == "feedback":
        form = FeedbackForm(request.POST)
        if not form.is_valid():
            return "feedback_form", form
        services.borrow_request_feedback(
            borrow_request=borrow_request, by=user, text=form.cleaned_data["feedback"]
        )
    elif action == "feedback_visibility":
        services.borrow_request_set_feedback_visible(
            borrow_request=borrow_request, by=user, visible=request.POST.get("visible") == "1"
        )
    return None


FORM_OF_ACTION = {
    "propose": ("propose_form", lambda post: ProposeTimeForm(post)),
    "decline": ("decline_form", lambda post: ReasonForm(post, prefix="decline")),
    "reject": ("reject_form", lambda post: ReasonForm(post, prefix="reject")),
    "feedback": ("feedback_form", lambda post: FeedbackForm(post)),
}


@require_POST
def request_action(request, pk: int, action: str):
    borrow_request = selectors.get_request_for_user(request.user, pk)
    if action not in ACTION_MESSAGES:
        raise Http404
    try:
        invalid = _run_action(request, borrow_request, action)
    except ValidationError as error:
        if action in FORM_OF_ACTION and hasattr(error, "error_dict"):
            # Show the step again with the message next to the field and the text kept.
            name, make_form = FORM_OF_ACTION[action]
            form = make_form(request.POST)
            form.is_valid()
            _form_errors_from(error, form)
            return _render_request(request, borrow_request, forms={name: form}, status=400)
        messages.error(request, " ".join(error.messages))
        return redirect(borrow_request)
    if invalid is not None:
        name, form = invalid
        return _render_request(request, borrow_request, forms={name: form}, status=400)
    messages.success(request, ACTION_MESSAGES[action])
    return redirect(borrow_request)


@require_safe
def request_ics(request, pk: int):
    borrow_request = selectors.get_request_for_user(request.user, pk)
    if not borrow_request.is_calendar_event:
        raise Http404
    body = request_calendar(
        borrow_request, url=request.build_absolute_uri(borrow_request.get_absolute_url())
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="genbo-request-{borrow_request.pk}.ics"'
    )
    return response


@require_safe
def statistics(request):
    if not request.user.is_staff:
        raise PermissionDenied
    rows = selectors.lending_statistics()
    quarters = selectors.requests_per_quarter()
    hours_by_quarter: dict[str, int] = {}
    for row in rows:
        hours_by_quarter[row["label"]] = hours_by_quarter.get(row["label"], 0) + row["hours"]
    largest = max(hours_by_quarter.values(), default=0) or 1
    bars = [
        {"label": label, "hours": hours, "percent": round(100 * hours / largest)}
        for label, hours in hours_by_quarter.items()
    ]
    return render(
        request,
        "experts/statistics.html",
        {"rows": rows, "quarters": quarters, "bars": bars},
    )
