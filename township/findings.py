"""One findings service for every app (FLAG rules of RULES.md).

Idempotent per rule, subject and date: a nightly job that runs twice raises nothing twice
(INSERT ... ON CONFLICT DO NOTHING on the unique constraint)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from township.messages import Message, message_json
from township.models import Finding


@dataclass
class FindingSpec:
    rule_id: str
    township_id: int
    detail: str | Message  # a Message fills both detail (rendered now) and message
    on_date: dt.date | None = None
    person_id: int | None = None
    department_id: int | None = None
    target: object | None = None
    key: str | None = None


def _subject_key(target, key, person_id, department_id) -> str:
    if key:
        return key
    if target is not None:
        return f"{target._meta.label_lower}:{target.pk}"
    if person_id:
        return f"person:{person_id}"
    if department_id:
        return f"department:{department_id}"
    raise ValueError("a finding needs a target, a person, a department or a key")


def _build(spec: FindingSpec) -> Finding:
    target = spec.target
    return Finding(
        township_id=spec.township_id,
        rule_id=spec.rule_id,
        on_date=spec.on_date or timezone.localdate(),
        person_id=spec.person_id,
        department_id=spec.department_id,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        subject_key=_subject_key(target, spec.key, spec.person_id, spec.department_id),
        detail=str(spec.detail)[:500],
        message=message_json(spec.detail),
    )


def findings_raise(specs: list[FindingSpec]) -> None:
    """Raise many findings in one statement; those already raised are left as they are."""
    if specs:
        Finding.objects.bulk_create([_build(s) for s in specs], ignore_conflicts=True)


def finding_raise(
    *,
    rule_id: str,
    township,
    detail: str | Message,
    on_date: dt.date | None = None,
    person=None,
    department=None,
    target=None,
    key: str | None = None,
) -> Finding:
    spec = FindingSpec(
        rule_id=rule_id,
        township_id=getattr(township, "pk", township),
        detail=detail,
        on_date=on_date,
        person_id=getattr(person, "pk", person),
        department_id=getattr(department, "pk", department)
        or (getattr(person, "department_id", None) if person is not None else None),
        target=target,
        key=key,
    )
    row = _build(spec)
    obj, _created = Finding.objects.get_or_create(
        township_id=row.township_id,
        rule_id=row.rule_id,
        subject_key=row.subject_key,
        on_date=row.on_date,
        defaults={
            "person_id": row.person_id,
            "department_id": row.department_id,
            "target_type": row.target_type,
            "target_id": row.target_id,
            "detail": row.detail,
            "message": row.message,
        },
    )
    return obj
