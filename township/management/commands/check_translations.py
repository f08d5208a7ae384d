"""Fail when a zh_Hans message is untranslated or fuzzy (CI runs it after makemessages)."""

import polib
from django.core.management.base import BaseCommand, CommandError

from township.management.commands.compile_translations import po_files


class Command(BaseCommand):
    help = "Fail on untranslated or fuzzy zh_Hans messages."

    def handle(self, *args, **options):
        problems = []
        for po_path in po_files():
            if "zh_Hans" not in po_path.parts:
                continue
            po = polib.pofile(str(po_path))
            for entry in po.untranslated_entries() + po.fuzzy_entries():
                problems.append(f"{po_path}: {entry.msgid!r}")
        if problems:
            raise CommandError("Untranslated zh_Hans messages:\n" + "\n".join(problems))
        self.stdout.write("All zh_Hans messages are translated.")
