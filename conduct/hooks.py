"""Answers this app gives to questions other apps ask through ``township.hooks.ask``.

``attendance_summary(*, township_id, start, end)``
    -> ``{person_id: {"working_days": int, "present": int, "late": int, "early": int,
    "absent": int, "leave_days": Decimal, "logs": int}}`` for every active person of the
    township over [start, end]: working days from the work calendar; present counts days
    with punches (late or early included); late/early count days with late arrival / early
    departure (R-ATT-2); absent counts R-ATT-3 days; leave_days sums granted leave (half days
    as 0.5); logs counts work-log days (R-LOG-1).  Computed from the stored daily statuses in
    four queries whatever the size.  Used by appraisal.

``leave_days(*, township_id, start, end)``
    -> ``{(person_id, date): Decimal("1") or Decimal("0.5")}`` for working days covered by
    granted leave (approved or reported back, up to the day before the return) or by an
    approved trip (the traveller and the companions, a whole day).  Fieldwork and meetings
    can use it to know who is away.

This app asks ``fieldwork_days`` (see conduct.services.common.fieldwork_days).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum

from township.hooks import answer

PRESENT = ["present", "late", "early", "late_early"]


def attendance_summary(*, township_id: int, start: dt.date, end: dt.date) -> dict[int, dict]:
    from conduct.models import AttendanceDay, WorkLog
    from township.models import User
    from township.workcalendar import working_days

    work = len(working_days(start, end, township=township_id))
    out = {
        pid: {
            "working_days": work,
            "present": 0,
            "late": 0,
            "early": 0,
            "absent": 0,
            "leave_days": Decimal(0),
            "logs": 0,
        }
        for pid in User.objects.filter(township_id=township_id, is_active=True).values_list("pk", flat=True)
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
            entry["leave_days"] = r["leave_days"] or Decimal(0)
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


def leave_days(*, township_id: int, start: dt.date, end: dt.date) -> dict[tuple[int, dt.date], Decimal]:
    from conduct.services.common import HALF, ONE, leave_cover, trip_cover
    from township.workcalendar import working_days

    work = set(working_days(start, end, township=township_id))
    out: dict[tuple[int, dt.date], Decimal] = {}
    for (pid, day), half in leave_cover(township_id=township_id, start=start, end=end).items():
        if day in work:
            out[(pid, day)] = ONE if half == "full" else HALF
    for pid, day in trip_cover(township_id=township_id, start=start, end=end):
        if day in work:
            out[(pid, day)] = ONE
    return out


def register() -> None:
    answer("attendance_summary", attendance_summary)
    answer("leave_days", leave_days)
