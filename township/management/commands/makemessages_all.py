"""makemessages for the project (locale/: township and templates/) and for each feature app
(<app>/locale/), so apps do not share one .po file."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

APPS = ["conduct/reception", "conduct", "meetings", "fieldwork", "petitions"]


class Command(BaseCommand):
    help = "Refresh every zh_Hans .po file from the code."

    def handle(self, *args, **options):
        base = settings.BASE_DIR
        ignore = [".venv/*", ".data/*", "static/*", "node_modules/*", "mutants/*"] + [f"{a}/*" for a in APPS]
        os.chdir(base)
        call_command(
            "makemessages", locale=["zh_Hans"], ignore_patterns=ignore, no_obsolete=True, verbosity=0
        )
        for app in APPS:
            os.chdir(base / app)
            # conduct/ must not collect its sub-app's strings
            sub = [a.split("/", 1)[1] + "/*" for a in APPS if a.startswith(app + "/")]
            call_command(
                "makemessages", locale=["zh_Hans"], ignore_patterns=sub, no_obsolete=True, verbosity=0
            )
        os.chdir(base)
