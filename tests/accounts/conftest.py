"""Fixtures for the sign-in tests: real directory and identity provider servers."""

from tests.servers.oidc_provider import oidc_provider, second_oidc_provider  # noqa: F401
from tests.servers.saml_idp import saml_idp  # noqa: F401
from tests.servers.slapd import directory, slapd_server  # noqa: F401
