"""Celery entry points of the petitions app (idempotent; they call the services)."""

from celery import shared_task


@shared_task
def petition_clocks_daily() -> dict:
    """Every morning: reminders before deadlines, findings for overdue ones (R-PET-2/3/4),
    satisfaction prompts four weeks after a reply."""
    from petitions.services import petition_clocks_run

    return petition_clocks_run()


@shared_task
def petition_on_time_quota_monthly() -> int:
    """On the 1st: R-PET-7 shortfalls of the month just ended."""
    import datetime as dt

    from django.utils import timezone

    from petitions.services import petition_on_time_quota_run

    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return petition_on_time_quota_run(month_start=last_month.replace(day=1))
