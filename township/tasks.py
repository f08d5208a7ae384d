import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> None:
    from township.models import Notification

    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None or note.emailed_at is not None:
        return
    url = note.url
    send_mail(
        subject=note.display_text[:78],
        message=f"{note.display_text}\n\n{url}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[note.recipient.email],
    )
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def enqueue(task, *args, fallback=None, **kwargs) -> bool:
    """Queue ``task`` for the worker.  When the broker (Redis) cannot be reached the failure is
    logged, never silent, and never turned into an error page for an action already saved:
    ``fallback()`` (if given) does the work now instead, otherwise a periodic sweep catches up
    once Redis is back (e.g. send_pending_notification_emails).  Returns whether it was queued."""
    import logging

    try:
        task.delay(*args, **kwargs)
        return True
    except Exception:  # noqa: BLE001 - kombu/redis raise many kinds when the broker is down
        logging.getLogger("township.tasks").exception("could not queue %s%r", task.name, args)
        if fallback is not None:
            fallback()
        return False


@shared_task(acks_late=True)
def send_pending_notification_emails(older_than_minutes: int = 5, days: int = 3) -> int:
    """The sweep behind send_notification_email: emails of notifications that could not be
    queued (Redis down) go out once a worker runs again; idempotent."""
    from township.models import Notification

    now = timezone.now()
    pending = Notification.objects.filter(
        emailed_at__isnull=True,
        created_at__lte=now - dt.timedelta(minutes=older_than_minutes),
        created_at__gte=now - dt.timedelta(days=days),
    ).exclude(recipient__email="")
    sent = 0
    for pk in pending.values_list("pk", flat=True)[:500]:
        try:
            send_notification_email(pk)
            sent += 1
        except OSError:  # the mail server: the next sweep tries again
            import logging

            logging.getLogger("township.tasks").exception("email of notification %s not sent", pk)
    return sent


@shared_task
def remind_waiting_approvals() -> int:
    from township.approvals import approvals_remind

    cutoff = timezone.now() - dt.timedelta(hours=settings.APPROVAL_REMIND_AFTER_HOURS)
    return approvals_remind(cutoff=cutoff)


@shared_task
def audit_retention() -> dict:
    """Delete security-log and role-grant rows past AUDIT_RETENTION_DAYS (never under 180 days;
    township.audit.audit_prune); idempotent."""
    from township.audit import audit_prune

    return audit_prune()


@shared_task
def ping() -> str:
    """Used by /healthz and the worker test: proves a worker is consuming."""
    return "pong"


def _progress_key(township_id, period, year, number):
    return f"appraisal-progress:{township_id}:{period}:{year}:{number}"


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=600,
    time_limit=660,
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_backoff_max=600,  # below the broker's visibility timeout (settings)
    max_retries=5,
)
def compute_appraisal(self, township_id: int, year: int, number: int, period: str = "quarter") -> int:
    """R-SUP-3: compute one period's appraisal for a township.  Idempotent: the draft is
    replaced whole; a worker killed halfway leaves nothing and the message is redelivered."""
    import os
    import time

    from django.core.cache import cache

    from township.appraisal import appraisal_compute
    from township.progress import progress_set

    key = _progress_key(township_id, period, year, number)

    def progress(done, total):
        progress_set(key, done, total, task=self.request.id)

    pause = settings.APPRAISAL_PAUSE_IN_TRANSACTION  # only the worker-kill test sets it

    def wait_to_be_killed(report):
        # Worker-kill test: tell it where the run is (this pool process, its database session and
        # the rows written, not yet committed), then wait inside the transaction to be killed.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend_pid,) = cursor.fetchone()
        where = {"pid": os.getpid(), "backend_pid": backend_pid, "scores": report.scores.count()}
        cache.set(f"{key}:in-transaction", where, 600)
        time.sleep(pause)

    report = appraisal_compute(
        township_id=township_id,
        year=year,
        number=number,
        period=period,
        progress=progress,
        after_write=wait_to_be_killed if pause else None,
    )
    return report.pk


@shared_task
def appraisal_period_end(period: str = "quarter") -> int:
    """Beat: at a period's end, compute the period just ended for every township."""
    from township.appraisal import last_quarter
    from township.models import Township

    today = timezone.localdate()
    if period == "quarter":
        year, number = last_quarter(today)
    elif period == "month":
        year, number = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    else:
        year, number = today.year - 1, 0
    ids = list(Township.objects.values_list("pk", flat=True))
    for pk in ids:
        compute_appraisal.delay(pk, year, number, period)
    return len(ids)


def crosscheck_progress_key(township_id: int, start: str, end: str) -> str:
    return f"crosscheck-progress:{township_id}:{start}:{end}"


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=900,
    time_limit=960,
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=5,
)
def crosscheck_township(self, township_id: int, start: str, end: str) -> dict:
    """R-XCK-1..8 for one township over [start, end] (ISO dates): findings due raised, those no
    longer due withdrawn.  Idempotent; the progress is reported month by month."""
    from township.crosschecks import crosscheck_range
    from township.progress import progress_set

    key = crosscheck_progress_key(township_id, start, end)
    return crosscheck_range(
        township_id=township_id,
        start=dt.date.fromisoformat(start),
        end=dt.date.fromisoformat(end),
        progress=lambda done, total: progress_set(key, done, total, task=self.request.id),
    )


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def crosscheck_night_township(township_id: int, day: str) -> dict:
    """One township's nightly cross-record checks (township.crosschecks.crosscheck_night)."""
    from township.crosschecks import crosscheck_night

    return crosscheck_night(township_id=township_id, day=dt.date.fromisoformat(day))


@shared_task
def crosscheck_nightly() -> int:
    """Beat, every night: the cross-record checks of the day before, and again of the recent
    months holding open cross-check findings, one task per township."""
    from township.models import Township

    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    ids = list(Township.objects.values_list("pk", flat=True))
    for pk in ids:
        crosscheck_night_township.delay(pk, day)
    return len(ids)
