"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import asyncio
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "genbo.settings")

import django  # noqa: E402
from asgiref.sync import ThreadSensitiveContext, sync_to_async  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core import signals  # noqa: E402
from django.core.exceptions import RequestAborted  # noqa: E402
from django.core.handlers.asgi import ASGIHandler, get_script_prefix  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from django.http import FileResponse  # noqa: E402
from django.urls import set_script_prefix  # noqa: E402


@dataclass
class _Job:
    future: Future
    fn: Callable
    args: tuple
    kwargs: dict

    def run(self) -> None:
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as error:
            self.future.set_exception(error)
        else:
            self.future.set_result(result)


class WorkLane(Executor):
    """One thread per process that runs requests one at a time while they work.

    Python lets one thread run at a time. With many request threads, a thread that comes
    back from PostgreSQL or Redis waits for its turn while another works. So requests that
    work slow each other down. At 16 connections the thread page had a p95 of 59 to
    222 ms with 32 threads per process, and 39 to 72 ms with one (docs/performance.md).

    The lane gives requests that work the one-thread behaviour: they queue for its thread
    in the order they came, and the thread goes from one to the next without a round trip
    through the event loop. The lane's request steps aside when it has run longer than
    `patience` seconds, or when it waits for another server: after JUDGE_AFTER seconds
    it has used less than WORK_SHARE of its time on the CPU. Then new requests go to the
    shared `pool`, and so do the queued ones at the next look, every CHECK_EVERY
    seconds. A request that waits for an identity provider thus holds up the others for
    about JUDGE_AFTER + CHECK_EVERY, and a long one for about `patience` + CHECK_EVERY.
    """

    JUDGE_AFTER = 0.02
    WORK_SHARE = 0.1
    CHECK_EVERY = 0.01

    def __init__(self, *, pool: Executor, patience: float):
        self.pool = pool
        self.patience = patience
        self.process_id = 0

    def _start(self) -> None:
        """Start the lane's thread in this process.

        Also after a fork (gunicorn's --preload imports the app before it forks), because
        a child process has no copy of its parent's threads and its locks may be held.
        """
        self.lock = threading.Condition()
        self.queue: deque[_Job] = deque()
        self.running = False
        self.started = 0.0
        self.started_cpu = 0.0
        self.clock: int | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.timer_loop: asyncio.AbstractEventLoop | None = None
        ready = threading.Event()
        thread = threading.Thread(
            target=self._work, args=(ready,), name="request_lane", daemon=True
        )
        thread.start()
        ready.wait()
        self.process_id = os.getpid()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Queue `fn` for the lane, or give it to the pool while the lane's request steps aside."""
        if self.process_id != os.getpid():
            self._start()
        with self.lock:
            idle = not self.running and not self.queue
            if idle or not self._steps_aside():
                job = _Job(Future(), fn, args, kwargs)
                self.queue.append(job)
                self.lock.notify()
                if not idle:
                    self._watch()
                return job.future
        return self.pool.submit(fn, *args, **kwargs)

    def _work(self, ready: threading.Event) -> None:
        self.clock = _thread_cpu_clock()
        ready.set()
        while True:
            with self.lock:
                while not self.queue:
                    self.lock.wait()
                job = self.queue.popleft()
                self.running = True
                self.started = time.monotonic()
                self.started_cpu = time.thread_time()
            try:
                job.run()
            finally:
                with self.lock:
                    self.running = False

    def _watch(self) -> None:
        """Look at the lane's request again soon (called with the lock held)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # called outside an event loop: the queue waits for the lane
        if self.timer is not None and self.timer_loop is loop:
            return
        self.timer = loop.call_later(self.CHECK_EVERY, self._check)
        self.timer_loop = loop

    def _check(self) -> None:
        with self.lock:
            self.timer = None
            if not self.queue:
                return
            if not self._steps_aside():
                self._watch()
                return
            queued = list(self.queue)
            self.queue.clear()
        for job in queued:
            self.pool.submit(job.run)

    def _steps_aside(self) -> bool:
        """Return whether the lane's request has run too long or waits (lock held)."""
        if not self.running:
            return False
        elapsed = time.monotonic() - self.started
        if elapsed > self.patience:
            return True
        if self.clock is None or elapsed < self.JUDGE_AFTER:
            return False
        worked = time.clock_gettime(self.clock) - self.started_cpu
        return worked < elapsed * self.WORK_SHARE


def _thread_cpu_clock() -> int | None:
    """Return the id of the calling thread's CPU clock, or None where there is none."""
    try:
        return time.pthread_getcpuclockid(threading.get_ident())
    except (AttributeError, OSError):
        return None


class SyncChainASGIHandler(ASGIHandler):
    """Django's ASGI handler, with each request's sync work done in one call in one thread.

    Django's own handler builds the middleware chain for async use. Our views and most
    middleware are synchronous, so the request went from the event loop to a thread and
    back at several middleware hooks and again for the view. Built for sync use, the chain
    runs as under WSGI. This took the thread page from 13.0 to 12.0 ms of CPU per request
    in the app workers.

    Django's handler also starts a new thread for each request and hands over to it three
    times: for the request_started signal, for the response and for closing the response.
    Here the three run in one call, in a fixed pool of `threads` threads that live as long
    as the process, as under a threaded WSGI server. Each thread keeps its own database
    connection object between requests. Streaming responses (files) are sent and closed
    as Django's handler does it. On a faster machine this took the thread page from 7.2
    to 5.6 ms of CPU per request in the app workers.

    With `patience` above zero, requests go to the `WorkLane`, one thread that runs them
    one at a time while they work, and to the pool only while the lane's request waits
    for another server or has run longer than `patience` seconds.
    """

    def __init__(self, *, threads: int, patience: float = 0):
        super().__init__()
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="request")
        self.lane = WorkLane(pool=self.executor, patience=patience) if patience > 0 else None
        self.runner = self.lane if self.lane is not None else self.executor

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(
                f"Unsupported ASGI scope type {scope['type']!r}: this handler serves HTTP only."
            )
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        respond = sync_to_async(self.respond, thread_sensitive=False, executor=self.runner)
        response = await respond(scope, body_file)
        if response.streaming:
            async with ThreadSensitiveContext():
                try:
                    await self.send_response(response, send)
                finally:
                    # Closes the file even when the client has gone.
                    await sync_to_async(response.close)()
            body_file.close()
        else:
            await self.send_response(response, send)

    def respond(self, scope, body_file):
        """Return the response to the request in `scope`, already closed unless it streams."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                # The server splits the body itself, so files are read in large blocks.
                response.block_size = self.chunk_size
        if response.streaming:
            # The response is closed in another thread after it is sent, so this thread's
            # database connection goes back to the pool now.
            close_old_connections()
        else:
            # Sends request_finished, which returns the database connection to the pool.
            response.close()
            body_file.close()
        return response


django.setup(set_prefix=False)
django_application = SyncChainASGIHandler(
    threads=settings.REQUEST_THREADS, patience=settings.REQUEST_LANE_PATIENCE_MS / 1000
)

from genbo.chat.routing import websocket_urlpatterns as chat_websockets  # noqa: E402

# WebSocket routes are added by the apps that use them (the chat).
websocket_urlpatterns: list = [*chat_websockets]

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
