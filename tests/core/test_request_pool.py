"""The request pool runs a few calls at once and lets a slow one stop counting."""

import threading
import time

import pytest

from genbo.request_pool import RequestPool

# Long enough for a blocked call never to stop counting while a test runs.
LONG_HOLD = 60
WAIT = 10


class Blocker:
    """Calls that record when they start and block until released."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release = threading.Event()
        self._lock = threading.Lock()

    def call(self, name: str, *, block: bool = True) -> str:
        with self._lock:
            self.started.append(name)
        if block:
            self.release.wait(WAIT)
        return name


def wait_until(condition) -> bool:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


@pytest.fixture
def blocker():
    blocker = Blocker()
    yield blocker
    blocker.release.set()


def test_calls_beyond_limit_wait(blocker):
    pool = RequestPool(threads=4, limit=2, hold=LONG_HOLD)
    futures = [pool.submit(blocker.call, name) for name in "abc"]

    assert wait_until(lambda: len(blocker.started) == 2)
    time.sleep(0.1)
    assert blocker.started == ["a", "b"]
    blocker.release.set()
    assert [future.result(WAIT) for future in futures] == ["a", "b", "c"]


def test_waiting_calls_keep_order(blocker):
    pool = RequestPool(threads=4, limit=1, hold=LONG_HOLD)
    first = pool.submit(blocker.call, "first")
    assert wait_until(lambda: blocker.started == ["first"])
    later = [pool.submit(blocker.call, name, block=False) for name in "bcd"]

    blocker.release.set()
    for future in [first, *later]:
        future.result(WAIT)
    assert blocker.started == ["first", "b", "c", "d"]


def test_slow_call_stops_counting(blocker):
    pool = RequestPool(threads=4, limit=1, hold=0.05)
    slow = pool.submit(blocker.call, "slow")
    assert wait_until(lambda: blocker.started == ["slow"])

    quick = pool.submit(blocker.call, "quick", block=False)

    # The quick call starts while the slow one still runs.
    assert quick.result(WAIT) == "quick"
    assert not slow.done()


def warm_up(pool: RequestPool, calls: int) -> None:
    """Leave `calls` idle threads in `pool`."""
    warm_blocker = Blocker()
    futures = [pool.submit(warm_blocker.call, "warm") for _ in range(calls)]
    assert wait_until(lambda: len(warm_blocker.started) == calls)
    warm_blocker.release.set()
    for future in futures:
        future.result(WAIT)


@pytest.mark.parametrize("idle_threads", [0, 1, 2, 8])
def test_blocked_calls_all_start(blocker, idle_threads):
    pool = RequestPool(threads=16, limit=2, hold=0.02)
    warm_up(pool, idle_threads)
    slow = []
    for name in "abcde":
        slow.append(pool.submit(blocker.call, name))
        time.sleep(0.003)

    quick = pool.submit(blocker.call, "quick", block=False)

    # Each blocked call stops counting after 20 ms, so the quick one starts long before
    # any of them ends.
    assert quick.result(WAIT) == "quick"
    assert sorted(blocker.started) == ["a", "b", "c", "d", "e", "quick"]
    assert not any(future.done() for future in slow)


def test_zero_limit_runs_all_at_once(blocker):
    pool = RequestPool(threads=3, limit=0, hold=LONG_HOLD)
    for name in "abc":
        pool.submit(blocker.call, name)

    assert wait_until(lambda: len(blocker.started) == 3)


def test_threads_stay_within_maximum(blocker):
    pool = RequestPool(threads=2, limit=0, hold=LONG_HOLD)
    for name in "abcd":
        pool.submit(blocker.call, name)

    assert wait_until(lambda: len(blocker.started) == 2)
    time.sleep(0.1)
    assert len(blocker.started) == 2


def test_error_reaches_the_caller():
    pool = RequestPool(threads=1, limit=1, hold=LONG_HOLD)

    def fail():
        raise ValueError("trasig")

    with pytest.raises(ValueError, match="trasig"):
        pool.submit(fail).result(WAIT)


def test_cancelled_call_never_runs(blocker):
    pool = RequestPool(threads=2, limit=1, hold=LONG_HOLD)
    first = pool.submit(blocker.call, "first")
    assert wait_until(lambda: blocker.started == ["first"])
    cancelled = pool.submit(blocker.call, "cancelled", block=False)

    assert cancelled.cancel()
    blocker.release.set()
    assert pool.submit(blocker.call, "next", block=False).result(WAIT) == "next"
    assert first.result(WAIT) == "first"
    assert blocker.started == ["first", "next"]


def test_shutdown_waits_for_calls(blocker):
    # The waiting calls start in new threads once the first call stops counting.
    pool = RequestPool(threads=4, limit=1, hold=0.05)
    first_blocker = Blocker()
    first = pool.submit(first_blocker.call, "first")
    later = [pool.submit(blocker.call, name) for name in "bc"]
    threading.Timer(0.1, first_blocker.release.set).start()
    threading.Timer(0.4, blocker.release.set).start()

    pool.shutdown(wait=True)

    assert first.done()
    assert all(future.done() for future in later)


def test_shutdown_ends_every_thread(blocker):
    threads_before = set(threading.enumerate())
    pool = RequestPool(threads=4, limit=1, hold=0.05)
    for name in "abc":
        pool.submit(blocker.call, name)
    threading.Timer(0.3, blocker.release.set).start()

    pool.shutdown(wait=True)

    # The pool's threads, the watch thread among them, have all ended.
    left = set(threading.enumerate()) - threads_before
    assert not [thread for thread in left if thread.name.startswith("request")]


def test_shut_down_pool_takes_no_calls():
    pool = RequestPool(threads=1, limit=1, hold=LONG_HOLD)
    pool.shutdown()

    with pytest.raises(RuntimeError, match="shut down"):
        pool.submit(print)
