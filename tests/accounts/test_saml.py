"""SAML 2.0 sign-in against pysaml2's own identity provider on 127.0.0.1."""

import base64
import logging

import pytest

from genbo.accounts.models import IdentityLink, IdentityProvider, User
from genbo.core.models import Municipality
from tests.servers.saml_idp import ACCOUNTS, OBJECT_ID

pytestmark = pytest.mark.django_db

ACS_URL = "/accounts/sso/saml/acs/"


@pytest.fixture
def landskrona(saml_idp):
    return IdentityProvider.objects.create(
        municipality=Municipality.objects.get(slug="landskrona"),
        kind=IdentityProvider.Kind.SAML,
        issuer=saml_idp.entity_id,
        metadata_url=saml_idp.metadata_url,
    )


def _start(client) -> str:
    response = client.get("/accounts/sso/start/?municipality=landskrona")
    assert response.status_code == 302, response.content
    return response.url


def _post_and_finish(client, fields: dict):
    response = client.post(ACS_URL, fields)
    if response.url.startswith("/accounts/sso/saml/finish/"):
        response = client.get(response.url)
    return response


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_sign_in_creates_user(client, landskrona, saml_idp):
    fields = saml_idp.sign_in(_start(client))

    response = _post_and_finish(client, fields)

    assert response.url == "/"
    user = User.objects.get(email="anna.berg@landskrona.se")
    assert _signed_in_user_id(client) == str(user.pk)
    assert (user.first_name, user.last_name) == ("Anna", "Berg")
    assert user.title == "Bygglovshandläggare"
    assert user.unit.name == "Stadsbyggnadsförvaltningen"
    assert IdentityLink.objects.get(user=user).subject == ACCOUNTS["anna"][OBJECT_ID][0]


def test_second_sign_in_keeps_one_account(client, landskrona, saml_idp):
    _post_and_finish(client, saml_idp.sign_in(_start(client)))
    client.logout()

    _post_and_finish(client, saml_idp.sign_in(_start(client)))

    assert User.objects.filter(first_name="Anna").count() == 1
    assert _signed_in_user_id(client) is not None


def test_replayed_response_rejected(client, landskrona, saml_idp, caplog):
    fields = saml_idp.sign_in(_start(client))
    _post_and_finish(client, fields)
    client.logout()

    with caplog.at_level(logging.WARNING, logger="genbo.accounts.sso_views"):
        response = _post_and_finish(client, fields)

    assert response.url == "/accounts/login/"
    assert _signed_in_user_id(client) is None
    assert "relay state is unknown or already used" in caplog.text


def test_old_response_for_new_request_rejected(client, landskrona, saml_idp):
    old = saml_idp.sign_in(_start(client))
    _post_and_finish(client, old)
    client.logout()
    new = saml_idp.sign_in(_start(client))

    _post_and_finish(client, {"SAMLResponse": old["SAMLResponse"], "RelayState": new["RelayState"]})

    assert _signed_in_user_id(client) is None


def test_tampered_signature_rejected(client, landskrona, saml_idp, caplog):
    fields = saml_idp.sign_in(_start(client))
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert "anna.berg@landskrona.se" in xml
    forged = xml.replace("anna.berg@landskrona.se", "attacker@landskrona.se")
    fields["SAMLResponse"] = base64.b64encode(forged.encode()).decode()

    with caplog.at_level(logging.WARNING, logger="genbo.accounts.sso_views"):
        response = _post_and_finish(client, fields)

    assert response.url == "/accounts/login/"
    assert _signed_in_user_id(client) is None
    assert User.objects.count() == 0
    assert "response is not valid" in caplog.text
    assert fields["SAMLResponse"][:40] not in caplog.text


def test_unsolicited_response_rejected(client, landskrona, saml_idp):
    fields = saml_idp.sign_in(_start(client))

    _post_and_finish(client, {"SAMLResponse": fields["SAMLResponse"]})

    assert _signed_in_user_id(client) is None


def test_response_for_other_browser_rejected(client, landskrona, saml_idp):
    fields = saml_idp.sign_in(_start(client))
    other_browser = client.__class__()

    _post_and_finish(other_browser, fields)

    assert other_browser.session.get("_auth_user_id") is None
    assert not User.objects.filter(email="anna.berg@landskrona.se").exists()


def test_garbage_response_rejected(client, landskrona, saml_idp):
    fields = saml_idp.sign_in(_start(client))

    for garbage in ["", "bm90IHhtbA==", "%%%"]:
        response = _post_and_finish(client, {**fields, "SAMLResponse": garbage})
        assert response.url == "/accounts/login/"
    assert _signed_in_user_id(client) is None


def test_wrong_issuer_cannot_start(client, landskrona):
    landskrona.issuer = "https://adfs.example/adfs/services/trust"
    landskrona.save()

    response = client.get("/accounts/sso/start/?municipality=landskrona", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/"


def test_metadata_names_assertion_consumer_service(client):
    response = client.get("/accounts/sso/saml/metadata/")

    body = response.content.decode()
    assert response.status_code == 200
    assert 'entityID="http://testserver/accounts/sso/saml/metadata/"' in body
    assert 'Location="http://testserver/accounts/sso/saml/acs/"' in body
