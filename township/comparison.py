"""Which township stands where: the county-level reader's comparison of the townships they read.

One row per township (by name): open findings of the period by rule group (``R-ATT``, ``R-FLD``,
...), and from the township's latest appraisal report the village-day quota progress (R-FLD-1:
each person's village days against the pro-rated quota, capped at 100 %, averaged), petitions
replied on time (each responsible leader's share, averaged over the leaders who had cases due)
and the average total score.

The quota and petition figures come from the appraisal report, not from the apps' hook
questions: those are asked one township at a time, and this table must cost a fixed number of
queries whatever the number of townships (three, plus the townships themselves, which the
request has usually read already).  The report says as of when ("2026 Q3").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Count

from township.models import Finding, FindingStatus
from township.models.supervision import AppraisalReport, AppraisalScore, Indicator
from township.scoping import townships_for

HUNDRED = Decimal(100)


def rule_group(rule_id: str) -> str:
    """ "R-ATT-2" -> "R-ATT": the rule's chapter in RULES.md."""
    return rule_id.rsplit("-", 1)[0] if rule_id.count("-") >= 2 else rule_id


def _mean(values: list[Decimal], places: str) -> Decimal | None:
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal(places), ROUND_HALF_UP)


def _ratio(raw) -> Decimal | None:
    """A ratio as the appraisal stores it ("0.50"); None for "n/a" or an indicator not used."""
    try:
        return Decimal(str(raw)) if raw is not None else None
    except InvalidOperation:
        return None


def township_comparison(*, user, start: dt.date, end: dt.date) -> dict | None:
    """The comparison for a county-level reader; None for a user of one township."""
    if user.township_id is not None:
        return None
    townships = townships_for(user)
    ids = [t.pk for t in townships]
    open_rows = (
        Finding.objects.filter(township_id__in=ids, on_date__range=(start, end), status=FindingStatus.OPEN)
        .values_list("township_id", "rule_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    open_by: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for tid, rule, n in open_rows:
        open_by[tid][rule_group(rule)] += n
    groups = sorted({g for by_group in open_by.values() for g in by_group})
    reports = {
        r.township_id: r
        for r in AppraisalReport.objects.filter(township_id__in=ids)
        .order_by("township_id", "-end", "-version", "-pk")
        .distinct("township_id")
        .only("pk", "township_id", "period", "year", "number", "status")
    }
    scores = AppraisalScore.objects.filter(report_id__in=[r.pk for r in reports.values()]).values_list(
        "report__township_id",
        "total",
        f"details__{Indicator.VILLAGE_DAYS}__value",
        f"details__{Indicator.PETITIONS}__value",
    )
    totals, villages, petitions = defaultdict(list), defaultdict(list), defaultdict(list)
    for tid, total, village, petition in scores:
        totals[tid].append(total)
        if (v := _ratio(village)) is not None:
            villages[tid].append(v * HUNDRED)
        if (p := _ratio(petition)) is not None:
            petitions[tid].append(p * HUNDRED)
    rows = []
    for t in townships:
        by_group = open_by.get(t.pk, {})
        rows.append(
            {
                "township": t,
                "open": [by_group.get(g, 0) for g in groups],
                "open_total": sum(by_group.values()),
                "report": reports.get(t.pk),
                "village_days": _mean(villages[t.pk], "1"),
                "petitions_on_time": _mean(petitions[t.pk], "1"),
                "average_score": _mean(totals[t.pk], "0.01"),
            }
        )
    return {"groups": groups, "rows": rows}


def comparison_chart(comparison: dict) -> dict:
    """Open findings by rule group, one stacked bar per township."""
    return {
        "type": "bar",
        "data": {
            "labels": [r["township"].name for r in comparison["rows"]],
            "datasets": [
                {"label": g, "data": [r["open"][i] for r in comparison["rows"]]}
                for i, g in enumerate(comparison["groups"])
            ],
        },
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True, "beginAtZero": True}}},
    }
