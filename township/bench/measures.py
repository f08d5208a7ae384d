"""Each measure of the benchmark with its floor, measured in the same run.

Every function returns a dict ready for the JSON report.  Measures alternate the work and its
floor a few times and report medians, so that a neighbour's burst of CPU on a shared machine
hits both sides alike.  Work that would change the bench data (an import, a day's statuses) runs
inside a transaction that is rolled back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from township.models import Role, Township, User

ROOT = Path(__file__).resolve().parent.parent.parent


class Rollback(Exception):  # noqa: N818 - a control-flow signal, not an error
    pass


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def rolled_back(func: Callable[[], object]):
    """Run ``func`` in a transaction that is always rolled back; returns (result, seconds)."""
    box = {}
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            box["result"] = func()
            box["seconds"] = time.perf_counter() - t0
            raise Rollback
    except Rollback:
        pass
    return box["result"], box["seconds"]


def _largest_township() -> Township:
    from django.db.models import Count

    return Township.objects.annotate(n=Count("user")).order_by("-n", "pk").first()


def smallest_township() -> Township:
    from django.db.models import Count

    return Township.objects.annotate(n=Count("user")).order_by("n", "pk").first()


def user_with(township, *roles) -> User | None:
    qs = User.objects.filter(township=township, is_active=True)
    for role in roles:
        found = qs.filter(groups__name=role).order_by("pk").first()
        if found:
            return found
    return None


def last_full_quarter(today: dt.date) -> tuple[int, int]:
    q = (today.month - 1) // 3 + 1
    return (today.year, q - 1) if q > 1 else (today.year - 1, 4)


# --- the quarterly appraisal vs one SQL aggregate ----------------------------------------------


def _installed(label: str) -> str | None:
    try:
        return apps.get_model(label)._meta.db_table
    except LookupError:
        return None


def appraisal_sql(*, township_id: int, start: dt.date, end: dt.date, today: dt.date):
    """The appraisal's raw figures per person in ONE hand-written statement (the floor): daily
    statuses, work logs, village days, research, pairings, petitions, findings and violations.
    Returns (sql, params); parts of apps that are not installed are left out."""
    p = {"t": township_id, "s": start, "e": end, "ys": dt.date(end.year, 1, 1), "y": end.year, "today": today}
    # People who joined after the period are not appraised; who joined during it counts
    # attendance and logs from the joining day (township/appraisal.py's docstring).
    ctes = [
        "people AS (SELECT id, department_id, greatest(%(s)s, coalesce(joined_on, %(s)s)) AS since "
        "FROM township_user WHERE township_id = %(t)s AND is_active "
        "AND (joined_on IS NULL OR joined_on <= %(e)s))"
    ]
    cols = ["people.id", "people.department_id"]
    joins = []

    def part(name, body, columns, key="person_id"):
        ctes.append(f"{name} AS ({body})")
        cols.extend(f"{name}.{c}" for c in columns)
        joins.append(f"LEFT JOIN {name} ON {name}.{key} = people.id")

    if t := _installed("conduct.AttendanceDay"):
        part(
            "att",
            f"SELECT person_id, count(*) FILTER (WHERE status IN ('present','late','early','late_early')) AS present, "
            "count(*) FILTER (WHERE status IN ('late','late_early')) AS late, "
            "count(*) FILTER (WHERE status IN ('early','late_early')) AS early, "
            "count(*) FILTER (WHERE status = 'absent') AS absent, sum(leave_days) AS leave_days "
            f"FROM {t} JOIN people ON people.id = person_id "
            "WHERE township_id = %(t)s AND date BETWEEN people.since AND %(e)s GROUP BY person_id",
            ["present", "late", "early", "absent", "leave_days"],
        )
    if t := _installed("conduct.WorkLog"):
        part(
            "logs",
            f"SELECT person_id, count(*) AS logs FROM {t} JOIN people ON people.id = person_id "
            "WHERE township_id = %(t)s AND date BETWEEN people.since AND %(e)s GROUP BY person_id",
            ["logs"],
        )
    if t := _installed("fieldwork.VillageVisit"):
        part(
            "visits",
            f"SELECT person_id, sum(days) AS village_days FROM {t} "
            "WHERE township_id = %(t)s AND date BETWEEN %(ys)s AND %(e)s GROUP BY person_id",
            ["village_days"],
        )
        part(
            "topics",
            f"SELECT person_id, count(*) AS topics FROM {_installed('fieldwork.ResearchTopic')} "
            "WHERE township_id = %(t)s AND year = %(y)s AND is_key GROUP BY person_id",
            ["topics"],
        )
        part(
            "reports",
            f"SELECT person_id, count(*) AS reports FROM {_installed('fieldwork.ResearchReport')} "
            "WHERE township_id = %(t)s AND year = %(y)s AND status IN ('submitted', 'accepted') GROUP BY person_id",
            ["reports"],
        )
        part(
            "pairs",
            f"SELECT cadre_id, count(DISTINCT household_id) AS pairings FROM {_installed('fieldwork.Pairing')} "
            "WHERE township_id = %(t)s AND year = %(y)s GROUP BY cadre_id",
            ["pairings"],
            key="cadre_id",
        )
    if t := _installed("petitions.PetitionCase"):
        part(
            "pet",
            "SELECT responsible_leader_id, "
            "count(*) FILTER (WHERE replied_on IS NOT NULL AND replied_on <= reply_due) AS on_time, "
            "count(*) FILTER (WHERE replied_on > reply_due OR (status IN "
            "('registered','accepted','in_progress','review_requested') AND next_due < %(today)s)) AS overdue "
            f"FROM {t} WHERE township_id = %(t)s AND registered_on BETWEEN %(s)s AND %(e)s "
            "GROUP BY responsible_leader_id",
            ["on_time", "overdue"],
            key="responsible_leader_id",
        )
    ctes.append(
        "fnd AS (SELECT person_id, department_id, rule_id, on_date, count(*) AS n FROM township_finding "
        "WHERE township_id = %(t)s AND on_date BETWEEN %(s)s AND %(e)s AND status <> 'dismissed' "
        "GROUP BY person_id, department_id, rule_id, on_date)"
    )
    part(
        "pf",
        "SELECT person_id, jsonb_object_agg(rule_id, n) AS findings FROM "
        "(SELECT person_id, rule_id, sum(n) AS n FROM fnd WHERE person_id IS NOT NULL GROUP BY 1, 2) x "
        "GROUP BY person_id",
        ["findings"],
    )
    # A unit's findings count for its people from the day they joined.
    part(
        "df",
        "SELECT person_id, jsonb_object_agg(rule_id, n) AS department_findings FROM "
        "(SELECT people.id AS person_id, fnd.rule_id, sum(fnd.n) AS n FROM fnd "
        "JOIN people ON people.department_id = fnd.department_id "
        "WHERE fnd.person_id IS NULL AND fnd.on_date >= people.since GROUP BY 1, 2) x GROUP BY person_id",
        ["department_findings"],
    )
    part(
        "vio",
        "SELECT person_id, count(*) AS violations FROM township_violation WHERE township_id = %(t)s "
        "AND on_date BETWEEN %(s)s AND %(e)s AND person_id IS NOT NULL AND handling <> 'none' GROUP BY person_id",
        ["violations"],
    )
    query = f"WITH {', '.join(ctes)} SELECT {', '.join(cols)} FROM people {' '.join(joins)}"
    return query, p


def _run_sql(query, params) -> list[dict]:
    with connection.cursor() as cur:
        cur.execute(query, params)
        names = [c.name for c in cur.description]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    for row in rows:  # Django leaves jsonb as text
        for key in ("findings", "department_findings"):
            if isinstance(row.get(key), str):
                row[key] = json.loads(row[key])
    return rows


# The floor's columns and where the appraisal keeps the same figure (group, name).
FIGURES = {
    "present": ("attendance", "present"),
    "late": ("attendance", "late"),
    "early": ("attendance", "early"),
    "absent": ("attendance", "absent"),
    "leave_days": ("attendance", "leave_days"),
    "logs": ("attendance", "logs"),
    "village_days": ("fieldwork", "village_days"),
    "reports": ("fieldwork", "reports"),
    "topics": ("fieldwork", "topics"),
    "pairings": ("fieldwork", "pairings"),
    "on_time": ("petitions", "on_time"),
    "overdue": ("petitions", "overdue"),
}


def _floor_figures(row: dict) -> dict:
    out = {k: Decimal(str(row[k] or 0)) for k in FIGURES if k in row}
    out["department_id"] = row.get("department_id")
    out["findings"] = {r: n for r, n in (row.get("findings") or {}).items() if n}
    out["department_findings"] = {r: n for r, n in (row.get("department_findings") or {}).items() if n}
    out["violations"] = Decimal(row.get("violations") or 0)
    return out


def _app_figures(fig: dict, keys) -> dict:
    out = {k: Decimal(str((fig.get(FIGURES[k][0]) or {}).get(FIGURES[k][1]) or 0)) for k in keys}
    out["department_id"] = fig.get("department_id")
    out["findings"] = {r: n for r, n in (fig.get("findings") or {}).items() if n}
    out["department_findings"] = {r: n for r, n in (fig.get("department_findings") or {}).items() if n}
    out["violations"] = Decimal(fig.get("violations") or 0)
    return out


def _compare_figures(app: dict[int, dict], rows: list[dict]) -> list[str]:
    """Every figure of every person, the app's against the SQL floor's (not totals: two people's
    figures swapped must show).  Returns one line per difference; [] when they agree."""
    out = []
    floor = {row["id"]: row for row in rows}
    for pk in sorted(set(app) ^ set(floor)):
        out.append(f"person {pk}: {'only in the app' if pk in app else 'only in the floor'}")
    for pk in sorted(set(app) & set(floor)):
        want = _floor_figures(floor[pk])
        got = _app_figures(app[pk], [k for k in FIGURES if k in want])
        out.extend(f"person {pk} {k}: app {got[k]} vs sql {want[k]}" for k in want if got[k] != want[k])
    return out


def _empty_figures(rows: list[dict]) -> list[str]:
    """The figures no person has (0 for everyone): a world that leaves a table empty cannot show
    the app and the floor disagree on it."""
    keys = [k for k in FIGURES if rows and k in rows[0]] + ["findings", "department_findings", "violations"]
    return [k for k in keys if not any(row.get(k) for row in rows)]


def measure_appraisal(*, runs: int = 3) -> dict:
    from township.appraisal import (
        appraisal_compute,
        compute_figures,
        indicators_for,
        period_bounds,
        score_person,
    )

    township = _largest_township()
    today = timezone.localdate()
    year, number = last_full_quarter(today)
    start, end = period_bounds("quarter", year, number)
    query, params = appraisal_sql(township_id=township.pk, start=start, end=end, today=today)
    app_times, sql_times = [], []
    with CaptureQueriesContext(connection) as ctx:
        appraisal_compute(township_id=township.pk, year=year, number=number)
    n_queries = len(ctx)
    rows = _run_sql(query, params)  # warm the floor's pages too
    for _ in range(runs):
        t0 = time.perf_counter()
        appraisal_compute(township_id=township.pk, year=year, number=number)
        app_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        rows = _run_sql(query, params)
        sql_times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    figures = compute_figures(township=township, start=start, end=end)
    figures_time = time.perf_counter() - t0
    indicators = indicators_for(county_id=township.county_id, year=year)
    t0 = time.perf_counter()
    for row in figures.values():
        score_person(row, indicators)
    scoring_time = time.perf_counter() - t0
    mismatches = _compare_figures(figures, rows)
    empty = _empty_figures(rows)
    app, floor = statistics.median(app_times), statistics.median(sql_times)
    return {
        "what": f"appraisal_compute, {township.code} {year} Q{number}, {len(rows)} people",
        "time_ms": ms(app),
        "floor_ms": ms(floor),
        "floor": "one hand-written SQL aggregate of the same figures (township/bench/measures.py appraisal_sql)",
        "ratio": round(app / floor, 2) if floor else None,
        "goal_ratio": 2.0,
        "parts_ms": {
            "figures": ms(figures_time),
            "scoring": ms(scoring_time),
            "report_write_and_ranks": ms(max(0.0, app - figures_time - scoring_time)),
        },
        "queries": n_queries,
        "floor_queries": 1,
        "figures_match": not mismatches,
        "figures_compared": "every figure of every person (township/bench/measures.py _compare_figures)",
        "mismatches": mismatches[:50],
        "mismatch_count": len(mismatches),
        "empty_figures": empty,
        "runs": runs,
    }


# --- pages, server side -------------------------------------------------------------------------


def _pages(township) -> list[tuple[str, str, User | None]]:
    from django.db.models import Count, Q

    from township.models import Department

    principal = user_with(township, Role.PRINCIPAL_LEADER)
    inspector = user_with(township, Role.INSPECTOR)
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    biggest = (
        Department.objects.filter(township=township)
        .annotate(n=Count("members", filter=Q(members__is_active=True)))
        .order_by("-n", "pk")
        .first()
    )
    pages = []
    if apps.is_installed("conduct"):
        pages.append(
            (
                "department_sheet",
                f"/conduct/sheet/?department={biggest.pk if biggest else ''}&month={last_month}",
                principal,
            )
        )
    if apps.is_installed("fieldwork"):
        pages.append(("fieldwork_quota", "/fieldwork/quota/", principal))
    if apps.is_installed("petitions"):
        pages.append(("petition_statistics", "/petitions/statistics/", principal))
    pages.append(("supervision_dashboard", "/supervision/", inspector))
    return pages


def measure_pages(*, requests: int = 20) -> dict:
    """Server-side time (Django test Client, whole middleware stack) and query counts of the
    heavy pages in the big township, and their query counts in the smallest one."""
    from django.conf import settings
    from django.test import Client

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    big, small = _largest_township(), smallest_township()
    small_pages = {name: (url, user) for name, url, user in _pages(small)}
    out = {}
    for name, url, user in _pages(big):
        entry: dict = {"url": url}
        if user is None:
            out[name] = {"error": "no user with the role"}
            continue
        client = Client()
        client.force_login(user)
        first = client.get(url)
        entry["status"] = first.status_code
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        entry["queries"] = len(ctx)
        times = []
        for _ in range(requests):
            t0 = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - t0)
        entry.update(
            p50_ms=ms(statistics.median(times)),
            p95_ms=ms(percentile(times, 0.95)),
            max_ms=ms(max(times)),
            requests=requests,
            bytes=len(first.content),
        )
        s_url, s_user = small_pages.get(name, (None, None))
        if s_user is not None:
            c2 = Client()
            c2.force_login(s_user)
            c2.get(s_url)
            with CaptureQueriesContext(connection) as ctx:
                r = c2.get(s_url)
            entry["queries_small_township"] = len(ctx)
            entry["small_status"] = r.status_code
            entry["queries_independent_of_size"] = entry["queries_small_township"] == entry["queries"]
        entry["goal_p95_ms"] = 150
        entry["meets_goal"] = entry["p95_ms"] <= 150 and entry.get("queries_independent_of_size", True)
        out[name] = entry
    return {"people": {"big": big.user_set.count(), "small": small.user_set.count()}, "pages": out}


# --- 100k punches: the importer vs COPY ----------------------------------------------------------

PUNCH_COLUMNS = "township_id, person_id, at, source, device, outside_radius, created_at"


def write_punch_file(path: Path, *, township, rows: int, first_day: dt.date) -> tuple[dt.date, str]:
    """A machine file of ``rows`` punches (in and out, every working day from ``first_day``) and
    the same rows in COPY text format for the floor."""
    rng = random.Random(9)
    people = list(
        User.objects.filter(township=township, is_active=True).order_by("pk").values_list("pk", "employee_no")
    )
    lines, copy_lines, n, day = ["工号,打卡时间,设备"], [], 0, first_day
    while n < rows:
        if day.weekday() < 5:
            for pk, emp in people:
                for hour, lo, hi in ((8, 0, 59), (18, 31, 59)):
                    if n >= rows:
                        break
                    stamp = f"{day} {hour:02d}:{rng.randint(lo, hi):02d}:{rng.randint(0, 59):02d}"
                    lines.append(f"{emp},{stamp},M{pk % 3 + 1}")
                    copy_lines.append(f"{township.pk}\t{pk}\t{stamp}+08\tdevice\tM{pk % 3 + 1}\tf\tnow\n")
                    n += 1
        day += dt.timedelta(days=1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return day, "".join(copy_lines)


def _copy_floor(copy_text: str, *, with_foreign_keys: bool) -> float:
    """COPY of the same rows into a scratch table shaped like conduct_punch (same columns,
    defaults, indexes and checks; optionally the same foreign keys), rolled back."""
    from conduct.models import Punch

    table = Punch._meta.db_table
    data = copy_text.encode()

    def work():
        with connection.cursor() as cur:
            cur.execute(f"CREATE TABLE bench_punch_scratch (LIKE {table} INCLUDING ALL)")
            if with_foreign_keys:
                cur.execute(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                    "AND contype = 'f'",
                    [table],
                )
                for (definition,) in cur.fetchall():
                    cur.execute(f"ALTER TABLE bench_punch_scratch ADD {definition}")
            t0 = time.perf_counter()
            with cur.copy(f"COPY bench_punch_scratch ({PUNCH_COLUMNS}) FROM STDIN") as copy:
                for i in range(0, len(data), 1 << 16):
                    copy.write(data[i : i + (1 << 16)])
            return time.perf_counter() - t0

    seconds, _total = rolled_back(work)
    return seconds


def _import_once(path: Path, clerk) -> tuple[float, object]:
    from conduct.services import punch_file_open, punch_import

    def work():
        source = punch_file_open(path)
        try:
            return punch_import(actor=clerk, dataset=source, dry_run=False)
        finally:
            source.close()

    outcome, seconds = rolled_back(work)
    return seconds, outcome


def measure_import(*, rows: int = 100_000, runs: int = 3, workdir: Path) -> dict:
    if not apps.is_installed("conduct"):
        return {"skipped": "conduct is not installed"}
    township = _largest_township()
    clerk = user_with(township, Role.OFFICE_CLERK, Role.ADMINISTRATOR)
    first = timezone.localdate() - dt.timedelta(days=365 * 6)  # before the seeded history: all new
    path = workdir / "punches-100k.csv"
    _last, copy_text = write_punch_file(path, township=township, rows=rows, first_day=first)
    imports, floors, floors_fk = [], [], []
    outcome = None
    for _ in range(runs):
        seconds, outcome = _import_once(path, clerk)
        imports.append(seconds)
        floors.append(_copy_floor(copy_text, with_foreign_keys=False))
        floors_fk.append(_copy_floor(copy_text, with_foreign_keys=True))
    t, f, ffk = statistics.median(imports), statistics.median(floors), statistics.median(floors_fk)
    return {
        "what": f"conduct punch_import of a {path.stat().st_size // 1024} KiB CSV file, {rows} rows, all new",
        "time_ms": ms(t),
        "floor_ms": ms(f),
        "floor": "COPY of the same rows into a scratch table LIKE conduct_punch INCLUDING ALL",
        "ratio": round(t / f, 2) if f else None,
        "floor_with_foreign_keys_ms": ms(ffk),
        "ratio_to_floor_with_foreign_keys": round(t / ffk, 2) if ffk else None,
        "goal_ratio": 2.0,
        "rows_per_second": round(rows / t) if t else None,
        "new": getattr(outcome, "new", None),
        "errors": len(getattr(outcome, "errors", []) or []),
        "runs": runs,
        "file": str(path),
    }


# --- one day's statuses ----------------------------------------------------------------------------


def measure_compute_day() -> dict:
    if not apps.is_installed("conduct"):
        return {"skipped": "conduct is not installed"}
    from conduct.models import AttendanceDay
    from conduct.services import attendance_compute_day
    from township.models import Finding
    from township.workcalendar import working_days

    township = _largest_township()
    today = timezone.localdate()
    recent = working_days(today - dt.timedelta(days=14), today - dt.timedelta(days=1), township=township)
    day = recent[-1]
    people = User.objects.filter(township=township, is_active=True).count()
    out: dict = {"people": people}

    def first_time():
        AttendanceDay.objects.filter(township=township, date=day).delete()
        Finding.objects.filter(
            township=township, on_date=day, rule_id__in=["R-ATT-2", "R-ATT-3", "R-LV-5"]
        ).delete()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            counts = attendance_compute_day(township_id=township.pk, day=day)
            seconds = time.perf_counter() - t0
        return seconds, len(ctx), counts

    (seconds, queries, counts), _ = rolled_back(first_time)
    flagged = sum(v for k, v in counts.items() if k in ("late", "early", "late_early", "absent"))
    out["nightly"] = {"day": day.isoformat(), "time_ms": ms(seconds), "queries": queries, "flagged": flagged}
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        attendance_compute_day(township_id=township.pk, day=day)
        seconds = time.perf_counter() - t0
    out["recompute"] = {"day": day.isoformat(), "time_ms": ms(seconds), "queries": len(ctx)}
    ahead = working_days(today + dt.timedelta(days=7), today + dt.timedelta(days=30), township=township)
    if ahead:

        def worst():
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                counts = attendance_compute_day(township_id=township.pk, day=ahead[0])
                seconds = time.perf_counter() - t0
            return seconds, len(ctx), counts

        (seconds, queries, counts), _ = rolled_back(worst)
        findings = counts.get("absent", 0)
        out["worst_case"] = {
            "what": "a working day without a single punch: everyone absent (R-ATT-3 and R-LV-5 findings)",
            "time_ms": ms(seconds),
            "queries": queries,
            "absent": findings,
        }
    slowest = max(v["time_ms"] for v in out.values() if isinstance(v, dict))
    out["goal_ms"] = 1000
    out["meets_goal"] = slowest < 1000
    return out


def measure_crosschecks() -> dict:
    """The cross-record checks (R-XCK-1..8, township.crosschecks) of the largest township: the
    checks of yesterday (goal 2 s), the whole nightly job (yesterday, and again the recent months
    that hold open cross-check findings) and a whole year's run (goal 60 s), each rolled back, with
    their queries and the findings due."""
    from township.crosschecks import crosscheck_night, crosscheck_range
    from township.models import Finding

    township = _largest_township()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    people = User.objects.filter(township=township, is_active=True).count()
    out: dict = {"people": people}
    for name, start, goal in (
        ("nightly", yesterday, 2000),
        ("year", yesterday - dt.timedelta(days=364), 60000),
    ):

        def run(start=start):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                counts = crosscheck_range(township_id=township.pk, start=start, end=yesterday)
                seconds = time.perf_counter() - t0
            return seconds, len(ctx), counts

        (seconds, queries, counts), _ = rolled_back(run)
        out[name] = {
            "from": start.isoformat(),
            "to": yesterday.isoformat(),
            "time_ms": ms(seconds),
            "queries": queries,
            "findings_due": counts,
            "goal_ms": goal,
            "meets_goal": ms(seconds) <= goal,
        }

    def night():
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            crosscheck_night(township_id=township.pk, day=yesterday)
            seconds = time.perf_counter() - t0
        return seconds, len(ctx)

    (seconds, queries), _ = rolled_back(night)
    rechecked = (
        Finding.objects.filter(
            township=township,
            rule_id__startswith="R-XCK-",
            status="open",
            on_date__gte=yesterday - dt.timedelta(days=92),
            on_date__lt=yesterday,
        )
        .dates("on_date", "month")
        .count()
    )
    out["nightly_job"] = {"time_ms": ms(seconds), "queries": queries, "months_rechecked": rechecked}
    out["meets_goal"] = out["nightly"]["meets_goal"] and out["year"]["meets_goal"]
    return out


# --- peak memory, in a child process ---------------------------------------------------------------


def _memory_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB.  Linux's VmHWM belongs to the
    process image (reset by exec), unlike ru_maxrss, which a child inherits from its parent."""
    try:
        fields = dict(
            line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line
        )
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak


