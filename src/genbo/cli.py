"""The `genbo` command: demo, serve, seed, import-taxonomy, reindex, digest, sync-ldap, and more."""

import argparse
import os
import sys
import time
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _setup_django(data_dir: str | None) -> None:
    if data_dir:
        os.environ["GENBO_DATA_DIR"] = str(Path(data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "genbo.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)


def compile_messages() -> int:
    """Compile every locale/*/LC_MESSAGES/django.po whose .mo is missing or older.

    polib does this in pure Python, so no gettext tools need to be installed.
    """
    import polib

    compiled = 0
    for po_path in (Path(__file__).parent / "locale").glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled += 1
    return compiled


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _serve(host: str, port: int, *, workers: int = 1) -> None:
    import uvicorn

    from genbo.server import HttpProtocol

    uvicorn.run(
        "genbo.asgi:application",
        host=host,
        port=port,
        workers=workers,
        http=HttpProtocol,
        log_level="info",
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("GENBO_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    )


def cmd_demo(args: argparse.Namespace) -> int:
    started = time.monotonic()
    # Links in the demo's e-mails lead to the port the demo listens on.
    os.environ.setdefault("GENBO_BASE_URL", f"http://{args.host}:{args.port}")
    compile_messages()
    _setup_django(args.data_dir)
    from django.conf import settings

    from genbo.demo import DEMO_PASSWORD, demo_sign_ins, seed_demo

    print(f"GENBO demo: database in {settings.DATA_DIR}")
    _migrate()
    seed_demo(out=print)
    address = f"http://{args.host}:{args.port}/"
    print()
    print(f"GENBO is ready after {time.monotonic() - started:.1f} s: open {address}")
    print(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for role, email in demo_sign_ins():
        print(f"  {role:<20} {email}")
    print()
    _serve(args.host, args.port)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    compile_messages()
    _setup_django(args.data_dir)
    if args.migrate:
        _migrate()
    _serve(args.host, args.port, workers=args.workers)
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    if args.reset and not args.volume:
        print("genbo seed: --reset works only together with --volume.", file=sys.stderr)
        return 2
    _setup_django(args.data_dir)
    _migrate()
    if args.volume:
        return _seed_volume(args)
    from genbo.demo import seed_demo

    seed_demo(out=print)
    return 0


def _seed_volume(args: argparse.Namespace) -> int:
    from genbo.demo.volume import VolumeExistsError, seed_volume

    try:
        seed_volume(volume=args.volume, seed=args.seed, out=print, reset=args.reset)
    except VolumeExistsError as error:
        print(f"genbo seed: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_import_taxonomy(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    from genbo.accounts.taxonomy import TaxonomyError, import_taxonomy

    try:
        report = import_taxonomy(Path(args.file))
    except TaxonomyError as error:
        print(f"genbo import-taxonomy: {error}", file=sys.stderr)
        return 2
    for kind in ("skill", "occupation-name"):
        print(
            f"{kind}: {report.created[kind]} created, {report.updated[kind]} updated, "
            f"{report.unchanged[kind]} unchanged"
        )
    if report.duplicates:
        print(f"skill: {report.duplicates} skipped because another skill has the same label")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    from django.core.management import call_command

    from genbo.search.models import Kind

    unknown = sorted(set(args.kind or []) - set(Kind.values))
    if unknown:
        print(
            f"genbo reindex: unknown kind {', '.join(unknown)}; "
            f"choose from {', '.join(Kind.values)}",
            file=sys.stderr,
        )
        return 2
    call_command("reindex", kind=args.kind or None)
    return 0


def _print_digest_preview(email: str, *, html: bool) -> int:
    """Print the newsletter that a dry run would build for the employee at `email`."""
    from django.utils import timezone

    from genbo.accounts.models import User
    from genbo.notifications.digest import digest_preview, iso_week, render_digest
    from genbo.notifications.mail import mail_preference_for
    from genbo.notifications.models import Newsletter

    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        print(
            f"genbo digest: no active employee has the address {email}; check the spelling",
            file=sys.stderr,
        )
        return 2
    now = timezone.now()
    week = iso_week(now)
    digest = digest_preview(user, now=now)
    notes = []
    if not digest.item_count:
        notes.append("nothing is new for this employee, so a run sends no newsletter")
    if mail_preference_for(user).newsletter == Newsletter.OFF:
        notes.append("this employee has turned the newsletter off, so a run sends nothing")
    if user.digest_deliveries.filter(week=week).exists():
        notes.append(f"this employee has had the newsletter of {week} already")
    subject, text, html_text = render_digest(digest)
    print(f"Newsletter {week} for user {user.pk} <{user.email}> (dry run, nothing stored)")
    for note in notes:
        print(f"Note: {note}.")
    print(f"Subject: {subject}")
    print()
    print(html_text if html else text)
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    from genbo.notifications.digest import digest_send_all

    if args.user:
        if args.send:
            print("genbo digest: --user works with --dry-run only", file=sys.stderr)
            return 2
        return _print_digest_preview(args.user, html=args.html)
    if args.html:
        print("genbo digest: --html works with --dry-run --user only", file=sys.stderr)
        return 2

    def show(digest) -> None:
        sections = {
            "networks": len(digest.networks),
            "meetings": len(digest.meetings),
            "library": len(digest.library_items),
            "questions": len(digest.questions),
            "experts": len(digest.expert_offers),
        }
        counts = ", ".join(f"{name} {count}" for name, count in sections.items() if count)
        print(f"user {digest.user.pk}: {counts}")

    report = digest_send_all(dry_run=not args.send, on_digest=show if args.verbose else None)
    action = "stored for sending" if args.send else "would be sent (dry run)"
    print(
        f"Newsletter {report.week}: {report.users} employees read, {report.with_content} "
        f"with news; {report.stored if args.send else report.with_content} {action}, "
        f"{report.already_sent} already sent this week"
    )
    if args.send:
        _send_due_outbox()
    return 0


def _send_due_outbox() -> None:
    """Send the due outbox rows now, when jobs run in this process (no broker)."""
    from django.conf import settings

    from genbo.notifications.tasks import sweep_outbox

    queued = sweep_outbox()
    if settings.CELERY_TASK_ALWAYS_EAGER:
        print(f"{queued} e-mail(s) sent or retried from the outbox")
    else:
        print(f"{queued} e-mail(s) queued for the workers")


def cmd_reminders(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    from genbo.notifications.meeting_mail import reminders_send

    print(f"{reminders_send()} meeting reminder(s) stored")
    _send_due_outbox()
    return 0


def cmd_sweep_outbox(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    _send_due_outbox()
    return 0


def _celery(arguments: list[str]) -> int:
    from genbo.celery import app

    app.start(arguments)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        print(
            "genbo worker: no broker is configured, so jobs run in the process that queues "
            "them. Set GENBO_CELERY_BROKER_URL or GENBO_REDIS_URL to use workers.",
            file=sys.stderr,
        )
        return 2
    return _celery(["worker", "--loglevel", "INFO", *args.arguments])


def cmd_beat(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    schedule_file = str(Path(args.data_dir or "data") / "celerybeat-schedule")
    return _celery(["beat", "--loglevel", "INFO", "--schedule", schedule_file, *args.arguments])


def cmd_sync_ldap(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command("sync_ldap", municipality=args.municipality)
    except CommandError as error:
        print(f"genbo sync-ldap: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_compilemessages(args: argparse.Namespace) -> int:
    print(f"{compile_messages()} message catalogue(s) compiled")
    return 0


def _take_data_dir(arguments: list[str]) -> tuple[str | None, list[str]]:
    """Remove `--data-dir DIR` or `--data-dir=DIR` from a Django command's arguments.

    Returns the folder (None when absent) and the other arguments. Arguments after a
    bare "--" belong to the Django command and are left alone.
    """
    data_dir = None
    rest: list[str] = []
    position = 0
    while position < len(arguments):
        argument = arguments[position]
        if argument == "--":
            rest.extend(arguments[position:])
            break
        if argument == "--data-dir":
            if position + 1 == len(arguments):
                raise ValueError("--data-dir needs a folder")
            data_dir = arguments[position + 1]
            position += 2
            continue
        if argument.startswith("--data-dir="):
            data_dir = argument.removeprefix("--data-dir=")
        else:
            rest.append(argument)
        position += 1
    return data_dir, rest


def cmd_manage(args: argparse.Namespace) -> int:
    # `--data-dir` may come before the Django command or among its arguments.
    try:
        data_dir, arguments = _take_data_dir(args.arguments)
    except ValueError as error:
        print(f"genbo manage: {error}", file=sys.stderr)
        return 2
    if data_dir and args.data_dir and Path(data_dir).resolve() != Path(args.data_dir).resolve():
        print(
            f"genbo manage: --data-dir is given twice, as {args.data_dir} and {data_dir}",
            file=sys.stderr,
        )
        return 2
    _setup_django(args.data_dir or data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["genbo manage", *arguments])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="genbo", description="GENBO collaboration portal")
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text)
        command.set_defaults(handler=handler)
        command.add_argument(
            "--data-dir", help="folder for the SQLite database and uploads (default: ./data)"
        )
        return command

    demo = add(
        "demo", cmd_demo, "create or reuse a demo database with Swedish demo data and serve it"
    )
    serve = add("serve", cmd_serve, "serve an existing database")
    for command in (demo, serve):
        command.add_argument("--host", default=DEFAULT_HOST, help="address to listen on")
        command.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port to listen on")
    serve.add_argument("--workers", type=int, default=1, help="number of app processes")
    serve.add_argument("--migrate", action="store_true", help="apply migrations before serving")
    seed = add(
        "seed",
        cmd_seed,
        "seed the demo data into the database (once), or with --volume the design volume",
    )
    seed.add_argument(
        "--volume",
        choices=["full", "small"],
        help="generate load-test data instead of the demo: full is the design volume "
        "(30,000 employees), small about a hundredth of it",
    )
    seed.add_argument(
        "--seed", type=int, default=2026, help="random seed for --volume (default: 2026)"
    )
    seed.add_argument(
        "--reset",
        action="store_true",
        help="with --volume: delete all employees, networks, threads and library items "
        "(and what belongs to them) before seeding",
    )
    taxonomy = add("import-taxonomy", cmd_import_taxonomy, "import a JobTech Taxonomy JSON file")
    taxonomy.add_argument("file", help="path of the taxonomy file, e.g. jobtech-taxonomy-sv.json")
    rebuild = add("reindex", cmd_reindex, "rebuild the search index, showing the progress")
    rebuild.add_argument("--kind", action="append", help="rebuild only this kind of document")
    sync = add(
        "sync-ldap", cmd_sync_ldap, "update accounts from the municipalities' LDAP directories"
    )
    sync.add_argument("--municipality", help="only this municipality's slug, such as bjuv")
    commands.add_parser("compilemessages", help="compile the translation catalogues").set_defaults(
        handler=cmd_compilemessages
    )
    digest = add("digest", cmd_digest, "build the weekly newsletter and show or send it")
    mode = digest.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="show what would be sent")
    mode.add_argument("--send", action="store_true", help="store and send this week's newsletter")
    digest.add_argument("--verbose", action="store_true", help="list each recipient's news")
    digest.add_argument(
        "--user",
        metavar="EMAIL",
        help="with --dry-run: print the newsletter of the employee with this e-mail address "
        "instead of the counts",
    )
    digest.add_argument(
        "--html", action="store_true", help="with --user: print the HTML part, not the text"
    )
    add("reminders", cmd_reminders, "store and send reminders for tomorrow's meetings")
    add("sweep-outbox", cmd_sweep_outbox, "send or queue the e-mails that are due in the outbox")
    for name, handler, help_text in (
        ("worker", cmd_worker, "start a Celery worker for background jobs (needs a broker)"),
        ("beat", cmd_beat, "start celery beat, which queues the scheduled jobs"),
    ):
        # Further arguments go to Celery; main() collects them with parse_known_args.
        add(name, handler, help_text).set_defaults(arguments=[])
    manage = add("manage", cmd_manage, "run a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # Options for Celery, such as `genbo worker --concurrency 4`, pass through unparsed.
        if args.command not in ("worker", "beat"):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.arguments = extra
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
