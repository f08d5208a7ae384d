"""`manage.py bench` (`make bench`): the scale benchmark (issue 9), printed as ONE JSON object.

Runs in its own database (``township_bench`` on the application's server): the command makes
sure it exists, then runs itself again pointed at it (and at its own Redis db and cache prefix),
migrates, seeds the large demo with three years of history if that is not there yet, and
measures.  Progress goes to stderr; stdout carries the JSON only.  See docs/performance.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from township.bench.env import BENCH_DB, MARKER, bench_environ, database_name, ensure_database

ALL = ("appraisal", "pages", "import", "compute_day", "crosschecks", "memory", "hostile", "web")


class Command(BaseCommand):
    help = "Benchmark at scale in a separate database; prints one JSON object (docs/performance.md)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=BENCH_DB, help="name of the bench database")
        parser.add_argument("--reseed", action="store_true", help="drop the bench database and seed again")
        parser.add_argument("--size", choices=["normal", "large"], default="large")
        parser.add_argument("--years", type=int, default=3, help="years of history in the big tables")
        parser.add_argument("--only", default="", help=f"comma-separated measures among {', '.join(ALL)}")
        parser.add_argument("--import-rows", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=3, help="alternations of each work and its floor")
        parser.add_argument("--page-requests", type=int, default=20)
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--web-seconds", type=float, default=20)
        parser.add_argument("--think", type=float, default=5.0, help="seconds a web user waits between pages")
        parser.add_argument("--output", help="also write the JSON report to this file")
        parser.add_argument("--here", action="store_true", help="measure the current database (tests)")
        parser.add_argument("--probe", help=argparse_hidden())
        parser.add_argument("--file", help=argparse_hidden())

    def handle(self, *args, **opts):
        if opts["probe"]:
            from township.bench.measures import probe

            self.stdout.write(json.dumps(probe(opts["probe"], file=opts["file"])))
            return
        if not opts["here"] and os.environ.get(MARKER) != opts["database"]:
            return self.relaunch(opts)
        report = self.measure(opts)
        text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
        if opts["output"]:
            Path(opts["output"]).write_text(text + "\n", encoding="utf-8")
        self.stdout.write(text)

    # --- step 1: the bench database and a second process pointed at it -------------------------

    def relaunch(self, opts):
        url = os.environ.get("DATABASE_URL", "")
        if not url:
            raise CommandError("DATABASE_URL is not set (run through `make bench`).")
        name = opts["database"]
        if database_name(url) == name:
            raise CommandError("The bench must not run in the application's database.")
        created = ensure_database(url, name, recreate=opts["reseed"])
        self.log(f"bench database {name} {'created' if created else 'reused'}")
        argv = [a for a in sys.argv[1:] if a != "--reseed"]
        proc = subprocess.run(
            [sys.executable, sys.argv[0], *argv], env=bench_environ(name=name), cwd=Path.cwd(), check=False
        )
        if proc.returncode:
            raise CommandError(f"the bench run failed (exit {proc.returncode})")

    # --- step 2: in the bench database ---------------------------------------------------------

    def log(self, text: str) -> None:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def measure(self, opts) -> dict:
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from township.bench import measures
        from township.bench.seed import ensure_seed

        started = time.perf_counter()
        only = [m.strip() for m in opts["only"].split(",") if m.strip()] or list(ALL)
        unknown = set(only) - set(ALL)
        if unknown:
            raise CommandError(f"unknown measures: {', '.join(sorted(unknown))}")
        report: dict = {
            "database": connection.settings_dict["NAME"],
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        }
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            report["machine"]["postgresql"] = cur.fetchone()[0]
        if not opts["here"]:
            t0 = time.perf_counter()
            call_command("migrate", interactive=False, verbosity=0)
            report["migrate_seconds"] = round(time.perf_counter() - t0, 1)
            try:
                state = ensure_seed(size=opts["size"], years=opts["years"], log=self.log)
            except RuntimeError as exc:
                raise CommandError(str(exc)) from None
            report["seed"] = state
        report["rows"] = _row_counts()
        steps = {
            "appraisal": lambda: measures.measure_appraisal(runs=opts["runs"]),
            "pages": lambda: measures.measure_pages(requests=opts["page_requests"]),
            "import": lambda: measures.measure_import(
                rows=opts["import_rows"], runs=opts["runs"], workdir=measures.workdir()
            ),
            "compute_day": measures.measure_compute_day,
            "crosschecks": measures.measure_crosschecks,
            "memory": lambda: measures.measure_memory(
                import_file=str(measures.workdir() / "punches-100k.csv")
                if (measures.workdir() / "punches-100k.csv").exists()
                else None
            ),
            "hostile": lambda: measures.measure_hostile(workdir=measures.workdir()),
            "web": lambda: _web(opts),
        }
        results = {}
        for name in ALL:
            if name not in only:
                continue
            self.log(f"measuring {name} ...")
            t0 = time.perf_counter()
            try:
                results[name] = steps[name]()
            except Exception as exc:  # noqa: BLE001 - one broken measure must not lose the others
                results[name] = {"error": f"{exc.__class__.__name__}: {exc}"}
                self.log(traceback.format_exc())
            results[name]["measure_seconds"] = round(time.perf_counter() - t0, 1)
        report["measures"] = results
        report["summary"] = _summary(results)
        report["total_seconds"] = round(time.perf_counter() - started, 1)
        report["debug"] = settings.DEBUG
        return report


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


def _web(opts) -> dict:
    from township.bench.measures import _largest_township
    from township.bench.web import measure_web

    return measure_web(
        township=_largest_township(), users=opts["users"], seconds=opts["web_seconds"], think=opts["think"]
    )


def _row_counts() -> dict:
    from django.apps import apps
    from django.db import connection

    wanted = [
        "township.User",
        "township.Finding",
        "conduct.Punch",
        "conduct.AttendanceDay",
        "conduct.WorkLog",
        "fieldwork.VillageVisit",
        "petitions.PetitionCase",
        "meetings.Meeting",
    ]
    out = {}
    with connection.cursor() as cur:
        for label in wanted:
            try:
                table = apps.get_model(label)._meta.db_table
            except LookupError:
                continue
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a model's table name
            out[label] = cur.fetchone()[0]
    return out


def _summary(results: dict) -> dict:
    """Each goal of the issue and whether this run met it."""
    out = {}
    a = results.get("appraisal", {})
    if "ratio" in a:
        out["appraisal_ratio<=2"] = a["ratio"] is not None and a["ratio"] <= 2
    i = results.get("import", {})
    if "ratio" in i:
        out["import_ratio<=2"] = i["ratio"] is not None and i["ratio"] <= 2
    for name, page in (results.get("pages", {}).get("pages") or {}).items():
        out[f"page_{name}_p95<=150ms_and_queries_fixed"] = page.get("meets_goal", False)
    c = results.get("compute_day", {})
    if "meets_goal" in c:
        out["compute_day<1s"] = c["meets_goal"]
    x = results.get("crosschecks", {})
    for key, goal in (("nightly", "2s"), ("year", "60s")):
        if key in x:
            out[f"crosschecks_{key}<={goal}"] = x[key]["meets_goal"]
    m = results.get("memory", {})
    for key in ("appraisal_worker", "crosschecks_year", "import_100k"):
        if key in m:
            out[f"memory_{key}"] = m[key].get("meets_goal", False)
    for kind, result in (results.get("hostile") or {}).items():
        if isinstance(result, dict) and "meets_goal" in result:
            out[f"hostile_{kind}_refused<2s_and<200MB"] = result["meets_goal"]
    w = results.get("web", {})
    if "errors" in w:
        out["web_no_errors"] = w["errors"] == 0
    return out