def probe(kind: str, *, file: str | None = None) -> dict:
    """Run in a fresh child process (``manage.py bench --probe KIND``): the work once, with the
    process's peak resident memory, then again under tracemalloc for the Python heap's peak."""
    import tracemalloc

    if kind == "appraisal":
        from township.appraisal import appraisal_compute

        township = _largest_township()
        year, number = last_full_quarter(timezone.localdate())

        def work():
            appraisal_compute(township_id=township.pk, year=year, number=number)
    elif kind == "import":
        clerk = user_with(_largest_township(), Role.OFFICE_CLERK, Role.ADMINISTRATOR)

        def work():
            _import_once(Path(file), clerk)
    elif kind == "crosschecks_year":
        from township.crosschecks import crosscheck_range

        township = _largest_township()
        yesterday = timezone.localdate() - dt.timedelta(days=1)

        def work():
            rolled_back(
                lambda: crosscheck_range(
                    township_id=township.pk, start=yesterday - dt.timedelta(days=364), end=yesterday
                )
            )
    elif kind in HOSTILE:
        content = Path(file).read_bytes()

        def work():
            _refused(kind, content)
    else:
        raise ValueError(kind)
    before, _peak = _memory_mb()
    t0 = time.perf_counter()
    work()
    seconds = time.perf_counter() - t0
    _now, peak = _memory_mb()
    tracemalloc.start()
    work()
    _current, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "peak_rss_mb": round(peak, 1),
        "rss_before_work_mb": round(before, 1),
        "work_adds_mb": round(max(0.0, peak - before), 1),
        "python_heap_peak_mb": round(heap_peak / 1e6, 1),
        "time_ms": ms(seconds),
    }


