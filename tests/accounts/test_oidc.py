"""OpenID Connect sign-in against a real provider (panva/oidc-provider) on 127.0.0.1.

Tokens that the provider would never issue (unsigned, signed by a stranger's key) are
made here with joserfc, the way an attacker would make them.
"""

import base64
import json
import logging
import time

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from genbo.accounts import oidc
from genbo.accounts.models import IdentityLink, IdentityProvider, User
from genbo.core.models import AuditEvent, Municipality
from tests.factories import UserFactory
from tests.servers.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_CLIENT_ID,
    SHORT_LIVED_CLIENT_ID,
    callback_path,
    callback_query,
)

pytestmark = pytest.mark.django_db

SECRET_VARIABLE = "GENBO_SSO_TEST_OIDC_SECRET"


@pytest.fixture(autouse=True)
def client_secret(monkeypatch):
    monkeypatch.setenv(SECRET_VARIABLE, CLIENT_SECRET)


def _provider(issuer: str, slug: str = "bjuv", client_id: str = CLIENT_ID) -> IdentityProvider:
    return IdentityProvider.objects.create(
        municipality=Municipality.objects.get(slug=slug),
        kind=IdentityProvider.Kind.OIDC,
        issuer=issuer,
        client_id=client_id,
        secret_variable=SECRET_VARIABLE,
    )


@pytest.fixture
def bjuv(oidc_provider):
    return _provider(oidc_provider.issuer)


def _start(client, slug: str = "bjuv", next_url: str = "") -> str:
    query = f"municipality={slug}" + (f"&next={next_url}" if next_url else "")
    response = client.get(f"/accounts/sso/start/?{query}")
    assert response.status_code == 302, response.content
    return response.url


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_sign_in_creates_user_from_claims(client, bjuv, oidc_provider):
    callback = oidc_provider.sign_in(_start(client), "anna")

    response = client.get(callback_path(callback))

    assert response.status_code == 302
    assert response.url == "/"
    user = User.objects.get(email="anna.berg@bjuv.se")
    assert _signed_in_user_id(client) == str(user.pk)
    assert (user.first_name, user.last_name, user.title) == ("Anna", "Berg", "Ekonom")
    assert user.unit.name == "Ekonomiavdelningen"
    assert user.municipality.slug == "bjuv"
    link = IdentityLink.objects.get(user=user)
    assert link.subject == oidc_provider.accounts["anna"]["oid"]
    assert AuditEvent.objects.filter(action="user.sign_in", actor=user).exists()


def test_start_remembers_municipality_in_cookie(client, bjuv):
    _start(client)

    cookie = client.cookies["genbo_municipality"]
    assert cookie.value == "bjuv"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_sign_in_page_preselects_remembered_municipality(client):
    client.cookies["genbo_municipality"] = "bjuv"

    html = client.get("/accounts/login/").content.decode()

    assert '<option value="bjuv" selected>' in html


def test_start_sends_state_nonce_and_pkce(client, bjuv, oidc_provider):
    query = callback_query(_start(client).replace("/auth?", "/cb/?"))

    assert query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 40
    assert len(query["nonce"]) >= 40
    assert query["redirect_uri"] == "http://testserver/accounts/sso/oidc/callback/"


def test_second_sign_in_updates_same_user(client, bjuv, oidc_provider):
    client.get(callback_path(oidc_provider.sign_in(_start(client), "anna")))
    user = User.objects.get(email="anna.berg@bjuv.se")
    user.email = "old.address@bjuv.se"
    user.title = "Praktikant"
    user.save()
    client.logout()

    client.get(callback_path(oidc_provider.sign_in(_start(client), "anna")))

    assert User.objects.filter(first_name="Anna").count() == 1
    user.refresh_from_db()
    assert user.email == "anna.berg@bjuv.se"
    assert user.title == "Ekonom"


