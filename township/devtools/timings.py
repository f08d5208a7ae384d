"""`make timings` (issue 15): how long the everyday commands take on this machine.

Measured in child processes, as a user meets them, on a database of its own (``township_timings``
on the same server, dropped first), and written to ``.data/timings.json``:

- ``migrate``: ``manage.py migrate`` on an empty database;
- ``seed_demo``: the demo county (``make run``'s seed);
- ``first_page``: from an empty database to the sign-in page answering 200 through a started web
  server (migrate + translations + seed + server start: what ``make run`` makes a newcomer wait);
- ``suite`` (``--suite``): ``make test``, wall time;
- ``bench_seed`` (``--bench``): ``manage.py bench --reseed --only appraisal``.

Goals (docs/performance.md): migrate <= 15 s, first page <= 180 s, suite <= 600 s, bench seed <= 600 s.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from township.bench.env import ensure_database, with_database, with_redis_db

ROOT = Path(__file__).resolve().parents[2]
DB = "township_timings"
GOALS = {"migrate": 15, "first_page": 180, "suite": 600, "bench_seed": 600}


def _manage(env: dict, *args: str) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.monotonic() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_until_answered(env: dict, timeout: float = 120) -> float:
    port = _free_port()
    started = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "township.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.monotonic() - started < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
                    if r.status == 200:
                        return time.monotonic() - started
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the web server did not answer within {timeout:.0f} s")
    finally:
        server.terminate()
        server.wait(10)


def measure(suite: bool = False, bench: bool = False) -> dict:
    base = dict(os.environ)
    env = dict(base)
    env["DATABASE_URL"] = with_database(base["DATABASE_URL"], DB)
    env["REDIS_URL"] = with_redis_db(base["REDIS_URL"], "14")
    env["CACHE_KEY_PREFIX"] = "timings"
    env["DJANGO_DEBUG"] = "1"
    out: dict = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "load_before": os.getloadavg()[0]}

    ensure_database(base["DATABASE_URL"], DB, recreate=True)
    out["migrate"] = _manage(env, "migrate", "--noinput")
    print(f"migrate {out['migrate']:.1f} s", flush=True)
    translations = _manage(env, "compile_translations", "--skip-checks")
    out["seed_demo"] = _manage(env, "seed_demo")
    print(f"seed_demo {out['seed_demo']:.1f} s", flush=True)
    server = _serve_until_answered(env)
    out["first_page"] = out["migrate"] + translations + out["seed_demo"] + server
    print(f"first page {out['first_page']:.1f} s (server up in {server:.1f} s)", flush=True)
    ensure_database(base["DATABASE_URL"], DB, recreate=True)  # leave no second demo behind

    if suite:
        started = time.monotonic()
        subprocess.run(["make", "test"], cwd=ROOT, env=base, check=False)  # as a user runs it
        out["suite"] = time.monotonic() - started
        print(f"suite {out['suite']:.1f} s", flush=True)
    if bench:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "manage.py", "bench", "--reseed", "--only", "appraisal"],
            cwd=ROOT,
            env=base,
            check=True,
        )
        out["bench_seed"] = time.monotonic() - started
        print(f"bench seed {out['bench_seed']:.1f} s", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    parser.add_argument("--bench", action="store_true", help="also time `bench --reseed`")
    parser.add_argument("--output", default=str(ROOT / ".data" / "timings.json"))
    opts = parser.parse_args(argv)
    result = measure(suite=opts.suite, bench=opts.bench)
    Path(opts.output).parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(Path(opts.output).read_text()) if Path(opts.output).exists() else {}
    previous.update({k: v for k, v in result.items() if k != "goals"})
    previous["goals"] = {
        k: {"seconds": GOALS[k], "met": previous[k] <= GOALS[k]} for k in GOALS if k in previous
    }
    Path(opts.output).write_text(json.dumps(previous, indent=2) + "\n")
    print(json.dumps(previous["goals"], indent=2))
    return 0 if all(g["met"] for g in previous["goals"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
