"""Celery entry points: take ids and dates, call the services, idempotent."""

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task
def recompute_days(township_id: int, start: str, end: str) -> int:
    from conduct.services import attendance_compute_range

    return attendance_compute_range(
        township_id=township_id, start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end)
    )


def _townships():
    from township.models import Township

    return list(Township.objects.values_list("pk", flat=True))


@shared_task
def nightly_attendance() -> int:
    """Yesterday's statuses and findings, and the daily FLAG checks, for every township (with
    the missing punches of the last month whose correction window has closed, R-ATT-4)."""
    from conduct.services.attendance import attendance_compute_day, missing_punch_check
    from conduct.services.checks import duty_missed_check, leave_report_back_check, trip_report_check

    today = timezone.localdate()
    for tid in _townships():
        attendance_compute_day(township_id=tid, day=today - dt.timedelta(days=1))
        leave_report_back_check(township_id=tid, today=today)
        trip_report_check(township_id=tid, today=today)
        duty_missed_check(township_id=tid, today=today)
        missing_punch_check(township_id=tid, today=today)
    return len(_townships())


@shared_task
def weekly_study_check() -> int:
    from conduct.services.checks import study_week_check

    today = timezone.localdate()
    last_monday = today - dt.timedelta(days=today.weekday() + 7)
    return sum(study_week_check(township_id=tid, week_start=last_monday) for tid in _townships())


@shared_task
def monthly_worklog_check() -> int:
    from conduct.services.checks import worklog_month_check

    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return sum(worklog_month_check(township_id=tid, month=last_month) for tid in _townships())
