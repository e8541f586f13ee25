from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from genbo.accounts.models import User
from genbo.calendars.selectors import feed_links_for
from genbo.calendars.services import token_for
from genbo.notifications import services
from genbo.notifications.forms import MailPreferenceForm, PreferencesForm, mail_initial
from genbo.notifications.mail import mail_preference_for, user_id_from_unsubscribe_token
from genbo.notifications.models import Notification

NOTIFICATIONS_PER_PAGE = 20


@require_safe
def notification_list(request):
    notifications = (
        Notification.objects.visible_to(request.user)
        .select_related(
            "actor",
            "thread",
            "post",
            "borrow_request__offer",
            "chat_message__room__network",
            "network",
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
def notification_read(request, pk: int):
    """Mark one notification read and open its post or request, unless `next` says to stay."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.notification_mark_read(notification=notification, user=request.user)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(notification)


@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


def notification_settings(request):
    """Notification channels, e-mail choices and the calendar feed addresses, on one page."""
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, initial=services.preferences_for(request.user))
    mail_form = MailPreferenceForm(
        data, initial=mail_initial(mail_preference_for(request.user)), prefix="mail"
    )
    if request.method == "POST" and form.is_valid() and mail_form.is_valid():
        with transaction.atomic():
            services.preferences_save(user=request.user, channels=form.cleaned_data)
            services.mail_preferences_save(user=request.user, **mail_form.changes())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    token = token_for(request.user)
    context = {
        "form": form,
        "mail_form": mail_form,
        "feed_links": feed_links_for(request.user, token.token),
    }
    return render(request, "notifications/settings.html", context)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_unsubscribe(request, token: str):
    """Turn the newsletter off on POST (RFC 8058 one-click), or show a confirmation on GET.

    Mail programs send the POST without a session or CSRF token, so the signed token in
    the address is the proof. A wrong token gets a 404 page.
    """
    user_id = user_id_from_unsubscribe_token(token)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        # Rendered here, because the site's 404 handler sends anonymous visitors to sign-in.
        return render(request, "404.html", status=404)
    if request.method == "POST":
        services.newsletter_unsubscribe(user=user)
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {"done": False})
