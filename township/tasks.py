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
        subject=note.text[:78],
        message=f"{note.text}\n\n{url}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[note.recipient.email],
    )
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


@shared_task
def remind_waiting_approvals() -> int:
    from township.approvals import approvals_remind

    cutoff = timezone.now() - dt.timedelta(hours=settings.APPROVAL_REMIND_AFTER_HOURS)
    return approvals_remind(cutoff=cutoff)


@shared_task
def ping() -> str:
    """Used by /healthz and the worker test: proves a worker is consuming."""
    return "pong"
