"""The ASGI application serves pages through the whole middleware chain, built for sync use."""

import gc
import io
import threading
import time
import weakref

import pytest
from asgiref.sync import ThreadSensitiveContext, async_to_sync, iscoroutinefunction
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core import signals
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import StreamingHttpResponse

from genbo.asgi import SyncChainASGIHandler, application, django_application, read_in_thread
from genbo.request_pool import RequestPool
from tests.helpers import signed_in_client

# Pages are read from threads of the ASGI handler, which see only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def http_scope(method: str, path: str, *, cookie: str = "", body: bytes = b"") -> dict:
    headers = [(b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    if body:
        headers.append((b"content-type", b"application/x-www-form-urlencoded"))
    return {
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


@async_to_sync
async def asgi_request(
    method: str, path: str, *, cookie: str = "", body: bytes = b"", app=application
) -> tuple[int, dict, bytes]:
    """Send one HTTP request to the ASGI application and return status, headers and body."""
    scope = http_scope(method, path, cookie=cookie, body=body)
    communicator = ApplicationCommunicator(app, scope)
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


def test_start_up_objects_are_frozen():
    # Importing genbo.asgi froze them, so full collections no longer walk them.
    assert gc.get_freeze_count() > 0


def test_later_cycles_are_still_collected():
    class Node:
        pass

    node = Node()
    node.itself = node
    reference = weakref.ref(node)
    del node
    gc.collect()

    assert reference() is None


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


def _thread_names_on(signal, employee, *, requests: int) -> list[str]:
    """Load `requests` pages and return the name of the thread of each `signal` sent."""
    thread_names = []

    def record(**kwargs):
        thread_names.append(threading.current_thread().name)

    signal.connect(record)
    try:
        for _ in range(requests):
            asgi_request("GET", "/forum/", cookie=session_cookie(employee))
    finally:
        signal.disconnect(record)
    return thread_names


def test_requests_run_in_handler_threads(employee):
    thread_names = _thread_names_on(signals.request_started, employee, requests=3)

    assert len(thread_names) == 3
    assert all(name.startswith("request_") for name in thread_names)


def test_each_request_finished_once(employee):
    thread_names = _thread_names_on(signals.request_finished, employee, requests=1)

    # request_finished returns the thread's database connection to the pool.
    assert len(thread_names) == 1


def test_file_is_streamed_whole(employee):
    content = bytes(range(256)) * 1000  # more than one chunk of the handler
    path = default_storage.save("photos/asgi-test.bin", ContentFile(content))

    status, headers, body = asgi_request("GET", f"/media/{path}", cookie=session_cookie(employee))

    assert status == 200
    assert body == content


def test_file_is_read_in_large_blocks(employee):
    path = default_storage.save("photos/asgi-test.bin", ContentFile(b"photo"))
    scope = http_scope("GET", f"/media/{path}", cookie=session_cookie(employee))

    response = django_application.respond(scope, io.BytesIO())
    response.close()

    # Django's FileResponse reads 4 kB at a time unless the handler sets a larger block size.
    assert response.block_size == SyncChainASGIHandler.chunk_size


@pytest.mark.postgres
def test_streamed_file_returns_the_connection(employee):
    handler = SyncChainASGIHandler(executor=RequestPool(threads=1, limit=1, hold=1))
    path = default_storage.save("photos/asgi-test.bin", ContentFile(b"photo"))

    status, _headers, _body = asgi_request(
        "GET", f"/media/{path}", cookie=session_cookie(employee), app=handler
    )

    assert status == 200
    # The file is sent and closed in another thread, after the view's thread is done.
    assert handler.executor.submit(lambda: connection.connection is None).result()


def record_streamed_files(monkeypatch) -> list:
    """Return a list to which each response's file is added as the handler makes it."""
    files = []
    respond = django_application.respond

    def record(*args):
        response = respond(*args)
        files.append(response.file_to_stream)
        return response

    monkeypatch.setattr(django_application, "respond", record)
    return files


def test_file_is_closed_when_sending_fails(employee, monkeypatch):
    path = default_storage.save("photos/asgi-test.bin", ContentFile(b"photo"))
    scope = http_scope("GET", f"/media/{path}", cookie=session_cookie(employee))
    files = record_streamed_files(monkeypatch)

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        if message["type"] == "http.response.body":
            raise OSError("the client has gone")

    with pytest.raises(OSError):
        async_to_sync(django_application)(scope, receive, send)

    assert files[0].closed


def test_stream_reads_one_part_at_a_time():
    read = []

    def parts():
        for number in range(3):
            read.append(number)
            yield b"part"

    @async_to_sync
    async def first_part():
        async with ThreadSensitiveContext():
            stream = read_in_thread(parts())
            part = await anext(stream)
            await stream.aclose()
            return part

    assert first_part() == b"part"
    assert read == [0]


def test_stream_parts_share_one_thread():
    thread_names = []

    def parts():
        for _ in range(3):
            thread_names.append(threading.current_thread().name)
            yield b"part"

    @async_to_sync
    async def all_parts():
        async with ThreadSensitiveContext():
            return [part async for part in read_in_thread(parts())]

    assert all_parts() == [b"part"] * 3
    assert len(set(thread_names)) == 1


def test_large_file_sent_before_read(employee, monkeypatch):
    content = b"x" * (16 * SyncChainASGIHandler.chunk_size)
    path = default_storage.save("photos/asgi-large.bin", ContentFile(content))
    scope = http_scope("GET", f"/media/{path}", cookie=session_cookie(employee))
    files = record_streamed_files(monkeypatch)

    @async_to_sync
    async def first_part_and_position():
        communicator = ApplicationCommunicator(django_application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        await communicator.receive_output(timeout=10)
        part = await communicator.receive_output(timeout=10)
        position = files[0].tell()
        while (await communicator.receive_output(timeout=10)).get("more_body"):
            pass
        await communicator.wait(timeout=10)
        return part, position

    part, position = first_part_and_position()

    assert part["body"] == content[: SyncChainASGIHandler.chunk_size]
    # Django's handler read the whole file before it sent the first part.
    assert position < len(content)


def stream_of_parts(monkeypatch, read: list, *, wait_after_first: threading.Event | None = None):
    """Make the handler return, for every request, a stream of 100 parts that records reads."""

    def parts():
        for number in range(100):
            read.append(number)
            if number and wait_after_first:
                wait_after_first.wait(10)
            yield b"part"

    def respond(*args):
        return StreamingHttpResponse(parts())

    monkeypatch.setattr(django_application, "respond", respond)


def test_stream_stops_when_client_disconnects(monkeypatch):
    read = []
    go_on = threading.Event()
    stream_of_parts(monkeypatch, read, wait_after_first=go_on)

    @async_to_sync
    async def disconnect_after_first_part():
        communicator = ApplicationCommunicator(django_application, http_scope("GET", "/"))
        await communicator.send_input({"type": "http.request", "body": b""})
        await communicator.receive_output(timeout=10)
        await communicator.receive_output(timeout=10)
        await communicator.send_input({"type": "http.disconnect"})
        go_on.set()
        await communicator.wait(timeout=10)

    disconnect_after_first_part()

    assert len(read) < 10


def test_head_request_reads_no_stream(monkeypatch):
    read = []
    stream_of_parts(monkeypatch, read)

    status, _headers, body = asgi_request("HEAD", "/")

    assert status == 200
    assert read == []


def _max_at_once(handler, cookie: str, *, requests: int) -> int:
    """Send `requests` pages at once, each taking 0.1 s, and return how many ran together."""
    running = 0
    max_running = 0
    lock = threading.Lock()

    def started(**kwargs):
        nonlocal running, max_running
        with lock:
            running += 1
            max_running = max(max_running, running)
        time.sleep(0.1)
        with lock:
            running -= 1

    @async_to_sync
    async def send_all():
        communicators = [
            ApplicationCommunicator(handler, http_scope("GET", "/healthz", cookie=cookie))
            for _ in range(requests)
        ]
        for communicator in communicators:
            await communicator.send_input({"type": "http.request", "body": b""})
        statuses = [(await c.receive_output(timeout=10))["status"] for c in communicators]
        for communicator in communicators:
            await communicator.wait(timeout=10)
        assert statuses == [200] * requests

    signals.request_started.connect(started)
    try:
        send_all()
    finally:
        signals.request_started.disconnect(started)
    return max_running


def test_requests_run_within_limit(employee):
    handler = SyncChainASGIHandler(executor=RequestPool(threads=8, limit=2, hold=60))

    assert _max_at_once(handler, session_cookie(employee), requests=5) == 2


def test_slow_requests_stop_counting(employee):
    handler = SyncChainASGIHandler(executor=RequestPool(threads=8, limit=1, hold=0.01))

    assert _max_at_once(handler, session_cookie(employee), requests=5) > 1
