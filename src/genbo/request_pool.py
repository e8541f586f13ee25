"""The threads that run the requests of an app process, a few at a time (`genbo.asgi`)."""

import collections
import itertools
import threading
import time
from concurrent.futures import Executor, Future


class RequestPool(Executor):
    """Run calls in up to `threads` threads, at most `limit` at once, each counted `hold` seconds.

    Python runs one thread of a process at a time. A request thread that comes back from
    PostgreSQL or Redis while others work waits for its turn, so with many requests running
    at once each took longer, and their times spread widely. Here at most `limit` calls run
    at once, and the rest wait in the order they came. A thread that ends a call takes the
    next one itself, so no other thread has to wake for it.

    A call that has run for `hold` seconds no longer counts, whether it works or waits (for
    an identity provider, say), so a slow request holds up the next ones for no longer than
    that. A `limit` of 0 lets every thread run a call at once.
    """

    def __init__(self, *, threads: int, limit: int, hold: float) -> None:
        self.threads = threads
        self.limit = limit or threads
        self.hold = hold
        self._condition = threading.Condition()
        self._queue: collections.deque = collections.deque()
        # When each running call started, by a number of its own.
        self._running: dict[int, float] = {}
        self._numbers = itertools.count()
        self._started_threads = 0
        self._idle_threads = 0
        self._timed_waits = 0
        self._closed = False

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        with self._condition:
            if self._closed:
                raise RuntimeError("The request pool is shut down.")
            self._queue.append((future, fn, args, kwargs))
            # With no place free, a thread that waits for the oldest call to stop counting
            # will take it. Waking more threads then only costs them a turn.
            if len(self.counted(time.monotonic())) < self.limit or not self._timed_waits:
                self._wake_a_thread()
        return future

    def _wake_a_thread(self) -> None:
        """Wake an idle thread to look at the queue, or start one if none is idle."""
        if self._idle_threads:
            self._condition.notify()
        elif self._started_threads < self.threads:
            self._started_threads += 1
            threading.Thread(
                target=self._work, name=f"request_{self._started_threads}", daemon=True
            ).start()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._condition:
            self._closed = True
            if cancel_futures:
                while self._queue:
                    self._queue.popleft()[0].cancel()
            self._condition.notify_all()

    def counted(self, now: float) -> list[float]:
        """Return the start times of the running calls that still count against the limit."""
        return [start for start in self._running.values() if now - start < self.hold]

    def _next_call(self):
        """Wait until a call may start and return it, or None once the pool is shut down."""
        with self._condition:
            while True:
                if self._queue:
                    now = time.monotonic()
                    counted = self.counted(now)
                    if len(counted) < self.limit:
                        number = next(self._numbers)
                        self._running[number] = now
                        call = self._queue.popleft()
                        if self._queue and len(counted) + 1 < self.limit:
                            # Calls that stopped counting at once left more than one place.
                            self._wake_a_thread()
                        return number, call
                    # Look again when the oldest counted call stops counting.
                    timeout = min(counted) + self.hold - now
                elif self._closed:
                    return None
                else:
                    timeout = None
                timed = timeout is not None
                self._idle_threads += 1
                self._timed_waits += timed
                self._condition.wait(timeout)
                self._idle_threads -= 1
                self._timed_waits -= timed

    def _work(self) -> None:
        while (call := self._next_call()) is not None:
            number, (future, fn, args, kwargs) = call
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        result = fn(*args, **kwargs)
                    except BaseException as error:  # noqa: BLE001 (handed to the caller)
                        future.set_exception(error)
                    else:
                        future.set_result(result)
            finally:
                with self._condition:
                    del self._running[number]
