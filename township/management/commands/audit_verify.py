"""Walk the tamper-evident audit chains (township.audit): "intact: N rows" for each, or the
first broken row and exit code 1."""

from django.core.management.base import BaseCommand, CommandError

from township.audit import chains_verify


class Command(BaseCommand):
    help = "Check the security log and the role grants for rows changed, removed or inserted."

    def handle(self, *args, **options):
        broken = []
        for name, count, first_break in chains_verify():
            if first_break is None:
                self.stdout.write(f"{name}: intact: {count} rows")
            else:
                self.stdout.write(f"{first_break} (after {count} intact rows)")
                broken.append(str(first_break))
        if broken:
            raise CommandError("audit chain broken: " + "; ".join(broken))
