"""Sign-in with the municipal account: choosing the municipality, OpenID Connect, LDAP."""

import hashlib
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from genbo.accounts import oidc, saml
from genbo.accounts.ldap import LdapSignInError, ldap_sign_in
from genbo.accounts.models import IdentityProvider
from genbo.accounts.views import SIGN_IN_FAILURE_LIMIT, SIGN_IN_LOCK_SECONDS, THROTTLED_MESSAGE
from genbo.core.audit import audit_record
from genbo.core.collation import swedish_sort_key
from genbo.core.models import Municipality

logger = logging.getLogger(__name__)

MUNICIPALITY_COOKIE = "genbo_municipality"
MUNICIPALITY_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
NEXT_SESSION_KEY = "genbo:sign-in-next"
# Failed directory sign-ins from one client address before it must wait SIGN_IN_LOCK_SECONDS.
CLIENT_FAILURE_LIMIT = 10
# The kinds that send the browser to the provider, in the order one is chosen when a
# municipality has several.
SIGN_IN_KINDS = [IdentityProvider.Kind.OIDC, IdentityProvider.Kind.SAML, IdentityProvider.Kind.LDAP]

FAILED_MESSAGE = gettext_lazy(
    "The sign-in with your municipal account failed. Try again. If it keeps failing, "
    "contact your municipality's IT support."
)
CLIENT_THROTTLED_MESSAGE = gettext_lazy(
    "Too many failed sign-ins from this computer. Wait 15 minutes and try again."
)


def sign_in_provider(municipality) -> IdentityProvider | None:
    """Return the municipality's enabled provider for sign-in, OpenID Connect first."""
    providers = IdentityProvider.objects.filter(
        municipality=municipality, enabled=True, kind__in=SIGN_IN_KINDS
    ).select_related("municipality")
    return min(providers, key=lambda row: SIGN_IN_KINDS.index(row.kind), default=None)


class MunicipalityForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Your municipality"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="slug",
        empty_label=gettext_lazy("Choose a municipality"),
        error_messages={"invalid_choice": gettext_lazy("Choose your municipality in the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        municipalities = sorted(field.queryset, key=lambda row: swedish_sort_key(row.name))
        field.choices = [("", field.empty_label)] + [(row.slug, row.name) for row in municipalities]


def municipality_form(request) -> MunicipalityForm:
    remembered = request.COOKIES.get(MUNICIPALITY_COOKIE, "")
    return MunicipalityForm(initial={"municipality": remembered})


def _client_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return "genbo:sso-failures:" + hashlib.sha256(address.encode()).hexdigest()


def _client_locked(request) -> bool:
    return cache.get(_client_key(request), 0) >= CLIENT_FAILURE_LIMIT


def _count_failure(request, key: str) -> int:
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, SIGN_IN_LOCK_SECONDS)
        return 1


def _remember_next(request) -> None:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_SESSION_KEY] = target
    else:
        request.session.pop(NEXT_SESSION_KEY, None)


