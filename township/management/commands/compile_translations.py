"""Compile every .po file to .mo with polib, so no GNU gettext is needed to run the site."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def po_files():
    root = Path(settings.BASE_DIR)
    for po in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
        if not {".venv", ".data", "node_modules", "mutants"} & set(po.relative_to(root).parts):
            yield po


class Command(BaseCommand):
    help = "Compile the project's .po files to .mo (pure Python)."

    def handle(self, *args, **options):
        for po in po_files():
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                polib.pofile(str(po)).save_as_mofile(str(mo))
