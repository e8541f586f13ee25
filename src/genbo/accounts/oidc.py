"""OpenID Connect sign-in (authorization code flow with PKCE) per municipality.

Built on joserfc for the JOSE parts and httpx for the calls to the provider, instead of
django-allauth, because GENBO needs exactly one provider per municipality, chosen
before the redirect, with the issuer bound to that municipality. That fits in this
module, and every check is visible here:

- `state` is random, stored in the session and used once, so a callback that GENBO did
  not start is rejected;
- `nonce` is sent with the request and must come back in the ID token;
- the ID token must be signed (RS256, PS256 or ES256; never `none`) by a key from the
  provider's JWKS, carry the provider's issuer, have the client id in its audience
  and not be expired.
"""

import base64
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from genbo.accounts.directory import (
    attribute_mapping,
    claim_text,
    provider_secret,
    subject_text,
)
from genbo.accounts.models import IdentityLink, IdentityProvider
from genbo.accounts.provisioning import DirectoryProfile, ProvisioningError, user_provision
from genbo.core.db import release_connection

logger = logging.getLogger(__name__)

ALLOWED_ALGORITHMS = ["RS256", "PS256", "ES256"]
# The attribute mapping's "scope" entry replaces this, such as for ADFS's allatclaims.
DEFAULT_SCOPE = "openid email profile"
SESSION_PREFIX = "genbo:oidc:"
# A sign-in that takes longer than this between the redirect and the callback is refused.
PENDING_MAX_AGE_SECONDS = 10 * 60
# At most this many sign-ins may be pending in one session (several browser tabs).
PENDING_MAX_COUNT = 5
METADATA_CACHE_SECONDS = 60 * 60
# Clock difference accepted between GENBO and the provider when checking exp and iat.
CLOCK_SKEW_SECONDS = 60


class OidcError(Exception):
    """A sign-in was refused; the message is for the log and names no secret."""


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


def _client() -> httpx.Client:
    release_connection()
    return httpx.Client(timeout=settings.GENBO_SSO_TIMEOUT_SECONDS, follow_redirects=False)


def _get_json(url: str) -> dict:
    try:
        with _client() as client:
            response = client.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            return response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise OidcError(f"reading {url} failed: {error}") from error


def _check_url(url: str, *, name: str) -> str:
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise OidcError(f"the provider's {name} is not a URL")
    if settings.PRODUCTION and not url.startswith("https://"):
        raise OidcError(f"the provider's {name} must use https in production")
    return url


def provider_metadata(provider: IdentityProvider) -> ProviderMetadata:
    """Return the provider's discovery document, cached for an hour."""
    key = (
        f"genbo:oidc-metadata:{provider.pk}:{hashlib.sha256(provider.issuer.encode()).hexdigest()}"
    )
    document = cache.get(key)
    if document is None:
        issuer = _check_url(provider.issuer.rstrip("/"), name="issuer")
        document = _get_json(f"{issuer}/.well-known/openid-configuration")
        # OpenID Connect Discovery 1.0, section 4.3: the document names the same issuer.
        if document.get("issuer") != provider.issuer:
            raise OidcError(
                f"the discovery document names the issuer {document.get('issuer')!r}, "
                f"not {provider.issuer!r}"
            )
        cache.set(key, document, METADATA_CACHE_SECONDS)
    return ProviderMetadata(
        issuer=document["issuer"],
        authorization_endpoint=_check_url(
            document.get("authorization_endpoint"), name="authorization endpoint"
        ),
        token_endpoint=_check_url(document.get("token_endpoint"), name="token endpoint"),
        jwks_uri=_check_url(document.get("jwks_uri"), name="JWKS URI"),
    )


def _key_set(metadata: ProviderMetadata, *, refresh: bool = False) -> KeySet:
    key = f"genbo:oidc-jwks:{hashlib.sha256(metadata.jwks_uri.encode()).hexdigest()}"
    document = None if refresh else cache.get(key)
    if document is None:
        document = _get_json(metadata.jwks_uri)
        cache.set(key, document, METADATA_CACHE_SECONDS)
    try:
        return KeySet.import_key_set(document)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise OidcError(f"the provider's JWKS cannot be read: {error}") from error


