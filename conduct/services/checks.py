"""The nightly and periodic checks that raise findings for inspectors (FLAG rules):
R-LV-2 leave not reported back, R-TRIP-2 trip report overdue, R-DUTY-1 missed shift,
R-LOG-1 work-log completeness, R-STUDY-1 weekly group study.  Each is set-based and
idempotent (findings are unique per rule, subject and date)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext_noop

from conduct.models import DutyShift, LeaveRequest, RosterStatus, StudySession, TripRequest, WorkLog
from conduct.models.choices import RequestStatus
from conduct.rules import r_log_1_percent, r_lv_2_overdue, r_study_1_week_ok, r_trip_2_due
from township.findings import FindingSpec, findings_raise
from township.messages import msg
from township.models import Department, User
from township.policy import policies, policy
from township.workcalendar import working_days

from .common import month_bounds


def leave_report_back_check(*, township_id: int, today: dt.date) -> int:
    """R-LV-2: approved leave not reported back within the policy's working days after it ends."""
    n = policy("R-LV-2.days", township=township_id, on=today)
    leaves = list(
        LeaveRequest.objects.filter(
            township_id=township_id, status=RequestStatus.APPROVED, end_date__lt=today
        ).select_related("person")
    )
    if not leaves:
        return 0
    work = working_days(min(lv.end_date for lv in leaves) + dt.timedelta(days=1), today, township=township_id)
    specs = []
    for leave in leaves:
        after = [d for d in work if d > leave.end_date]
        deadline = after[n - 1] if n and len(after) >= n else (leave.end_date if n == 0 else today)
        if r_lv_2_overdue(deadline, today):
            specs.append(
                FindingSpec(
                    "R-LV-2",
                    township_id,
                    msg(
                        gettext_noop("%(who)s has not reported back from leave that ended on %(end)s."),
                        who=leave.person,
                        end=leave.end_date,
                    ),
                    deadline,
                    leave.person_id,
                    leave.person.department_id,
                    target=leave,
                )
            )
    findings_raise(specs)
    return len(specs)


def trip_report_check(*, township_id: int, today: dt.date) -> int:
    """R-TRIP-2: an approved trip without a report a policy number of days after return."""
    due_days = policy("R-TRIP-2.due_days", township=township_id, on=today)
    trips = TripRequest.objects.filter(
        township_id=township_id,
        status=RequestStatus.APPROVED,
        report_submitted_at__isnull=True,
        end_date__lt=today - dt.timedelta(days=due_days),
    ).select_related("person")
    specs = [
        FindingSpec(
            "R-TRIP-2",
            township_id,
            msg(
                gettext_noop("%(who)s has not submitted the report of the trip to %(where)s (due %(due)s)."),
                who=t.person,
                where=t.destination,
                due=r_trip_2_due(t.end_date, due_days),
            ),
            r_trip_2_due(t.end_date, due_days),
            t.person_id,
            t.person.department_id,
            target=t,
        )
        for t in trips
    ]
    findings_raise(specs)
    return len(specs)


def duty_missed_check(*, township_id: int, today: dt.date) -> int:
    """R-DUTY-1: a published shift that has passed without a check-in."""
    shifts = DutyShift.objects.filter(
        township_id=township_id,
        roster__status=RosterStatus.PUBLISHED,
        date__lt=today,
        date__gte=today - dt.timedelta(days=62),
        checked_in_at__isnull=True,
    ).select_related("person")
    specs = [
        FindingSpec(
            "R-DUTY-1",
            township_id,
            msg(
                gettext_noop("%(who)s did not check in for the duty shift of %(date)s."),
                who=s.person,
                date=s.date,
            ),
            s.date,
            s.person_id,
            s.person.department_id,
            target=s,
        )
        for s in shifts
    ]
    findings_raise(specs)
    return len(specs)


def worklog_completeness(*, township_id: int, month: dt.date, department_id: int | None = None) -> list[dict]:
    """R-LOG-1: log days / working days per person for a month (three queries)."""
    first, last = month_bounds(month)
    work = set(working_days(first, last, township=township_id))
    people = User.objects.filter(township_id=township_id, is_active=True)
    if department_id:
        people = people.filter(department_id=department_id)
    counts = dict(
        WorkLog.objects.filter(township_id=township_id, date__in=work)
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
        .order_by()
    )
    return [
        {
            "person": p,
            "logs": counts.get(p.pk, 0),
            "working_days": len(work),
            "percent": r_log_1_percent(counts.get(p.pk, 0), len(work)),
        }
        for p in people.select_related("department").order_by("department__order", "employee_no")
    ]


def worklog_month_check(*, township_id: int, month: dt.date) -> int:
    first, _last = month_bounds(month)
    minimum = policy("R-LOG-1.min_percent", township=township_id, on=first)
    specs = [
        FindingSpec(
            "R-LOG-1",
            township_id,
            msg(
                gettext_noop(
                    "%(who)s kept work logs on %(logs)d of %(days)d working days in %(month)s (%(pct)d%%)."
                ),
                who=r["person"],
                logs=r["logs"],
                days=r["working_days"],
                month=f"{first:%Y-%m}",
                pct=r["percent"],
            ),
            first,
            r["person"].pk,
            r["person"].department_id,
            key=f"person:{r['person'].pk}",
        )
        for r in worklog_completeness(township_id=township_id, month=first)
        if r["percent"] < minimum
    ]
    findings_raise(specs)
    return len(specs)


def study_week(*, township_id: int, week_start: dt.date) -> list[dict]:
    """R-STUDY-1: each department's sessions of the week (Monday to Sunday) and whether it
    met the quota."""
    pol = policies(["R-STUDY-1.per_week", "R-STUDY-1.min_minutes"], township=township_id, on=week_start)
    end = week_start + dt.timedelta(days=6)
    sessions: dict[int, list[int]] = {}
    for dept, minutes in StudySession.objects.filter(
        township_id=township_id, date__range=(week_start, end)
    ).values_list("department_id", "minutes"):
        sessions.setdefault(dept, []).append(minutes)
    return [
        {
            "department": d,
            "sessions": len(sessions.get(d.pk, [])),
            "minutes": sum(sessions.get(d.pk, [])),
            "ok": r_study_1_week_ok(
                sessions.get(d.pk, []),
                per_week=pol["R-STUDY-1.per_week"],
                min_minutes=pol["R-STUDY-1.min_minutes"],
            ),
        }
        for d in Department.objects.filter(township_id=township_id)
        .annotate(n=Count("members", filter=Q(members__is_active=True)))
        .filter(n__gt=0)
    ]


def study_week_check(*, township_id: int, week_start: dt.date) -> int:
    specs = [
        FindingSpec(
            "R-STUDY-1",
            township_id,
            msg(
                gettext_noop("%(dept)s held %(n)d qualifying group study sessions in the week of %(week)s."),
                dept=r["department"],
                n=r["sessions"],
                week=week_start,
            ),
            week_start,
            department_id=r["department"].pk,
            key=f"department:{r['department'].pk}",
        )
        for r in study_week(township_id=township_id, week_start=week_start)
        if not r["ok"]
    ]
    findings_raise(specs)
    return len(specs)
