"""Signing in: the lock after failed attempts, e-mail addresses in any case, the admin sign-in."""

import re

import pytest
from django.urls import reverse

from genbo.accounts.models import User
from tests.factories import UserFactory
from tests.helpers import in_swedish, start_tags

pytestmark = pytest.mark.django_db

PASSWORD = "genbo-demo"
WRONG_PASSWORD = "fel-losenord"
SIGN_IN_URL = "/accounts/login/"
ADMIN_SIGN_IN_URL = "/admin/login/"
LOCKED_MESSAGE = "Too many failed sign-ins for this address. Wait 15 minutes and try again."
WRONG_LOGIN_MESSAGE = "The e-mail address or the password is wrong. Check both and try again."


def _sign_in(client, email: str, password: str):
    return client.post(SIGN_IN_URL, {"username": email, "password": password})


def _is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_in_url_matches_route_name():
    assert reverse("accounts:login") == SIGN_IN_URL


def test_right_password_signs_in(client, employee):
    response = _sign_in(client, employee.email, PASSWORD)

    assert response.status_code == 302
    assert _is_signed_in(client)


def test_wrong_password_shows_error(client, employee):
    response = _sign_in(client, employee.email, WRONG_PASSWORD)

    assert response.status_code == 200
    assert in_swedish(WRONG_LOGIN_MESSAGE, escape_html=True) in response.content.decode()
    assert not _is_signed_in(client)


# The lock after failed attempts


def test_five_failures_lock_address(client, employee):
    for _attempt in range(5):
        response = _sign_in(client, employee.email, WRONG_PASSWORD)
        assert in_swedish(WRONG_LOGIN_MESSAGE, escape_html=True) in response.content.decode()

    response = _sign_in(client, employee.email, PASSWORD)

    html = response.content.decode()
    assert response.status_code == 200
    assert in_swedish(LOCKED_MESSAGE, escape_html=True) in html
    assert "För många misslyckade inloggningar" in html
    assert not _is_signed_in(client)


def test_four_failures_do_not_lock(client, employee):
    for _attempt in range(4):
        _sign_in(client, employee.email, WRONG_PASSWORD)

    response = _sign_in(client, employee.email, PASSWORD)

    assert response.status_code == 302
    assert _is_signed_in(client)


def test_success_clears_failure_count(client, employee):
    for _attempt in range(4):
        _sign_in(client, employee.email, WRONG_PASSWORD)
    _sign_in(client, employee.email, PASSWORD)
    client.logout()

    # Without the reset, the first of these would be the fifth failure and lock the address.
    for _attempt in range(4):
        _sign_in(client, employee.email, WRONG_PASSWORD)
    response = _sign_in(client, employee.email, PASSWORD)

    assert response.status_code == 302
    assert _is_signed_in(client)


def test_failures_in_any_case_count_for_one_address(client, employee):
    spellings = [
        employee.email,
        employee.email.upper(),
        employee.email.title(),
        f" {employee.email} ",
        employee.email.capitalize(),
    ]
    for spelling in spellings:
        _sign_in(client, spelling, WRONG_PASSWORD)

    response = _sign_in(client, employee.email, PASSWORD)

    assert in_swedish(LOCKED_MESSAGE, escape_html=True) in response.content.decode()
    assert not _is_signed_in(client)


def test_lock_leaves_other_addresses_alone(client, employee, member):
    for _attempt in range(5):
        _sign_in(client, employee.email, WRONG_PASSWORD)

    response = _sign_in(client, member.email, PASSWORD)

    assert response.status_code == 302
    assert _is_signed_in(client)


def test_admin_sign_in_failures_count_toward_lock(client, staff):
    # The admin sign-in must not offer a way around the lock for staff accounts.
    for _attempt in range(5):
        client.post(ADMIN_SIGN_IN_URL, {"username": staff.email, "password": WRONG_PASSWORD})

    response = client.post(ADMIN_SIGN_IN_URL, {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 200
    assert in_swedish(LOCKED_MESSAGE, escape_html=True) in response.content.decode()
    assert not _is_signed_in(client)


# E-mail addresses in any case


def test_mixed_case_address_signs_in(client):
    UserFactory(email="anna.berg@helsingborg.example")

    response = _sign_in(client, " Anna.Berg@Helsingborg.EXAMPLE ", PASSWORD)

    assert response.status_code == 302
    assert _is_signed_in(client)


def test_address_input_has_type_email(client):
    html = client.get(SIGN_IN_URL).content.decode()

    inputs = [attrs for tag, attrs in start_tags(html) if tag == "input"]
    address = next(attrs for attrs in inputs if attrs.get("name") == "username")
    assert address["type"] == "email"
    assert address["autocomplete"] == "username"


def test_address_input_has_one_type_attribute(client):
    # A second type attribute would be ignored by browsers, which use the first one.
    html = client.get(SIGN_IN_URL).content.decode()

    tag = re.search(r'<input[^>]*name="username"[^>]*>', html).group()
    assert re.findall(r'\stype="([^"]*)"', tag) == ["email"]


def test_admin_sign_in_accepts_mixed_case_address(client, staff):
    response = client.post(
        f"{ADMIN_SIGN_IN_URL}?next=/admin/",
        {"username": staff.email.upper(), "password": PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response.url == "/admin/"
    assert _is_signed_in(client)


def test_user_save_stores_address_in_lower_case():
    user = UserFactory(email=" Karin.Lund@Klippan.EXAMPLE ")

    user.refresh_from_db()
    assert user.email == "karin.lund@klippan.example"


def test_user_clean_lowers_address():
    user = User(email="Karin.Lund@Klippan.EXAMPLE", first_name="Karin", last_name="Lund")

    user.clean()

    assert user.email == "karin.lund@klippan.example"


def test_manager_create_user_lowers_address():
    user = User.objects.create_user("Per.Ek@Bjuv.EXAMPLE", PASSWORD, first_name="Per")

    assert User.objects.get(pk=user.pk).email == "per.ek@bjuv.example"


@pytest.fixture
def as_superuser(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_add_user_differing_in_case_is_rejected(as_superuser, employee):
    users_before = User.objects.count()

    response = as_superuser.post(
        "/admin/accounts/user/add/",
        {
            "email": employee.email.upper(),
            "first_name": "Elin",
            "last_name": "Dubblett",
            "usable_password": "true",
            "password1": "ett-langt-losenord-2026",
            "password2": "ett-langt-losenord-2026",
        },
    )

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.count() == users_before
    assert User.objects.filter(email__iexact=employee.email).count() == 1


def test_admin_add_user_stores_address_in_lower_case(as_superuser):
    response = as_superuser.post(
        "/admin/accounts/user/add/",
        {
            "email": "Nils.Holm@Bastad.EXAMPLE",
            "first_name": "Nils",
            "last_name": "Holm",
            "usable_password": "true",
            "password1": "ett-langt-losenord-2026",
            "password2": "ett-langt-losenord-2026",
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(email="nils.holm@bastad.example").exists()


def test_sign_in_page_sets_no_autofocus(client, settings):
    # Focus must start at the top, so the municipality picker comes before the e-mail
    # field for a keyboard user as it does on screen.
    settings.GENBO_LOCAL_SIGN_IN = True
    html = client.get(SIGN_IN_URL).content.decode()
    assert 'name="username"' in html
    assert [tag for tag, attrs in start_tags(html) if "autofocus" in attrs] == []
