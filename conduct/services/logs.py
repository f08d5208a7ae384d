"""Work logs (R-LOG-1) and group study (R-STUDY-1)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.models import StudySession, WorkLog
from conduct.rules import r_log_1_writable
from township.models import Role, User
from township.rules import Checks
from township.workcalendar import previous_working_day

from .common import require_township


def worklog_write(*, actor: User, date: dt.date, content: str, today: dt.date | None = None) -> WorkLog:
    """Write (or rewrite) the log of today or of the previous working day; no backfill.
    ``today``: the day a log taken on a phone without signal was written (conduct.offline), when
    a connection gap explains its late arrival; never later than the real today."""
    township_id = require_township(actor)
    today = min(today, timezone.localdate()) if today else timezone.localdate()
    checks = Checks()
    checks.enforce(
        "R-LOG-1",
        r_log_1_writable(
            date, today=today, previous_working_day=previous_working_day(today, township=township_id)
        ),
        _("A work log is written for today or the previous working day only, not for %(date)s.")
        % {"date": date},
        field="date",
    )
    checks.raise_if_any()
    if not content.strip():
        raise ValidationError({"content": [_("Write what you did.")]})
    with transaction.atomic():
        log = (
            WorkLog.objects.select_for_update(of=("self",))
            .filter(person=actor, date=date)
            .order_by("pk")
            .first()
        )
        if log is None:
            log = WorkLog(township_id=township_id, person=actor, date=date)
        log.content = content.strip()
        log.full_clean()
        log.save()
    return log


def can_comment(actor: User, person: User) -> bool:
    dept = person.department
    if dept is None or person.pk == actor.pk:
        return False
    return actor.pk in (dept.head_id, dept.leader_in_charge_id) or (
        actor.has_role(Role.PRINCIPAL_LEADER) and actor.township_id == person.township_id
    )


def worklog_comment(*, actor: User, log_id: int, comment: str) -> WorkLog:
    with transaction.atomic():
        log = (
            WorkLog.objects.select_for_update(of=("self",))
            .select_related("person__department")
            .filter(pk=log_id)
            .first()
        )
        if log is None:
            raise ValidationError(_("This work log does not exist."))
        if not can_comment(actor, log.person):
            raise ValidationError(
                _("Only the head or the leader in charge of the department comments on logs.")
            )
        if not comment.strip():
            raise ValidationError({"comment": [_("Write a comment.")]})
        log.head_comment = comment.strip()
        log.commented_by = actor
        log.commented_at = timezone.now()
        log.save(update_fields=["head_comment", "commented_by", "commented_at", "updated_at"])
    return log


def study_record(
    *, actor: User, department, date: dt.date, topic: str, minutes: int, attendees
) -> StudySession:
    """R-STUDY-1: record a group study session with its attendance (the head, the leader in
    charge or the office clerk)."""
    township_id = require_township(actor)
    if department.township_id != township_id:
        raise ValidationError({"department": [_("Choose a department of your township.")]})
    if not (
        actor.pk in (department.head_id, department.leader_in_charge_id)
        or actor.has_role(Role.OFFICE_CLERK, Role.ADMINISTRATOR, Role.PRINCIPAL_LEADER)
    ):
        raise ValidationError(
            _("Only the department's head, its leader in charge or the office clerk records study.")
        )
    if date > timezone.localdate():
        raise ValidationError({"date": [_("A study session is recorded after it took place.")]})
    attendees = list(attendees)
    if any(a.township_id != township_id for a in attendees):
        raise ValidationError({"attendees": [_("Attendees must be people of this township.")]})
    with transaction.atomic():
        session = StudySession(
            township_id=township_id,
            department=department,
            date=date,
            topic=topic.strip(),
            minutes=minutes,
            recorded_by=actor,
        )
        session.full_clean()
        session.save()
        session.attendees.set(attendees)
    return session
