"""Supervision services: spot checks (R-SUP-1), violations and their handling (R-SUP-2, R-SUP-4,
R-SUP-8), findings triage, satisfaction surveys (R-SUP-5) and the democratic appraisal (R-SUP-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from township.findings import finding_raise
from township.models import Department, Finding, FindingStatus, Role, User
from township.models.supervision import (
    Handling,
    SpotCheck,
    SurveyRating,
    SurveyRound,
    Violation,
    ViolationStatus,
    ViolationType,
)
from township.scoping import township_ids_for

SUPERVISORS = (Role.INSPECTOR, Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE, Role.ADMINISTRATOR)
INSPECTORS = (Role.INSPECTOR, Role.ADMINISTRATOR)

RULE_TYPES = {"R-ATT-2": ViolationType.LATE, "R-ATT-3": ViolationType.ABSENT}


def _own(actor, township_id):
    if township_id not in township_ids_for(actor):
        raise ValidationError(_("This record does not exist."))


def spot_check_record(
    *, actor, township, on_date: dt.date, scope: str, findings: str = "", people=(), departments=()
) -> SpotCheck:
    """R-SUP-1: leaders and inspectors record irregular spot checks."""
    if not actor.has_role(*SUPERVISORS):
        raise ValidationError(_("Only leaders and discipline inspectors record spot checks (R-SUP-1)."))
    _own(actor, township.pk)
    if on_date > timezone.localdate():
        raise ValidationError({"on_date": [_("A spot check cannot be dated in the future.")]})
    with transaction.atomic():
        check = SpotCheck(
            township=township, on_date=on_date, scope=scope, findings=findings, checked_by=actor
        )
        check.full_clean()
        check.save()
        check.people_checked.set(people)
        check.departments_checked.set(departments)
    return check


def violation_record(
    *,
    actor,
    township,
    on_date: dt.date,
    type: str,
    evidence: str,
    person=None,
    department=None,
    rule_id: str = "",
    finding=None,
    spot_check=None,
) -> Violation:
    if not actor.has_role(*SUPERVISORS):
        raise ValidationError(_("Only leaders and discipline inspectors record violations."))
    _own(actor, township.pk)
    if person is None and department is None:
        raise ValidationError({"person": [_("Name the person or the unit.")]})
    for who in (person, department):
        if who is not None and who.township_id != township.pk:
            raise ValidationError(_("This record does not exist."))
    violation = Violation(
        township=township,
        on_date=on_date,
        type=type,
        evidence=evidence,
        person=person,
        department=department or (person.department if person else None),
        rule_id=rule_id,
        finding=finding,
        spot_check=spot_check,
        recorded_by=actor,
    )
    violation.full_clean()
    violation.save()
    return violation


def violation_decide(*, actor, violation_id: int, handling: str) -> Violation:
    """R-SUP-4: the handling is decided by an inspector or a principal leader."""
    if not actor.has_role(Role.INSPECTOR, Role.PRINCIPAL_LEADER):
        raise ValidationError(_("Only discipline inspectors and principal leaders decide the handling."))
    if handling not in Handling.values or handling == Handling.PENDING:
        raise ValidationError({"handling": [_("Choose how the violation is handled.")]})
    with transaction.atomic():
        v = Violation.objects.select_for_update().get(pk=violation_id)
        _own(actor, v.township_id)
        if v.status == ViolationStatus.CLOSED:
            raise ValidationError(_("This violation is closed."))
        v.handling, v.decided_by, v.decided_at = handling, actor, timezone.now()
        v.status = ViolationStatus.DECIDED
        v.save(update_fields=["handling", "decided_by", "decided_at", "status"])
    return v


def finding_confirm(*, actor, finding_id: int, evidence: str = "") -> Violation:
    """Triage: an inspector confirms a finding as a violation."""
    if not actor.has_role(*INSPECTORS):
        raise ValidationError(_("Only discipline inspectors triage findings."))
    with transaction.atomic():
        f = (
            Finding.objects.select_for_update(of=("self",))
            .select_related("person", "department")
            .get(pk=finding_id)
        )
        _own(actor, f.township_id)
        if f.status != FindingStatus.OPEN:
            raise ValidationError(_("This finding has already been triaged."))
        f.status, f.resolved_by, f.resolved_at = FindingStatus.CONFIRMED, actor, timezone.now()
        f.resolution = evidence[:500]
        f.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
        return violation_record(
            actor=actor,
            township=f.township,
            on_date=f.on_date,
            type=RULE_TYPES.get(f.rule_id, ViolationType.RULE),
            evidence=evidence or f.detail,
            person=f.person,
            department=f.department,
            rule_id=f.rule_id,
            finding=f,
        )


def finding_dismiss(*, actor, finding_id: int, reason: str) -> Finding:
    if not actor.has_role(*INSPECTORS):
        raise ValidationError(_("Only discipline inspectors triage findings."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the finding is dismissed.")]})
    with transaction.atomic():
        f = Finding.objects.select_for_update().get(pk=finding_id)
        _own(actor, f.township_id)
        if f.status != FindingStatus.OPEN:
            raise ValidationError(_("This finding has already been triaged."))
        f.status, f.resolved_by, f.resolved_at = FindingStatus.DISMISSED, actor, timezone.now()
        f.resolution = reason.strip()[:500]
        f.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    return f


def findings_triage_bulk(*, actor, finding_ids, action: str, reason: str = "") -> int:
    """Bulk triage: all the chosen findings or none."""
    with transaction.atomic():
        for pk in finding_ids:
            if action == "confirm":
                finding_confirm(actor=actor, finding_id=pk, evidence=reason)
            elif action == "dismiss":
                finding_dismiss(actor=actor, finding_id=pk, reason=reason)
            else:
                raise ValidationError(_("Unknown action."))
    return len(finding_ids)


def survey_rating_add(
    *,
    actor,
    round: SurveyRound,
    score: Decimal,
    department: Department | None = None,
    person: User | None = None,
    rater_group: str = "",
) -> SurveyRating:
    if not actor.has_role(*INSPECTORS):
        raise ValidationError(_("Only discipline inspectors and administrators enter ratings."))
    _own(actor, round.township_id)
    rating = SurveyRating(
        round=round, department=department, person=person, rater_group=rater_group, score=score
    )
    rating.full_clean()
    rating.save()
    return rating


def satisfaction_ranking(*, township_id: int, year: int) -> list[tuple[int, Decimal, int]]:
    """(department id, average score, rank) of the year's satisfaction rounds, best first."""
    rows = (
        SurveyRating.objects.filter(
            round__township_id=township_id,
            round__year=year,
            round__kind="satisfaction",
            department__isnull=False,
        )
        .values_list("department_id")
        .annotate(avg=Avg("score"))
        .order_by("-avg")
    )
    return [(dept, avg, i) for i, (dept, avg) in enumerate(rows, start=1)]


