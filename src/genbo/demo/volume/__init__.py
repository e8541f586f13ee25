"""Design-volume data for load tests: `genbo seed --volume full|small`.

Each area is one stage function in its own module, and STAGES lists them in the order
they must run, because later stages use the ids that earlier ones stored in the
SeedContext. Everything is drawn from one random.Random(seed), so a seed gives the same
people, networks and texts every time (dates are counted from the day of seeding).
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from genbo.accounts.models import User
from genbo.demo.volume.base import (
    BENCH_THREAD_TITLE,
    SIZES,
    VOLUME_EMAIL_DOMAIN,
    Output,
    SeedContext,
    VolumeSize,
)
from genbo.demo.volume.chat import seed_chat
from genbo.demo.volume.experts import seed_expert_offers
from genbo.demo.volume.forum import seed_forum
from genbo.demo.volume.library import seed_library
from genbo.demo.volume.networks import seed_meetings, seed_networks
from genbo.demo.volume.notifications import seed_notifications
from genbo.demo.volume.people import seed_competences, seed_users
from genbo.demo.volume.search import seed_search_index

__all__ = [
    "BENCH_THREAD_TITLE",
    "SIZES",
    "STAGES",
    "VolumeExistsError",
    "has_volume_data",
    "reset_content",
    "seed_volume",
]


@dataclass(frozen=True)
class Stage:
    """One step of the seeder: a label for the progress lines and the function that runs it."""

    label: str
    run: Callable[[SeedContext], int]


STAGES = [
    Stage("competences", seed_competences),
    Stage("employees", seed_users),
    Stage("networks and memberships", seed_networks),
    Stage("meetings and answers", seed_meetings),
    Stage("forum threads and posts", seed_forum),
    Stage("chat rooms and messages", seed_chat),
    Stage("library items", seed_library),
    Stage("expert offers", seed_expert_offers),
    Stage("notifications", seed_notifications),
    # Last, after every bulk insert, because bulk_create bypasses the indexing that the
    # services do.
    Stage("search index", seed_search_index),
]


class VolumeExistsError(Exception):
    """The database already contains volume data, and no reset was requested."""


def has_volume_data() -> bool:
    return User.objects.filter(email__endswith=f"@{VOLUME_EMAIL_DOMAIN}").exists()


def reset_content(out: Output) -> None:
    """Delete every employee, network, thread and library item and all that hangs on them.

    Reference data stays: municipalities, organisation units, competences, occupations
    and forum topics. On PostgreSQL this is one TRUNCATE ... CASCADE, which takes a
    second where deleting two million rows through the ORM would take many minutes.
    """
    from genbo.forum.models import Thread
    from genbo.library.models import Item
    from genbo.networks.models import Network

    started = time.monotonic()
    # Threads and items outlive their authors (SET_NULL), so they are deleted explicitly.
    models = [User, Network, Item, Thread]
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
        with connection.cursor() as cursor:
            # Inside a transaction that inserted rows (as in tests), deferred foreign-key
            # checks are still pending, and TRUNCATE rejects tables with pending checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        for model in reversed(models):
            model.objects.all().delete()
    out(f"Deleted the earlier content in {time.monotonic() - started:.1f} s.")


def seed_volume(
    *,
    volume: str | VolumeSize,
    seed: int = 2026,
    out: Output = print,
    reset: bool = False,
) -> SeedContext:
    """Fill the database with one volume of generated data and return the seeding context.

    Raises VolumeExistsError when volume data is already there, unless `reset` is true,
    which deletes all content first.
    """
    size = SIZES[volume] if isinstance(volume, str) else volume
    if has_volume_data() and not reset:
        raise VolumeExistsError(
            "The database already contains volume data. Run again with --reset to delete "
            "all employees, networks and content first, or seed into an empty database."
        )
    if reset:
        reset_content(out)

    context = SeedContext(size=size, rng=random.Random(seed), now=timezone.now(), out=out)
    started = time.monotonic()
    for stage in STAGES:
        stage_started = time.monotonic()
        out(f"{stage.label} ...")
        with transaction.atomic():
            count = stage.run(context)
        elapsed = time.monotonic() - stage_started
        out(f"{stage.label}: {count:,} in {elapsed:.1f} s ({count / max(elapsed, 1e-6):,.0f}/s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    out(f"Volume seeded in {time.monotonic() - started:.1f} s.")
    return context
