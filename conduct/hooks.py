"""Answers this app gives to questions other apps ask through ``township.hooks.ask``.

``attendance_summary(*, township_id, start, end)``
    -> ``{person_id: {"working_days": int, "present": int, "late": int, "early": int,
    "absent": int, "leave_days": Decimal, "logs": int}}`` for every active person of the
    township over [start, end]: working days from the work calendar; present counts days
    with punches (late or early included); late/early count days with late arrival / early
    departure (R-ATT-2); absent counts R-ATT-3 days; leave_days sums granted leave (half days
    as 0.5); logs counts work-log days (R-LOG-1).  Computed from the stored daily statuses in
    four queries whatever the size.  Used by appraisal.

The shape (township.hooks.AttendanceFigures) and the cardinality (exactly one answer: the
appraisal cannot rank without it) are declared in township.hooks.QUESTIONS.  (A ``leave_days``
answer was retired: no app ever asked it, which township.checks now refuses.)

This app asks ``fieldwork_days`` (see conduct.services.common.fieldwork_days).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum

from township.hooks import AttendanceFigures, answer

PRESENT = ["present", "late", "early", "late_early"]


def attendance_summary(*, township_id: int, start: dt.date, end: dt.date) -> dict[int, AttendanceFigures]:
    from conduct.models import AttendanceDay, WorkLog
    from township.models import User
    from township.workcalendar import working_days

    work = len(working_days(start, end, township=township_id))
    out = {
        person["pk"]: {
            "working_days": work,
            "present": 0,
            "late": 0,
            "early": 0,
            "absent": 0,
            "leave_days": Decimal(0),
            "logs": 0,
        }
        for person in User.objects.filter(township_id=township_id, is_active=True).values("pk")
    }
    rows = (
        AttendanceDay.objects.filter(township_id=township_id, date__range=(start, end))
        .values("person_id")
        .annotate(
            present=Count("pk", filter=Q(status__in=PRESENT)),
            late=Count("pk", filter=Q(status__in=["late", "late_early"])),
            early=Count("pk", filter=Q(status__in=["early", "late_early"])),
            absent=Count("pk", filter=Q(status="absent")),
            leave_days=Sum("leave_days"),
        )
        .order_by()
    )
    for r in rows:
        if r["person_id"] in out:
            entry = out[r["person_id"]]
            for key in ("present", "late", "early", "absent"):
                entry[key] = r[key]
            entry["leave_days"] = r["leave_days"]  # never NULL: a group has rows, a row has a value
    logs = (
        WorkLog.objects.filter(township_id=township_id, date__range=(start, end))
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
        .order_by()
    )
    for pid, n in logs:
        if pid in out:
            out[pid]["logs"] = n
    return out


def day_statuses_recompute(*, township_id: int, dates: list[dt.date]) -> int:
    """A past day turned working or rest (an administrator's calendar override): recompute the
    township's statuses and findings of those dates that were already computed (a date never
    computed is left to the nightly job, so no one is marked absent for days before the system
    kept attendance).  Returns the number of days recomputed."""
    from conduct.models import AttendanceDay
    from conduct.services.attendance import attendance_compute_day

    computed = sorted(
        set(
            AttendanceDay.objects.filter(township_id=township_id, date__in=list(dates))
            .values_list("date", flat=True)
            .distinct()
        )
    )
    for day in computed:
        attendance_compute_day(township_id=township_id, day=day)
    return len(computed)


def register() -> None:
    answer("attendance_summary", attendance_summary)
    answer("day_statuses_recompute", day_statuses_recompute)
