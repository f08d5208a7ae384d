#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "township.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        if "DATABASE_URL" not in str(exc) and "REDIS_URL" not in str(exc):
            raise
        sys.exit(
            f"{exc}.\nRun `make run` (it starts an embedded PostgreSQL and Redis under .data/), or set "
            "DATABASE_URL and REDIS_URL (see .env.example); `make services` prints the embedded ones."
        )
