from django.core.management.base import BaseCommand, CommandError

from genbo.search.models import Kind
from genbo.search.services import reindex


class Command(BaseCommand):
    help = "Rebuild the search index from the content, showing the progress per kind."

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            action="append",
            choices=Kind.values,
            help="rebuild only this kind; give the option again for more kinds",
        )

    def handle(self, *args, **options):
        kinds = options["kind"]
        last_line = {}

        def progress(kind: str, done: int, total: int) -> None:
            percent = 100 if not total else done * 100 // total
            line = f"{kind:<8} {done:>9,}/{total:,} ({percent} %)"
            end = "\n" if done >= total else "\r"
            if last_line.get(kind) != line:
                self.stdout.write(line, ending=end)
                self.stdout.flush()
                last_line[kind] = line

        try:
            written = reindex(kinds=kinds, progress=progress)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{kind}: {count:,}" for kind, count in written.items())
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt. Documents: {summary}."))
