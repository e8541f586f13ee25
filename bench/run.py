"""Benchmark GENBO's main pages under concurrent load (a measuring tool, not a test).

Starts gunicorn with uvicorn workers on 127.0.0.1 with production settings against a
database seeded by `genbo seed --volume ...`, signs in sampled employees through the
session store, loads each page of pages.PAGES with wrk at each concurrency level, counts
the SQL queries of each page in this process, and writes bench/results/<name>.md and
.json. Exits with 1 on errors (responses other than 2xx/3xx, socket errors, a crashed
server), never because the numbers are slow.

    .venv/bin/python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/genbo_bench
"""

import argparse
import os
import platform
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from load import run_wrk
from pages import PAGES, Page
from report import write
from server import LOCAL_HOST, AppServer, free_port

ROOT = Path(__file__).resolve().parent.parent
LOCAL_NAMES = {"127.0.0.1", "localhost", "::1"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("GENBO_BENCH_DATABASE_URL", ""),
        help="PostgreSQL URL of the seeded database on 127.0.0.1 "
        "(default: $GENBO_BENCH_DATABASE_URL)",
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/10",
        help="Redis URL on 127.0.0.1 for the cache and sessions (default: database 10)",
    )
    parser.add_argument(
        "--redis-key-prefix", default="genbo-volume", help="prefix of every Redis key"
    )
    parser.add_argument("--workers", type=int, default=2, help="app processes (default: 2)")
    parser.add_argument(
        "--connections",
        default="16,64",
        help="comma-separated concurrency levels, open connections each (default: 16,64)",
    )
    parser.add_argument("--seconds", type=int, default=20, help="length of each run in seconds")
    parser.add_argument(
        "--warmup-seconds", type=int, default=3, help="unmeasured load before each page"
    )
    parser.add_argument(
        "--sessions", type=int, default=200, help="number of sampled employees signed in"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed for sampling employees")
    parser.add_argument(
        "--repeat", type=int, default=20, help="in-process requests per page for the CPU time"
    )
    parser.add_argument(
        "--no-load",
        action="store_true",
        help="measure only in process (queries, CPU time); start no server and no wrk",
    )
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument(
        "--name",
        default=datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        help="file name of the result, without extension (default: the UTC time)",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results", help="folder of the results"
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or GENBO_BENCH_DATABASE_URL) is required")
    for option, url in (("--database-url", args.database_url), ("--redis-url", args.redis_url)):
        host = urllib.parse.urlsplit(url).hostname
        if host not in LOCAL_NAMES:
            parser.error(f"{option} must point at 127.0.0.1, not {host!r}")
    args.connection_levels = [int(level) for level in args.connections.split(",") if level]
    return args


def server_environment(args: argparse.Namespace, port: int, data_dir: Path) -> dict[str, str]:
    """Return production-like settings; e-mail points at 127.0.0.1 and is never sent here."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "genbo.settings",
            "GENBO_PRODUCTION": "true",
            "GENBO_DEBUG": "false",
            "GENBO_SECRET_KEY": secrets.token_urlsafe(50),
            "GENBO_DATABASE_URL": args.database_url,
            "GENBO_REDIS_URL": args.redis_url,
            "GENBO_REDIS_KEY_PREFIX": args.redis_key_prefix,
            "GENBO_BASE_URL": f"http://{LOCAL_HOST}:{port}",
            "GENBO_ALLOWED_HOSTS": f"{LOCAL_HOST},testserver",
            "GENBO_EMAIL_HOST": LOCAL_HOST,
            "GENBO_EMAIL_PORT": "2525",
            "GENBO_DATA_DIR": str(data_dir),
            "GENBO_STATIC_ROOT": str(data_dir / "static"),
            "GENBO_LOG_LEVEL": "WARNING",
        }
    )
    return env


def prepare_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "-m", "genbo.cli", "compilemessages"], check=True, capture_output=True
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def find_targets(rng: random.Random) -> dict[str, str]:
    """Return the values of the path placeholders, looked up in the seeded database."""
    from django.db.models import Count

    from genbo.accounts.models import Competence, User
    from genbo.chat.models import Room
    from genbo.demo.volume import BENCH_THREAD_TITLE
    from genbo.forum.models import Thread
    from genbo.networks.models import Network

    thread = Thread.objects.filter(title=BENCH_THREAD_TITLE).order_by("pk").first()
    if thread is None:
        raise RuntimeError(
            f"No thread titled {BENCH_THREAD_TITLE!r}: seed the database with "
            "`genbo seed --volume small` (or full) first."
        )
    # The largest open network: its page shows the most members and meetings.
    network = (
        Network.objects.filter(access=Network.Access.OPEN)
        .annotate(size=Count("memberships"))
        .order_by("-size", "pk")
        .first()
    )
    competence = Competence.objects.filter(expert_offers__isnull=False).order_by("pk").first()
    # The network's own chat room, which every employee may read while the network is open.
    room = Room.objects.filter(network=network).first()
    profile = rng.choice(list(User.objects.filter(is_active=True).values_list("pk", flat=True)))
    return {
        "bench_thread_id": str(thread.pk),
        "network_slug": network.slug,
        "competence": urllib.parse.quote(competence.label if competence else "Projektledning"),
        "profile_id": str(profile),
        "chat_room_id": str(room.pk if room else 0),
    }


def create_sessions(rng: random.Random, count: int) -> tuple[list[str], list]:
    """Sign in `count` sampled employees through the session store; return cookies and users.

    Each employee's Cookie header also carries a CSRF cookie, as a browser sends it from
    its second page on. Without it every page drew a new CSRF secret and set the cookie.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cache import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    from genbo.accounts.models import User
    from genbo.demo.volume.base import VOLUME_EMAIL_DOMAIN

    ids = list(
        User.objects.filter(email__endswith=f"@{VOLUME_EMAIL_DOMAIN}", is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    users = list(User.objects.filter(pk__in=rng.sample(ids, min(count, len(ids)))))
    cookies = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        csrf_secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf_secret}"
        )
    return cookies, users


def delete_sessions(cookies: list[str]) -> None:
    """Delete the benchmark's sessions from the store, so that none outlive the run."""
    from django.conf import settings
    from django.contrib.sessions.backends.cache import SessionStore

    for cookie in cookies:
        for pair in cookie.split("; "):
            name, _equals, value = pair.partition("=")
            if name == settings.SESSION_COOKIE_NAME:
                SessionStore(session_key=value).delete()


def measure_in_process(path: str, user, *, repeat: int) -> dict:
    """Return the status, SQL query count and median CPU and wall time of `path` for `user`.

    The requests go through Django's test client in this process, one at a time, after one
    warm-up request. CPU time (the thread's own) depends much less on other load on the
    machine than wall time, so it is the steadier figure for comparing two versions.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    # Read the count now: every request start clears the connection's query log.
    query_count = len(queries)
    cpu_times = []
    wall_times = []
    for _ in range(repeat):
        cpu_started = time.thread_time()
        wall_started = time.perf_counter()
        client.get(path)
        cpu_times.append(time.thread_time() - cpu_started)
        wall_times.append(time.perf_counter() - wall_started)
    client.logout()
    return {
        "status": response.status_code,
        "queries": query_count,
        "cpu_ms": round(statistics.median(cpu_times) * 1000, 1),
        "wall_ms": round(statistics.median(wall_times) * 1000, 1),
    }


def check_over_http(url: str, cookie: str) -> int:
    """Return the status of one request with `cookie`, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def volume_counts() -> dict[str, int]:
    from genbo.accounts.models import User
    from genbo.chat.models import Message
    from genbo.forum.models import Post
    from genbo.library.models import Item
    from genbo.networks.models import Meeting, Network

    return {
        "employees": User.objects.count(),
        "networks": Network.objects.count(),
        "meetings": Meeting.objects.count(),
        "forum posts": Post.objects.count(),
        "chat messages": Message.objects.count(),
        "library items": Item.objects.count(),
    }


def git_commit() -> str:
    finished = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return finished.stdout.strip() or "unknown"


def measure_page(page: Page, path: str, context: dict, result: dict) -> None:
    """Check, count and load one page, and add its row (or the reason it failed) to `result`."""
    args = context["args"]
    server = context["server"]
    row = {"name": page.name, "path": path, "runs": {}}
    result["pages"].append(row)
    measured = measure_in_process(path, context["users"][0], repeat=args.repeat)
    status, queries = measured["status"], measured["queries"]
    if status == 404 and page.optional:
        row["skipped"] = f"{path} returns 404 on this branch"
        print(f"{page.name}: skipped, because {path} returns 404")
        return
    row.update(queries=queries, cpu_ms=measured["cpu_ms"], wall_ms=measured["wall_ms"])
    print(
        f"{page.name}: {queries} queries, {measured['cpu_ms']} ms CPU and "
        f"{measured['wall_ms']} ms in all per request in process"
    )
    if args.no_load:
        return
    http_status = check_over_http(server.base_url + path, context["cookies"][0])
    if status != 200 or http_status != 200:
        problem = f"{page.name}: {path} returned {status} in process and {http_status} over HTTP"
        result["problems"].append(problem)
        print(problem)
        return
    url = server.base_url + path
    if args.warmup_seconds:
        run_wrk(
            url, connections=16, seconds=args.warmup_seconds, cookie_file=context["cookie_file"]
        )
    for level in args.connection_levels:
        cpu_before = server.workers_cpu_seconds()
        run = run_wrk(
            url, connections=level, seconds=args.seconds, cookie_file=context["cookie_file"]
        )
        # The app's own cost per request under load, which other jobs on the machine
        # change far less than they change the requests per second.
        app_cpu_ms = 1000 * (server.workers_cpu_seconds() - cpu_before) / max(run.requests, 1)
        row["runs"][str(level)] = {**run.as_dict(), "app_cpu_ms": round(app_cpu_ms, 1)}
        print(
            f"{page.name} @{level}: {run.requests_per_second:,.0f} req/s, p50 {run.p50_ms} ms, "
            f"p95 {run.p95_ms} ms, p99 {run.p99_ms} ms, {app_cpu_ms:.1f} ms app CPU per "
            f"request, {queries} queries, errors {run.errors}"
        )
        if run.failed:
            result["problems"].append(f"{page.name} @{level}: errors {run.errors}")
    crash = server.crashed()
    if crash:
        raise RuntimeError(f"after {page.name}: {crash}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("bench: wrk is not installed (Debian package wrk).", file=sys.stderr)
        return 2
    started = time.monotonic()
    rng = random.Random(args.seed)
    work_dir = Path(tempfile.mkdtemp(prefix="genbo-bench-"))
    port = free_port()
    env = server_environment(args, port, work_dir)
    prepare_django(env)
    targets = find_targets(rng)
    cookies, users = create_sessions(rng, args.sessions)
    cookie_file = work_dir / "cookies.txt"
    cookie_file.write_text("\n".join(cookies) + "\n")

    result = {
        "name": args.name,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "setup": {
            "commit": git_commit(),
            "cpus": os.cpu_count(),
            "load_average": " ".join(f"{value:.2f}" for value in os.getloadavg()),
            "python": platform.python_version(),
            "workers": args.workers,
            "connections": args.connection_levels,
            "seconds": args.seconds,
            "warmup_seconds": args.warmup_seconds,
            "sessions": len(cookies),
        },
        "volume": volume_counts(),
        "pages": [],
        "memory_peak_mb": {},
        "problems": [],
    }
    server = AppServer(port=port, workers=args.workers, env=env, log_path=work_dir / "gunicorn.log")
    context = {
        "args": args,
        "server": server,
        "users": users,
        "cookies": cookies,
        "cookie_file": cookie_file,
    }
    selected_pages = {name.strip() for name in args.pages.split(",") if name.strip()}
    try:
        if not args.no_load:
            server.start()
            print(f"bench: gunicorn with {args.workers} workers on {server.base_url}")
        for page in PAGES:
            if selected_pages and page.name not in selected_pages:
                continue
            measure_page(page, page.path.format(**targets), context, result)
        result["memory_peak_mb"] = {
            str(pid): round(peak, 1) for pid, peak in server.peak_memory_mb().items()
        }
    except RuntimeError as error:
        result["problems"].append(str(error))
        print(f"bench: {error}", file=sys.stderr)
    finally:
        server.stop()
        delete_sessions(cookies)
    result["elapsed_seconds"] = round(time.monotonic() - started, 1)
    markdown_path, json_path = write(result, args.out)
    print(f"bench: {markdown_path} and {json_path} written in {result['elapsed_seconds']} s")
    if result["problems"]:
        print(f"bench: server log in {server.log_path}", file=sys.stderr)
        return 1
    shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
