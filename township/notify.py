"""In-app notifications, each also sent by email from the worker after the transaction commits."""

from __future__ import annotations

import logging

from django.db import transaction

from township.messages import Message, message_json
from township.models import Notification

log = logging.getLogger(__name__)


def notify(recipient, text: str | Message, url: str = "") -> Notification:
    """``text`` a Message (stored, rendered in the reader's language) or plain text."""
    note = Notification.objects.create(
        recipient=recipient, text=str(text)[:300], message=message_json(text), url=url
    )
    if recipient.email:
        transaction.on_commit(lambda: _queue_email(note.pk))
    return note


def _queue_email(notification_id: int) -> None:
    """Broker down: the in-app notification stands, the failure is logged, and the email goes
    out with the sweep (township.tasks.send_pending_notification_emails) once Redis is back."""
    from township.tasks import enqueue, send_notification_email

    enqueue(send_notification_email, notification_id)