def run_probe(kind: str, *, file: str | None = None, timeout: int = 300) -> dict:
    cmd = [sys.executable, str(ROOT / "manage.py"), "bench", "--probe", kind]
    if file:
        cmd += ["--file", file]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=dict(os.environ)
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_memory(*, import_file: str | None) -> dict:
    out = {"appraisal_worker": run_probe("appraisal")}
    out["appraisal_worker"]["goal_mb"] = 300
    out["appraisal_worker"]["meets_goal"] = out["appraisal_worker"].get("peak_rss_mb", 1e9) <= 300
    out["crosschecks_year"] = run_probe("crosschecks_year")
    out["crosschecks_year"]["goal_mb"] = 300
    out["crosschecks_year"]["meets_goal"] = out["crosschecks_year"].get("peak_rss_mb", 1e9) <= 300
    if import_file and apps.is_installed("conduct"):
        out["import_100k"] = run_probe("import", file=import_file)
        out["import_100k"]["goal_mb"] = 200
        out["import_100k"]["meets_goal"] = out["import_100k"].get("peak_rss_mb", 1e9) <= 200
    return out


# --- hostile files: refused fast and small (issue 14) --------------------------------------------

# name: (file name as uploaded, how to write it)
HOSTILE = {
    "zip_bomb": "bomb-300k-rows.xlsx",
    "csv_1m": "rows-1m.csv",
}


