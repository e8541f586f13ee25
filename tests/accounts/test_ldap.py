"""LDAP bind and `genbo sync-ldap` against a real OpenLDAP slapd on 127.0.0.1."""

import base64
import logging
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from genbo.accounts.directory import subject_text
from genbo.accounts.ldap import LdapSignInError, ldap_sign_in, ldap_sync
from genbo.accounts.models import IdentityLink, IdentityProvider, User
from genbo.core.models import Municipality
from tests.factories import NetworkFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db

PASSWORD = "Sommar2026!"


@pytest.fixture
def provider(directory, monkeypatch):
    monkeypatch.setenv("GENBO_SSO_TEST_BJUV_BIND_PASSWORD", directory.admin_password)
    return IdentityProvider.objects.create(
        municipality=Municipality.objects.get(slug="bjuv"),
        kind=IdentityProvider.Kind.LDAP,
        server_url=directory.url,
        bind_dn=directory.admin_dn,
        secret_variable="GENBO_SSO_TEST_BJUV_BIND_PASSWORD",
        base_dn=directory.base_dn,
        # The test directory is an OpenLDAP tree without AD's objectCategory.
        attribute_mapping={"user_filter": "(objectClass=person)"},
    )


def _add_anna(directory, **options) -> str:
    return directory.add_person(
        "anna.berg",
        first_name="Anna",
        last_name="Berg",
        password=PASSWORD,
        title="Ekonom",
        department="Ekonomiavdelningen",
        **options,
    )


def test_sign_in_creates_user(provider, directory):
    guid = _add_anna(directory)

    link = ldap_sign_in(provider=provider, login="anna.berg", password=PASSWORD)

    assert link.subject == guid
    user = link.user
    assert user.email == "anna.berg@bjuv.se"
    assert (user.first_name, user.last_name, user.title) == ("Anna", "Berg", "Ekonom")
    assert user.unit.name == "Ekonomiavdelningen"
    assert user.municipality.slug == "bjuv"


def test_second_sign_in_updates_same_user(provider, directory):
    _add_anna(directory)
    first = ldap_sign_in(provider=provider, login="anna.berg", password=PASSWORD)
    directory.modify(directory.dn("Anna", "Berg"), mail="anna.lind@bjuv.se", title="Controller")

    second = ldap_sign_in(provider=provider, login="ANNA.BERG", password=PASSWORD)

    assert second.user.pk == first.user.pk
    assert second.user.email == "anna.lind@bjuv.se"
    assert second.user.title == "Controller"
    assert User.objects.count() == 1


def test_wrong_password_rejected(provider, directory):
    _add_anna(directory)

    with pytest.raises(LdapSignInError, match="password was rejected"):
        ldap_sign_in(provider=provider, login="anna.berg", password="fel")
    assert User.objects.count() == 0


def test_empty_password_rejected(provider, directory):
    _add_anna(directory)

    with pytest.raises(LdapSignInError, match="empty"):
        ldap_sign_in(provider=provider, login="anna.berg", password="")


def test_unknown_login_rejected(provider, directory):
    with pytest.raises(LdapSignInError, match="0 entries"):
        ldap_sign_in(provider=provider, login="nobody", password=PASSWORD)


def test_filter_characters_escaped(provider, directory):
    _add_anna(directory)

    with pytest.raises(LdapSignInError, match="0 entries"):
        ldap_sign_in(provider=provider, login="anna*", password=PASSWORD)


def test_disabled_account_rejected(provider, directory):
    _add_anna(directory, disabled=True)

    with pytest.raises(LdapSignInError, match="disabled"):
        ldap_sign_in(provider=provider, login="anna.berg", password=PASSWORD)
    assert User.objects.count() == 0


def test_unreachable_directory_rejected(provider):
    provider.server_url = "ldap://127.0.0.1:9"
    provider.save()

    with pytest.raises(LdapSignInError, match="directory error"):
        ldap_sign_in(provider=provider, login="anna.berg", password=PASSWORD)


