"""The work lane runs requests one at a time on one thread, and steps aside for the pool."""

import asyncio
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from genbo.asgi import WorkLane


@pytest.fixture
def pool():
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pool")
    yield executor
    executor.shutdown(wait=True)


def thread_name() -> str:
    return threading.current_thread().name


def work(seconds: float) -> str:
    """Keep the CPU busy for `seconds`, then return the thread's name."""
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass
    return thread_name()


def wait(seconds: float) -> str:
    """Wait without the CPU, as for another server, then return the thread's name."""
    time.sleep(seconds)
    return thread_name()


def test_lane_runs_requests_in_order(pool):
    lane = WorkLane(pool=pool, patience=5)
    order = []

    futures = [lane.submit(lambda n=n: order.append((n, thread_name()))) for n in range(5)]
    for future in futures:
        future.result(timeout=5)

    assert order == [(n, "request_lane") for n in range(5)]


def test_lane_returns_result_and_error(pool):
    lane = WorkLane(pool=pool, patience=5)

    def fail():
        raise ValueError("no such thread")

    assert lane.submit(lambda: 42).result(timeout=5) == 42
    with pytest.raises(ValueError, match="no such thread"):
        lane.submit(fail).result(timeout=5)


def test_pool_takes_request_behind_waiting(pool):
    lane = WorkLane(pool=pool, patience=5)
    waiting = lane.submit(wait, 1.0)
    time.sleep(WorkLane.JUDGE_AFTER * 3)

    started = time.monotonic()
    name = lane.submit(work, 0.001).result(timeout=5)

    assert name.startswith("pool")
    assert time.monotonic() - started < 0.5
    assert waiting.result(timeout=5) == "request_lane"


def test_pool_takes_request_behind_long(pool):
    lane = WorkLane(pool=pool, patience=0.05)
    long_one = lane.submit(work, 0.5)
    time.sleep(0.1)

    name = lane.submit(work, 0.001).result(timeout=5)

    assert name.startswith("pool")
    assert long_one.result(timeout=5) == "request_lane"


def test_short_request_keeps_the_lane(pool):
    lane = WorkLane(pool=pool, patience=5)
    lane.submit(work, 0.05)

    assert lane.submit(work, 0.001).result(timeout=5) == "request_lane"


async def _queued_behind(first, *, patience: float) -> tuple[str, float]:
    """Queue a short request right behind `first`; return where it ran and when it ended."""
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pool")
    lane = WorkLane(pool=pool, patience=patience)
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    first_done = loop.run_in_executor(lane, first)
    # Queued at once, before the lane's request can be judged.
    name = await loop.run_in_executor(lane, work, 0.001)
    ended = time.monotonic() - started
    await first_done
    pool.shutdown(wait=True)
    return name, ended


def test_queue_leaves_waiting_request():
    name, ended = asyncio.run(_queued_behind(lambda: wait(1.0), patience=5))

    assert name.startswith("pool")
    assert ended < 0.5


def test_queue_leaves_long_request():
    name, ended = asyncio.run(_queued_behind(lambda: work(1.0), patience=0.05))

    assert name.startswith("pool")
    assert ended < 0.5


def test_cancelled_request_does_not_run(pool):
    lane = WorkLane(pool=pool, patience=5)
    ran = []
    lane.submit(work, 0.2)

    queued = lane.submit(lambda: ran.append(True))
    queued.cancel()
    lane.submit(lambda: None).result(timeout=5)

    assert ran == []


def test_lane_runs_after_fork(pool):
    lane = WorkLane(pool=pool, patience=5)
    lane.submit(lambda: None).result(timeout=5)

    child = os.fork()
    if child == 0:
        # The child has no copy of the parent's lane thread, so the lane starts a new one.
        code = 1
        try:
            code = 0 if lane.submit(thread_name).result(timeout=5) == "request_lane" else 1
        finally:
            os._exit(code)
    _pid, status = os.waitpid(child, 0)

    assert os.waitstatus_to_exitcode(status) == 0
