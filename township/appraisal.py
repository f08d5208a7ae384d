"""The quarterly appraisal (R-SUP-3), computed set-based for a whole township.

Figures come from every app through the core's questions (township.hooks.ask), from findings and
from violations, each in a few aggregate queries; nothing loops a query per person.  Indicators
and weights are the administrators' (R-SUP-7, AppraisalIndicator per year, written only by
``indicator_set``); each indicator's computation is described in words in DESCRIPTIONS for the
settings page.

Decisions on what is fair (tested one by one in township/tests/test_appraisal_world.py):

* **Not applicable.**  An indicator whose denominator is 0 does not apply to the person (village
  days, research reports or pairings when their target is 0; work logs when the person had no
  day at work; attendance when there was no working day; petitions for someone who was not the
  responsible leader of any case due in the period and has no petition finding).  It is shown as
  ``"n/a"`` (value and score) and its weight is redistributed over the person's applicable
  indicators in proportion to their weights, so every person is scored out of the same total:
  effective weight = weight x (sum of all weights / sum of the applicable weights).  Deductions
  per occurrence are not scaled: a late arrival costs everyone the same.
* **Joined during the period.**  Attendance and work logs count from the day the person joined
  the township (``User.joined_on``): the attendance question is asked again from that day for
  the people who joined within the period (one more question per distinct joining date), and
  their unit's findings (a week without group study) count from that day too.
  Village-day, report and pairing targets are already pro-rated by joining date (R-FLD-1).
  Somebody who joined after the period's end is not appraised for it.
* **Leave.**  Approved leave, trips and village days are not absences: the attendance rate is
  (working days - days recorded absent) / working days.  Work logs are expected on days at work
  only: logs / (working days - leave days).
* **Floors.**  No indicator scores below 0, whatever its deductions.  Violations have no points
  of their own: their deduction is subtracted from the total, which CAN go below 0 (so people
  with many violations still rank in order of how many).
* **Ranks** are competition ranks (1, 2, 2, 4), for people by total and for departments by the
  average total of their people.

A run writes its report in ONE transaction at the very end: a worker killed halfway leaves
nothing, and running a period again replaces its draft atomically (never a duplicate).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from township.hooks import ask
from township.models import Finding, FindingStatus, Role, Township, User
from township.models.supervision import (
    AppraisalIndicator,
    AppraisalReport,
    AppraisalScore,
    DepartmentScore,
    Indicator,
    Period,
    ReportStatus,
    Violation,
)

TWO = Decimal("0.01")

DESCRIPTIONS = {
    Indicator.ATTENDANCE_RATE: gettext_lazy(
        "Working days not recorded absent (approved leave, trips and village days count as present) "
        "divided by working days since the period's start or the day the person joined, times the weight."
    ),
    Indicator.LATE_EARLY: gettext_lazy(
        "The weight, less the deduction for each late arrival or early departure found (R-ATT-2); never below 0."
    ),
    Indicator.LEAVE_REPORTED: gettext_lazy(
        "The weight, less the deduction for each leave not reported back on time (R-LV-2); never below 0."
    ),
    Indicator.WORK_LOGS: gettext_lazy(
        "Days with a work log divided by days at work (working days less leave days), at most 1, times the "
        "weight (R-LOG-1); not applicable without a day at work."
    ),
    Indicator.GROUP_STUDY: gettext_lazy(
        "The weight, less the deduction for each week the person's department missed group study (R-STUDY-1); "
        "never below 0."
    ),
    Indicator.VILLAGE_DAYS: gettext_lazy(
        "Village days divided by the quota pro-rated to the period's end, at most 1, times the weight (R-FLD-1); "
        "not applicable when nothing is due yet."
    ),
    Indicator.RESEARCH_REPORTS: gettext_lazy(
        "Research reports divided by the yearly target, at most 1, times the weight (R-FLD-3); not applicable "
        "when the target is 0."
    ),
    Indicator.PAIRING: gettext_lazy(
        "Poor households paired divided by the target, at most 1, times the weight (R-FLD-6); not applicable "
        "when the target is 0."
    ),
    Indicator.PETITIONS: gettext_lazy(
        "For responsible leaders: cases replied on time divided by cases due, times the weight, less "
        "the deduction for each overdue deadline found (R-PET-2, R-PET-3, R-PET-7); never below 0; not "
        "applicable to someone with no case due and no such finding."
    ),
    Indicator.MEETINGS: gettext_lazy(
        "The weight, less the deduction for each meeting finding (R-MTG-*) the person is responsible for; "
        "never below 0."
    ),
    Indicator.VIOLATIONS: gettext_lazy(
        "No points of its own: the deduction for each violation recorded in the period (unless handled with "
        "no action) is subtracted from the total, which can go below 0."
    ),
}

# Shown (value and score) for an indicator that does not apply to a person; its weight goes to
# the person's other indicators in proportion to their weights.
NOT_APPLICABLE = "n/a"

DEFAULT_INDICATORS = [
    (Indicator.ATTENDANCE_RATE, "20", "0"),
    (Indicator.LATE_EARLY, "10", "1"),
    (Indicator.LEAVE_REPORTED, "5", "1"),
    (Indicator.WORK_LOGS, "10", "0"),
    (Indicator.GROUP_STUDY, "5", "1"),
    (Indicator.VILLAGE_DAYS, "20", "0"),
    (Indicator.RESEARCH_REPORTS, "10", "0"),
    (Indicator.PAIRING, "5", "0"),
    (Indicator.PETITIONS, "10", "2"),
    (Indicator.MEETINGS, "5", "1"),
    (Indicator.VIOLATIONS, "0", "5"),
]

# Which findings count against which indicator (by rule id prefix).
FINDING_RULES = {
    Indicator.LATE_EARLY: ("R-ATT-2",),
    Indicator.LEAVE_REPORTED: ("R-LV-2",),
    Indicator.GROUP_STUDY: ("R-STUDY-1",),
    Indicator.PETITIONS: ("R-PET-2", "R-PET-3"),
    Indicator.MEETINGS: ("R-MTG-",),
}


def period_bounds(period: str, year: int, number: int) -> tuple[dt.date, dt.date]:
    if period == Period.QUARTER:
        if number not in (1, 2, 3, 4):
            raise ValidationError(_("A quarter is 1 to 4."))
        start = dt.date(year, 3 * number - 2, 1)
        end_month = 3 * number
    elif period == Period.MONTH:
        if not 1 <= number <= 12:
            raise ValidationError(_("A month is 1 to 12."))
        start, end_month = dt.date(year, number, 1), number
    else:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    end = dt.date(year + (end_month == 12), end_month % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def indicators_for(*, county_id: int, year: int) -> list[AppraisalIndicator]:
    rows = list(AppraisalIndicator.objects.filter(county_id=county_id, year=year, enabled=True))
    if rows or AppraisalIndicator.objects.filter(county_id=county_id, year=year).exists():
        return rows
    # A year without indicators uses the latest year that has them, else the defaults.
    latest = AppraisalIndicator.objects.filter(county_id=county_id, year__lt=year).aggregate(y=Max("year"))[
        "y"
    ]
    if latest:
        return list(AppraisalIndicator.objects.filter(county_id=county_id, year=latest, enabled=True))
    return [
        AppraisalIndicator(county_id=county_id, year=year, code=c, weight=Decimal(w), deduction=Decimal(d))
        for c, w, d in DEFAULT_INDICATORS
    ]


def indicator_set(*, actor, county, year: int, code: str, weight, deduction, enabled: bool = True):
    """R-SUP-7: only administrators define appraisal indicators.  Checks first, then one save in
    one transaction: a refused or invalid indicator writes nothing."""
    if not actor.has_role(Role.ADMINISTRATOR):
        raise ValidationError(_("Only administrators define appraisal indicators (R-SUP-7)."))
    if code not in Indicator.values:
        raise ValidationError({"code": [_("Not an indicator the appraisal can compute.")]})
    errors = {}
    for field, points in (("weight", weight), ("deduction", deduction)):
        try:
            if Decimal(str(points)) >= 0:
                continue
        except ArithmeticError:  # decimal.InvalidOperation: not a number at all
            pass
        errors[field] = [_("Enter a number of points, 0 or more.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        obj = AppraisalIndicator.objects.select_for_update().filter(
            county=county, year=year, code=code
        ).first() or AppraisalIndicator(county=county, year=year, code=code)
        obj.weight, obj.deduction, obj.enabled, obj.changed_by = weight, deduction, enabled, actor
        obj.full_clean()
        obj.save()
    return obj


def _merge(answers: list[dict[int, dict]]) -> dict[int, dict]:
    """Several apps' answers {person_id: {figure: value}} as one; a later app adds figures."""
    merged: dict[int, dict] = {}
    for a in answers:
        for key, value in a.items():
            merged.setdefault(key, {}).update(value)
    return merged