def test_sync_creates_updates_and_deactivates(provider, directory):
    anna = _add_anna(directory)
    directory.add_person("bo.ek", first_name="Bo", last_name="Ek", password=PASSWORD)
    directory.add_person(
        "cilla.ny", first_name="Cilla", last_name="Ny", password=PASSWORD, disabled=True
    )

    report = ldap_sync(provider=provider)

    assert (report.created, report.existing, report.disabled, report.removed) == (3, 0, 1, 0)
    assert User.objects.get(email="anna.berg@bjuv.se").is_active
    assert not User.objects.get(email="cilla.ny@bjuv.se").is_active

    directory.delete(directory.dn("Bo", "Ek"))
    directory.modify(directory.dn("Anna", "Berg"), title="Controller")
    report = ldap_sync(provider=provider)

    assert (report.created, report.existing, report.removed) == (0, 2, 1)
    assert not User.objects.get(email="bo.ek@bjuv.se").is_active
    assert User.objects.get(email="anna.berg@bjuv.se").title == "Controller"
    assert IdentityLink.objects.get(user__email="anna.berg@bjuv.se").subject == anna


def test_sync_reactivates_enabled_account(provider, directory):
    directory.add_person(
        "cilla.ny", first_name="Cilla", last_name="Ny", password=PASSWORD, disabled=True
    )
    ldap_sync(provider=provider)
    directory.modify(directory.dn("Cilla", "Ny"), userAccountControl="512")

    ldap_sync(provider=provider)

    assert User.objects.get(email="cilla.ny@bjuv.se").is_active


def test_sync_of_empty_directory_changes_nothing(provider, directory):
    person = UserFactory(municipality__slug="bjuv")
    IdentityLink.objects.create(
        municipality=provider.municipality, subject=str(uuid.uuid4()), user=person
    )

    with pytest.raises(LdapSignInError, match="no users found"):
        ldap_sync(provider=provider)
    person.refresh_from_db()
    assert person.is_active


def test_sync_leaves_other_municipalities_alone(provider, directory):
    _add_anna(directory)
    helsingborg = UserFactory()
    IdentityLink.objects.create(
        municipality=Municipality.objects.get(slug="helsingborg"), subject="x", user=helsingborg
    )

    ldap_sync(provider=provider)

    helsingborg.refresh_from_db()
    assert helsingborg.is_active


def test_sync_gone_convener_notifies_members(
    provider, directory, django_capture_on_commit_callbacks
):
    directory.add_person("bo.ek", first_name="Bo", last_name="Ek", password=PASSWORD)
    _add_anna(directory)
    ldap_sync(provider=provider)
    bo = User.objects.get(email="bo.ek@bjuv.se")
    network = NetworkFactory()
    add_member(network, bo, role="convener")
    add_member(network, User.objects.get(email="anna.berg@bjuv.se"))
    directory.delete(directory.dn("Bo", "Ek"))

    with django_capture_on_commit_callbacks(execute=True):
        ldap_sync(provider=provider)

    assert network.notifications.get().recipient.email == "anna.berg@bjuv.se"


def test_sync_command_prints_report(provider, directory, capsys):
    _add_anna(directory)

    call_command("sync_ldap", municipality="bjuv")

    assert "bjuv: 1 created, 0 existing" in capsys.readouterr().out


def test_sync_command_without_provider_fails(db):
    with pytest.raises(CommandError, match="No enabled LDAP provider"):
        call_command("sync_ldap", municipality="bjuv")


def test_sign_in_failure_logs_no_password(provider, directory, caplog):
    _add_anna(directory)

    with caplog.at_level(logging.DEBUG), pytest.raises(LdapSignInError):
        ldap_sign_in(provider=provider, login="anna.berg", password="Hemligt-fel-123")

    assert "Hemligt-fel-123" not in caplog.text


def test_production_refuses_plain_ldap(provider, directory, settings):
    _add_anna(directory)
    settings.PRODUCTION = True

    with pytest.raises(LdapSignInError, match="not an ldaps"):
        ldap_sign_in(provider=provider, login="anna.berg", password=PASSWORD)


def test_base64_guid_claim_matches_ldap_subject():
    # ADFS sends objectGUID base64-encoded; the sync writes the GUID string.
    guid = uuid.UUID("0b5d0c55-1111-4c1e-9a51-7a0d7c1f0a01")
    encoded = base64.b64encode(guid.bytes_le).decode()

    assert subject_text(encoded) == str(guid)
    assert subject_text("oid-anna") == "oid-anna"
    assert subject_text("not base64 but 24 chars==") == "not base64 but 24 chars=="
