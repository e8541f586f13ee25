"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import asyncio
import gc
import os

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
from django.urls import get_resolver, set_script_prefix  # noqa: E402

from genbo.request_pool import RequestPool  # noqa: E402


class SyncChainASGIHandler(ASGIHandler):
    """Django's ASGI handler, with each request's sync work done in one call in one thread.

    Django's own handler builds the middleware chain for async use. Our views and most
    middleware are synchronous, so the request went from the event loop to a thread and
    back at several middleware hooks and again for the view. Built for sync use, the chain
    runs as under WSGI. This took the thread page from 13.0 to 12.0 ms of CPU per request
    in the app workers.

    Django's handler also starts a new thread for each request and hands over to it three
    times: for the request_started signal, for the response and for closing the response.
    Here the three run in one call, in the threads of `executor` (a `RequestPool`), which
    live as long as the process, as under a threaded WSGI server. Each thread keeps its own database
    connection object between requests. Streaming responses (files) are read one part at
    a time (`read_in_thread`), and sent and closed as Django's handler does it. On a
    faster machine the thread pool took the thread page from 7.2 to 5.6 ms of CPU per
    request in the app workers.
    """

    def __init__(self, *, executor: RequestPool):
        super().__init__()
        self.executor = executor

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
        respond = sync_to_async(self.respond, thread_sensitive=False, executor=self.executor)
        response = await respond(scope, body_file)
        if response.streaming:
            async with ThreadSensitiveContext():
                if scope["method"] == "HEAD":
                    # The server sends no body for HEAD, so nothing needs to be read.
                    response.streaming_content = read_in_thread(())
                elif not response.is_async:
                    response.streaming_content = read_in_thread(response.streaming_content)
                try:
                    await send_until_disconnect(self.send_response(response, send), receive)
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


_END = object()


async def read_in_thread(parts):
    """Yield the parts of the sync iterable `parts`, reading one at a time in a thread.

    Django's handler reads a sync iterator whole into a list before it sends the first
    part, so every download of a large file was held in memory at once. All parts are read
    in the same thread, the one of the enclosing ThreadSensitiveContext.
    """
    iterator = iter(parts)
    read_next = sync_to_async(next)
    while (part := await read_next(iterator, _END)) is not _END:
        yield part


async def send_until_disconnect(sending, receive) -> None:
    """Await the coroutine `sending`, and cancel it if the client disconnects first.

    uvicorn ignores what is sent after the client has gone, so without this a download
    would be read to its end after the client left. Any other message from the server than a
    disconnect lets the sending go on to its end.
    """
    send_task = asyncio.ensure_future(sending)
    listen_task = asyncio.ensure_future(receive())
    try:
        await asyncio.wait({send_task, listen_task}, return_when=asyncio.FIRST_COMPLETED)
        if not send_task.done() and not _is_disconnect(listen_task):
            await asyncio.wait({send_task})
    finally:
        send_task.cancel()
        listen_task.cancel()
        await asyncio.gather(send_task, listen_task, return_exceptions=True)
    if not send_task.cancelled():
        # Raises what sending raised.
        send_task.result()


def _is_disconnect(listen_task: asyncio.Future) -> bool:
    if listen_task.exception() is not None:
        return False
    return listen_task.result()["type"] == "http.disconnect"


def freeze_loaded_objects() -> None:
    """Exclude the objects loaded at start-up from the garbage collector's full passes.

    A process has about 190,000 objects once started (modules, classes, the URLconf,
    translations), and each full collection walked all of them while it held the
    interpreter lock, so every request of the process waited. Frozen objects are still
    freed when nothing refers to them. Only cycles among them are no longer found, and the
    collection just before the freeze clears those that start-up left. The views are
    imported first, through the URLconf, so that they are frozen too.
    """
    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    gc.collect()
    gc.freeze()


django.setup(set_prefix=False)
django_application = SyncChainASGIHandler(
    executor=RequestPool(
        threads=settings.REQUEST_THREADS,
        limit=settings.RUNNING_REQUESTS,
        hold=settings.RUNNING_REQUEST_HOLD,
    )
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
freeze_loaded_objects()
