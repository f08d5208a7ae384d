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
from django.utils.translation import gettext_noop

from township.findings import finding_raise
from township.messages import msg
from township.models import Department, Finding, FindingStatus, Role, User
from township.models.supervision import (
    Handling,
    SpotCheck,
    SurveyRating,
    SurveyRound,
    SurveyRoundStatus,
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
        department=department or person.department,  # no unit named: the person's (checked above)
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


def _rating_save(*, round: SurveyRound, score, department, person, rater_group) -> SurveyRating:
    if round.status != SurveyRoundStatus.OPEN:
        raise ValidationError(
            _("The round %(round)s is closed: reopen it (with a reason) to correct its ratings.")
            % {"round": round}
        )
    for who in (department, person):
        if who is not None and who.township_id != round.township_id:
            raise ValidationError(_("This record does not exist."))
    rating = SurveyRating(
        round=round, department=department, person=person, rater_group=rater_group, score=score
    )
    rating.full_clean()
    rating.save()
    return rating


def _rater_check(actor, township_id):
    if not actor.has_role(*INSPECTORS):
        raise ValidationError(_("Only discipline inspectors and administrators enter ratings."))
    _own(actor, township_id)


def survey_rating_add(
    *,
    actor,
    round: SurveyRound,
    score: Decimal,
    department: Department | None = None,
    person: User | None = None,
    rater_group: str = "",
) -> SurveyRating:
    """One rating in an existing round; a closed round takes none (R-SUP-5)."""
    _rater_check(actor, round.township_id)
    with transaction.atomic():
        locked = SurveyRound.objects.select_for_update().get(pk=round.pk)
        return _rating_save(
            round=locked, score=score, department=department, person=person, rater_group=rater_group
        )


def survey_rating_enter(
    *,
    actor,
    township,
    year: int,
    round_name: str,
    kind: str,
    score: Decimal,
    department: Department | None = None,
    person: User | None = None,
    rater_group: str = "",
) -> SurveyRating:
    """The surveys page: the round is found by its name (opened on its first rating) and the rating
    is saved in one transaction, so a refused rating leaves no empty round behind."""
    _rater_check(actor, township.pk)
    with transaction.atomic():
        rnd = (
            SurveyRound.objects.select_for_update()
            .filter(township=township, year=year, kind=kind, name=round_name)
            .first()
        )
        if rnd is None:
            rnd = SurveyRound(township=township, year=year, kind=kind, name=round_name)
            rnd.full_clean()
            rnd.save()
            if kind == "satisfaction":  # the year is open again: its findings no longer hold
                for y in (year, year + 1):
                    satisfaction_review(township_id=township.pk, year=y)
        return _rating_save(
            round=rnd, score=score, department=department, person=person, rater_group=rater_group
        )


def _round_transition(*, actor, round_id: int, verb: str) -> SurveyRound:
    """Lock the round and check the actor and the state; the caller saves."""
    if not actor.has_role(*INSPECTORS):
        raise ValidationError(
            _("Only discipline inspectors and administrators close or reopen survey rounds.")
        )
    rnd = SurveyRound.objects.select_for_update().get(pk=round_id)
    _own(actor, rnd.township_id)
    allowed, _to = SurveyRound.TRANSITIONS[verb]
    if rnd.status not in allowed:
        if rnd.status == SurveyRoundStatus.CLOSED:
            raise ValidationError(_("This survey round is already closed."))
        raise ValidationError(_("This survey round is open."))
    return rnd


def survey_round_close(*, actor, round_id: int) -> SurveyRound:
    """Close a round: no more ratings; once every satisfaction round of the year is closed and
    every unit is rated, R-SUP-5 is checked for that year and the next (whose "year before" this
    is), raising the findings due and withdrawing those that no longer hold."""
    with transaction.atomic():
        rnd = _round_transition(actor=actor, round_id=round_id, verb="close")
        if not rnd.ratings.exists():
            raise ValidationError(_("A round without ratings cannot be closed."))
        rnd.status = SurveyRound.TRANSITIONS["close"][1]
        rnd.closed_at, rnd.closed_by = timezone.now(), actor
        rnd.full_clean()
        rnd.save(update_fields=["status", "closed_at", "closed_by"])
        if rnd.kind == "satisfaction":
            for year in (rnd.year, rnd.year + 1):
                satisfaction_review(township_id=rnd.township_id, year=year)
    return rnd


def survey_round_reopen(*, actor, round_id: int, reason: str) -> SurveyRound:
    """Reopen a closed round to correct its ratings: an inspector gives the reason, and the R-SUP-5
    findings that rested on its year (this year's and next year's) are withdrawn until it is closed
    again."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the round is reopened.")]})
    with transaction.atomic():
        rnd = _round_transition(actor=actor, round_id=round_id, verb="reopen")
        rnd.status = SurveyRound.TRANSITIONS["reopen"][1]
        rnd.closed_at, rnd.closed_by = None, None
        rnd.reopen_reason = reason.strip()[:500]
        rnd.full_clean()
        rnd.save(update_fields=["status", "closed_at", "closed_by", "reopen_reason"])
        if rnd.kind == "satisfaction":
            for year in (rnd.year, rnd.year + 1):
                satisfaction_review(township_id=rnd.township_id, year=year)
    return rnd


def satisfaction_ranking(*, township_id: int, year: int) -> list[tuple[int, Decimal, int]]:
    """(department id, average score, rank) of the year's satisfaction rounds, best first; units
    with the same average share a rank (1, 2, 2, 4)."""
    rows = list(
        SurveyRating.objects.filter(
            round__township_id=township_id,
            round__year=year,
            round__kind="satisfaction",
            department__isnull=False,
        )
        .values_list("department_id")
        .annotate(avg=Avg("score"))
        .order_by("-avg", "department_id")
    )
    out = []
    for i, (dept, avg) in enumerate(rows, start=1):  # the first row sets rank
        if i == 1 or avg != rows[i - 2][1]:
            rank = i
        out.append((dept, avg, rank))
    return out


def satisfaction_last_units(*, township_id: int, year: int) -> set[int] | None:
    """The units ranked last in a year that counts for R-SUP-5, or None when it does not count yet:
    the year has satisfaction rounds, all of them closed, and every unit of the township rated.
    Units tied for last are all last."""
    statuses = set(
        SurveyRound.objects.filter(township_id=township_id, year=year, kind="satisfaction").values_list(
            "status", flat=True
        )
    )
    if not statuses or statuses != {SurveyRoundStatus.CLOSED}:
        return None
    ranking = satisfaction_ranking(township_id=township_id, year=year)
    units = set(Department.objects.filter(township_id=township_id).values_list("pk", flat=True))
    if not ranking or {d for d, _avg, _r in ranking} != units:
        return None
    lowest = ranking[-1][1]
    return {d for d, avg, _r in ranking if avg == lowest}


def satisfaction_review(*, township_id: int, year: int) -> list[Department]:
    """R-SUP-5: a unit ranked last two closed years running -> "admonishment talk due" for its head.

    Raises the findings due for ``year`` (reopening one this check had withdrawn) and withdraws the
    open ones that no longer hold (a year reopened or its ranking corrected).  A finding an
    inspector has confirmed or dismissed is left as the inspector decided.  Returns the units."""
    this = satisfaction_last_units(township_id=township_id, year=year)
    prev = satisfaction_last_units(township_id=township_id, year=year - 1) if this else None
    due = sorted(this & prev) if this and prev else []
    on_date = dt.date(year, 12, 31)
    ours = Finding.objects.filter(township_id=township_id, rule_id="R-SUP-5", on_date=on_date)
    withdrawn = msg(
        gettext_noop("Withdrawn: the satisfaction ranking it rested on was reopened or corrected.")
    )
    ours.filter(status=FindingStatus.OPEN).exclude(department_id__in=due).update(
        status=FindingStatus.DISMISSED,
        resolved_by=None,
        resolved_at=timezone.now(),
        resolution=str(withdrawn),
        resolution_message=withdrawn.to_json(),
    )
    depts = list(Department.objects.select_related("head").filter(pk__in=due).order_by("pk"))
    for dept in depts:
        finding_raise(
            rule_id="R-SUP-5",
            township=township_id,
            on_date=on_date,
            person=dept.head,
            department=dept,
            key=f"department:{dept.pk}:{year}",
            detail=msg(
                gettext_noop(
                    "%(unit)s ranked last in the satisfaction survey in %(prev)s and %(year)s: an "
                    "admonishment talk with its head is due."
                ),
                unit=dept.name,
                prev=year - 1,
                year=year,
            ),
        )
    # Withdrawn by this check (no inspector named), now due again: open it again.
    ours.filter(status=FindingStatus.DISMISSED, resolved_by__isnull=True, department_id__in=due).update(
        status=FindingStatus.OPEN, resolved_at=None, resolution="", resolution_message=None
    )
    return depts


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
