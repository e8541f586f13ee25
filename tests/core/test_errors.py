"""Error pages: 403 explains how to get access, 404 and 500 are friendly and leak nothing."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import include, path

from tests.helpers import in_swedish, is_login_redirect


@login_not_required
def _broken_view(request):
    raise RuntimeError("database password is hunter2")


# This module doubles as a URLconf for the 500 test: the real URLs plus one broken view.
urlpatterns = [
    path("broken/", _broken_view),
    path("", include("genbo.urls")),
]
handler403 = "genbo.core.views.permission_denied"

pytestmark = pytest.mark.django_db


def test_unknown_page_gets_friendly_404(client, employee):
    client.force_login(employee)

    response = client.get("/finns-inte/")

    html = response.content.decode()
    assert response.status_code == 404
    assert (
        in_swedish("The page does not exist, has been removed, or you do not have access to it.")
        in html
    )
    assert '<html lang="sv">' in html


def test_unknown_page_sends_anonymous_to_sign_in(client):
    # Anonymous visitors cannot tell which addresses exist: every one leads to sign-in.
    response = client.get("/finns-inte/extra/sidor/")

    assert is_login_redirect(response)


def test_unknown_network_gets_404(client, employee):
    client.force_login(employee)

    response = client.get("/networks/finns-inte/")

    assert response.status_code == 404


def test_403_for_convener_pages_names_conveners(client, member, open_network):
    client.force_login(member)

    response = client.get(f"/networks/{open_network.slug}/edit/")

    assert response.status_code == 403
    assert (
        in_swedish(
            "Only the network's conveners can do this. Ask one of them, listed on the network's "
            "page, if something needs changing, or ask to become a convener."
        )
        in response.content.decode()
    )


def test_csrf_failure_explains_what_to_do(employee, open_network):
    client = Client(enforce_csrf_checks=True)
    client.force_login(employee)

    response = client.post(f"/networks/{open_network.slug}/join/")

    assert response.status_code == 403
    assert (
        in_swedish(
            "The form was open for too long, or your browser blocks cookies. Go back, reload the "
            "page and send the form again."
        )
        in response.content.decode()
    )
    assert open_network.memberships.filter(user=employee).exists() is False


@pytest.mark.urls("tests.core.test_errors")
def test_server_error_page_hides_details(employee):
    client = Client(raise_request_exception=False)
    client.force_login(employee)

    response = client.get("/broken/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel" in html
    assert "hunter2" not in html
    assert "Traceback" not in html


def test_anonymous_redirect_keeps_unknown_path_as_next(client):
    response = client.get("/networks/finns-inte/extra/")

    assert is_login_redirect(response)
    assert response.url == "/accounts/login/?next=/networks/finns-inte/extra/"


def test_get_on_post_only_page_gets_405_page(client, employee, open_network):
    client.force_login(employee)

    response = client.get(f"/networks/{open_network.slug}/join/")

    html = response.content.decode()
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert in_swedish("The page cannot be opened this way") in html
    assert (
        in_swedish(
            "This address only takes a form that is sent with a button. Go back to the page you "
            "came from and use the button there."
        )
        in html
    )
    assert '<html lang="sv">' in html
    assert open_network.memberships.filter(user=employee).exists() is False


def test_htmx_without_session_gets_hx_redirect(client, open_network):
    response = client.get(
        "/networks/",
        {"q": "HR"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/networks/?q=HR",
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/networks/%3Fq%3DHR"
    assert response.content == b""


def test_htmx_other_origin_next_is_start_page(client):
    # A current URL on another host is ignored, so next= points at the start page.
    response = client.get(
        "/networks/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="https://annan.example/sida/",
    )

    assert response["HX-Redirect"] == "/accounts/login/?next=/"


def test_htmx_with_session_is_not_redirected(client, employee, open_network):
    client.force_login(employee)

    response = client.get(
        "/networks/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/networks/",
    )

    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert open_network.name in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/forum/", "/networks/", "/library/", "/experts/", "/search/?q=budget"]
)
def test_head_answers_without_body(client, employee, path):
    client.force_login(employee)

    response = client.head(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.content == b""
