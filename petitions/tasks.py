"""Celery entry points of the petitions app (idempotent; they call the services)."""

from celery import shared_task


@shared_task
def petition_clocks_daily() -> dict:
    """Every morning: reminders before deadlines, findings for overdue ones (R-PET-2/3/4),
    satisfaction prompts four weeks after a reply."""
    from petitions.services import petition_clocks_run

    return petition_clocks_run()