def test_sign_in_gives_new_session_key(client, bjuv, oidc_provider):
    url = _start(client)
    key_before = client.session.session_key

    client.get(callback_path(oidc_provider.sign_in(url, "anna")))

    assert client.session.session_key != key_before


def test_sign_in_goes_to_next_page(client, bjuv, oidc_provider):
    url = _start(client, next_url="/forum/")

    response = client.get(callback_path(oidc_provider.sign_in(url, "anna")))

    assert response.url == "/forum/"


def test_foreign_next_page_ignored(client, bjuv, oidc_provider):
    url = _start(client, next_url="https://evil.example/")

    response = client.get(callback_path(oidc_provider.sign_in(url, "anna")))

    assert response.url == "/"


def test_sign_out_ends_session(client, bjuv, oidc_provider):
    client.get(callback_path(oidc_provider.sign_in(_start(client), "anna")))

    client.post("/accounts/logout/")

    assert _signed_in_user_id(client) is None
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_sign_in(client, bjuv, oidc_provider):
    client.get(callback_path(oidc_provider.sign_in(_start(client), "anna")))
    client.logout()
    User.objects.filter(email="anna.berg@bjuv.se").update(is_active=False)

    client.get(callback_path(oidc_provider.sign_in(_start(client), "anna")))

    assert _signed_in_user_id(client) is None


# Refused callbacks: state, code and tokens


def test_unknown_state_refused(client, bjuv, oidc_provider, caplog):
    callback = oidc_provider.sign_in(_start(client), "anna")
    query = callback_query(callback)

    with caplog.at_level(logging.WARNING, logger="genbo.accounts.sso_views"):
        response = client.get(f"/accounts/sso/oidc/callback/?code={query['code']}&state=forged")

    assert response.url == "/accounts/login/"
    assert _signed_in_user_id(client) is None
    assert "state is unknown" in caplog.text
    assert query["code"] not in caplog.text
    assert User.objects.count() == 0


def test_state_used_only_once(client, bjuv, oidc_provider):
    callback = oidc_provider.sign_in(_start(client), "anna")
    client.get(callback_path(callback))
    client.logout()

    client.get(callback_path(callback))

    assert _signed_in_user_id(client) is None


def test_state_from_another_browser_refused(client, bjuv, oidc_provider):
    callback = oidc_provider.sign_in(_start(client), "anna")
    other_browser = client.__class__()

    other_browser.get(callback_path(callback))

    assert other_browser.session.get("_auth_user_id") is None


def test_expired_pending_sign_in_refused(client, bjuv, oidc_provider, monkeypatch):
    callback = oidc_provider.sign_in(_start(client), "anna")
    later = time.time() + oidc.PENDING_MAX_AGE_SECONDS + 1
    monkeypatch.setattr(oidc.time, "time", lambda: later)

    client.get(callback_path(callback))

    assert _signed_in_user_id(client) is None


def test_provider_error_refused(client, bjuv):
    _start(client)

    response = client.get("/accounts/sso/oidc/callback/?error=access_denied&state=x")

    assert response.url == "/accounts/login/"
    assert _signed_in_user_id(client) is None


def test_wrong_client_secret_refused(client, bjuv, oidc_provider, monkeypatch):
    monkeypatch.setenv(SECRET_VARIABLE, "wrong-secret")

    client.get(callback_path(oidc_provider.sign_in(_start(client), "anna")))

    assert _signed_in_user_id(client) is None


def _real_id_token(client, oidc_provider, *, client_id: str) -> tuple[str, str]:
    """Run a sign-in for `client_id` up to the token request; return the ID token and nonce."""
    provider = IdentityProvider.objects.get(kind="oidc", issuer=oidc_provider.issuer)
    provider.client_id = client_id
    provider.save()
    callback = oidc_provider.sign_in(_start(client), "anna")
    state = callback_query(callback)["state"]
    pending = client.session[oidc.SESSION_PREFIX + state]
    metadata = oidc.provider_metadata(provider)
    tokens = oidc._exchange_code(
        provider, metadata, code=callback_query(callback)["code"], pending=pending
    )
    return tokens["id_token"], pending["nonce"]


