"""A real OpenID Connect provider for the tests: panva/oidc-provider run by Node.js on 127.0.0.1.

`.ci/run` installs it with `npm ci` into tests/servers/oidc-provider/node_modules (the
version is pinned in package-lock.json). Without node or that folder the fixtures skip
with the reason, which GENBO_REQUIRE_ALL=1 turns into a failure.
"""

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from tests.servers.slapd import _wait_for_port, free_port

FOLDER = Path(__file__).with_name("oidc-provider")
CALLBACK = "http://testserver/accounts/sso/oidc/callback/"
CLIENT_ID = "genbo"
CLIENT_SECRET = "genbo-test-client-secret-0123456789"
OTHER_CLIENT_ID = "another-app"
SHORT_LIVED_CLIENT_ID = "genbo-short-lived"

ACCOUNTS = {
    "anna": {
        "oid": "0b5d0c55-1111-4c1e-9a51-7a0d7c1f0a01",
        "email": "anna.berg@bjuv.se",
        "email_verified": True,
        "given_name": "Anna",
        "family_name": "Berg",
        "name": "Anna Berg",
        "jobTitle": "Ekonom",
        "department": "Ekonomiavdelningen",
    },
    "bo": {
        "oid": "0b5d0c55-2222-4c1e-9a51-7a0d7c1f0a02",
        "email": "bo.ek@bjuv.se",
        "given_name": "Bo",
        "family_name": "Ek",
    },
}


def _client(client_id: str) -> dict:
    return {
        "client_id": client_id,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [CALLBACK],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
    }


@dataclass
class OidcProvider:
    issuer: str
    accounts: dict

    def sign_in(self, authorization_url: str, account: str) -> str:
        """Sign in at the provider as `account` and return the callback URL it redirects to.

        The provider's development login form takes an account id; its consent form is
        then confirmed.
        """
        assert authorization_url.startswith(self.issuer), authorization_url
        with httpx.Client(timeout=10) as browser:
            url = authorization_url
            for _step in range(12):
                response = browser.get(url)
                if response.status_code in (302, 303):
                    url = urljoin(url, response.headers["location"])
                    if url.startswith(CALLBACK):
                        return url
                    continue
                assert response.status_code == 200, response.text[:500]
                prompt = re.search(r'name="prompt" value="(\w+)"', response.text)
                assert prompt, response.text[:500]
                response = browser.post(url, data={"prompt": prompt.group(1), "login": account})
                assert response.status_code in (302, 303), response.text[:500]
                url = urljoin(url, response.headers["location"])
                if url.startswith(CALLBACK):
                    return url
        raise AssertionError("the provider did not redirect back to GENBO")


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def callback_query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def _start(tmp_path_factory):
    node = shutil.which("node")
    if not node or not (FOLDER / "node_modules" / "oidc-provider").exists():
        pytest.skip(
            "The OpenID Connect test provider needs node and `npm ci` in "
            "tests/servers/oidc-provider (.ci/run does both)"
        )
    port = free_port()
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps(
            [_client(CLIENT_ID), _client(OTHER_CLIENT_ID), _client(SHORT_LIVED_CLIENT_ID)]
        ),
        "OIDC_SHORT_LIVED_CLIENTS": json.dumps([SHORT_LIVED_CLIENT_ID]),
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    log = (tmp_path_factory.mktemp("oidc") / "provider.log").open("w")
    process = subprocess.Popen(
        [node, str(FOLDER / "server.mjs")], cwd=FOLDER, env=environment, stdout=log, stderr=log
    )
    _wait_for_port(port, process)
    return process, OidcProvider(issuer=f"http://127.0.0.1:{port}", accounts=ACCOUNTS)


def _stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    process, provider = _start(tmp_path_factory)
    yield provider
    _stop(process)


@pytest.fixture(scope="session")
def second_oidc_provider(tmp_path_factory):
    """Another provider with its own issuer and keys, standing for another municipality."""
    process, provider = _start(tmp_path_factory)
    yield provider
    _stop(process)
