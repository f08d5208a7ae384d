"""The web measure: gunicorn on loopback with the bench database, and a small asyncio load
generator (no extra dependency) playing N signed-in users over a mix of the main pages, against
a trivial view on the same server (township.bench.urls).

Each user is a demo person of the big township with a session made directly in the database (so
no password hashing and no login throttling get in the way), and a persona: leaders read the
heavy overview pages, heads their department's, staff their own.  A user requests a page, waits
``think`` seconds, and again, until the phase's time is up (closed loop).  A request that fails,
times out or answers anything but 200 counts as an error.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from township.models import Role, User

from .env import child_environ
from .measures import ms, percentile

ROOT = Path(__file__).resolve().parent.parent.parent

PERSONAS = {
    "leader": [
        "/",
        "/conduct/sheet/",
        "/conduct/summary/",
        "/fieldwork/quota/",
        "/petitions/statistics/",
        "/petitions/",
        "/supervision/",
        "/meetings/calendar/",
        "/approvals/",
        "/findings/",
    ],
    "head": [
        "/",
        "/conduct/sheet/",
        "/conduct/summary/",
        "/conduct/logs/",
        "/approvals/",
        "/fieldwork/quota/",
    ],
    "staff": [
        "/",
        "/conduct/",
        "/conduct/leave/",
        "/conduct/logs/",
        "/fieldwork/",
        "/fieldwork/visits/",
        "/meetings/",
    ],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(*, workers: int, threads: int, log: Path):
    """A gunicorn of the application (with the bench's trivial view) on a free loopback port."""
    port = free_port()
    env = child_environ()
    env["DJANGO_SETTINGS_MODULE"] = "township.bench.settings"
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "township.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--timeout",
        "60",
        "--backlog",
        "512",
        "--error-logfile",
        str(log),
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/bench/trivial", timeout=5) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start (see {log})")
            time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["last_seen"] = int(time.time())
    store.save()
    return store.session_key


def personas(township, n: int) -> list[tuple[str, str, list[str]]]:
    """(persona, session cookie, pages) for ``n`` users of the township."""
    people = User.objects.filter(township=township, is_active=True).order_by("pk")
    leaders = list(
        people.filter(
            groups__name__in=[Role.PRINCIPAL_LEADER, Role.INSPECTOR, Role.LEADER_IN_CHARGE]
        ).distinct()
    )
    heads = list(people.filter(groups__name=Role.DEPARTMENT_HEAD).distinct())
    taken = {u.pk for u in leaders + heads}
    staff = [u for u in people if u.pk not in taken]
    plan = []
    for i in range(n):
        if i % 5 == 0 and leaders:
            kind, pool = "leader", leaders
        elif i % 5 == 1 and heads:
            kind, pool = "head", heads
        else:
            kind, pool = "staff", staff
        user = pool[(i // 5) % len(pool)] if kind != "staff" else pool[i % len(pool)]
        roles = tuple(sorted(user.groups.values_list("name", flat=True)))
        plan.append((f"{kind}:{'+'.join(roles)}", _session_for(user), PERSONAS[kind]))
    return plan


def allowed_pages(port: int, plan) -> tuple[list, dict]:
    """Each persona's pages that its role may open (one request per page and role set): a page a
    role is refused (403/404, by design) leaves the mix; a server error stays in and counts."""
    checked: dict[str, list[str]] = {}
    refused: dict[str, int] = {}

    async def check(kind, cookie, pages):
        keep = []
        for path in pages:
            status, _took = await _get(port, path, cookie, 30)
            if status in (403, 404):
                refused[f"{kind} {path}"] = status
            else:
                keep.append(path)
        checked[kind] = keep

    async def run():
        seen = {}
        for kind, cookie, pages in plan:
            seen.setdefault(kind, (kind, cookie, pages))
        await asyncio.gather(*(check(*v) for v in seen.values()))

    asyncio.run(run())
    return [(k, c, checked.get(k) or p) for k, c, p in plan], refused


async def _get(port: int, path: str, cookie: str, timeout: float) -> tuple[int, float]:
    t0 = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: zh-hans\r\n"
            f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}\r\nConnection: close\r\n\r\n"
        )
        writer.write(request.encode())
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout)
        while await asyncio.wait_for(reader.read(65536), timeout):
            pass
        writer.close()
        status = int(status_line.split()[1]) if status_line else 0
    except (OSError, TimeoutError, ValueError, IndexError):
        status = 0
    return status, time.perf_counter() - t0


