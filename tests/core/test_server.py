"""The HTTP protocol sends each response's head with its first body bytes, on a real uvicorn."""

import asyncio
import socket
import threading
import time

import pytest
import uvicorn

from genbo.server import DelayedHeadTransport, HttpProtocol
from genbo.workers import UvicornWorker


async def small_app(scope, receive, send):
    """A test app: `/` returns "hello", `/stream` sends two chunks, `/fails` fails mid-way."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"one,", "more_body": True})
        await asyncio.sleep(0.05)
        await send({"type": "http.response.body", "body": b"two"})
    elif path == "/fails":
        headers = [(b"content-length", b"10")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        raise RuntimeError("the test app fails after the response started")
    else:
        headers = [(b"content-length", b"5")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"hello"})


@pytest.fixture(scope="module")
def server_address():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(small_app, http=HttpProtocol, log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield listener.getsockname()
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()


def exchange(address, request: bytes) -> bytes:
    """Send `request` and return all bytes the server sends until it closes the connection."""
    with socket.create_connection(address, timeout=5) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def request(method: str, path: str, *, close: bool = True) -> bytes:
    connection = b"Connection: close\r\n" if close else b""
    return f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + connection + b"\r\n"


def test_response_arrives_whole(server_address):
    response = exchange(server_address, request("GET", "/"))

    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    assert response.endswith(b"\r\n\r\nhello")


def test_head_request_gets_head_only(server_address):
    response = exchange(server_address, request("HEAD", "/"))

    assert b"content-length: 5\r\n" in response
    assert response.endswith(b"\r\n\r\n")


def test_streamed_chunks_follow_the_head(server_address):
    response = exchange(server_address, request("GET", "/stream"))

    assert response.endswith(b"\r\n\r\n4\r\none,\r\n3\r\ntwo\r\n0\r\n\r\n")


def test_pipelined_requests_get_two_responses(server_address):
    pipelined = request("GET", "/", close=False) + request("GET", "/stream")

    response = exchange(server_address, pipelined)

    assert response.count(b"HTTP/1.1 200 OK\r\n") == 2
    assert response.endswith(b"two\r\n0\r\n\r\n")


def test_failed_response_closes_after_head(server_address):
    # As without the protocol: the head has gone out, so the connection is closed.
    response = exchange(server_address, request("GET", "/fails"))

    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    assert response.endswith(b"\r\n\r\n")


class RecordingTransport:
    """Stands in for uvloop's transport and records each write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True


def delayed_head() -> tuple[RecordingTransport, DelayedHeadTransport]:
    """Return a recording transport and its wrapper, with a head written and delayed."""
    recording = RecordingTransport()
    transport = DelayedHeadTransport(recording)
    transport.delay_next_write()
    transport.write(b"HEAD")
    return recording, transport


def test_head_and_body_go_in_one_write():
    recording, transport = delayed_head()

    transport.write(b"BODY")

    assert recording.writes == [b"HEADBODY"]


def test_later_writes_are_not_delayed():
    recording, transport = delayed_head()
    transport.write(b"BODY")

    transport.write(b"MORE")

    assert recording.writes == [b"HEADBODY", b"MORE"]


def test_flush_writes_the_delayed_head():
    recording, transport = delayed_head()

    transport.flush()

    assert recording.writes == [b"HEAD"]


def test_head_dropped_after_client_left():
    recording, transport = delayed_head()
    recording.closing = True

    transport.flush()

    assert recording.writes == []


def test_gunicorn_worker_uses_the_protocol():
    assert UvicornWorker.CONFIG_KWARGS["http"] is HttpProtocol
