"""The benchmark's data: ``seed_demo --size large`` (500 people, 40 villages; every app's seeder
adds its history), then the bench's own step that brings the big tables to three years.

The apps' large seeders write about a year of history (conduct computes the daily statuses of
the last month only).  ``extend_history`` copies that year further back through the same tables
(set-based INSERT ... SELECT with every date moved back by whole weeks, so weekdays stay
weekdays; ON CONFLICT DO NOTHING keeps the unique rules) and then computes every day's
statuses and findings through conduct's own service, as the nightly job would have.  Tables of
apps that are not installed are skipped.  A row in ``bench_meta`` marks a finished seed, so the
next run reuses it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import time
from collections.abc import Callable

import pgtrigger
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

META = "bench_meta"
SEED_VERSION = "3"


def _meta_table() -> None:
    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {META} (key text PRIMARY KEY, value text NOT NULL)")


def meta_get() -> dict[str, str]:
    _meta_table()
    with connection.cursor() as cur:
        cur.execute(f"SELECT key, value FROM {META}")  # noqa: S608 - our own table name
        return dict(cur.fetchall())


def meta_set(**values) -> None:
    _meta_table()
    with connection.cursor() as cur:
        for key, value in values.items():
            cur.execute(
                f"INSERT INTO {META} (key, value) VALUES (%s, %s) "  # noqa: S608
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [key, str(value)],
            )


def _table(label: str) -> str | None:
    try:
        return apps.get_model(label)._meta.db_table
    except LookupError:
        return None


def _columns(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s AND table_schema = current_schema() ORDER BY ordinal_position",
            [table],
        )
        return cur.fetchall()


def shift_copy(table: str, *, days: int, where: str, params=(), overrides: dict | None = None) -> int:
    """Copy the rows of ``table`` matching ``where`` with every date and time moved ``days``
    back; ``overrides`` give SQL expressions for other columns (``{days}`` is replaced).  Returns
    the number of rows added."""
    overrides = overrides or {}
    cols, exprs = [], []
    for name, kind in _columns(table):
        if name == "id":
            continue
        cols.append(f'"{name}"')
        if name in overrides:
            exprs.append(overrides[name].format(days=days))
        elif kind == "date":
            exprs.append(f'"{name}" - {days}')
        elif kind.startswith("timestamp"):
            exprs.append(f"\"{name}\" - interval '{days} days'")
        else:
            exprs.append(f'"{name}"')
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {table} "  # noqa: S608
            f"WHERE {where} ON CONFLICT DO NOTHING",
            list(params),
        )
        return cur.rowcount


@contextlib.contextmanager
def _no_insert_events(label: str):
    """Generated history gets no audit rows (like the apps' own large seeders): the audit
    trigger's insert events would triple the seeding time and no page measured reads them."""
    uri = f"{label}:insert_insert"
    try:
        pgtrigger.registered(uri)
    except Exception:  # noqa: BLE001 - a model without that trigger: nothing to ignore
        yield
        return
    with pgtrigger.ignore(uri):
        yield


def extend_history(*, years: int, today: dt.date, log: Callable[[str], None]) -> dict[str, int]:
    """Bring the big tables of every installed app to ``years`` of history (see the module)."""
    added: dict[str, int] = {}
    copies = [
        # (model, the seeded window to copy, step in days, copies, column overrides)
        ("conduct.Punch", "at >= %s AND source = 'device'", 364, years - 1, {}),
        ("conduct.WorkLog", "date >= %s", 91, (years * 364) // 91 - 1, {}),
        ("fieldwork.VillageVisit", "date >= %s", 364, years - 1, {}),
        (
            "petitions.PetitionCase",
            "registered_on >= %s",
            364,
            years - 1,
            {
                "year": "year - {days} / 364",
                "seq": "seq + 1000 * ({days} / 364)",
                "number": "(year - {days} / 364)::text || '-' || lpad((seq + 1000 * ({days} / 364))::text, 4, '0')",
                "reception_id": "NULL",
            },
        ),
    ]
    for label, where, step, n, overrides in copies:
        table = _table(label)
        if table is None or n < 1:
            continue
        window_start = today - dt.timedelta(days=step - 1)
        param = (
            timezone.make_aware(dt.datetime.combine(window_start, dt.time.min))
            if label == "conduct.Punch"
            else window_start
        )
        total = 0
        t0 = time.perf_counter()
        for k in range(1, n + 1):
            with transaction.atomic(), _no_insert_events(label):
                total += shift_copy(table, days=step * k, where=where, params=[param], overrides=overrides)
        added[label] = total
        log(f"  {label}: {total} rows added ({time.perf_counter() - t0:.0f} s)")
    added["attendance_days"] = compute_statuses(years=years, today=today, log=log)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return added


def compute_statuses(*, years: int, today: dt.date, log: Callable[[str], None]) -> int:
    """Every past day's statuses and findings through conduct's service (days already computed
    are skipped)."""
    try:
        from conduct.models import AttendanceDay
        from conduct.services import attendance_compute_day
    except (ImportError, LookupError):
        return 0
    from township.models import Township

    first = today - dt.timedelta(days=years * 364)
    n = 0
    t0 = time.perf_counter()
    for township in Township.objects.order_by("pk"):
        done = set(
            AttendanceDay.objects.filter(township=township, date__gte=first)
            .values_list("date", flat=True)
            .distinct()
        )
        day = first
        while day < today:
            if day not in done:
                attendance_compute_day(township_id=township.pk, day=day)
                n += 1
                if n % 100 == 0:
                    log(f"  statuses: {n} township-days ({time.perf_counter() - t0:.0f} s)")
            day += dt.timedelta(days=1)
    log(f"  statuses: {n} township-days computed ({time.perf_counter() - t0:.0f} s)")
    return n


def ensure_seed(*, size: str, years: int, log: Callable[[str], None]) -> dict:
    """Seed the bench database unless a finished seed is there; returns what bench_meta holds."""
    from township.models import User

    state = meta_get()
    if state.get("seed_version") == SEED_VERSION and state.get("size") == size:
        return state
    if User.objects.exists():
        raise RuntimeError(
            "The bench database holds data without a finished bench seed; run `manage.py bench --reseed`."
        )
    today = timezone.localdate()
    t0 = time.perf_counter()
    log(f"seeding the {size} demo (seed_demo --size {size}) ...")
    out = io.StringIO()
    call_command("seed_demo", size=size, stdout=out)
    log(f"  seed_demo: {time.perf_counter() - t0:.0f} s")
    log(f"extending the history to {years} years ...")
    added = extend_history(years=years, today=today, log=log)
    meta_set(
        seed_version=SEED_VERSION,
        size=size,
        years=years,
        seeded_on=today.isoformat(),
        seed_seconds=round(time.perf_counter() - t0),
        **{f"added:{k}": v for k, v in added.items()},
    )
    return meta_get()
