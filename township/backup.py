"""Backups with pg_dump (custom format) and restores with pg_restore, for the database Django uses.

The PostgreSQL client tools come from the embedded server's wheel when it is installed (pg_dump
16 dumps servers up to 16), else from PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.db import connections


def _tool(name: str) -> str:
    try:
        import pgserver

        candidate = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: install the PostgreSQL client tools")
    return found


def _conninfo(settings_dict: dict, dbname: str | None = None) -> tuple[list[str], dict]:
    args = ["--dbname", dbname or settings_dict["NAME"]]
    # A unix-socket URL (?host=/path) lands in OPTIONS, not HOST.
    host = settings_dict.get("HOST") or settings_dict.get("OPTIONS", {}).get("host")
    if host:
        args += ["--host", host]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def backup(path: Path, *, alias: str = "default") -> Path:
    settings_dict = connections[alias].settings_dict
    args, env = _conninfo(settings_dict)
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args], env=env, check=True
    )
    return path


def restore(path: Path, *, dbname: str, alias: str = "default") -> None:
    """Restore into ``dbname`` (an existing, preferably empty, database on the same server)."""
    settings_dict = connections[alias].settings_dict
    args, env = _conninfo(settings_dict, dbname)
    subprocess.run(
        [_tool("pg_restore"), "--no-owner", "--clean", "--if-exists", "--exit-on-error", *args, str(path)],
        env=env,
        check=True,
    )


def row_counts(*, alias: str = "default", dbname: str | None = None) -> dict[str, int]:
    """Exact row counts of every table of the public schema (for comparing a restore)."""
    from django.db import connections as conns

    if dbname is None:
        conn = conns[alias]
        with conn.cursor() as cur:
            return _count(cur)
    import psycopg

    sd = connections[alias].settings_dict
    with (
        psycopg.connect(
            dbname=dbname,
            host=sd.get("HOST") or sd.get("OPTIONS", {}).get("host") or None,
            port=sd.get("PORT") or None,
            user=sd.get("USER") or None,
            password=sd.get("PASSWORD") or None,
        ) as conn,
        conn.cursor() as cur,
    ):
        return _count(cur)


def _count(cur) -> dict[str, int]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [r[0] for r in cur.fetchall()]
    counts = {}
    for t in tables:
        cur.execute(f'SELECT count(*) FROM "{t}"')
        counts[t] = cur.fetchone()[0]
    return counts
