from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from township.backup import restore, row_counts


class Command(BaseCommand):
    help = "Restore a pg_dump backup into a database on the same server, then compare row counts."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--into", required=True, help="name of the (empty) database to restore into")

    def handle(self, *args, file, into, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        restore(path, dbname=into)
        counts = row_counts(dbname=into)
        self.stdout.write(
            self.style.SUCCESS(f"Restored {len(counts)} tables, {sum(counts.values())} rows into {into}")
        )