def _code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_url(request, provider: IdentityProvider, *, redirect_uri: str) -> str:
    """Store a new state, nonce and PKCE verifier in the session; return the provider URL."""
    metadata = provider_metadata(provider)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(48)
    pending = {
        name: value for name, value in request.session.items() if name.startswith(SESSION_PREFIX)
    }
    for name in sorted(pending, key=lambda name: pending[name]["created"])[
        : -PENDING_MAX_COUNT + 1
    ]:
        del request.session[name]
    request.session[SESSION_PREFIX + state] = {
        "provider": provider.pk,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
        "created": time.time(),
    }
    query = urlencode(
        {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": attribute_mapping(provider).get("scope", DEFAULT_SCOPE),
            "state": state,
            "nonce": nonce,
            "code_challenge": _code_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in metadata.authorization_endpoint else "?"
    return f"{metadata.authorization_endpoint}{separator}{query}"


def verify_id_token(
    token: str, *, provider: IdentityProvider, metadata: ProviderMetadata, nonce: str
) -> dict:
    """Check the ID token's signature and claims and return its claims."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise OidcError("the ID token is not a signed JWT")
    try:
        decoded = jwt.decode(token, _key_set(metadata), algorithms=ALLOWED_ALGORITHMS)
    except (JoseError, ValueError) as error:
        # The provider may have rotated its keys since they were cached; read them once more.
        try:
            decoded = jwt.decode(
                token, _key_set(metadata, refresh=True), algorithms=ALLOWED_ALGORITHMS
            )
        except (JoseError, ValueError):
            reason = getattr(error, "error", type(error).__name__)
            raise OidcError(f"the ID token's signature is not valid: {reason}") from None
    claims = decoded.claims
    registry = jwt.JWTClaimsRegistry(
        now=int(time.time()),
        leeway=CLOCK_SKEW_SECONDS,
        iss={"essential": True, "value": provider.issuer},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise OidcError(f"the ID token is not valid: {error.error} {error.description}") from None
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if provider.client_id not in audiences:
        raise OidcError("the ID token is for another client (aud)")
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise OidcError("the ID token has several audiences and another authorized party")
    return claims


def _exchange_code(
    provider: IdentityProvider, metadata: ProviderMetadata, *, code: str, pending: dict
) -> dict:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": pending["redirect_uri"],
        "code_verifier": pending["verifier"],
    }
    try:
        secret = provider_secret(provider)
    except ImproperlyConfigured as error:
        raise OidcError(str(error)) from None
    try:
        with _client() as client:
            response = client.post(
                metadata.token_endpoint,
                data=data,
                auth=(provider.client_id, secret),
                headers={"Accept": "application/json"},
            )
    except httpx.HTTPError as error:
        raise OidcError(f"the token request failed: {error}") from error
    if response.status_code != 200:
        try:
            error = response.json().get("error", "")
        except ValueError:
            error = ""
        raise OidcError(f"the token endpoint returned {response.status_code} {error}".strip())
    try:
        return response.json()
    except ValueError as error:
        raise OidcError("the token endpoint did not return JSON") from error


def profile_from_claims(claims: dict, mapping: dict[str, str]) -> DirectoryProfile:
    email = claim_text(claims, mapping["email"])
    if not email:
        # Entra ID leaves out `email` for accounts without a mailbox; the sign-in name is
        # the work address there.
        email = claim_text(claims, "preferred_username") or claim_text(claims, "upn")
    subject = subject_text(claim_text(claims, mapping["subject"]) or claim_text(claims, "sub"))
    return DirectoryProfile(
        subject=subject,
        email=email,
        first_name=claim_text(claims, mapping["first_name"]),
        last_name=claim_text(claims, mapping["last_name"]),
        title=claim_text(claims, mapping.get("title", "")),
        department=claim_text(claims, mapping.get("department", "")),
        # Only provisioning (SCIM, LDAP) and the secretariat switch accounts on and off.
        active=None,
    )


def complete_sign_in(request, *, state: str, code: str) -> IdentityLink:
    """Finish the sign-in that `state` started and return the provisioned identity link."""
    pending = request.session.pop(SESSION_PREFIX + state, None) if state else None
    if pending is None:
        raise OidcError("the state is unknown or already used")
    if time.time() - pending["created"] > PENDING_MAX_AGE_SECONDS:
        raise OidcError("the sign-in took longer than 10 minutes")
    provider = (
        IdentityProvider.objects.select_related("municipality")
        .filter(pk=pending["provider"], kind=IdentityProvider.Kind.OIDC, enabled=True)
        .first()
    )
    if provider is None:
        raise OidcError("the provider has been disabled since the sign-in started")
    if not code:
        raise OidcError("the callback has no code")
    metadata = provider_metadata(provider)
    tokens = _exchange_code(provider, metadata, code=code, pending=pending)
    claims = verify_id_token(
        tokens.get("id_token", ""), provider=provider, metadata=metadata, nonce=pending["nonce"]
    )
    try:
        link, _created = user_provision(
            municipality=provider.municipality,
            profile=profile_from_claims(claims, attribute_mapping(provider)),
            source="oidc",
        )
    except ProvisioningError as error:
        raise OidcError(f"the account cannot be provisioned: {error}") from error
    return link
