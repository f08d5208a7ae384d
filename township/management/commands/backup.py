from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from township.backup import backup


class Command(BaseCommand):
    help = "Back the database up with pg_dump (custom format). See docs/operations.md."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: backups/township-<time>.dump)")

    def handle(self, *args, output=None, **options):
        path = Path(output or f"backups/township-{timezone.localtime():%Y%m%d-%H%M%S}.dump")
        backup(path)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path} ({path.stat().st_size} bytes)"))
