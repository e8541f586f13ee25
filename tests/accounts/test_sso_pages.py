"""The sign-in page, the local sign-in switch, the LDAP form and the admin's provisioning parts."""

import re

import pytest
from django.urls import reverse

from genbo.accounts.models import IdentityLink, IdentityProvider, ScimToken, User, hash_token
from genbo.core.models import AuditEvent, Municipality
from genbo.networks.models import Network
from genbo.notifications.models import Kind, Notification
from tests.factories import NetworkFactory, UserFactory, add_member
from tests.helpers import in_swedish, in_swedish_start, is_login_redirect

pytestmark = pytest.mark.django_db

SIGN_IN_URL = "/accounts/login/"
PASSWORD = "genbo-demo"
LDAP_PASSWORD = "Vinter2026!"


def _is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# The sign-in page


def test_sign_in_page_lists_every_municipality(client):
    html = client.get(SIGN_IN_URL).content.decode()

    picker = html.split('name="municipality"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([a-z-]+)"', picker)
    assert len(options) == 11
    assert in_swedish("Sign in with your municipal account") in html


def test_sign_in_page_shows_swedish_heading(client):
    # Passes once the lead has merged the Swedish translations.
    assert "Logga in med ditt kommunkonto" in client.get(SIGN_IN_URL).content.decode()


def test_sign_in_page_query_count(client, django_assert_num_queries):
    # One query: the municipalities of the picker. Sessions are not read for anonymous pages.
    with django_assert_num_queries(1):
        client.get(SIGN_IN_URL)


def test_local_form_shown_by_default(client):
    html = client.get(SIGN_IN_URL).content.decode()

    assert 'name="password"' in html


def test_local_form_hidden_when_switched_off(client, settings):
    settings.GENBO_LOCAL_SIGN_IN = False

    html = client.get(SIGN_IN_URL).content.decode()

    assert 'name="password"' not in html


def test_local_sign_in_refused_when_switched_off(client, settings, employee):
    settings.GENBO_LOCAL_SIGN_IN = False

    response = client.post(SIGN_IN_URL, {"username": employee.email, "password": PASSWORD})

    assert response.status_code == 200
    assert not _is_signed_in(client)


