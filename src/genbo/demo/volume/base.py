"""Shared parts of the volume seeder: the sizes, the state passed between stages, bulk inserts."""

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.db import models

Output = Callable[[str], None]

# Every volume employee has an address under this domain. The .invalid top-level domain
# is reserved (RFC 2606), so no e-mail can ever leave for a real mailbox.
VOLUME_EMAIL_DOMAIN = "volym.genbo.invalid"
# The title of the thread that the benchmark opens as "thread with 50 replies".
BENCH_THREAD_TITLE = "Volymtest: tråd med 50 svar"
BENCH_THREAD_REPLIES = 50
BATCH_SIZE = 5000


@dataclass(frozen=True)
class VolumeSize:
    """How many rows of each kind one volume has."""

    users: int
    networks: int
    meetings: int
    forum_posts: int
    library_items: int
    chat_messages: int
    expert_offers: int
    notifications: int


SIZES = {
    # The design volume of GENBO: all employees of the eleven municipalities after years of use.
    "full": VolumeSize(
        users=30_000,
        networks=1_000,
        meetings=20_000,
        forum_posts=200_000,
        library_items=50_000,
        chat_messages=2_000_000,
        expert_offers=1_500,
        notifications=100_000,
    ),
    # About a hundredth of the design volume, for CI.
    "small": VolumeSize(
        users=300,
        networks=10,
        meetings=200,
        forum_posts=2_000,
        library_items=500,
        chat_messages=20_000,
        expert_offers=15,
        notifications=1_000,
    ),
}


@dataclass
class SeedContext:
    """State shared by the stages: the sizes, one random generator, and the ids made so far."""

    size: VolumeSize
    rng: random.Random
    now: datetime
    out: Output
    password_hash: str = ""
    municipality_ids: list[int] = field(default_factory=list)
    competence_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    # Municipality name per user id, for texts that name where someone works.
    user_municipality: dict[int, str] = field(default_factory=dict)
    user_names: dict[int, str] = field(default_factory=dict)
    network_ids: list[int] = field(default_factory=list)
    open_network_ids: list[int] = field(default_factory=list)
    # Active members per network id, conveners first.
    network_members: dict[int, list[int]] = field(default_factory=dict)
    topic_ids: list[int] = field(default_factory=list)
    # (thread id, asker id, ids of the repliers) of every thread, for notifications.
    thread_people: list[tuple[int, int, list[int]]] = field(default_factory=list)
    bench_thread_id: int | None = None


class Progress:
    """Print a stage's progress with counts, rate and elapsed time, at most every 2 seconds."""

    def __init__(self, out: Output, label: str, total: int) -> None:
        self.out = out
        self.label = label
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.last_print = self.started

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.last_print >= 2:
            self.last_print = now
            self.out(f"  {self.label}: {self.done:,} of {self.total:,} ({self._rate(now)})")

    def finish(self) -> None:
        now = time.monotonic()
        self.out(f"  {self.label}: {self.done:,} in {now - self.started:.1f} s ({self._rate(now)})")

    def _rate(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-6)
        return f"{self.done / elapsed:,.0f}/s"


def batched(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def bulk_insert(
    context: SeedContext,
    model: type[models.Model],
    rows: Iterable,
    *,
    label: str,
    total: int,
    keep: bool = True,
) -> list:
    """Insert unsaved `rows` of `model` in batches and return them with their primary keys.

    bulk_create sets the keys on PostgreSQL and on SQLite 3.35 or later. With `keep=False`
    the rows are dropped after each batch and an empty list is returned, to save memory.
    """
    progress = Progress(context.out, label, total)
    saved = []
    for batch in batched(rows, BATCH_SIZE):
        model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        if keep:
            saved.extend(batch)
        progress.advance(len(batch))
    progress.finish()
    return saved


def bulk_insert_quietly(model: type[models.Model], rows: Iterable) -> int:
    """Insert rows that nothing later refers to, such as many-to-many links; return the count."""
    count = 0
    for batch in batched(rows, BATCH_SIZE):
        model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        count += len(batch)
    return count
