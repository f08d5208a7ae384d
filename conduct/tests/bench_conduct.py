"""Benchmarks of the issue (not part of the normal run; run explicitly):
    TEST_DATABASE_NAME=test_conduct pytest conduct/tests/bench_conduct.py -s
500 people: one day's statuses; 100k punches imported vs a bare COPY of the same rows."""

import datetime as dt
import random
import time

import pytest
import tablib
from django.db import connection

from conduct.models import Punch
from conduct.services import attendance_compute_day, punch_import
from conduct.services.common import aware
from township.models import User

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2026, 1, 5) + dt.timedelta(days=i) for i in range(280)]


def test_benchmark_500_people(org):
    users = [
        User(
            township=org.township,
            county=org.township.county,
            department=org.department,
            username=f"b{i}",
            full_name=f"人{i}",
            employee_no=f"B{i:05d}",
            mobile="13800000000",
        )
        for i in range(490)
    ]
    User.objects.bulk_create(users)
    people = list(User.objects.filter(township=org.township))
    rng = random.Random(1)
    rows = []
    for day in DAYS:
        for p in people[:360]:
            rows.append(
                (
                    p.employee_no,
                    aware(day, dt.time(8, rng.randint(0, 59))).strftime("%Y-%m-%d %H:%M:%S"),
                    "M1",
                )
            )
    rows = rows[:100_000]
    data = tablib.Dataset(headers=["工号", "打卡时间", "设备"])
    for r in rows:
        data.append(r)
    t0 = time.perf_counter()
    out = punch_import(actor=org.clerk, dataset=data, dry_run=False)
    t_import = time.perf_counter() - t0
    assert out.ok and out.new == len(rows)
    # a bare COPY of the same rows into a copy of the table (no parsing, no checks)
    emp = {p.employee_no: p.pk for p in people}
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_punch (LIKE conduct_punch INCLUDING ALL)")
        parsed = [(org.township.pk, emp[e], t, "device", d, False) for e, t, d in rows]
        t0 = time.perf_counter()
        with cur.copy(
            "COPY bench_punch (township_id, person_id, at, source, device, outside_radius, created_at) FROM STDIN"
        ) as copy:
            for r in parsed:
                copy.write_row((*r, "2026-01-01 00:00:00+08"))
        t_copy = time.perf_counter() - t0
    attendance_compute_day(township_id=org.township.pk, day=DAYS[9])  # warm caches
    from conduct.services.attendance import evaluate_day

    t0 = time.perf_counter()
    evaluate_day(township_id=org.township.pk, day=DAYS[11])
    t_eval = time.perf_counter() - t0
    t0 = time.perf_counter()
    attendance_compute_day(township_id=org.township.pk, day=DAYS[10])
    t_day = time.perf_counter() - t0
    print(f"\nevaluate one day (no writes) {t_eval:.3f}s")
    print(
        f"\n500 people: import {len(rows)} punches {t_import:.2f}s, bare COPY {t_copy:.2f}s, one day {t_day:.3f}s"
    )
    assert Punch.objects.count() == len(rows)
