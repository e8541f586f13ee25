"""The `genbo` command: demo, serve, seed, import-taxonomy, sync-ldap, compilemessages, manage."""

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

    uvicorn.run(
        "genbo.asgi:application",
        host=host,
        port=port,
        workers=workers,
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
    _setup_django(args.data_dir)
    from genbo.demo import seed_demo

    _migrate()
    seed_demo(out=print)
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


def cmd_manage(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["genbo manage", *args.arguments])
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
    add("seed", cmd_seed, "seed the demo data into the database (once)")
    taxonomy = add("import-taxonomy", cmd_import_taxonomy, "import a JobTech Taxonomy JSON file")
    taxonomy.add_argument("file", help="path of the taxonomy file, e.g. jobtech-taxonomy-sv.json")
    sync = add(
        "sync-ldap", cmd_sync_ldap, "update accounts from the municipalities' LDAP directories"
    )
    sync.add_argument("--municipality", help="only this municipality's slug, such as bjuv")
    commands.add_parser("compilemessages", help="compile the translation catalogues").set_defaults(
        handler=cmd_compilemessages
    )
    manage = add("manage", cmd_manage, "run a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
