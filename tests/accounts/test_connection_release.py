"""A sign-in gives its database connection back while it waits for the identity provider."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from genbo.accounts import oidc, saml
from genbo.accounts.models import IdentityProvider
from genbo.core.models import Municipality

# Outside a test transaction, so that the request's connection may close. The serialized
# rollback leaves the database as migrations made it, as later tests of that kind expect.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.postgres,
]


class ProviderServer:
    """An identity provider on 127.0.0.1 that notes whether the caller's connection is open."""

    def __init__(self):
        # The test thread's own connection, because `django.db.connection` would resolve to
        # the server thread's own in the handler.
        watched = connections[DEFAULT_DB_ALIAS]
        self.open_during_call: list[bool] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.open_during_call.append(watched.connection is not None)
                issuer = f"http://127.0.0.1:{self.server.server_port}"
                body = json.dumps(
                    {
                        "issuer": issuer,
                        "authorization_endpoint": f"{issuer}/auth",
                        "token_endpoint": f"{issuer}/token",
                        "jwks_uri": f"{issuer}/jwks",
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _provider(kind: str, url: str) -> IdentityProvider:
    return IdentityProvider.objects.create(
        # A transactional test starts without the rows that migrations add.
        municipality=Municipality.objects.get_or_create(
            slug="bjuv", defaults={"name": "Bjuv", "concept_id": "bjuv-test"}
        )[0],
        kind=kind,
        issuer=url if kind == IdentityProvider.Kind.OIDC else "",
        metadata_url=f"{url}/metadata" if kind == IdentityProvider.Kind.SAML else "",
        client_id="genbo",
    )


def test_oidc_discovery_runs_without_connection():
    with ProviderServer() as server:
        provider = _provider(IdentityProvider.Kind.OIDC, server.url)

        oidc.provider_metadata(provider)

    assert server.open_during_call == [False]


def test_saml_metadata_runs_without_connection():
    with ProviderServer() as server:
        provider = _provider(IdentityProvider.Kind.SAML, server.url)

        saml._idp_metadata(provider)

    assert server.open_during_call == [False]


def test_connection_stays_inside_transaction():
    with ProviderServer() as server, transaction.atomic():
        provider = _provider(IdentityProvider.Kind.OIDC, server.url)

        oidc.provider_metadata(provider)

    assert server.open_during_call == [True]