def test_break_glass_admin_signs_in_when_switched_off(client, settings):
    settings.GENBO_LOCAL_SIGN_IN = False
    admin_user = UserFactory(
        email="nodkonto@familjenhelsingborg.se", is_staff=True, is_superuser=True
    )
    settings.GENBO_BREAK_GLASS_EMAILS = [admin_user.email]

    response = client.post("/admin/login/", {"username": admin_user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert _is_signed_in(client)


def test_other_superuser_refused_when_switched_off(client, settings):
    settings.GENBO_LOCAL_SIGN_IN = False
    settings.GENBO_BREAK_GLASS_EMAILS = ["nodkonto@familjenhelsingborg.se"]
    admin_user = UserFactory(is_staff=True, is_superuser=True)

    client.post("/admin/login/", {"username": admin_user.email, "password": PASSWORD})

    assert not _is_signed_in(client)


def test_start_without_municipality_returns_to_sign_in(client):
    response = client.get("/accounts/sso/start/?municipality=atlantis", follow=True)

    assert response.redirect_chain[-1][0] == SIGN_IN_URL
    assert in_swedish("Choose your municipality in the list.") in response.content.decode()


def test_start_for_municipality_without_provider_explains(client):
    response = client.get("/accounts/sso/start/?municipality=perstorp", follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == SIGN_IN_URL
    assert "Perstorp" in html
    assert not _is_signed_in(client)


def test_start_with_ldap_provider_opens_form(client, directory):
    IdentityProvider.objects.create(
        municipality=Municipality.objects.get(slug="bjuv"),
        kind=IdentityProvider.Kind.LDAP,
        server_url=directory.url,
        base_dn=directory.base_dn,
    )

    response = client.get("/accounts/sso/start/?municipality=bjuv")

    assert response.url == reverse("accounts:ldap_sign_in", args=["bjuv"])
    assert client.cookies["genbo_municipality"].value == "bjuv"


# The LDAP form against the real slapd


@pytest.fixture
def bjuv_ldap(directory, monkeypatch):
    monkeypatch.setenv("GENBO_SSO_TEST_LDAP_PASSWORD", directory.admin_password)
    directory.add_person(
        "anna.berg", first_name="Anna", last_name="Berg", password=LDAP_PASSWORD, title="Ekonom"
    )
    directory.add_person(
        "bo.ek", first_name="Bo", last_name="Ek", password=LDAP_PASSWORD, disabled=True
    )
    return IdentityProvider.objects.create(
        municipality=Municipality.objects.get(slug="bjuv"),
        kind=IdentityProvider.Kind.LDAP,
        server_url=directory.url,
        bind_dn=directory.admin_dn,
        secret_variable="GENBO_SSO_TEST_LDAP_PASSWORD",
        base_dn=directory.base_dn,
        attribute_mapping={"user_filter": "(objectClass=person)"},
    )


LDAP_URL = "/accounts/sso/bjuv/ldap/"
LDAP_FAILED_MESSAGE = (
    "The user name or the password is wrong, or the account is disabled. Check both and try again."
)


def test_ldap_form_shown(client, bjuv_ldap):
    response = client.get(LDAP_URL)

    assert response.status_code == 200
    assert 'autocomplete="current-password"' in response.content.decode()


def test_ldap_form_for_municipality_without_ldap_not_found(client, bjuv_ldap):
    # Anonymous visitors get the sign-in page for every missing page.
    response = client.get("/accounts/sso/helsingborg/ldap/")

    assert is_login_redirect(response)


def test_ldap_sign_in_signs_in(client, bjuv_ldap):
    client.get(SIGN_IN_URL)
    key_before = client.session.session_key

    response = client.post(LDAP_URL, {"login": "Anna.Berg", "password": LDAP_PASSWORD})

    assert response.status_code == 302
    user = User.objects.get(email="anna.berg@bjuv.se")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != key_before
    assert client.cookies["genbo_municipality"].value == "bjuv"
    assert AuditEvent.objects.filter(action="user.sign_in", actor=user).exists()


def test_ldap_wrong_password_shows_error(client, bjuv_ldap):
    response = client.post(LDAP_URL, {"login": "anna.berg", "password": "fel"})

    assert response.status_code == 200
    assert in_swedish(LDAP_FAILED_MESSAGE, escape_html=True) in response.content.decode()
    assert not _is_signed_in(client)
    assert User.objects.count() == 0


def test_ldap_disabled_account_refused(client, bjuv_ldap):
    response = client.post(LDAP_URL, {"login": "bo.ek", "password": LDAP_PASSWORD})

    assert response.status_code == 200
    assert not _is_signed_in(client)
    assert not User.objects.filter(email="bo.ek@bjuv.se").exists()


def test_ldap_failures_lock_user_name(client, bjuv_ldap):
    for _attempt in range(5):
        client.post(LDAP_URL, {"login": "anna.berg", "password": "fel"})

    response = client.post(LDAP_URL, {"login": "anna.berg", "password": LDAP_PASSWORD})

    assert (
        in_swedish(
            "Too many failed sign-ins for this address. Wait 15 minutes and try again.",
            escape_html=True,
        )
        in response.content.decode()
    )
    assert not _is_signed_in(client)


def test_ldap_empty_password_is_form_error(client, bjuv_ldap):
    response = client.post(LDAP_URL, {"login": "anna.berg", "password": ""})

    assert response.status_code == 200
    assert not _is_signed_in(client)


# Networks without a convener


@pytest.fixture
def orphaned_network(member):
    network = NetworkFactory(name="Nätverket utan sammankallande")
    gone = UserFactory(is_active=False)
    add_member(network, gone, role="convener")
    add_member(network, member)
    return network


def test_staff_list_shows_network_without_convener(client, staff, orphaned_network, open_network):
    client.force_login(staff)

    html = client.get(reverse("networks:without_convener")).content.decode()

    assert orphaned_network.name in html
    assert open_network.name not in html


@pytest.mark.parametrize("count", [1, 12])
def test_staff_list_query_count(client, staff, django_assert_num_queries, count):
    for _number in range(count):
        network = NetworkFactory()
        add_member(network, UserFactory(is_active=False), role="convener")
    client.force_login(staff)

    # Session and user, the count for the paginator, the page of networks, and the unread
    # notifications and chat messages in the header.
    with django_assert_num_queries(6):
        client.get(reverse("networks:without_convener"))


def test_member_takes_over_network(client, member, orphaned_network):
    client.force_login(member)
    assert (
        client.get(reverse("networks:take_over", args=[orphaned_network.slug])).status_code == 200
    )

    response = client.post(reverse("networks:take_over", args=[orphaned_network.slug]))

    assert response.status_code == 302
    assert orphaned_network.memberships.get(user=member).role == "convener"
    assert not Network.objects.without_convener().exists()


def test_non_member_cannot_take_over(client, employee, orphaned_network):
    client.force_login(employee)

    response = client.post(reverse("networks:take_over", args=[orphaned_network.slug]))

    assert response.status_code == 403


def test_notification_list_shows_take_over_request(client, member, orphaned_network):
    Notification.objects.create(
        recipient=member, kind=Kind.NO_CONVENER, network=orphaned_network, event="no_convener"
    )
    client.force_login(member)

    html = client.get(reverse("notifications:list")).content.decode()

    assert orphaned_network.name in html
    assert reverse("notifications:read", args=[Notification.objects.get().pk]) in html


def test_notification_hidden_after_leaving_closed_network(client, member, convener):
    network = NetworkFactory(access="closed")
    add_member(network, convener, role="convener")
    membership = add_member(network, member)
    Notification.objects.create(
        recipient=member, kind=Kind.NO_CONVENER, network=network, event="no_convener"
    )
    membership.delete()

    assert not Notification.objects.visible_to(member).exists()


# The admin


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_admin_deactivation_uses_service(
    client, superuser, convener, member, open_network, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    page = client.get(reverse("admin:accounts_user_change", args=[convener.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "email": convener.email,
            "first_name": convener.first_name,
            "last_name": convener.last_name,
            "municipality": convener.municipality_id,
            "is_active": "",
            "competences": [],
            "groups": [],
            "user_permissions": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        }
    )
    data = {
        key: value
        for key, value in data.items()
        if key not in {"password", "photo", "manager", "unit"}
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:accounts_user_change", args=[convener.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    convener.refresh_from_db()
    assert not convener.is_active
    assert Notification.objects.filter(recipient=member, network=open_network).exists()
    assert AuditEvent.objects.filter(action="user.deactivate").exists()


def test_admin_issues_scim_token_once(client, superuser):
    client.force_login(superuser)
    bjuv = Municipality.objects.get(slug="bjuv")

    response = client.post(
        reverse("admin:accounts_scimtoken_add"),
        {"municipality": bjuv.pk, "label": "Entra ID", "revoked_at_0": "", "revoked_at_1": ""},
        follow=True,
    )

    shown = in_swedish_start("Copy the token now and enter it", escape_html=True)
    token = re.search(re.escape(shown) + r"(\S+) ", response.content.decode()).group(1)
    row = ScimToken.objects.get()
    assert row.token_hash == hash_token(token)
    assert token not in row.token_hash


def test_identity_link_admin_lists(client, superuser, employee):
    IdentityLink.objects.create(municipality=employee.municipality, subject="oid-1", user=employee)
    client.force_login(superuser)

    assert client.get(reverse("admin:accounts_identitylink_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_identityprovider_add")).status_code == 200