def _remember_municipality(response, slug: str) -> None:
    response.set_cookie(
        MUNICIPALITY_COOKIE,
        slug,
        max_age=MUNICIPALITY_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _finish(request, link, *, source: str):
    """Sign in the user of `link` with a new session and go on to the page asked for."""
    user = authenticate(request, identity_link=link)
    if user is None:
        logger.warning("Directory sign-in rejected for inactive user %s (%s)", link.user_id, source)
        messages.error(
            request, _("This account is deactivated. Contact the Familjen Helsingborg secretariat.")
        )
        return redirect("accounts:login")
    target = request.session.get(NEXT_SESSION_KEY) or reverse(settings.LOGIN_REDIRECT_URL)
    # login() gives the session a new key, so an id planted before the sign-in is useless.
    login(request, user)
    audit_record(
        action="user.sign_in",
        actor=user,
        target=user,
        source=source,
        municipality=link.municipality.slug,
    )
    response = HttpResponseRedirect(target)
    _remember_municipality(response, link.municipality.slug)
    return response


@login_not_required
@require_GET
def sso_start(request):
    """Send the browser to the identity provider of the chosen municipality."""
    if _client_locked(request):
        messages.error(request, CLIENT_THROTTLED_MESSAGE)
        return redirect("accounts:login")

    form = MunicipalityForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose your municipality in the list."))
        return redirect("accounts:login")

    municipality = form.cleaned_data["municipality"]
    slug = municipality.slug
    provider = sign_in_provider(municipality)
    if provider is None:
        messages.error(
            request,
            _(
                "Sign-in with a municipal account is not set up for %(municipality)s yet. "
                "Contact the Familjen Helsingborg secretariat."
            )
            % {"municipality": municipality.name},
        )
        return redirect("accounts:login")

    _remember_next(request)
    if provider.kind == IdentityProvider.Kind.LDAP:
        response = redirect("accounts:ldap_sign_in", slug=slug)
    elif provider.kind == IdentityProvider.Kind.OIDC:
        try:
            url = oidc.authorization_url(
                request,
                provider,
                redirect_uri=request.build_absolute_uri(reverse("accounts:oidc_callback")),
            )
        except oidc.OidcError as error:
            logger.error("OpenID Connect provider of %s unavailable: %s", slug, error)
            messages.error(request, FAILED_MESSAGE)
            return redirect("accounts:login")
        response = HttpResponseRedirect(url)
    else:
        try:
            url = saml.authorization_url(request, provider)
        except saml.SamlError as error:
            logger.error("SAML identity provider of %s unavailable: %s", slug, error)
            messages.error(request, FAILED_MESSAGE)
            return redirect("accounts:login")
        response = HttpResponseRedirect(url)

    _remember_municipality(response, slug)
    return response


@login_not_required
@require_GET
def oidc_callback(request):
    if _client_locked(request):
        messages.error(request, CLIENT_THROTTLED_MESSAGE)
        return redirect("accounts:login")
    if request.GET.get("error"):
        # The person cancelled or the provider refused; nothing was proved, nothing counts.
        logger.info("OpenID Connect provider returned the error %r", request.GET["error"][:100])
        request.session.pop(oidc.SESSION_PREFIX + request.GET.get("state", ""), None)
        messages.error(request, FAILED_MESSAGE)
        return redirect("accounts:login")
    try:
        link = oidc.complete_sign_in(
            request, state=request.GET.get("state", ""), code=request.GET.get("code", "")
        )
    except oidc.OidcError as error:
        failures = _count_failure(request, _client_key(request))
        logger.warning("OpenID Connect sign-in rejected (%d from this client): %s", failures, error)
        messages.error(request, FAILED_MESSAGE)
        return redirect("accounts:login")
    return _finish(request, link, source="oidc")


@login_not_required
@require_safe
def saml_metadata(request):
    """Serve GENBO's SAML service provider metadata for the identity providers to import."""
    return HttpResponse(
        saml.sp_metadata(request.build_absolute_uri("/")),
        content_type="application/samlmetadata+xml",
    )


@csrf_exempt
@login_not_required
@require_POST
def saml_acs(request):
    """Check the identity provider's SAML response (a cross-site POST without the session)."""
    if _client_locked(request):
        messages.error(request, CLIENT_THROTTLED_MESSAGE)
        return redirect("accounts:login")
    try:
        result_key = saml.consume_response(request)
    except saml.SamlError as error:
        failures = _count_failure(request, _client_key(request))
        logger.warning("SAML sign-in rejected (%d from this client): %s", failures, error)
        messages.error(request, FAILED_MESSAGE)
        return redirect("accounts:login")
    return redirect(reverse("accounts:saml_finish") + f"?result={result_key}")


@login_not_required
@require_GET
def saml_finish(request):
    try:
        link = saml.finish_sign_in(request, request.GET.get("result", ""))
    except saml.SamlError as error:
        failures = _count_failure(request, _client_key(request))
        logger.warning("SAML sign-in rejected (%d from this client): %s", failures, error)
        messages.error(request, FAILED_MESSAGE)
        return redirect("accounts:login")
    return _finish(request, link, source="saml")


class LdapSignInForm(forms.Form):
    login = forms.CharField(
        label=gettext_lazy("User name"),
        max_length=200,
        help_text=gettext_lazy("The user name you sign in to your work computer with."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        max_length=500,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@login_not_required
def ldap_sign_in_view(request, slug: str):
    provider = get_object_or_404(
        IdentityProvider.objects.select_related("municipality"),
        municipality__slug=slug,
        kind=IdentityProvider.Kind.LDAP,
        enabled=True,
    )
    form = LdapSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login_name = form.cleaned_data["login"].strip().lower()
        account_key = (
            "genbo:ldap-failures:" + hashlib.sha256(f"{slug}:{login_name}".encode()).hexdigest()
        )
        if cache.get(account_key, 0) >= SIGN_IN_FAILURE_LIMIT or _client_locked(request):
            form.add_error(None, THROTTLED_MESSAGE)
        else:
            try:
                link = ldap_sign_in(
                    provider=provider, login=login_name, password=form.cleaned_data["password"]
                )
            except LdapSignInError as error:
                failures = _count_failure(request, account_key)
                _count_failure(request, _client_key(request))
                logger.warning(
                    "LDAP sign-in for %s rejected (%d for this user name): %s",
                    slug,
                    failures,
                    error.reason,
                )
                form.add_error(
                    None,
                    _(
                        "The user name or the password is wrong, or the account is disabled. "
                        "Check both and try again."
                    ),
                )
            else:
                cache.delete(account_key)
                return _finish(request, link, source="ldap")
    return render(
        request, "accounts/ldap_sign_in.html", {"form": form, "municipality": provider.municipality}
    )