def _ratio(num, den) -> Decimal | None:
    """num / den, at most 1; None (not applicable) when there is nothing to divide by."""
    num, den = Decimal(str(num or 0)), Decimal(str(den or 0))
    if den <= 0:
        return None
    return min(Decimal(1), num / den)


def compute_figures(*, township: Township, start: dt.date, end: dt.date) -> dict[int, dict]:
    """Per person, the raw figures of the period (a handful of aggregate queries)."""
    people = list(
        User.objects.filter(township=township, is_active=True)
        .exclude(joined_on__gt=end)
        .values_list("pk", "department_id", "joined_on")
    )
    figures: dict[int, dict] = {pk: {"department_id": dept} for pk, dept, _j in people}
    since = {pk: max(start, joined_on or start) for pk, _dept, joined_on in people}
    # Attendance from the period's start, or from the joining day for who joined during it: one
    # question per distinct first day.
    by_first_day: dict[dt.date, list[int]] = defaultdict(list)
    for pk, first_day in since.items():
        by_first_day[first_day].append(pk)
    attendance: dict[int, dict] = {}
    for first_day, pks in by_first_day.items():
        answers = _merge(ask("attendance_summary", township_id=township.pk, start=first_day, end=end))
        for pk in pks:
            attendance[pk] = answers.get(pk) or {}
    fieldwork = _merge(ask("fieldwork_summary", township_id=township.pk, year=end.year, on=end))
    petitions: dict = {}
    for answer in ask("petition_summary", township_id=township.pk, start=start, end=end):
        petitions.update(answer["by_leader"])
    for pk, row in figures.items():
        row["attendance"] = attendance[pk]
        row["fieldwork"] = fieldwork.get(pk) or {}
        row["petitions"] = petitions.get(pk) or {}
        row["findings"] = defaultdict(int)
    counts = (
        Finding.objects.filter(township=township, on_date__range=(start, end))
        .exclude(status=FindingStatus.DISMISSED)
        .values_list("person_id", "department_id", "rule_id", "on_date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    dept_findings: dict[int, list[tuple[dt.date, str, int]]] = defaultdict(list)
    for person_id, dept_id, rule_id, on_date, n in counts:
        if person_id in figures:
            figures[person_id]["findings"][rule_id] += n
        elif person_id is None and dept_id:
            dept_findings[dept_id].append((on_date, rule_id, n))
    for pk, row in figures.items():
        # A unit's findings count for its people from the day they joined.
        row["department_findings"] = defaultdict(int)
        for on_date, rule_id, n in dept_findings.get(row["department_id"], []):
            if on_date >= since[pk]:
                row["department_findings"][rule_id] += n
    violations = (
        Violation.objects.filter(township=township, on_date__range=(start, end))
        .exclude(handling="none")
        .values_list("person_id")
        .annotate(n=Count("pk"))
    )
    for person_id, n in violations:
        if person_id in figures:
            figures[person_id]["violations"] = n
    return figures


RATIO_INDICATORS = {
    Indicator.ATTENDANCE_RATE,
    Indicator.WORK_LOGS,
    Indicator.VILLAGE_DAYS,
    Indicator.RESEARCH_REPORTS,
    Indicator.PAIRING,
    Indicator.PETITIONS,
}


def _count(findings: dict, prefixes) -> int:
    return sum(n for rule, n in findings.items() if any(rule.startswith(p) for p in prefixes))


def _measure(code: str, row: dict) -> tuple[Decimal | None, int]:
    """An indicator's figure for one person: (ratio or None when not applicable, occurrences to
    deduct).  Deduction-only indicators have the ratio 1."""
    att, fld, pet = row["attendance"], row["fieldwork"], row["petitions"]
    if code == Indicator.ATTENDANCE_RATE:
        working = att.get("working_days") or 0
        return _ratio(working - (att.get("absent") or 0), working), 0
    if code == Indicator.WORK_LOGS:
        at_work = Decimal(att.get("working_days") or 0) - Decimal(str(att.get("leave_days") or 0))
        return _ratio(att.get("logs"), at_work), 0
    if code == Indicator.VILLAGE_DAYS:
        return _ratio(fld.get("village_days"), fld.get("prorated_target")), 0
    if code == Indicator.RESEARCH_REPORTS:
        return _ratio(fld.get("reports"), fld.get("reports_target")), 0
    if code == Indicator.PAIRING:
        return _ratio(fld.get("pairings"), fld.get("pairings_target")), 0
    if code == Indicator.VIOLATIONS:
        return Decimal(1), row.get("violations", 0)
    found = _count(row["findings"], FINDING_RULES[code])
    if code == Indicator.GROUP_STUDY:
        found += _count(row["department_findings"], FINDING_RULES[code])
    if code == Indicator.PETITIONS:
        # The responsible leader's cases: replied on time out of those due (R-PET-3, R-PET-7),
        # less the deduction for each overdue deadline finding (R-PET-2, R-PET-3).
        due = (pet.get("on_time") or 0) + (pet.get("overdue") or 0)
        if not due and not found:
            return None, found
        return _ratio(pet.get("on_time"), due) if due else Decimal(1), found
    return Decimal(1), found


def score_person(row: dict, indicators: list[AppraisalIndicator]) -> tuple[Decimal, dict]:
    """The person's total and, per indicator code, {"value", "score", "weight"} as strings.

    ``value`` is the ratio (2 decimals) for ratio indicators, the number of occurrences for
    deduction indicators, ``"n/a"`` when the indicator does not apply; ``weight`` is the effective
    weight after redistribution (see the module's docstring)."""
    measured = {ind.code: _measure(ind.code, row) for ind in indicators}
    weights = {ind.code: Decimal(ind.weight) for ind in indicators}
    total_weight = sum(weights.values())
    applicable = sum(w for code, w in weights.items() if measured[code][0] is not None)
    total = Decimal(0)
    details = {}
    for ind in indicators:
        code, d = ind.code, Decimal(ind.deduction)
        ratio, found = measured[code]
        if ratio is None:
            details[code] = {"value": NOT_APPLICABLE, "score": NOT_APPLICABLE, "weight": "0.00"}
            continue
        w = weights[code] * total_weight / applicable if weights[code] else Decimal(0)
        score = w * ratio - d * found
        if code != Indicator.VIOLATIONS:  # only violations take points below 0
            score = max(Decimal(0), score)
        score = score.quantize(TWO, ROUND_HALF_UP)
        value = ratio.quantize(TWO, ROUND_HALF_UP) if code in RATIO_INDICATORS else found
        details[code] = {
            "value": str(value),
            "score": str(score),
            "weight": str(w.quantize(TWO, ROUND_HALF_UP)),
        }
        total += score
    return total, details


def _ranks(values: list[tuple[int, Decimal]]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) by descending value."""
    ordered = sorted(values, key=lambda kv: kv[1], reverse=True)
    ranks: dict[int, int] = {}
    for position, (key, value) in enumerate(ordered):
        tied = position > 0 and ordered[position - 1][1] == value
        ranks[key] = ranks[ordered[position - 1][0]] if tied else position + 1
    return ranks


def _quiet(done: int, total: int) -> None:
    return None


def appraisal_compute(
    *,
    township_id: int,
    year: int,
    number: int,
    period: str = Period.QUARTER,
    progress: Callable[[int, int], None] | None = None,
    before_write: Callable[[], None] | None = None,
    after_write: Callable[[AppraisalReport], None] | None = None,
) -> AppraisalReport:
    township = Township.objects.get(pk=township_id)
    start, end = period_bounds(period, year, number)
    progress = progress or _quiet
    progress(1, 4)
    indicators = indicators_for(county_id=township.county_id, year=year)
    figures = compute_figures(township=township, start=start, end=end)
    progress(2, 4)
    scored = {pk: score_person(row, indicators) for pk, row in figures.items()}
    ranks = _ranks([(pk, total) for pk, (total, _d) in scored.items()])
    by_dept: dict[int, list[Decimal]] = defaultdict(list)
    for pk, (total, _d) in scored.items():
        dept = figures[pk]["department_id"]
        if dept:
            by_dept[dept].append(total)
    dept_avg = {d: (sum(v) / len(v)).quantize(TWO, ROUND_HALF_UP) for d, v in by_dept.items()}
    dept_ranks = _ranks(list(dept_avg.items()))
    progress(3, 4)
    if before_write:
        before_write()
    with transaction.atomic():
        # Serialise runs of the same township; replace the period's draft whole.
        Township.objects.select_for_update().get(pk=township_id)
        AppraisalReport.objects.filter(
            township_id=township_id, period=period, year=year, number=number, status=ReportStatus.DRAFT
        ).delete()
        last_version = (
            AppraisalReport.objects.filter(
                township_id=township_id, period=period, year=year, number=number
            ).aggregate(v=Max("version"))["v"]
            or 0
        )
        report = AppraisalReport.objects.create(
            township_id=township_id,
            period=period,
            year=year,
            number=number,
            start=start,
            end=end,
            version=last_version + 1,
            computed_at=timezone.now(),
            indicators=[
                {"code": i.code, "weight": str(i.weight), "deduction": str(i.deduction)} for i in indicators
            ],
        )
        AppraisalScore.objects.bulk_create(
            AppraisalScore(
                report=report,
                person_id=pk,
                department_id=figures[pk]["department_id"],
                total=total,
                rank=ranks[pk],
                details=details,
            )
            for pk, (total, details) in scored.items()
        )
        DepartmentScore.objects.bulk_create(
            DepartmentScore(
                report=report, department_id=d, average=avg, rank=dept_ranks[d], people=len(by_dept[d])
            )
            for d, avg in dept_avg.items()
        )
        if after_write:  # every row written, not yet committed (the worker-kill test waits here)
            after_write(report)
    progress(4, 4)
    return report


def appraisal_publish(*, actor, report_id: int) -> AppraisalReport:
    if not actor.has_role(Role.INSPECTOR, Role.ADMINISTRATOR):
        raise ValidationError(_("Only inspectors and administrators publish appraisal reports."))
    with transaction.atomic():
        report = AppraisalReport.objects.select_for_update().get(pk=report_id)
        if report.township_id not in _township_ids(actor):
            raise ValidationError(_("This report does not exist."))
        if report.status == ReportStatus.PUBLISHED:
            raise ValidationError(_("This report is already published."))
        report.status = ReportStatus.PUBLISHED
        report.published_by = actor
        report.published_at = timezone.now()
        report.save(update_fields=["status", "published_by", "published_at"])
    return report


def _township_ids(user):
    from township.scoping import township_ids_for

    return township_ids_for(user)


def previous_ranks(report: AppraisalReport) -> dict[int, int]:
    """The ranks of the latest published report of the previous period, by person."""
    if report.period == Period.QUARTER:
        year, number = (report.year, report.number - 1) if report.number > 1 else (report.year - 1, 4)
    elif report.period == Period.MONTH:
        year, number = (report.year, report.number - 1) if report.number > 1 else (report.year - 1, 12)
    else:
        year, number = report.year - 1, 0
    prev = (
        AppraisalReport.objects.filter(
            township_id=report.township_id,
            period=report.period,
            year=year,
            number=number,
            status=ReportStatus.PUBLISHED,
        )
        .order_by("-version")
        .first()
    )
    if prev is None:
        return {}
    return dict(prev.scores.values_list("person_id", "rank"))


def current_quarter(today: dt.date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1


def last_quarter(today: dt.date) -> tuple[int, int]:
    year, q = current_quarter(today)
    return (year, q - 1) if q > 1 else (year - 1, 4)


__all__ = [
    "DESCRIPTIONS",
    "appraisal_compute",
    "appraisal_publish",
    "indicator_set",
    "indicators_for",
    "previous_ranks",
]
