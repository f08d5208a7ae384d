"""Celery entry points: take ids, call services, idempotent."""

from celery import shared_task
from django.utils import timezone


@shared_task
def raise_year_end_shortfalls(year: int | None = None) -> int:
    """QUOTA R-FLD-1/2/3/6 at year end: run early in January for the year just ended.  Findings
    are keyed by person, rule and year, so running it again raises nothing twice."""
    from fieldwork.services import quota_shortfalls_raise
    from township.models import Township

    year = year or timezone.localdate().year - 1
    return sum(
        quota_shortfalls_raise(township_id=tid, year=year)
        for tid in Township.objects.values_list("pk", flat=True)
    )
