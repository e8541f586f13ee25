"""Fixtures for the sign-in tests: real directory and identity provider servers."""

from tests.servers.slapd import directory, slapd_server  # noqa: F401