def test_real_token_passes_verification(client, bjuv, oidc_provider):
    token, nonce = _real_id_token(client, oidc_provider, client_id=CLIENT_ID)

    claims = oidc.verify_id_token(
        token, provider=bjuv, metadata=oidc.provider_metadata(bjuv), nonce=nonce
    )

    assert claims["oid"] == oidc_provider.accounts["anna"]["oid"]


def test_wrong_audience_refused(client, bjuv, oidc_provider):
    token, nonce = _real_id_token(client, oidc_provider, client_id=OTHER_CLIENT_ID)
    bjuv.refresh_from_db()
    bjuv.client_id = CLIENT_ID

    with pytest.raises(oidc.OidcError, match="another client"):
        oidc.verify_id_token(
            token, provider=bjuv, metadata=oidc.provider_metadata(bjuv), nonce=nonce
        )


def test_wrong_nonce_refused(client, bjuv, oidc_provider):
    token, _nonce = _real_id_token(client, oidc_provider, client_id=CLIENT_ID)

    with pytest.raises(oidc.OidcError, match="nonce"):
        oidc.verify_id_token(
            token, provider=bjuv, metadata=oidc.provider_metadata(bjuv), nonce="another-nonce"
        )


def test_expired_token_refused(client, bjuv, oidc_provider, monkeypatch):
    token, nonce = _real_id_token(client, oidc_provider, client_id=SHORT_LIVED_CLIENT_ID)
    bjuv.refresh_from_db()
    monkeypatch.setattr(oidc, "CLOCK_SKEW_SECONDS", 0)
    time.sleep(2.1)

    with pytest.raises(oidc.OidcError, match="exp"):
        oidc.verify_id_token(
            token, provider=bjuv, metadata=oidc.provider_metadata(bjuv), nonce=nonce
        )


def test_token_of_other_municipality_refused(client, bjuv, oidc_provider, second_oidc_provider):
    # Helsingborg's provider is another issuer; a real token from Bjuv's must not pass there.
    token, nonce = _real_id_token(client, oidc_provider, client_id=CLIENT_ID)
    helsingborg = _provider(second_oidc_provider.issuer, slug="helsingborg")

    with pytest.raises(oidc.OidcError):
        oidc.verify_id_token(
            token, provider=helsingborg, metadata=oidc.provider_metadata(helsingborg), nonce=nonce
        )


def test_issuer_bound_to_chosen_municipality(client, bjuv, oidc_provider, second_oidc_provider):
    # A sign-in started for Helsingborg cannot be finished with a code from Bjuv's provider.
    _provider(second_oidc_provider.issuer, slug="helsingborg")
    bjuv_callback = oidc_provider.sign_in(_start(client, "bjuv"), "anna")
    helsingborg_url = _start(client, "helsingborg")
    helsingborg_state = callback_query(helsingborg_url.replace("/auth?", "/cb/?"))["state"]
    code = callback_query(bjuv_callback)["code"]

    client.get(f"/accounts/sso/oidc/callback/?code={code}&state={helsingborg_state}")

    assert _signed_in_user_id(client) is None
    assert not IdentityLink.objects.filter(municipality__slug="helsingborg").exists()


def _forged_token(bjuv, nonce: str, *, key, algorithm: str = "RS256") -> str:
    now = int(time.time())
    claims = {
        "iss": bjuv.issuer,
        "aud": CLIENT_ID,
        "sub": "attacker",
        "oid": "attacker",
        "email": "attacker@bjuv.se",
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
    }
    return jwt.encode({"alg": algorithm, "kid": "test-key-1"}, claims, key)


def test_token_signed_by_unknown_key_refused(bjuv, oidc_provider):
    stranger = RSAKey.generate_key(2048)
    token = _forged_token(bjuv, "n", key=stranger)

    with pytest.raises(oidc.OidcError, match="signature"):
        oidc.verify_id_token(token, provider=bjuv, metadata=oidc.provider_metadata(bjuv), nonce="n")


