"""The HTTP protocol that GENBO's app server runs with (`genbo serve`, `genbo.workers`).

uvicorn writes a response's status line and headers to the socket as soon as the app
starts the response, and its body in a second write. In a profile of a worker under load,
these two system calls took 14 % of the time that the worker held the interpreter lock.
The protocol below delays the head until the first body bytes and writes both in one call.
"""

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle


class DelayedHeadTransport:
    """A transport that, after `delay_next_write`, keeps the next write for the one after.

    Every other attribute is the wrapped transport's own.
    """

    def __init__(self, transport) -> None:
        self._transport = transport
        self._delaying = False
        self._head: bytes | None = None

    def delay_next_write(self) -> None:
        self._delaying = True

    def write(self, data: bytes) -> None:
        if self._delaying:
            self._delaying = False
            self._head = data
            return
        if self._head is not None:
            data = self._head + data
            self._head = None
        self._transport.write(data)

    def flush(self) -> None:
        """Write the delayed head, unless the connection is closing."""
        self._delaying = False
        head, self._head = self._head, None
        if head is not None and not self._transport.is_closing():
            self._transport.write(head)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str):
        return getattr(self._transport, name)


def delay_response_head(cycle: RequestResponseCycle) -> None:
    """Make `cycle` write its response head together with the first body message."""
    transport = DelayedHeadTransport(cycle.transport)
    cycle.transport = transport
    send = cycle.send

    async def send_with_head(message) -> None:
        starts = message["type"] == "http.response.start"
        if starts:
            transport.delay_next_write()
        try:
            await send(message)
        finally:
            # A body message ends the delay, also for HEAD, where uvicorn writes no body.
            if not starts:
                transport.flush()

    cycle.send = send_with_head


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with each response's head sent with its first body bytes."""

    def _start_asgi_task(self, cycle: RequestResponseCycle, app) -> None:
        delay_response_head(cycle)
        super()._start_asgi_task(cycle, app)
