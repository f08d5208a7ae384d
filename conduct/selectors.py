"""Reads of the conduct app, scoped by who asks (township.scoping); out of scope is a 404."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from conduct.models import (
    AttendanceDay,
    DayStatus,
    DutyRoster,
    LeaveRequest,
    LeavingRegistration,
    Punch,
    PunchCorrection,
    StudySession,
    TripRequest,
    WorkLog,
)
from conduct.models.attendance import STATUS_CSS
from conduct.models.choices import ACTIVE
from conduct.services.common import day_start, days_between, leave_cover, month_bounds, trip_cover
from township.models import Department, User
from township.scoping import department_ids_for, get_or_404, people_for, scope, township_ids_for
from township.workcalendar import holiday_label, holiday_name, working_days

SORTS = {
    "start": "start_date",
    "-start": "-start_date",
    "person": "person__full_name",
    "-person": "-person__full_name",
    "status": "status",
    "-status": "-status",
}


def _filtered(qs, *, q="", status="", kind="", date_from=None, date_to=None, sort="", person=None):
    if q:
        qs = qs.filter(person__full_name__icontains=q)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(end_date__gte=date_from)
    if date_to:
        qs = qs.filter(start_date__lte=date_to)
    if person:
        qs = qs.filter(person=person)
    return qs.order_by(SORTS.get(sort, "-start_date"), "-pk")


def leave_list_for(*, user, **filters) -> QuerySet[LeaveRequest]:
    return _filtered(scope(LeaveRequest.objects.all(), user).select_related("person__department"), **filters)


def leave_get_for(*, user, pk: int) -> LeaveRequest:
    return get_or_404(scope(LeaveRequest.objects.select_related("person", "approval"), user), pk=pk)


def trip_list_for(*, user, **filters) -> QuerySet[TripRequest]:
    return _filtered(scope(TripRequest.objects.all(), user).select_related("person__department"), **filters)


def trip_get_for(*, user, pk: int) -> TripRequest:
    return get_or_404(
        scope(TripRequest.objects.select_related("person", "approval"), user).prefetch_related("companions"),
        pk=pk,
    )


def registration_list_for(*, user, **filters) -> QuerySet[LeavingRegistration]:
    filters.pop("kind", None)
    filters.pop("status", None)
    return _filtered(
        scope(LeavingRegistration.objects.all(), user).select_related("person__department"), **filters
    )


def correction_list_for(*, user, status: str = "") -> QuerySet[PunchCorrection]:
    qs = scope(PunchCorrection.objects.select_related("person__department", "approval"), user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-date", "-pk")


def punches_for(*, user, day: dt.date) -> list[Punch]:
    start = day_start(day)
    return list(
        Punch.objects.filter(person=user, at__gte=start, at__lt=start + dt.timedelta(days=1)).order_by("at")
    )


# --- calendars and sheets -----------------------------------------------------------------------


def my_month(*, person: User, month: dt.date) -> dict:
    """The person's month: stored statuses for past days, granted or pending leave and approved
    trips for days to come, rest days and holidays from the work calendar (five queries)."""
    first, last = month_bounds(month)
    today = timezone.localdate()
    tid = person.township_id
    work = set(working_days(first, last, township=tid))
    stored = {d.date: d for d in AttendanceDay.objects.filter(person=person, date__range=(first, last))}
    leaves = {
        (pid, d): half
        for (pid, d), half in leave_cover(township_id=tid, start=first, end=last).items()
        if pid == person.pk
    }
    pending = list(
        LeaveRequest.objects.filter(
            person=person, status="pending", start_date__lte=last, end_date__gte=first
        )
    )
    trips = {d for pid, d in trip_cover(township_id=tid, start=first, end=last) if pid == person.pk}
    cells = []
    for day in days_between(first, last):
        row = stored.get(day)
        if row is not None and day < today:
            status, label = row.status, row.get_status_display()
        elif day not in work:
            status = DayStatus.HOLIDAY if holiday_name(day) else DayStatus.REST
            label = DayStatus(status).label
        elif (person.pk, day) in leaves:
            status, label = DayStatus.LEAVE, DayStatus.LEAVE.label
        elif day in trips:
            status, label = DayStatus.TRIP, DayStatus.TRIP.label
        elif any(lv.start_date <= day <= lv.end_date for lv in pending):
            status, label = "pending", str(DayStatus.LEAVE.label) + "?"
        else:
            status, label = "", ""
        cells.append(
            {
                "date": day,
                "status": status,
                "label": label,
                "css": STATUS_CSS.get(status, "status-leave" if status == "pending" else ""),
                "row": row,
                "today": day == today,
                "holiday": holiday_label(day),
            }
        )
    counts = Counter(c["status"] for c in cells if c["date"] < today)
    return {
        "first": first,
        "lead": range(first.weekday()),
        "cells": cells,
        "counts": counts,
        "working_days": len(work),
        "prev": (first - dt.timedelta(days=1)).replace(day=1),
        "next": last + dt.timedelta(days=1),
    }


SHORT = {
    DayStatus.PRESENT: "✓",
    DayStatus.LATE: "迟",
    DayStatus.EARLY: "早",
    DayStatus.LATE_EARLY: "迟早",
    DayStatus.ABSENT: "旷",
    DayStatus.MISSING_PUNCH: "缺",
    DayStatus.LEAVE: "假",
    DayStatus.TRIP: "差",
    DayStatus.FIELD: "村",
    DayStatus.REST: "",
    DayStatus.HOLIDAY: "",
}


# Bootstrap's table cells paint their own background, so the sheet uses its contextual classes.
TABLE_CSS = {
    DayStatus.PRESENT: "table-success",
    DayStatus.LATE: "table-warning",
    DayStatus.EARLY: "table-warning",
    DayStatus.LATE_EARLY: "table-warning",
    DayStatus.ABSENT: "table-danger",
    DayStatus.MISSING_PUNCH: "table-missing",
    DayStatus.LEAVE: "table-info",
    DayStatus.TRIP: "table-info",
    DayStatus.FIELD: "table-primary",
    DayStatus.REST: "table-secondary",
    DayStatus.HOLIDAY: "table-secondary",
}


def departments_for(user) -> QuerySet[Department]:
    qs = Department.objects.filter(township_id__in=township_ids_for(user))
    ids = department_ids_for(user)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("order", "name")


def department_sheet(*, user, department: Department, month: dt.date) -> dict:
    """People × days of one department and month with totals (four queries whatever the size)."""
    first, last = month_bounds(month)
    people = list(
        people_for(user)
        .filter(department=department)
        .order_by("employee_no")
        .only("pk", "full_name", "employee_no")
    )
    work = set(working_days(first, last, township=department.township_id))
    grid: dict[int, dict[dt.date, tuple[str, Decimal]]] = defaultdict(dict)
    for person_id, date, status, leave in AttendanceDay.objects.filter(
        person__in=[p.pk for p in people], date__range=(first, last)
    ).values_list("person_id", "date", "status", "leave_days"):
        grid[person_id][date] = (status, leave)
    days = list(days_between(first, last))
    # A sheet is people x days (3,700 cells for a big department): each distinct cell is built
    # and escaped once (status labels are lazy translations, slow to resolve one by one), and
    # a row's cells are joined into ready HTML for the template.
    titles = {value: str(label) for value, label in DayStatus.choices}
    blank = {
        True: {"text": "", "css": "", "title": ""},
        False: {"text": "", "css": "table-secondary", "title": ""},
    }
    by_status = {
        value: {"text": SHORT.get(value, ""), "css": TABLE_CSS.get(value, ""), "title": titles[value]}
        for value in titles
    }
    html: dict[int, str] = {}

    def cell_html(cell: dict) -> str:
        key = id(cell)
        if key not in html:
            html[key] = format_html(
                '<td class="{}" title="{}">{}</td>', cell["css"], cell["title"], cell["text"]
            )
        return html[key]

    late_states = (DayStatus.LATE, DayStatus.LATE_EARLY)
    early_states = (DayStatus.EARLY, DayStatus.LATE_EARLY)
    present_states = (DayStatus.PRESENT, DayStatus.LATE, DayStatus.EARLY, DayStatus.LATE_EARLY)
    is_work = [d in work for d in days]
    rows = []
    for p in people:
        mine = grid.get(p.pk, {})
        cells = []
        totals = {"late": 0, "early": 0, "absent": 0, "leave": Decimal(0), "present": 0}
        for d, working in zip(days, is_work, strict=True):
            r = mine.get(d)
            if r is None:
                cells.append(blank[working])
                continue
            status, leave = r
            cells.append(by_status.get(status) or blank[working])
            totals["late"] += status in late_states
            totals["early"] += status in early_states
            totals["absent"] += status == DayStatus.ABSENT
            totals["present"] += status in present_states
            totals["leave"] += leave
        rows.append(
            {
                "person": p,
                "cells": cells,
                "cells_html": mark_safe("".join(map(cell_html, cells))),
                "totals": totals,
            }  # noqa: S308 - every part escaped by format_html
        )
    return {"days": days, "rows": rows, "work": work, "first": first}


def daily_summary(*, user, day: dt.date, township_id: int | None = None) -> dict:
    """The township's day by department: stored statuses, or for a day not computed yet (today)
    the live evaluation, which is not saved (about a dozen queries whatever the size).
    ``township_id``: which of the user's townships (a county-level reader chooses one)."""
    from conduct.services.attendance import evaluate_day

    tid = township_id or user.township_id
    if tid not in township_ids_for(user):
        raise PermissionDenied
    depts = {d.pk: d for d in departments_for(user) if d.township_id == tid}
    rows = list(
        AttendanceDay.objects.filter(township_id=tid, date=day)
        .select_related("person")
        .only(
            "person__full_name",
            "person__department_id",
            "status",
            "late_minutes",
            "early_minutes",
            "person_id",
        )
    )
    live = False
    if not rows:
        live = True
        rows, _specs = evaluate_day(township_id=tid, day=day)
        names = dict(User.objects.filter(township_id=tid).values_list("pk", "full_name"))
        dept_of = dict(User.objects.filter(township_id=tid).values_list("pk", "department_id"))
    else:
        names = {r.person_id: r.person.full_name for r in rows}
        dept_of = {r.person_id: r.person.department_id for r in rows}
    table: dict[int, Counter] = defaultdict(Counter)
    flagged = []
    for r in rows:
        dept = dept_of.get(r.person_id)
        if dept not in depts:
            continue
        table[dept][r.status] += 1
        if r.status in (
            DayStatus.LATE,
            DayStatus.EARLY,
            DayStatus.LATE_EARLY,
            DayStatus.ABSENT,
            DayStatus.MISSING_PUNCH,
        ):
            flagged.append({"name": names.get(r.person_id), "dept": depts[dept], "row": r})
    statuses = [
        DayStatus.PRESENT,
        DayStatus.LATE,
        DayStatus.EARLY,
        DayStatus.LATE_EARLY,
        DayStatus.ABSENT,
        DayStatus.MISSING_PUNCH,
        DayStatus.LEAVE,
        DayStatus.TRIP,
        DayStatus.FIELD,
    ]
    lines = [
        {"department": d, "counts": [table[d.pk][s] for s in statuses], "total": sum(table[d.pk].values())}
        for d in depts.values()
        if table[d.pk]
    ]
    totals = [sum(line["counts"][i] for line in lines) for i in range(len(statuses))]
    return {
        "statuses": statuses,
        "lines": lines,
        "totals": totals,
        "pairs": list(zip(statuses, totals, strict=True)),
        "flagged": flagged,
        "live": live,
    }


def roster_for(*, township_id: int, month: dt.date) -> DutyRoster | None:
    return DutyRoster.objects.filter(township_id=township_id, month=month_bounds(month)[0]).first()


def worklog_list_for(*, user, person=None, date_from=None, date_to=None) -> QuerySet[WorkLog]:
    qs = scope(WorkLog.objects.select_related("person__department", "commented_by"), user)
    if person:
        qs = qs.filter(person_id=person)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs.order_by("-date", "person__full_name")


def study_list_for(*, user, department=None) -> QuerySet[StudySession]:
    qs = StudySession.objects.filter(township_id__in=township_ids_for(user))
    ids = department_ids_for(user)
    if ids is not None:
        qs = qs.filter(department_id__in=ids + ([user.department_id] if user.department_id else []))
    if department:
        qs = qs.filter(department_id=department)
    return qs.select_related("department", "recorded_by").prefetch_related("attendees").order_by("-date")


def active_leave_ids(person) -> list[int]:
    return list(LeaveRequest.objects.filter(person=person, status__in=ACTIVE).values_list("pk", flat=True))
