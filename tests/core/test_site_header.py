"""The page header is rendered once per variant: each request still gets its own values."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from genbo.core import site_header
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


def _header(response) -> str:
    html = response.content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def _csrf_inputs(header: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', header))


def test_own_profile_link_and_token(employee, member):
    headers = {}
    for user in (employee, member):
        client = signed_in_client(user)
        response = client.get(reverse("forum:index"))
        headers[user] = (_header(response), response.cookies["csrftoken"].value)

    for user, (header, _cookie) in headers.items():
        assert f'href="{reverse("accounts:profile", args=[user.pk])}"' in header
        assert all(placeholder not in header for placeholder in site_header.PLACEHOLDERS.values())
    employee_tokens = _csrf_inputs(headers[employee][0])
    member_tokens = _csrf_inputs(headers[member][0])
    assert len(employee_tokens) == 1
    assert len(member_tokens) == 1
    assert not employee_tokens & member_tokens
    employee_profile = reverse("accounts:profile", args=[employee.pk])
    assert f'href="{employee_profile}"' not in headers[member][0]


def test_language_form_path_is_escaped(employee):
    client = signed_in_client(employee)

    response = client.get(reverse("forum:index"), {"q": '"><script>alert(1)</script>'})

    header = _header(response)
    assert "<script>alert(1)</script>" not in header
    assert 'name="next" type="hidden" value="/forum/?q=%22%3E%3Cscript%3Ealert' in header


def test_current_section_is_marked(employee):
    client = signed_in_client(employee)

    forum_header = _header(client.get(reverse("forum:index")))
    library_header = _header(client.get(reverse("library:index")))

    assert f'href="{reverse("forum:index")}" aria-current="page"' in forum_header
    assert f'href="{reverse("library:index")}" aria-current="page"' not in forum_header
    assert f'href="{reverse("library:index")}" aria-current="page"' in library_header
    assert f'href="{reverse("core:home")}" aria-current="page"' not in library_header


def test_admin_link_only_for_staff(staff, employee):
    admin_link = f'href="{reverse("admin:index")}"'

    staff_header = _header(signed_in_client(staff).get(reverse("forum:index")))
    employee_header = _header(signed_in_client(employee).get(reverse("forum:index")))

    assert admin_link in staff_header
    assert admin_link not in employee_header


def test_signed_out_header_without_menu():
    client = Client()

    response = client.get(reverse("accounts:login"))

    header = _header(response)
    assert 'class="site-nav"' not in header
    assert _csrf_inputs(header)
    assert "Logga ut" not in header


def test_english_header_is_own_variant(employee):
    client = signed_in_client(employee)
    swedish = _header(client.get(reverse("forum:index")))

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _header(client.get(reverse("forum:index")))

    assert "Logga ut" in swedish
    assert "Sign out" not in swedish
    assert "Sign out" in english
