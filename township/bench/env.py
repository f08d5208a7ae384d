"""The benchmark's own database and environment.

The command runs in two steps: the first process (with the application's DATABASE_URL) makes
sure the bench database exists on the same server, then runs the command again with the
environment of ``bench_environ``; that second process migrates, seeds if needed and measures.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

BENCH_DB = "township_bench"
BENCH_REDIS_DB = "15"
MARKER = "TOWNSHIP_BENCH_CHILD"


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def with_redis_db(url: str, db: str) -> str:
    """The same Redis server, another logical database (no shared worker listens there)."""
    parts = urlsplit(url)
    if parts.scheme.startswith("redis+socket") or parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = db
        # urlunsplit would drop the empty host of "scheme:///path"
        return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path="/" + db))


def _admin_connect(url: str):
    """A connection to the server's maintenance database (to create or drop others)."""
    return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def ensure_database(url: str, name: str, *, recreate: bool = False) -> bool:
    """Create the bench database if missing (drop it first with ``recreate``); True if created."""
    with _admin_connect(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and recreate:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()",
                [name],
            )
            conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    return False


def bench_environ(base: dict | None = None, *, name: str = BENCH_DB) -> dict:
    """The environment of the measuring process and of the web server it starts."""
    env = dict(base if base is not None else os.environ)
    env["DATABASE_URL"] = with_database(env["DATABASE_URL"], name)
    env["REDIS_URL"] = with_redis_db(env["REDIS_URL"], BENCH_REDIS_DB)
    env["CACHE_KEY_PREFIX"] = "bench"
    env["CELERY_TASK_ALWAYS_EAGER"] = "0"
    env["DJANGO_DEBUG"] = "0"
    env["DJANGO_SETTINGS_MODULE"] = "township.settings"
    env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env[MARKER] = name
    return env


def child_environ() -> dict:
    """The environment for a process the measuring process starts (a probe, the web server):
    pointed at the database this process really uses (under tests, the test database)."""
    from django.db import connection

    env = dict(os.environ)
    env["DATABASE_URL"] = with_database(env["DATABASE_URL"], connection.settings_dict["NAME"])
    return env