def _write_hostile(kind: str, path: Path) -> None:
    if kind == "zip_bomb":
        from township.tests.bombs import bomb_xlsx

        path.write_bytes(bomb_xlsx(300_000))
    else:
        path.write_bytes(b"employee_no,full_name\n" + b"".join(b"%d,x\n" % i for i in range(1_000_000)))


def _refused(kind: str, content: bytes) -> str:
    """The general import door (township.imports.load_dataset, which every upload form uses)."""
    from django.core.exceptions import ValidationError

    from township.imports import load_dataset

    try:
        load_dataset(HOSTILE[kind], content)
    except ValidationError as exc:
        return str(exc.messages[0])
    raise AssertionError(f"{kind} was not refused")


def measure_hostile(*, workdir: Path) -> dict:
    """A zip bomb (a ~40 KB workbook of 300 000 rows) and a 1-million-row CSV: each refused with
    its message in under 2 s, the process under 200 MB (each in a fresh child process)."""
    out = {}
    for kind, name in HOSTILE.items():
        path = workdir / name
        if not path.exists():
            _write_hostile(kind, path)
        result = run_probe(kind, file=str(path))
        result["file_kib"] = path.stat().st_size // 1024
        result["message"] = _refused(kind, path.read_bytes())
        result["goal"] = "refused in < 2000 ms, peak < 200 MB"
        result["meets_goal"] = result.get("time_ms", 1e9) < 2000 and result.get("peak_rss_mb", 1e9) < 200
        out[kind] = result
    return out


def workdir() -> Path:
    path = Path(tempfile.gettempdir()) / "township-bench"
    path.mkdir(exist_ok=True)
    return path
