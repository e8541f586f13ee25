import hashlib
import logging
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from genbo.accounts import selectors
from genbo.accounts.forms import ProfileForm
from genbo.accounts.services import profile_update
from genbo.experts import selectors as expert_selectors
from genbo.networks.models import Membership

logger = logging.getLogger(__name__)

# After this many failed sign-ins for one address, that address is locked for a while.
SIGN_IN_FAILURE_LIMIT = 5
SIGN_IN_LOCK_SECONDS = 15 * 60


def _failure_key(email: str) -> str:
    return "genbo:sign-in-failures:" + hashlib.sha256(email.encode()).hexdigest()


THROTTLED_MESSAGE = gettext_lazy(
    "Too many failed sign-ins for this address. Wait 15 minutes and try again."
)


class SignInLockMixin:
    """Lock an address after SIGN_IN_FAILURE_LIMIT failed sign-ins.

    The portal's and the admin's sign-in forms both use it and share one failure count
    per address, so the admin sign-in cannot bypass the lock.
    """

    def clean_username(self) -> str:
        # Accounts store their e-mail address in lower case.
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        key = _failure_key(self.cleaned_data.get("username", ""))
        if cache.get(key, 0) >= SIGN_IN_FAILURE_LIMIT:
            raise ValidationError(THROTTLED_MESSAGE, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            try:
                failures = cache.incr(key)
            except ValueError:
                cache.set(key, 1, SIGN_IN_LOCK_SECONDS)
                failures = 1
            if failures == SIGN_IN_FAILURE_LIMIT:
                logger.warning("Sign-in locked after %d failures for one address", failures)
            raise
        cache.delete(key)
        return cleaned


class SignInForm(SignInLockMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy(
            "The e-mail address or the password is wrong. Check both and try again."
        ),
        "inactive": gettext_lazy(
            "This account is deactivated. Contact the Familjen Helsingborg secretariat."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.fields["username"].widget.input_type = "email"
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        # Django autofocuses this field, which would skip the municipality picker that
        # comes first on the page (WCAG 2.4.3, focus order).
        self.fields["username"].widget.attrs.pop("autofocus", None)


class AdminSignInForm(SignInLockMixin, AdminAuthenticationForm):
    pass


class SignInView(auth_views.LoginView):
    """The sign-in page: the municipal account first, the local form when it is on."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from genbo.accounts.sso_views import municipality_form

        context = super().get_context_data(**kwargs)
        context["municipality_form"] = municipality_form(self.request)
        context["local_sign_in"] = settings.GENBO_LOCAL_SIGN_IN
        return context


@require_safe
def profile(request, pk: int):
    person = get_object_or_404(
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("municipality", "unit")
        .prefetch_related(
            "competences",
            Prefetch(
                "memberships",
                queryset=Membership.objects.visible_to(request.user)
                .filter(network__archived_at__isnull=True)
                .select_related("network")
                .order_by("network__name"),
                to_attr="active_memberships",
            ),
            Prefetch(
                "expert_offers",
                queryset=expert_selectors.profile_offers(request.user),
                to_attr="visible_offers",
            ),
        ),
        pk=pk,
    )
    feedback = expert_selectors.profile_feedback(person)
    return render(request, "accounts/profile.html", {"person": person, "feedback": feedback})


def profile_edit(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=user)
        if form.is_valid():
            profile_update(user=user, form=form)
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile", pk=user.pk)
    else:
        form = ProfileForm(instance=user)
    return render(request, "accounts/profile_edit.html", {"form": form})


@require_safe
def competence_autocomplete(request):
    """Return <option> elements for the datalist of a competence field (htmx)."""
    text = next(
        (request.GET[name] for name in ("competences", "competence", "q") if request.GET.get(name)),
        "",
    )[:500].replace("\x00", "")
    typed, _separator, current = text.rpartition(",")
    prefix = f"{typed.strip()}, " if typed.strip() else ""
    labels = selectors.competence_suggestions(current) if len(current.strip()) >= 2 else []
    return render(
        request,
        "accounts/competence_options.html",
        {"options": [prefix + label for label in labels]},
    )


@require_safe
def media_file(request, path: str):
    """Serve an uploaded profile photo to signed-in employees."""
    if not path.startswith("photos/") or ".." in path or not default_storage.exists(path):
        raise Http404
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(path), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
