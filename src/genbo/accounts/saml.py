"""SAML 2.0 sign-in (ADFS and other identity providers) with pysaml2.

pysaml2 checks signatures with xmlsec1, the command-line tool of Debian's package
`xmlsec1`. GENBO sends an unsigned AuthnRequest with the HTTP-Redirect binding and takes
the response with HTTP-POST at the assertion consumer service. Checks:

- the response must reply to a request that GENBO sent in the last 10 minutes
  (`InResponseTo`), and each request accepts one response, so an unsolicited or replayed
  response is rejected;
- the assertion must be signed by a key in the identity provider's metadata, be within
  its validity period and have GENBO as its audience; pysaml2 does these checks;
- the issuer must be the chosen municipality's identity provider;
- an assertion id is accepted once while it is valid.

The session cookie is SameSite=Lax, so browsers do not send it with the identity
provider's cross-site POST. The assertion consumer service therefore stores the checked
result under a one-time key and redirects to `finish`, which runs in the browser's
session and checks that this browser started the sign-in.
"""

import hashlib
import logging
import secrets
import time

import httpx
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from genbo.accounts.directory import attribute_mapping, claim_text, subject_text
from genbo.accounts.models import IdentityLink, IdentityProvider
from genbo.accounts.provisioning import DirectoryProfile, ProvisioningError, user_provision
from genbo.core.db import release_connection

logger = logging.getLogger(__name__)

XMLSEC_BINARY = "/usr/bin/xmlsec1"
PENDING_MAX_AGE_SECONDS = 10 * 60
METADATA_CACHE_SECONDS = 60 * 60
# An assertion id is remembered this long; assertions are valid for minutes, not hours.
ASSERTION_MEMORY_SECONDS = 24 * 60 * 60
SESSION_KEY = "genbo:saml-relay-states"


class SamlError(Exception):
    """A SAML sign-in was rejected; the message is for the log and names no secret."""


def sp_entity_id(base_url: str) -> str:
    return base_url.rstrip("/") + reverse("accounts:saml_metadata")


def _sp_settings(base_url: str, idp_metadata: str | None) -> SPConfig:
    config = SPConfig()
    config.load(
        {
            "entityid": sp_entity_id(base_url),
            "service": {
                "sp": {
                    "endpoints": {
                        "assertion_consumer_service": [
                            (base_url.rstrip("/") + reverse("accounts:saml_acs"), BINDING_HTTP_POST)
                        ]
                    },
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "allow_unsolicited": False,
                    "authn_requests_signed": False,
                    "name_id_format": NAMEID_FORMAT_PERSISTENT,
                }
            },
            "metadata": {"inline": [idp_metadata]} if idp_metadata else {},
            "xmlsec_binary": XMLSEC_BINARY,
            "allow_unknown_attributes": True,
        }
    )
    return config


def sp_metadata(base_url: str) -> str:
    """Return GENBO's service provider metadata, which the identity provider imports."""
    return str(entity_descriptor(_sp_settings(base_url, None)))


def _idp_metadata(provider: IdentityProvider) -> str:
    key = "genbo:saml-metadata:" + hashlib.sha256(provider.metadata_url.encode()).hexdigest()
    document = cache.get(key)
    if document is None:
        url = provider.metadata_url
        if not url.startswith(("https://", "http://")):
            raise SamlError(f"the metadata URL {url!r} is not a URL")
        if settings.PRODUCTION and not url.startswith("https://"):
            raise SamlError("the metadata URL must use https in production")
        release_connection()
        try:
            with httpx.Client(timeout=settings.GENBO_SSO_TIMEOUT_SECONDS) as client:
                response = client.get(url)
                response.raise_for_status()
        except httpx.HTTPError as error:
            raise SamlError(f"reading the metadata at {url} failed: {error}") from error
        document = response.text
        cache.set(key, document, METADATA_CACHE_SECONDS)
    return document


def _client(provider: IdentityProvider, base_url: str) -> Saml2Client:
    try:
        return Saml2Client(_sp_settings(base_url, _idp_metadata(provider)))
    except Exception as error:
        # pysaml2 raises many kinds of errors for metadata it cannot read.
        raise SamlError(f"the identity provider's metadata is invalid: {error}") from error


