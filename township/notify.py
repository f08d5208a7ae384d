"""In-app notifications, each also sent by email from the worker after the transaction commits."""

from __future__ import annotations

import logging

from django.db import transaction

from township.models import Notification

log = logging.getLogger(__name__)


def notify(recipient, text: str, url: str = "") -> Notification:
    note = Notification.objects.create(recipient=recipient, text=str(text)[:300], url=url)
    if recipient.email:
        transaction.on_commit(lambda: _queue_email(note.pk))
    return note


def _queue_email(notification_id: int) -> None:
    from township.tasks import send_notification_email

    try:
        send_notification_email.delay(notification_id)
    except Exception:  # broker down: the in-app notification stands; say so loudly in the log
        log.exception("could not queue the email for notification %s", notification_id)
