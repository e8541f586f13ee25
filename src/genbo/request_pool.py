"""The threads that run the requests of an app process, a few at a time (`genbo.asgi`)."""

import collections
import itertools
import threading
import time
from concurrent.futures import Executor, Future


class _Worker:
    """A thread of the pool, and the call it is given next."""

    def __init__(self, pool: "RequestPool", name: str) -> None:
        self.call = None
        # Held while the worker has nothing to do, released to give it a call.
        self.idle = threading.Lock()
        self.idle.acquire()
        self.thread = threading.Thread(target=pool._work, args=(self,), name=name, daemon=True)

    def give(self, call) -> None:
        self.call = call
        self.idle.release()


class RequestPool(Executor):
    """Run calls in up to `threads` threads, at most `limit` at once, each counted `hold` seconds.

    CPython's interpreter lock lets one thread of a process run at a time. A request thread
    that comes back from PostgreSQL or Redis while others work waits for its turn, so with
    many requests running at once each took longer, and their times spread widely. Here at
    most `limit` calls run at once, and the rest wait in the order they came. A thread that
    ends a call takes the next one itself, so no other thread has to wake for it.

    A call that has run for `hold` seconds no longer counts, whether it works or waits (for
    an identity provider, say), so a slow request holds up the next ones for no longer than
    that. A watch thread starts the waiting calls when places come free that way. A `limit`
    of 0 lets every thread run a call at once.
    """

    def __init__(self, *, threads: int, limit: int, hold: float) -> None:
        self.threads = threads
        self.limit = limit or threads
        self.hold = hold
        self._lock = threading.Lock()
        self._queue: collections.deque = collections.deque()
        # When each running call started, by a number of its own.
        self._running: dict[int, float] = {}
        self._numbers = itertools.count()
        self._workers: list[_Worker] = []
        self._idle_workers: list[_Worker] = []
        self._watch = threading.Condition(self._lock)
        self._watch_thread: threading.Thread | None = None
        self._watching = False
        self._closed = False

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("The request pool is shut down.")
            self._queue.append((future, fn, args, kwargs))
            self._dispatch(time.monotonic())
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            if cancel_futures:
                while self._queue:
                    self._queue.popleft()[0].cancel()
            self._end_idle_threads_once_done()
            self._watch.notify()
        while wait:
            # Calls still waiting may start threads of their own, so look again each time.
            with self._lock:
                threads = [worker.thread for worker in self._workers]
                if self._watch_thread is not None:
                    threads.append(self._watch_thread)
            alive = [thread for thread in threads if thread.is_alive()]
            for thread in alive:
                thread.join()
            wait = bool(alive)

    def _end_idle_threads_once_done(self) -> None:
        """End the idle threads and the watch thread once shut down with no call waiting.

        Call with the lock held.
        """
        if self._closed and not self._queue:
            for worker in self._idle_workers:
                worker.give(None)
            self._idle_workers.clear()
            self._watch.notify()

    def counted(self, now: float) -> int:
        """Return how many running calls still count against the limit."""
        return sum(1 for start in self._running.values() if now - start < self.hold)

    def _start_next(self, now: float):
        number = next(self._numbers)
        self._running[number] = now
        return number, self._queue.popleft()

    def _dispatch(self, now: float) -> None:
        """Give waiting calls to idle or new threads while places are free, with the lock held."""
        counted = self.counted(now)
        while self._queue and counted < self.limit:
            if self._idle_workers:
                worker = self._idle_workers.pop()
            elif len(self._workers) < self.threads:
                worker = _Worker(self, f"request_{len(self._workers) + 1}")
                self._workers.append(worker)
                worker.thread.start()
            else:
                # Every thread is busy. The first to end a call takes the next one.
                return
            worker.give(self._start_next(now))
            counted += 1
        if self._queue and not self._watching:
            self._watch_for_places()

    def _watch_for_places(self) -> None:
        if self._watch_thread is None:
            self._watch_thread = threading.Thread(
                target=self._watch_places, name="request_watch", daemon=True
            )
            self._watch_thread.start()
        else:
            self._watch.notify()

    def _watch_places(self) -> None:
        """Start waiting calls when running ones stop counting. Runs in its own thread."""
        with self._lock:
            while not (self._closed and not self._queue):
                now = time.monotonic()
                self._dispatch(now)
                starts = [start for start in self._running.values() if now - start < self.hold]
                if self._queue and starts:
                    # Look again when the oldest counted call stops counting.
                    self._watching = True
                    self._watch.wait(min(starts) + self.hold - now)
                else:
                    self._watching = False
                    self._watch.wait()

    def _work(self, worker: _Worker) -> None:
        while True:
            worker.idle.acquire()
            if worker.call is None:
                return
            number, (future, fn, args, kwargs) = worker.call
            if future.set_running_or_notify_cancel():
                try:
                    result = fn(*args, **kwargs)
                except BaseException as error:  # noqa: BLE001 (handed to the caller)
                    future.set_exception(error)
                else:
                    future.set_result(result)
            with self._lock:
                del self._running[number]
                # Idle first: the last idle thread gets the next call, so this one takes it.
                self._idle_workers.append(worker)
                self._dispatch(time.monotonic())
                self._end_idle_threads_once_done()
