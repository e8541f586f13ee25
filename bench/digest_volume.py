"""Benchmark: build the weekly newsletter for 30,000 employees on PostgreSQL.

Creates its own database (default genbo_mail_bench on 127.0.0.1) and fills it with
bulk_create at the volume the portal is designed for. Then it builds every employee's
newsletter (queries and rendering, no sending) and reports the wall time and the peak
memory. At the end it drops the database again.

    .venv/bin/python bench/digest_volume.py [--users 30000] [--keep] [--send]

CREATE DATABASE and DROP DATABASE run on the server's maintenance database `postgres`;
everything else runs in the benchmark's own database. --send also stores the
newsletters in the outbox (the e-mail backend is Django's dummy backend, so nothing
leaves the machine).
"""

import argparse
import os
import random
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg

SERVER = "postgres://postgres@127.0.0.1:5432"


def _admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def _setup_django(database: str) -> None:
    os.environ["GENBO_DATABASE_URL"] = f"{SERVER}/{database}"
    os.environ.pop("GENBO_REDIS_URL", None)
    os.environ.pop("GENBO_CELERY_BROKER_URL", None)
    os.environ.setdefault("GENBO_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "genbo.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _fill(users: int, rng: random.Random) -> dict[str, int]:
    """Store employees, networks, meetings and a week of new content; return the counts."""
    from django.utils import timezone

    from genbo.accounts.models import Competence, User
    from genbo.core.models import Municipality
    from genbo.experts.models import ExpertOffer
    from genbo.forum.models import Thread, Topic
    from genbo.library.models import Item
    from genbo.networks.models import Meeting, Membership, Network

    now = timezone.now()
    municipalities = list(Municipality.objects.values_list("pk", flat=True))
    competences = Competence.objects.bulk_create(
        Competence(label=f"Kompetens {index}", key=f"kompetens {index}") for index in range(300)
    )
    competence_ids = [competence.pk for competence in competences]

    people = User.objects.bulk_create(
        (
            User(
                email=f"person{index}@bench.example",
                first_name="Anna",
                last_name=f"Andersson{index}",
                municipality_id=rng.choice(municipalities),
                password="!",
            )
            for index in range(users)
        ),
        batch_size=2000,
    )
    through = User.competences.through
    through.objects.bulk_create(
        (
            through(user_id=person.pk, competence_id=competence_id)
            for person in people
            for competence_id in rng.sample(competence_ids, 3)
        ),
        batch_size=5000,
    )

    networks = Network.objects.bulk_create(
        Network(
            name=f"Nätverk {index}",
            slug=f"natverk-{index}",
            purpose="Erfarenhetsutbyte",
            access="closed" if index % 5 == 0 else "open",
            # Twenty networks are new this week.
            created_at=now - timedelta(days=2 if index < 20 else 400),
        )
        for index in range(1000)
    )
    network_through = Network.competences.through
    network_through.objects.bulk_create(
        network_through(network_id=network.pk, competence_id=rng.choice(competence_ids))
        for network in networks
    )
    memberships = [
        Membership(network_id=network.pk, user_id=person.pk, status="active")
        for person in people
        for network in rng.sample(networks, rng.randint(0, 5))
    ]
    Membership.objects.bulk_create(memberships, batch_size=5000)

    meetings = []
    for index in range(20000):
        # A tenth of the meetings lie in the coming two weeks, the rest spread over a year.
        offset = timedelta(
            hours=rng.randint(1, 14 * 24) if index % 10 == 0 else -rng.randint(1, 8760)
        )
        starts_at = now + offset
        meetings.append(
            Meeting(
                network_id=rng.choice(networks).pk,
                title=f"Träff {index}",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
            )
        )
    Meeting.objects.bulk_create(meetings, batch_size=5000)

    recent = now - timedelta(days=3)
    items = Item.objects.bulk_create(
        Item(
            kind=rng.choice(["tip", "project", "link", "file"]),
            title=f"Idé {index}",
            author_id=rng.choice(people).pk,
            network_id=rng.choice(networks).pk if index % 3 == 0 else None,
            created_at=recent if index < 300 else now - timedelta(days=200),
        )
        for index in range(50000)
    )
    topic = Topic.objects.first()
    threads = Thread.objects.bulk_create(
        Thread(
            topic=topic,
            title=f"Fråga {index}",
            author_id=rng.choice(people).pk,
            network_id=rng.choice(networks).pk if index % 5 == 0 else None,
            reply_count=0 if index % 2 else 3,
            created_at=recent if index < 400 else now - timedelta(days=200),
        )
        for index in range(20000)
    )
    thread_through = Thread.competences.through
    thread_through.objects.bulk_create(
        (
            thread_through(thread_id=thread.pk, competence_id=rng.choice(competence_ids))
            for thread in threads
        ),
        batch_size=5000,
    )
    offers = ExpertOffer.objects.bulk_create(
        ExpertOffer(
            expert_id=rng.choice(people).pk,
            title=f"Expertstöd {index}",
            description="Jag hjälper till.",
            formats=["lecture"],
            created_at=recent if index < 50 else now - timedelta(days=200),
        )
        for index in range(1000)
    )
    return {
        "users": len(people),
        "networks": len(networks),
        "memberships": len(memberships),
        "meetings": len(meetings),
        "library items": len(items),
        "threads": len(threads),
        "expert offers": len(offers),
    }


def _peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30000, help="number of employees")
    parser.add_argument("--database", default="genbo_mail_bench", help="database to create")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--send", action="store_true", help="also store the e-mails in the outbox")
    args = parser.parse_args()
    if args.database in {"genbo", "test", "postgres"}:
        parser.error(f"--database {args.database} is a shared name; choose your own.")

    _admin(f'DROP DATABASE IF EXISTS "{args.database}"')
    _admin(f'CREATE DATABASE "{args.database}"')
    try:
        _setup_django(args.database)
        started = time.perf_counter()
        counts = _fill(args.users, random.Random(2026))
        print(f"data stored in {time.perf_counter() - started:.1f} s: {counts}")

        from django.db import connection

        from genbo.notifications.digest import digest_send_all

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        rss_before = _peak_rss_mib()
        started = time.perf_counter()
        cpu_started = time.process_time()
        report = digest_send_all(dry_run=not args.send)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        rss_after = _peak_rss_mib()
        print(
            f"newsletters built{' and stored' if args.send else ''}: {report.users} employees, "
            f"{report.with_content} with news, {report.stored} stored"
        )
        print(
            f"time {elapsed:.1f} s ({1000 * elapsed / max(report.users, 1):.2f} ms per employee), "
            f"of which {cpu:.1f} s CPU in this process; "
            f"peak RSS {rss_after:.0f} MiB (before building: {rss_before:.0f} MiB)"
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{args.database}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