def satisfaction_check_last_two_years(*, township_id: int, year: int) -> Department | None:
    """R-SUP-5: a unit ranked last two years running -> "admonishment talk due" for its head."""
    this = satisfaction_ranking(township_id=township_id, year=year)
    prev = satisfaction_ranking(township_id=township_id, year=year - 1)
    if not this or not prev or this[-1][0] != prev[-1][0]:
        return None
    dept = Department.objects.select_related("head").get(pk=this[-1][0])
    finding_raise(
        rule_id="R-SUP-5",
        township=township_id,
        on_date=dt.date(year, 12, 31),
        person=dept.head,
        department=dept,
        key=f"department:{dept.pk}:{year}",
        detail=_(
            "%(unit)s ranked last in the satisfaction survey in %(prev)s and %(year)s: an "
            "admonishment talk with its head is due."
        )
        % {"unit": dept.name, "prev": year - 1, "year": year},
    )
    return dept


def democratic_appraisal(*, township_id: int, year: int) -> dict[int, Decimal]:
    """R-SUP-6: average rating per person of the year's democratic appraisal rounds."""
    rows = (
        SurveyRating.objects.filter(
            round__township_id=township_id, round__year=year, round__kind="democratic", person__isnull=False
        )
        .values_list("person_id")
        .annotate(avg=Avg("score"))
    )
    return {pk: avg for pk, avg in rows}
