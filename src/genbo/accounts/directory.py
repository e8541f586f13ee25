"""Reading a municipality's identity provider configuration: secrets and attribute mapping."""

import base64
import binascii
import re
import uuid

from django.core.exceptions import ImproperlyConfigured

from genbo.accounts.models import SECRET_VARIABLE_PATTERN, IdentityProvider
from genbo.env import env_str

# The claim or attribute that contains each GENBO field, per kind of provider. A provider's
# `attribute_mapping` overrides single entries.
DEFAULT_MAPPINGS = {
    IdentityProvider.Kind.OIDC: {
        # Entra ID's `oid` is the person's object id, the same in every app of the tenant;
        # `sub` differs per app. Other providers have only `sub`.
        "subject": "oid",
        "email": "email",
        "first_name": "given_name",
        "last_name": "family_name",
        "title": "jobTitle",
        "department": "department",
    },
    IdentityProvider.Kind.SAML: {
        "subject": "http://schemas.microsoft.com/identity/claims/objectidentifier",
        "email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "first_name": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "last_name": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "title": "title",
        "department": "department",
    },
    IdentityProvider.Kind.LDAP: {
        "subject": "objectGUID",
        "login": "sAMAccountName",
        "email": "mail",
        "first_name": "givenName",
        "last_name": "sn",
        "title": "title",
        "department": "department",
        "phone": "telephoneNumber",
        # Active Directory's filter for people; computer accounts are objectClass=user too.
        "user_filter": "(&(objectCategory=person)(objectClass=user))",
    },
}


def attribute_mapping(provider: IdentityProvider) -> dict[str, str]:
    mapping = dict(DEFAULT_MAPPINGS[IdentityProvider.Kind(provider.kind)])
    overrides = provider.attribute_mapping or {}
    if not isinstance(overrides, dict):
        raise ImproperlyConfigured(f"{provider}: the attribute mapping must be a JSON object.")
    mapping.update({str(key): str(value) for key, value in overrides.items() if value})
    return mapping


def provider_secret(provider: IdentityProvider) -> str:
    """Return the client secret or bind password named by the provider's secret variable."""
    if not provider.secret_variable:
        return ""
    if not re.match(SECRET_VARIABLE_PATTERN, provider.secret_variable):
        raise ImproperlyConfigured(
            f"{provider}: the secret variable {provider.secret_variable!r} must start with "
            "GENBO_SSO_."
        )
    return env_str(provider.secret_variable, "")


def claim_text(claims: dict, name: str) -> str:
    """Return a claim or attribute as one string; the first item of a list."""
    value = claims.get(name, "")
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if value is None:
        return ""
    return str(value).strip()


def subject_text(value: str) -> str:
    """Return a subject claim, with a base64 objectGUID written as AD's GUID string.

    ADFS sends `objectGUID` base64-encoded, while the LDAP sync reads it as bytes and
    writes the GUID string. Both must give the same subject, or one person gets two
    accounts.
    """
    if len(value) == 24 and value.endswith("=="):
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value
        if len(raw) == 16:
            return str(uuid.UUID(bytes_le=raw))
    return value
