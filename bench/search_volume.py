"""Search benchmark at the design volume on PostgreSQL; a script, not a test.

Builds 30,000 people, 1,000 networks, 20,000 meetings, 20,000 threads with 200,000
posts, 50,000 library items and 1,000 expert offers with generated Swedish text in an
empty PostgreSQL database, rebuilds the search index, and prints the p50 and p95 time
of 20 typical searches (hits, facets and the first page, as the search page runs them)
and of the header suggestions.

    createdb -h 127.0.0.1 -U postgres genbo_search_bench
    .venv/bin/python bench/search_volume.py postgres://postgres@127.0.0.1:5432/genbo_search_bench
    dropdb -h 127.0.0.1 -U postgres genbo_search_bench

The database must exist and should be empty: the script migrates it and fills it.
`--scale 0.1` builds a tenth of the volume for a quick run. `--measure-only` measures a
database that an earlier run has filled (it migrates it first), and `--explain` adds
PostgreSQL's own timings of the key statements.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta

VOLUME = {
    "people": 30_000,
    "networks": 1_000,
    "meetings": 20_000,
    "threads": 20_000,
    "posts_per_thread": 10,
    "items": 50_000,
    "offers": 1_000,
    "competences": 600,
}
BATCH = 5_000
RUNS_PER_QUERY = 12

FIRST_NAMES = (
    "Anna Eva Maria Karin Sara Lena Kerstin Emma Ingrid Malin Åsa Märta Elin Sofia Linnea "
    "Lars Anders Johan Per Erik Karl Mikael Peter Jan Hans Kristoffer Björn Örjan Mats Olle"
).split()
LAST_NAMES = (
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Jansson Hansson Bengtsson Lindqvist Lindberg Öberg Åberg Ek Berg "
    "Holm Sandberg Lundgren Nyström Håkansson Mårtensson Sjöberg Wallin Engström"
).split()
TITLES = (
    "Handläggare;Förskollärare;Socialsekreterare;Upphandlare;Ekonom;HR-specialist;"
    "Kommunikatör;Projektledare;Bygglovshandläggare;Systemförvaltare;Lärare;Controller;"
    "Arkivarie;Verksamhetsutvecklare;Enhetschef"
).split(";")
TOPICS = (
    "förskola;upphandling;socialtjänst;ekonomi;budget;kommunikation;digitalisering;"
    "lönekartläggning;GDPR;arbetsmiljö;klarspråk;barn och unga;projektledning;äldreomsorg;"
    "bygglov;skolskjuts;arkiv;e-tjänster;rekrytering;kompetensförsörjning;hållbarhet;"
    "folkhälsa;integration;kultur;fritid;miljötillsyn;detaljplan;informationssäkerhet"
).split(";")
# Everyday words of the generated text; each text also gets one topic from TOPICS, so a
# topic word is in about one text of 30, as a subject is in a real portal.
WORDS = (
    "vi har gjort en ny rutin för hur arbetet går till och det fungerar bra i kommunen "
    "nämnden förvaltningen enheten chefen medarbetare samverkan erfarenhet tips mall "
    "checklista workshop föreläsning utbildning träffen dagordning protokoll fråga svar "
    "underlag beslut planering uppdrag ansvar resultat mål riktlinjer stöd dialog möte "
    "rapport idé förslag kontakt hösten våren veckan månaden året gärna tack hej"
).split()
QUERIES = [
    ("förskola", {}),
    ("upphandling", {}),
    ("upphandlingen ramavtal", {}),
    ("forskola", {}),
    ("socialtjänst", {}),
    ("ekonomi budget", {}),
    ("kommunikation", {"kinds": ["network"]}),
    ("digitalisering", {}),
    ("Kristofer", {"kinds": ["person"]}),
    ("Lindkvist", {}),
    ("lönekartläggning", {}),
    ("GDPR dataskydd", {}),
    ("arbetsmiljö", {"kinds": ["post"]}),
    ("klarspråk", {}),
    ("barn och unga", {}),
    ("projektledning", {"municipality": "helsingborg"}),
    ("äldreomsorg hemtjänst", {}),
    ("bygglov", {"kinds": ["item"]}),
    ("skolskjuts", {}),
    ("arkiv gallring", {"competence": True}),
]
SUGGESTIONS = ["kri", "förs", "ekon", "anders", "proj", "lindq", "upph", "åsa", "hr-", "arki"]


def _setup(database_url: str) -> None:
    os.environ["GENBO_DATABASE_URL"] = database_url
    os.environ.setdefault("GENBO_DATA_DIR", tempfile.mkdtemp(prefix="genbo-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "genbo.settings")
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("search_volume.py measures PostgreSQL; give a postgres:// URL.")
    call_command("migrate", interactive=False, verbosity=0)


def _text(rng: random.Random, words: int, topic: str) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    chosen.insert(rng.randrange(len(chosen)), topic)
    return " ".join(chosen).capitalize() + "."


def _bulk(model, objects) -> list:
    created = []
    for start in range(0, len(objects), BATCH):
        created.extend(model.objects.bulk_create(objects[start : start + BATCH]))
    return created


def _through(relation, rows) -> None:
    through = relation.through
    _bulk(through, [through(**row) for row in rows])


def build(scale: float, rng: random.Random) -> object:
    """Fill the database and return the employee whose searches are measured."""
    from django.utils import timezone

    from genbo.accounts.models import Competence, User
    from genbo.core.models import Municipality
    from genbo.experts.models import ExpertOffer
    from genbo.forum.models import Post, Thread, Topic
    from genbo.library.models import Item
    from genbo.networks.models import Meeting, Membership, Network

    counts = {name: max(1, int(value * scale)) for name, value in VOLUME.items()}
    counts["posts_per_thread"] = VOLUME["posts_per_thread"]
    now = timezone.now()
    municipalities = list(Municipality.objects.all())
    topics = list(Topic.objects.all())

    started = time.monotonic()
    competences = _bulk(
        Competence,
        [
            Competence(
                label=f"{TOPICS[n % len(TOPICS)].capitalize()} {n // len(TOPICS) or ''}".strip(),
                key=f"{TOPICS[n % len(TOPICS)]} {n // len(TOPICS) or ''}".strip().casefold(),
                synonyms=[rng.choice(WORDS)],
            )
            for n in range(counts["competences"])
        ],
    )
    people = _bulk(
        User,
        [
            User(
                email=f"bench{n}@genbo.invalid",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                title=rng.choice(TITLES),
                municipality=rng.choice(municipalities),
                presentation=_text(rng, 20, rng.choice(TOPICS)),
                password="!",
            )
            for n in range(counts["people"])
        ],
    )
    _through(
        User.competences,
        [
            {"user_id": person.pk, "competence_id": competence.pk}
            for person in people
            for competence in rng.sample(competences, 3)
        ],
    )
    print(f"people: {len(people):,} in {time.monotonic() - started:.0f} s", flush=True)

    networks = _bulk(
        Network,
        [
            Network(
                name=f"{TOPICS[n % len(TOPICS)].capitalize()}snätverket {n}",
                slug=f"bench-{n}",
                purpose=_text(rng, 12, TOPICS[n % len(TOPICS)]),
                description=_text(rng, 40, TOPICS[n % len(TOPICS)]),
                access=Network.Access.CLOSED if n % 3 == 2 else Network.Access.OPEN,
            )
            for n in range(counts["networks"])
        ],
    )
    _through(
        Network.competences,
        [
            {"network_id": network.pk, "competence_id": competence.pk}
            for network in networks
            for competence in rng.sample(competences, 2)
        ],
    )
    _through(
        Network.municipalities,
        [
            {"network_id": network.pk, "municipality_id": municipality.pk}
            for network in networks
            for municipality in rng.sample(municipalities, 3)
        ],
    )
    viewer = people[0]
    _bulk(
        Membership,
        [
            Membership(network=network, user=viewer)
            for network in networks[: max(1, len(networks) // 20)]
        ]
        + [
            Membership(network=network, user=people[n % len(people)], role="convener")
            for n, network in enumerate(networks[len(networks) // 20 :], start=1)
        ],
    )
    _bulk(
        Meeting,
        [
            Meeting(
                network=rng.choice(networks),
                title=f"Träff om {rng.choice(TOPICS)}",
                starts_at=now + timedelta(days=rng.randint(-365, 365)),
                ends_at=now + timedelta(days=400),
                agenda=_text(rng, 25, rng.choice(TOPICS)),
                minutes=_text(rng, 60, rng.choice(TOPICS)),
            )
            for _ in range(counts["meetings"])
        ],
    )
    print(f"networks and meetings in {time.monotonic() - started:.0f} s", flush=True)

    threads = _bulk(
        Thread,
        [
            Thread(
                topic=rng.choice(topics),
                network=rng.choice(networks) if n % 10 == 0 else None,
                title=f"Hur gör ni med {rng.choice(TOPICS)}?",
                author=rng.choice(people),
                created_at=now - timedelta(minutes=n),
                last_activity_at=now - timedelta(minutes=n),
            )
            for n in range(counts["threads"])
        ],
    )
    posts = []
    for thread in threads:
        for n in range(counts["posts_per_thread"]):
            posts.append(
                Post(
                    thread=thread,
                    author=rng.choice(people),
                    body=_text(rng, 40, rng.choice(TOPICS)),
                    is_question=n == 0,
                    created_at=thread.created_at + timedelta(minutes=n),
                )
            )
        if len(posts) >= BATCH:
            _bulk(Post, posts)
            posts = []
    _bulk(Post, posts)
    print(f"forum in {time.monotonic() - started:.0f} s", flush=True)

    items = _bulk(
        Item,
        [
            Item(
                kind=rng.choice(["file", "link", "tip", "project"]),
                title=f"{rng.choice(['Mall', 'Checklista', 'Tips', 'Rapport'])} om "
                f"{rng.choice(TOPICS)}",
                description=_text(rng, 50, rng.choice(TOPICS)),
                municipality=rng.choice(municipalities),
                network=rng.choice(networks) if n % 10 == 0 else None,
                author=rng.choice(people),
            )
            for n in range(counts["items"])
        ],
    )
    _through(
        Item.competences,
        [
            {"item_id": item.pk, "competence_id": competence.pk}
            for item in items
            for competence in rng.sample(competences, 2)
        ],
    )
    offers = _bulk(
        ExpertOffer,
        [
            ExpertOffer(
                expert=people[n],
                title=f"Föreläsning om {rng.choice(TOPICS)}",
                description=_text(rng, 40, rng.choice(TOPICS)),
                formats=["lecture"],
            )
            for n in range(counts["offers"])
        ],
    )
    _through(
        ExpertOffer.competences,
        [
            {"expertoffer_id": offer.pk, "competence_id": competence.pk}
            for offer in offers
            for competence in rng.sample(competences, 2)
        ],
    )
    print(f"content built in {time.monotonic() - started:.0f} s", flush=True)
    return viewer


def _percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50 * 1000, p95 * 1000


def measure(viewer) -> None:
    from django.db import connection

    from genbo.accounts.models import Competence
    from genbo.core.models import Municipality
    from genbo.search.selectors import Filters, search, suggestions
    from genbo.search.text import parse_query

    with connection.cursor() as cursor:
        # VACUUM also moves the GIN indexes' pending entries of the bulk load into the
        # index proper, as autovacuum does on a running server. Until then every search
        # reads them one by one.
        cursor.execute("VACUUM ANALYZE")
    # On PostgreSQL 15 the VACUUM loads pg_trgm and resets the session's
    # pg_trgm.word_similarity_threshold to its default, so the searches get a fresh
    # connection, which genbo.search.apps configures again.
    connection.close()
    print(f"load average before measuring: {os.getloadavg()[0]:.1f}")
    competence = Competence.objects.filter(key__startswith="arkiv").first()
    all_timings = []
    print(f"\n{'query':<28} {'hits':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for text, options in QUERIES:
        filters = Filters(kinds=options.get("kinds", []))
        if "municipality" in options:
            filters.municipality = Municipality.objects.get(slug=options["municipality"])
        if options.get("competence"):
            filters.competence = competence
        timings = []
        for _ in range(RUNS_PER_QUERY):
            started = time.perf_counter()
            page = search(viewer, parse_query(text), filters)
            timings.append(time.perf_counter() - started)
        # The first run warms the caches; it is reported apart from the others.
        all_timings.extend(timings[1:])
        p50, p95 = _percentiles(timings[1:])
        label = text + (" +filter" if options else "")
        hits = f">{page.total:,}" if page.more_than_total else f"{page.total:,}"
        print(f"{label:<28} {hits:>8} {p50:>8.1f} {p95:>8.1f}", flush=True)
    p50, p95 = _percentiles(all_timings)
    print(f"{'all 20 searches':<28} {'':>8} {p50:>8.1f} {p95:>8.1f}")

    suggestion_timings = []
    for text in SUGGESTIONS:
        for _ in range(RUNS_PER_QUERY):
            started = time.perf_counter()
            suggestions(viewer, parse_query(text))
            suggestion_timings.append(time.perf_counter() - started)
    p50, p95 = _percentiles(suggestion_timings)
    print(f"{'suggestions (10 prefixes)':<28} {'':>8} {p50:>8.1f} {p95:>8.1f}")


# Searches whose statements --explain runs under EXPLAIN ANALYZE: (label, text, options).
EXPLAINED = [
    ("förskola", "förskola", {}),
    ("ekonomi budget", "ekonomi budget", {}),
    ("projektledning +municipality", "projektledning", {"municipality": "helsingborg"}),
    ("Kristofer +kind", "Kristofer", {"kinds": ["person"]}),
    ("suggestions förs", "förs", {"suggestions": True}),
]
EXPLAIN_RUNS = 5


def explain(viewer) -> None:
    """Print the median execution time that PostgreSQL reports for each SQL statement of
    a few searches. It leaves out Python and the wait for the client, so it varies less
    with the machine's load than the wall-clock figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from genbo.core.models import Municipality
    from genbo.search.selectors import Filters, search, suggestions
    from genbo.search.text import parse_query

    print(f"\n{'EXPLAIN ANALYZE':<30} {'statement':>9} {'median ms':>10}")
    for label, text, options in EXPLAINED:
        with CaptureQueriesContext(connection) as captured:
            if options.get("suggestions"):
                suggestions(viewer, parse_query(text, still_typing=True))
            else:
                filters = Filters(kinds=options.get("kinds", []))
                if "municipality" in options:
                    filters.municipality = Municipality.objects.get(slug=options["municipality"])
                search(viewer, parse_query(text), filters)
        statements = [
            query["sql"]
            for query in captured.captured_queries
            if "search_searchdocument" in query["sql"]
        ]
        for number, sql in enumerate(statements, start=1):
            timings = []
            with connection.cursor() as cursor:
                for _ in range(EXPLAIN_RUNS):
                    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                    timings.append(cursor.fetchone()[0][0]["Execution Time"])
            print(f"{label:<30} {number:>9} {statistics.median(timings):>10.1f}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="postgres:// URL of an existing, empty database")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the design volume")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated text")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure a database that an earlier run of this script has filled",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also print PostgreSQL's own execution time of the key statements",
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("give a postgres:// URL")

    _setup(args.database_url)
    from genbo.search.models import SearchDocument
    from genbo.search.services import reindex

    if args.measure_only:
        from genbo.accounts.models import User

        viewer = User.objects.get(email="bench0@genbo.invalid")
        measure(viewer)
        if args.explain:
            explain(viewer)
        return 0
    if SearchDocument.objects.exists():
        raise SystemExit(
            "The database already contains a search index. Give the URL of an empty database."
        )
    viewer = build(args.scale, random.Random(args.seed))
    started = time.monotonic()
    reindex(progress=_print_progress)
    print(f"index rebuilt in {time.monotonic() - started:.0f} s", flush=True)
    measure(viewer)
    if args.explain:
        explain(viewer)
    return 0


def _print_progress(kind: str, done: int, total: int) -> None:
    if done == total or done % 50_000 == 0:
        print(f"  {kind}: {done:,}/{total:,}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
