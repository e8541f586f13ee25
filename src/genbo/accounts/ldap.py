"""LDAP bind against a municipality's Active Directory, and the directory sync.

ldap3 is pure Python, so nothing needs system headers. A sign-in first searches the
person's entry with the service account (or anonymously when the provider has no bind
DN), then binds as that entry with the typed password. Disabled accounts
(`userAccountControl` with ACCOUNTDISABLE) are refused whatever the password.
"""

import logging
import ssl
import uuid
from dataclasses import dataclass, field

import ldap3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from genbo.accounts.directory import attribute_mapping, claim_text, provider_secret
from genbo.accounts.models import IdentityLink, IdentityProvider
from genbo.accounts.provisioning import (
    DirectoryProfile,
    ProvisioningError,
    user_deactivate,
    user_provision,
)
from genbo.core.db import release_connection

logger = logging.getLogger(__name__)

ACCOUNTDISABLE = 0x2
CONNECT_TIMEOUT_SECONDS = 5
RECEIVE_TIMEOUT_SECONDS = 15
PAGE_SIZE = 500


class LdapSignInError(Exception):
    """A sign-in through LDAP failed; `reason` is for the log, never for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _server(provider: IdentityProvider) -> ldap3.Server:
    # Passwords cross the network in the bind, so production talks to the directory
    # over TLS only.
    if settings.PRODUCTION and not provider.server_url.lower().startswith("ldaps://"):
        raise LdapSignInError(f"{provider.server_url!r} is not an ldaps:// URL")
    # ldap3 skips the certificate check by default. With CERT_REQUIRED an ldaps:// server
    # must present a certificate that the system's CA store trusts.
    return ldap3.Server(
        provider.server_url,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        get_info=ldap3.NONE,
        tls=ldap3.Tls(validate=ssl.CERT_REQUIRED),
    )


def _service_connection(provider: IdentityProvider) -> ldap3.Connection:
    try:
        password = provider_secret(provider)
    except ImproperlyConfigured as error:
        raise LdapSignInError(str(error)) from None
    release_connection()
    connection = ldap3.Connection(
        _server(provider),
        user=provider.bind_dn or None,
        password=password or None,
        receive_timeout=RECEIVE_TIMEOUT_SECONDS,
        read_only=True,
        raise_exceptions=True,
    )
    connection.bind()
    return connection


def _attributes(mapping: dict[str, str]) -> list[str]:
    names = ["subject", "login", "email", "first_name", "last_name", "title", "department", "phone"]
    return sorted({mapping[name] for name in names if mapping.get(name)} | {"userAccountControl"})


def subject_text(value) -> str:
    """Return the subject as text; a binary objectGUID becomes AD's GUID string form."""
    if isinstance(value, list | tuple):
        value = value[0] if value else b""
    if isinstance(value, bytes | bytearray):
        if len(value) == 16:
            # AD stores the GUID with its first three fields little-endian.
            return str(uuid.UUID(bytes_le=bytes(value)))
        return value.hex()
    return str(value or "").strip()


def is_disabled(attributes: dict) -> bool:
    raw = attributes.get("userAccountControl")
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    try:
        return bool(int(raw) & ACCOUNTDISABLE) if raw not in (None, "") else False
    except (TypeError, ValueError):
        return False


def profile_from_entry(attributes: dict, mapping: dict[str, str]) -> DirectoryProfile:
    return DirectoryProfile(
        subject=subject_text(attributes.get(mapping["subject"])),
        email=claim_text(attributes, mapping["email"]),
        first_name=claim_text(attributes, mapping["first_name"]),
        last_name=claim_text(attributes, mapping["last_name"]),
        title=claim_text(attributes, mapping.get("title", "")),
        department=claim_text(attributes, mapping.get("department", "")),
        phone=claim_text(attributes, mapping.get("phone", "")),
        active=not is_disabled(attributes),
    )


