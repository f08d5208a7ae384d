"""The test database from a migrated template (issue 15), a pytest plugin (conftest.py).

Migrating an empty database is the most expensive step of a test run, and under pytest-xdist every
worker would pay it.  Instead the first process (the xdist controller, or the only process) makes
sure a template database ``test_<NAME>_tpl_<fingerprint>`` exists on the server, migrated to
exactly the current migrations.  The fingerprint hashes the migration files and the pinned
requirements; it is also the database's comment once the build finished.  The build runs under an
advisory lock (two runs never build at once), and older templates are dropped when no run uses
them.  Every test database is then created from it (Django's ``TEST["TEMPLATE"]``: ``CREATE
DATABASE ... TEMPLATE``), and the migrate that pytest-django runs afterwards finds nothing to
apply.  The template outlives the run, so the next run on the same server skips migrating.

``--no-template`` (or ``--nomigrations``/``--reuse-db``, which make their own database) leaves
Django's own way.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCK = 15_000_001  # pg_advisory_lock key while a template is built


def fingerprint() -> str:
    """The migrations and the versions that write them: any change makes a new template."""
    digest = hashlib.sha256()
    files = sorted(
        p for p in ROOT.rglob("migrations/*.py") if not {".venv", "mutants"} & set(p.relative_to(ROOT).parts)
    )
    for path in [*files, ROOT / "requirements.txt"]:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def template_name(url: str, print_: str) -> str:
    from township.bench.env import database_name

    return f"test_{database_name(url)}_tpl_{print_[:12]}"


def ensure_template(url: str) -> str:
    """The template database for ``url``'s server, migrated to the current migrations.  Its
    name carries their fingerprint, so two checkouts with different migrations on one server do
    not take each other's; older templates of the same database name are dropped when unused."""
    import psycopg
    from psycopg import sql

    from township.bench.env import database_name, with_database

    want = fingerprint()
    name = template_name(url, want)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [LOCK])
        try:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if row and row[0] == want:
                return name
            if row:  # half-built by a run that died: build it again
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            for (old,) in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                [f"test\\_{database_name(url)}\\_tpl\\_%", name],
            ).fetchall():
                with contextlib.suppress(psycopg.Error):  # in use by another run: left for later
                    conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(old)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            env = dict(
                os.environ,
                DATABASE_URL=with_database(url, name),
                DJANGO_SETTINGS_MODULE="township.settings_test",
            )
            done = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
                raise pytest.UsageError(f"migrating the test template failed:\n{done.stdout}{done.stderr}")
            conn.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(want))
            )
            return name
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK])


def pytest_addoption(parser):
    parser.addoption("--no-template", action="store_true", help="create the test database by migrating it")


def _wanted(config) -> bool:
    return not (
        config.getoption("no_template")
        or config.getoption("reuse_db", False)
        or config.getoption("nomigrations", False)
        or not os.environ.get("DATABASE_URL")
    )


def pytest_configure(config):
    if hasattr(config, "workerinput") or not _wanted(config):
        return  # an xdist worker uses the template its controller made (in the environment)
    os.environ["TOWNSHIP_TEST_TEMPLATE"] = ensure_template(os.environ["DATABASE_URL"])


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    from django.db import connections

    template = os.environ.get("TOWNSHIP_TEST_TEMPLATE")
    if template:
        connections["default"].settings_dict.setdefault("TEST", {})["TEMPLATE"] = template
