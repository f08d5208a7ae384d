"""Answers this app gives to questions other apps ask through ``township.hooks.ask``.

``attendance_summary(*, township_id, start, end)``
    -> ``{person_id: {"working_days": int, "present": int, "late": int, "early": int,
    "absent": int, "leave_days": Decimal, "logs": int}}`` for every active person of the
    township over [start, end]: working days from the work calendar; present counts days
    with punches (late or early included); late/early count days with late arrival / early
    departure (R-ATT-2); absent counts R-ATT-3 days; leave_days sums granted leave (half days
    as 0.5); logs counts work-log days (R-LOG-1).  Computed from the stored daily statuses in
    four queries whatever the size.  Used by appraisal.

``xck_punches``, ``xck_absences``, ``xck_day_records`` (township.crosschecks, R-XCK-1..4, 6):
    every punch of [start, end] with its position and device; every approved leave (approved or
    reported back, up to the day before the person came back) and approved trip (the requester
    and the companions), one row per person, date and record with the half it takes; every work
    log.  One or two queries each whatever the size.

The shape (township.hooks.AttendanceFigures) and the cardinality (exactly one answer: the
appraisal cannot rank without it) are declared in township.hooks.QUESTIONS.  (A ``leave_days``
answer was retired: no app ever asked it, which township.checks now refuses.)

This app asks ``fieldwork_days`` (see conduct.services.common.fieldwork_days).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum

from township.hooks import AbsenceFact, AttendanceFigures, DayRecordFact, PunchFact, answer

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


def _url_pattern(name: str) -> str:
    """The URL of record 0 with a slot for the id: one reverse() for a year of rows."""
    from django.urls import reverse

    return reverse(name, args=[987654321]).replace("987654321", "{}")


def xck_punches(*, township_id: int, start: dt.date, end: dt.date) -> list[PunchFact]:
    from conduct.models import Punch
    from conduct.services.common import day_start

    rows = Punch.objects.filter(
        township_id=township_id, at__gte=day_start(start), at__lt=day_start(end + dt.timedelta(days=1))
    ).values_list(
        "pk", "person_id", "at", "source", "device", "latitude", "longitude", "distance_m", "outside_radius"
    )
    return [
        {
            "id": pk,
            "person_id": pid,
            "at": at,
            "source": source,
            "device": device,
            "latitude": lat,
            "longitude": lon,
            "distance_m": dist,
            "outside_radius": outside,
        }
        for pk, pid, at, source, device, lat, lon, dist, outside in rows.order_by()
    ]


def xck_absences(*, township_id: int, start: dt.date, end: dt.date) -> list[AbsenceFact]:
    """Approved leave by half day and approved trips by day (three queries)."""
    from conduct.models import LeaveKind, LeaveRequest, TripRequest
    from conduct.models.choices import GRANTED, RequestStatus
    from conduct.services.common import days_between

    out: list[AbsenceFact] = []
    leave_url = _url_pattern("conduct:leave_detail")
    leaves = LeaveRequest.objects.filter(
        township_id=township_id, status__in=GRANTED, start_date__lte=end, end_date__gte=start
    ).values_list(
        "pk",
        "person_id",
        "kind",
        "start_date",
        "end_date",
        "half_day",
        "start_half",
        "end_half",
        "returned_on",
    )
    kinds = dict(LeaveKind.choices)
    for pk, pid, kind, s, e, half, start_half, end_half, back in leaves.order_by():
        last = e
        if back is not None:
            e = min(e, back - dt.timedelta(days=1))
        for day in days_between(max(s, start), min(e, end)):
            taken = half
            if day == s and start_half == "pm":
                taken = "pm"
            elif day == last and end_half == "am":
                taken = "am"
            out.append(
                {
                    "kind": "leave",
                    "id": pk,
                    "person_id": pid,
                    "date": day,
                    "half": taken,
                    "label": str(kinds.get(kind, kind)),
                    "url": leave_url.format(pk),
                }
            )
    trips = {
        pk: (pid, s, e, dest)
        for pk, pid, s, e, dest in TripRequest.objects.filter(
            township_id=township_id, status=RequestStatus.APPROVED, start_date__lte=end, end_date__gte=start
        )
        .values_list("pk", "person_id", "start_date", "end_date", "destination")
        .order_by()
    }
    members = [(pk, pid) for pk, (pid, _s, _e, _d) in trips.items()]
    if trips:
        members += list(
            TripRequest.companions.through.objects.filter(triprequest_id__in=list(trips))
            .values_list("triprequest_id", "user_id")
            .order_by()
        )
    trip_url = _url_pattern("conduct:trip_detail")
    for pk, pid in members:
        _owner, s, e, dest = trips[pk]
        for day in days_between(max(s, start), min(e, end)):
            out.append(
                {
                    "kind": "trip",
                    "id": pk,
                    "person_id": pid,
                    "date": day,
                    "half": "full",
                    "label": dest,
                    "url": trip_url.format(pk),
                }
            )
    return out


def xck_day_records(*, township_id: int, start: dt.date, end: dt.date) -> list[DayRecordFact]:
    """Work logs (one query)."""
    from django.urls import reverse

    from conduct.models import WorkLog

    url = reverse("conduct:worklog_list")
    return [
        {
            "kind": "work_log",
            "id": pk,
            "person_id": pid,
            "date": day,
            "label": "",
            "url": f"{url}?date={day.isoformat()}",
        }
        for pk, pid, day in WorkLog.objects.filter(township_id=township_id, date__range=(start, end))
        .values_list("pk", "person_id", "date")
        .order_by()
    ]


def register() -> None:
    answer("attendance_summary", attendance_summary)
    answer("xck_punches", xck_punches)
    answer("xck_absences", xck_absences)
    answer("xck_day_records", xck_day_records)
    answer("day_statuses_recompute", day_statuses_recompute)