def _raw_attributes(entry) -> dict:
    # The raw values keep objectGUID as bytes; the text form of the others is decoded here.
    result = {}
    for name, values in entry["raw_attributes"].items():
        if name.lower() == "objectguid":
            result[name] = values[0] if values else b""
        else:
            result[name] = [value.decode("utf-8", "replace") for value in values]
    for name, value in entry["attributes"].items():
        result.setdefault(name, value)
    return result


def ldap_sign_in(*, provider: IdentityProvider, login: str, password: str) -> IdentityLink:
    """Check `login` and `password` against the provider and return the provisioned link.

    Raises LdapSignInError for a wrong login or password, a disabled account, or a
    directory that cannot be reached.
    """
    mapping = attribute_mapping(provider)
    login = login.strip()
    if not login or not password:
        # An empty password would make an unauthenticated bind, which LDAP accepts.
        raise LdapSignInError("empty login or password")
    search = f"(&{mapping['user_filter']}({mapping['login']}={escape_filter_chars(login)}))"
    try:
        with _service_connection(provider) as connection:
            connection.search(
                provider.base_dn, search, attributes=_attributes(mapping), size_limit=2
            )
            entries = list(connection.response or [])
        entries = [entry for entry in entries if entry.get("type") == "searchResEntry"]
        if len(entries) != 1:
            raise LdapSignInError(f"{len(entries)} entries match the login")
        entry = entries[0]
        user_connection = ldap3.Connection(
            _server(provider),
            user=entry["dn"],
            password=password,
            receive_timeout=RECEIVE_TIMEOUT_SECONDS,
            read_only=True,
        )
        if not user_connection.bind():
            raise LdapSignInError("the password was rejected")
        user_connection.unbind()
    except LDAPException as error:
        raise LdapSignInError(f"directory error: {type(error).__name__}") from error
    attributes = _raw_attributes(entry)
    if is_disabled(attributes):
        raise LdapSignInError("the account is disabled in the directory")
    try:
        link, _created = user_provision(
            municipality=provider.municipality,
            profile=profile_from_entry(attributes, mapping),
            source="ldap",
        )
    except ProvisioningError as error:
        raise LdapSignInError(f"provisioning failed: {error}") from error
    return link


@dataclass
class SyncReport:
    created: int = 0
    # Entries that already had a user, changed or not.
    existing: int = 0
    # Entries whose account is disabled in the directory.
    disabled: int = 0
    # Users deactivated because their entry is gone.
    removed: int = 0
    skipped: list[str] = field(default_factory=list)


def ldap_sync(*, provider: IdentityProvider) -> SyncReport:
    """Create, update and deactivate the municipality's users from its directory.

    People whose entries are gone, or disabled, are deactivated. A search without
    results changes nothing, because a wrong base DN must not deactivate everyone.
    """
    mapping = attribute_mapping(provider)
    report = SyncReport()
    with _service_connection(provider) as connection:
        entries = connection.extend.standard.paged_search(
            provider.base_dn,
            mapping["user_filter"],
            attributes=_attributes(mapping),
            paged_size=PAGE_SIZE,
            generator=False,
        )
    entries = [entry for entry in entries if entry.get("type") == "searchResEntry"]
    if not entries:
        raise LdapSignInError(f"no users found under {provider.base_dn!r}; nothing changed")
    seen: set[str] = set()
    for entry in entries:
        attributes = _raw_attributes(entry)
        profile = profile_from_entry(attributes, mapping)
        try:
            link, created = user_provision(
                municipality=provider.municipality, profile=profile, source="ldap"
            )
        except ProvisioningError as error:
            report.skipped.append(f"{entry['dn']}: {error}")
            logger.warning("LDAP sync skipped %s: %s", entry["dn"], error)
            continue
        seen.add(link.subject)
        if created:
            report.created += 1
        else:
            report.existing += 1
        if not profile.active:
            report.disabled += 1
    gone = (
        IdentityLink.objects.filter(municipality=provider.municipality, user__is_active=True)
        .exclude(subject__in=seen)
        .select_related("user")
    )
    for link in gone:
        user_deactivate(user=link.user, source="ldap")
        report.removed += 1
    return report
