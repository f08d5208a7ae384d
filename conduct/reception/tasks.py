"""Celery entry points of the reception app: take ids, call services, idempotent."""

from celery import shared_task
from django.utils import timezone


@shared_task
def prepare_quarter_disclosures() -> int:
    """Quarter-end beat task (R-EXP-4): prepare the draft report of the quarter just ended for
    every township.  Running twice leaves one draft; a published quarter is left alone."""
    from township.models import Township

    from .services import disclosure_prepare, previous_quarter

    year, quarter = previous_quarter(timezone.localdate())
    count = 0
    for township_id in Township.objects.values_list("pk", flat=True):
        if disclosure_prepare(township_id=township_id, year=year, quarter=quarter) is not None:
            count += 1
    return count


@shared_task
def prepare_disclosure(township_id: int, year: int, quarter: int) -> int | None:
    from .services import disclosure_prepare

    report = disclosure_prepare(township_id=township_id, year=year, quarter=quarter)
    return report.pk if report else None
