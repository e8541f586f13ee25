"""The ASGI application serves pages through the whole middleware chain, built for sync use."""

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from asgiref.testing import ApplicationCommunicator
from django.conf import settings

from genbo.asgi import application, django_application
from tests.helpers import signed_in_client

# Pages are read from threads of the ASGI handler, which see only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


@async_to_sync
async def asgi_request(
    method: str, path: str, *, cookie: str = "", body: bytes = b""
) -> tuple[int, dict, bytes]:
    """Send one HTTP request to the ASGI application and return status, headers and body."""
    headers = [(b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    if body:
        headers.append((b"content-type", b"application/x-www-form-urlencoded"))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": body})
    start = await communicator.receive_output(timeout=10)

    content = b""
    while True:
        message = await communicator.receive_output(timeout=10)
        content += message.get("body", b"")
        if not message.get("more_body", False):
            break
    await communicator.wait(timeout=10)

    response_headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return start["status"], response_headers, content


def session_cookie(user) -> str:
    client = signed_in_client(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_middleware_chain_is_synchronous():
    # Built for async use, each hook and the view were handed to another thread and back.
    assert not iscoroutinefunction(django_application._middleware_chain)
    for hook in django_application._view_middleware:
        assert not iscoroutinefunction(hook)


def test_signed_in_page_is_served(employee):
    status, headers, body = asgi_request("GET", "/forum/", cookie=session_cookie(employee))

    assert status == 200
    assert headers["content-language"] == "sv"
    # The header links to the signed-in employee's own profile.
    assert f'href="/people/{employee.pk}/"' in body.decode()


def test_page_without_session_sends_to_sign_in():
    status, headers, _body = asgi_request("GET", "/forum/")

    assert status == 302
    assert headers["location"] == "/accounts/login/?next=/forum/"


def test_post_without_csrf_token_is_refused(employee):
    status, _headers, body = asgi_request(
        "POST", "/forum/threads/new/", cookie=session_cookie(employee), body=b"title=Hej"
    )

    assert status == 403
    assert "<html" in body.decode()


def test_health_check_reaches_the_database():
    status, _headers, body = asgi_request("GET", "/healthz")

    assert status == 200
    assert b'"database": "ok"' in body