def test_unsigned_token_refused(bjuv, oidc_provider):
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {
        "iss": bjuv.issuer,
        "aud": CLIENT_ID,
        "sub": "x",
        "iat": now,
        "exp": now + 300,
        "nonce": "n",
    }
    token = f"{part({'alg': 'none'})}.{part(claims)}."

    with pytest.raises(oidc.OidcError, match="signature"):
        oidc.verify_id_token(token, provider=bjuv, metadata=oidc.provider_metadata(bjuv), nonce="n")


def test_symmetric_token_with_client_secret_refused(bjuv, oidc_provider):
    # HS256 signed with the client secret is valid OIDC for some providers, but GENBO
    # accepts only the provider's public keys.
    token = _forged_token(bjuv, "n", key=OctKey.import_key(CLIENT_SECRET), algorithm="HS256")

    with pytest.raises(oidc.OidcError, match="signature"):
        oidc.verify_id_token(token, provider=bjuv, metadata=oidc.provider_metadata(bjuv), nonce="n")


def test_garbage_token_refused(bjuv, oidc_provider):
    for token in ["", "abc", "a.b.c", "a.b.c.d.e"]:
        with pytest.raises(oidc.OidcError):
            oidc.verify_id_token(
                token, provider=bjuv, metadata=oidc.provider_metadata(bjuv), nonce="n"
            )


def test_discovery_issuer_mismatch_refused(oidc_provider):
    provider = _provider(oidc_provider.issuer + "/")

    with pytest.raises(oidc.OidcError, match="names the issuer"):
        oidc.provider_metadata(provider)


def test_unreachable_provider_shows_error(client):
    _provider("http://127.0.0.1:9")

    response = client.get("/accounts/sso/start/?municipality=bjuv", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert _signed_in_user_id(client) is None


def test_email_of_another_municipality_not_taken_over(client, bjuv, oidc_provider):
    UserFactory(email="anna.berg@bjuv.se", municipality__slug="helsingborg")

    client.get(callback_path(oidc_provider.sign_in(_start(client), "anna")))

    assert _signed_in_user_id(client) is None
    assert User.objects.get(email="anna.berg@bjuv.se").municipality.slug == "helsingborg"


def test_local_account_of_same_municipality_linked(client, bjuv, oidc_provider):
    local = UserFactory(email="anna.berg@bjuv.se", municipality__slug="bjuv")

    client.get(callback_path(oidc_provider.sign_in(_start(client), "anna")))

    assert _signed_in_user_id(client) == str(local.pk)
    assert IdentityLink.objects.get(user=local).municipality.slug == "bjuv"


def test_repeated_failures_lock_client(client, bjuv):
    for _attempt in range(10):
        client.get("/accounts/sso/oidc/callback/?code=x&state=forged")

    response = client.get("/accounts/sso/start/?municipality=bjuv")

    assert response.url == "/accounts/login/"
    assert not any(key.startswith(oidc.SESSION_PREFIX) for key in client.session.keys())


def test_secret_variable_outside_prefix_refused(client, bjuv, oidc_provider, monkeypatch):
    monkeypatch.setenv("GENBO_SECRET_KEY", CLIENT_SECRET)
    IdentityProvider.objects.filter(pk=bjuv.pk).update(secret_variable="GENBO_SECRET_KEY")

    response = client.get(callback_path(oidc_provider.sign_in(_start(client), "anna")))

    assert response.url == "/accounts/login/"
    assert _signed_in_user_id(client) is None


def test_admin_rejects_secret_variable_outside_prefix(bjuv):
    from django.core.exceptions import ValidationError

    bjuv.secret_variable = "GENBO_SECRET_KEY"

    with pytest.raises(ValidationError):
        bjuv.full_clean()