async def _phase(port, users, *, seconds: float, think: float, timeout: float, trivial: bool):
    deadline = time.monotonic() + seconds
    samples: list[float] = []
    errors: dict[str, int] = {}
    by_path: dict[str, list[float]] = {}

    async def user(kind, cookie, pages, rng):
        await asyncio.sleep(rng.random() * max(think, 0.2))  # users do not all start at once
        while time.monotonic() < deadline:
            path = "/bench/trivial" if trivial else rng.choice(pages)
            status, took = await _get(port, path, cookie, timeout)
            if status == 200:
                samples.append(took)
                by_path.setdefault(path, []).append(took)
            else:
                errors[f"{status} {path}"] = errors.get(f"{status} {path}", 0) + 1
            if think:
                await asyncio.sleep(think * (0.5 + rng.random()))

    t0 = time.monotonic()
    await asyncio.gather(*(user(k, c, p, random.Random(i)) for i, (k, c, p) in enumerate(users)))
    elapsed = time.monotonic() - t0
    return {
        "requests": len(samples) + sum(errors.values()),
        "errors": sum(errors.values()),
        "error_kinds": dict(sorted(errors.items(), key=lambda kv: -kv[1])[:8]),
        "throughput_rps": round((len(samples) + sum(errors.values())) / elapsed, 1),
        "p50_ms": ms(statistics.median(samples)) if samples else None,
        "p95_ms": ms(percentile(samples, 0.95)) if samples else None,
        "max_ms": ms(max(samples)) if samples else None,
        "slowest_pages_p95_ms": dict(
            sorted(
                ((p, ms(percentile(v, 0.95))) for p, v in by_path.items() if not trivial),
                key=lambda kv: -kv[1],
            )[:5]
        ),
    }


def measure_web(
    *, township, users: int = 50, seconds: float = 20, think: float = 5.0, workers: int = 0, threads: int = 4
) -> dict:
    workers = workers or max(2, (os.cpu_count() or 2) + 1)
    log = Path(settings.BASE_DIR) / ".data" / "bench-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    plan = personas(township, users)
    out = {
        "server": f"gunicorn {workers} workers x {threads} threads on 127.0.0.1",
        "users": users,
        "think_seconds": think,
        "seconds_per_phase": seconds,
    }
    with gunicorn(workers=workers, threads=threads, log=log) as port:
        # one pass over every page first: warms the workers and keeps each role's own pages
        plan, out["refused_by_role"] = allowed_pages(port, plan)
        out["mix"] = asyncio.run(_phase(port, plan, seconds=seconds, think=think, timeout=30, trivial=False))
        out["trivial"] = asyncio.run(
            _phase(port, plan, seconds=seconds / 2, think=think, timeout=30, trivial=True)
        )
        out["mix_saturated"] = asyncio.run(
            _phase(port, plan, seconds=seconds / 2, think=0, timeout=30, trivial=False)
        )
        out["trivial_saturated"] = asyncio.run(
            _phase(port, plan, seconds=seconds / 2, think=0, timeout=30, trivial=True)
        )
    mix, triv = out["mix"], out["trivial"]
    if mix["p50_ms"] and triv["p50_ms"]:
        out["ratio_p50"] = round(mix["p50_ms"] / triv["p50_ms"], 1)
        out["ratio_p95"] = round(mix["p95_ms"] / triv["p95_ms"], 1)
    if out["trivial_saturated"]["throughput_rps"]:
        out["throughput_ratio"] = round(
            out["trivial_saturated"]["throughput_rps"] / max(out["mix_saturated"]["throughput_rps"], 0.1), 1
        )
    out["errors"] = mix["errors"] + out["mix_saturated"]["errors"]
    return out