def authorization_url(request, provider: IdentityProvider) -> str:
    """Remember a new request for this browser and return the identity provider's URL."""
    base_url = request.build_absolute_uri("/")
    client = _client(provider, base_url)
    relay_state = secrets.token_urlsafe(32)
    try:
        request_id, info = client.prepare_for_authenticate(
            entityid=provider.issuer, relay_state=relay_state, binding=BINDING_HTTP_REDIRECT
        )
    except Exception as error:
        raise SamlError(f"the request for {provider.issuer!r} cannot be made: {error}") from error
    cache.set(
        f"genbo:saml-pending:{relay_state}",
        {"provider": provider.pk, "request_id": request_id, "created": time.time()},
        PENDING_MAX_AGE_SECONDS,
    )
    relay_states = request.session.get(SESSION_KEY, [])[-4:]
    request.session[SESSION_KEY] = [*relay_states, relay_state]
    return dict(info["headers"])["Location"]


def consume_response(request) -> str:
    """Check the identity provider's POST and return the one-time key of the result."""
    relay_state = request.POST.get("RelayState", "")
    saml_response = request.POST.get("SAMLResponse", "")
    pending = cache.get(f"genbo:saml-pending:{relay_state}") if relay_state else None
    if pending is None:
        raise SamlError("the relay state is unknown or already used")
    # One response per request: the request is forgotten before the response is checked.
    cache.delete(f"genbo:saml-pending:{relay_state}")

    provider = (
        IdentityProvider.objects.select_related("municipality")
        .filter(pk=pending["provider"], kind=IdentityProvider.Kind.SAML, enabled=True)
        .first()
    )
    if provider is None:
        raise SamlError("the provider has been disabled since the sign-in started")
    if not saml_response:
        raise SamlError("the POST has no SAMLResponse")

    client = _client(provider, request.build_absolute_uri("/"))
    try:
        result = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={pending["request_id"]: "/"}
        )
    except Exception as error:
        # pysaml2 raises a different class for each failed check (signature, time,
        # audience, InResponseTo); each one rejects the response.
        detail = str(error)[:200]
        raise SamlError(f"the response is not valid: {type(error).__name__}: {detail}") from None
    if result is None:
        raise SamlError("the response is not valid")
    if result.issuer() != provider.issuer:
        raise SamlError(f"the response comes from {result.issuer()!r}, not {provider.issuer!r}")

    assertion_key = (
        "genbo:saml-assertion:"
        + hashlib.sha256(f"{provider.pk}:{result.assertion.id}".encode()).hexdigest()
    )
    if not cache.add(assertion_key, 1, ASSERTION_MEMORY_SECONDS):
        raise SamlError("the assertion was used before")

    identity = {name: values for name, values in (result.get_identity() or {}).items()}
    name_id = result.name_id.text if result.name_id is not None else ""
    result_key = secrets.token_urlsafe(32)
    cache.set(
        f"genbo:saml-result:{result_key}",
        {
            "provider": provider.pk,
            "relay_state": relay_state,
            "identity": identity,
            "name_id": name_id,
        },
        60,
    )
    return result_key


def finish_sign_in(request, result_key: str) -> IdentityLink:
    """Provision the user of a checked response, if this browser started the sign-in."""
    result = cache.get(f"genbo:saml-result:{result_key}") if result_key else None
    cache.delete(f"genbo:saml-result:{result_key}")
    if result is None:
        raise SamlError("the result is unknown, expired or already used")
    relay_states = request.session.get(SESSION_KEY, [])
    if result["relay_state"] not in relay_states:
        raise SamlError("the sign-in was started in another browser")

    request.session[SESSION_KEY] = [
        state for state in relay_states if state != result["relay_state"]
    ]

    provider = IdentityProvider.objects.select_related("municipality").get(pk=result["provider"])
    mapping = attribute_mapping(provider)
    identity = result["identity"]
    profile = DirectoryProfile(
        subject=subject_text(claim_text(identity, mapping["subject"]) or result["name_id"]),
        email=claim_text(identity, mapping["email"]),
        first_name=claim_text(identity, mapping["first_name"]),
        last_name=claim_text(identity, mapping["last_name"]),
        title=claim_text(identity, mapping.get("title", "")),
        department=claim_text(identity, mapping.get("department", "")),
        active=None,
    )
    try:
        link, _created = user_provision(
            municipality=provider.municipality, profile=profile, source="saml"
        )
    except ProvisioningError as error:
        raise SamlError(f"the account cannot be provisioned: {error}") from error
    return link
