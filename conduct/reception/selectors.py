"""Reads of the reception app, scoped by who asks (404 for out of scope, like missing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth

from township.models import Role
from township.scoping import get_or_404, township_ids_for

from .models import (
    THREE_PUBLIC,
    Budget,
    DisclosureReport,
    DisclosureStatus,
    Expense,
    ExpenseCategory,
    ExpenseStatus,
    ReceptionRecord,
    Vehicle,
    VehicleUse,
)

ZERO = Decimal("0.00")
# Who sees the whole township's receptions, expenses and vehicles.
READERS = (
    Role.OFFICE_CLERK,
    Role.FINANCE_CLERK,
    Role.ADMINISTRATOR,
    Role.PRINCIPAL_LEADER,
    Role.LEADER_IN_CHARGE,
    Role.INSPECTOR,
)


def sees_all(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*READERS))


def _money(value) -> str:
    return str((value or ZERO).quantize(Decimal("0.01")))


# --- receptions ----------------------------------------------------------------------------------

RECEPTION_SORTS = {
    "date": ("start_date", "pk"),
    "-date": ("-start_date", "-pk"),
    "unit": ("visiting_unit", "pk"),
    "guests": ("-guest_count", "-pk"),
    "cost": ("-cost", "-pk"),
}


def reception_list_for(
    *,
    user,
    q: str = "",
    status: str = "",
    date_from=None,
    date_to=None,
    major: bool | None = None,
    sort: str = "-date",
) -> QuerySet[ReceptionRecord]:
    qs = ReceptionRecord.objects.filter(township_id__in=township_ids_for(user))
    if not sees_all(user):
        qs = qs.filter(Q(handler=user) | Q(recorded_by=user) | Q(accompanying_staff=user)).distinct()
    if q:
        qs = qs.filter(
            Q(visiting_unit__icontains=q) | Q(letter_reference__icontains=q) | Q(purpose__icontains=q)
        )
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(start_date__gte=date_from)
    if date_to:
        qs = qs.filter(start_date__lte=date_to)
    if major is not None:
        qs = qs.filter(is_major=major)
    qs = qs.annotate(
        staff_count=Count("accompanying_staff", distinct=True),
    ).alias(
        cost=Coalesce("meal_cost", ZERO) + Coalesce("accommodation_cost", ZERO) + Coalesce("other_cost", ZERO)
    )
    return qs.select_related("handler").order_by(*RECEPTION_SORTS.get(sort, RECEPTION_SORTS["-date"]))


def reception_get_for(*, user, pk: int) -> ReceptionRecord:
    qs = ReceptionRecord.objects.filter(township_id__in=township_ids_for(user))
    if not sees_all(user):
        qs = qs.filter(Q(handler=user) | Q(recorded_by=user) | Q(accompanying_staff=user)).distinct()
    return get_or_404(
        qs.select_related("handler", "recorded_by", "township").prefetch_related(
            "guests", "accompanying_staff"
        ),
        pk=pk,
    )


# --- expenses and budgets ------------------------------------------------------------------------

EXPENSE_SORTS = {
    "date": ("spent_on", "pk"),
    "-date": ("-spent_on", "-pk"),
    "amount": ("amount", "pk"),
    "-amount": ("-amount", "-pk"),
    "payee": ("payee", "pk"),
}


def expense_list_for(
    *,
    user,
    category: str = "",
    status: str = "",
    q: str = "",
    date_from=None,
    date_to=None,
    sort: str = "-date",
) -> QuerySet[Expense]:
    qs = Expense.objects.filter(township_id__in=township_ids_for(user))
    if not sees_all(user):
        qs = qs.filter(recorded_by=user)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(payee__icontains=q) | Q(description__icontains=q))
    if date_from:
        qs = qs.filter(spent_on__gte=date_from)
    if date_to:
        qs = qs.filter(spent_on__lte=date_to)
    return qs.select_related("allowance_type", "recorded_by", "reception").order_by(
        *EXPENSE_SORTS.get(sort, EXPENSE_SORTS["-date"])
    )


def expense_get_for(*, user, pk: int) -> Expense:
    qs = Expense.objects.filter(township_id__in=township_ids_for(user))
    if not sees_all(user):
        qs = qs.filter(recorded_by=user)
    return get_or_404(
        qs.select_related("allowance_type", "recorded_by", "reception", "vehicle_use__vehicle"), pk=pk
    )


def _sum(expr_filter: Q):
    return Coalesce(
        Sum("amount", filter=expr_filter),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def budget_overview(*, township_id: int, year: int) -> dict:
    """Per category: budget, spent (approved), committed (awaiting approval), remaining; and the
    approved spending by month for the chart.  Three queries whatever the number of expenses."""
    budgets = dict(
        Budget.objects.filter(township_id=township_id, year=year).values_list("category", "amount")
    )
    base = Expense.objects.filter(township_id=township_id, spent_on__year=year)
    sums = {
        row["category"]: row
        for row in base.values("category").annotate(
            spent=_sum(Q(status=ExpenseStatus.APPROVED)), committed=_sum(Q(status=ExpenseStatus.PENDING))
        )
    }
    monthly: dict[str, list[Decimal]] = {c: [ZERO] * 12 for c in ExpenseCategory.values}
    for category, month, total in (
        base.filter(status=ExpenseStatus.APPROVED)
        .annotate(month=ExtractMonth("spent_on"))
        .values_list("category", "month")
        .annotate(total=Sum("amount"))
        .values_list("category", "month", "total")
    ):
        monthly[category][month - 1] = total
    rows = []
    for code, label in ExpenseCategory.choices:
        budget = budgets.get(code, ZERO)
        spent = sums.get(code, {}).get("spent", ZERO)
        committed = sums.get(code, {}).get("committed", ZERO)
        remaining = budget - spent - committed
        used = (
            ((spent + committed) / budget * 100) if budget else (Decimal(100) if spent + committed else ZERO)
        )
        rows.append(
            {
                "category": code,
                "label": label,
                "budget": budget,
                "spent": spent,
                "committed": committed,
                "remaining": remaining,
                "used_pct": int(min(used, Decimal(100))),
                "over": remaining < 0,
                "near": 0 <= remaining and used >= 90,
                "three_public": code in THREE_PUBLIC,
            }
        )
    totals = {k: sum((r[k] for r in rows), ZERO) for k in ("budget", "spent", "committed", "remaining")}
    return {"rows": rows, "totals": totals, "monthly": monthly}


def budget_chart(overview: dict, labels: dict) -> dict:
    """Chart.js config: approved spending by month, stacked by category."""
    palette = ["#b71c1c", "#1565c0", "#2e7d32", "#f9a825", "#6a1b9a", "#00838f", "#ef6c00", "#5d4037"]
    datasets = [
        {
            "label": str(labels[code]),
            "data": [float(v) for v in overview["monthly"][code]],
            "backgroundColor": palette[i % len(palette)],
            "stack": "spent",
        }
        for i, code in enumerate(ExpenseCategory.values)
        if any(overview["monthly"][code])
    ]
    return {
        "type": "bar",
        "data": {"labels": [str(labels["months"][m]) for m in range(12)], "datasets": datasets},
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True, "beginAtZero": True}}},
    }


# --- vehicles ------------------------------------------------------------------------------------


def vehicle_list_for(*, user) -> QuerySet[Vehicle]:
    return Vehicle.objects.filter(township_id__in=township_ids_for(user)).order_by("-active", "plate")


def vehicle_use_list_for(
    *, user, vehicle: int | None = None, date_from=None, date_to=None, sort: str = "-date"
) -> QuerySet[VehicleUse]:
    qs = VehicleUse.objects.filter(township_id__in=township_ids_for(user))
    if not sees_all(user):
        qs = qs.filter(Q(driver=user) | Q(logged_by=user))
    if vehicle:
        qs = qs.filter(vehicle_id=vehicle)
    if date_from:
        qs = qs.filter(departs_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(departs_at__date__lte=date_to)
    order = ("departs_at", "pk") if sort == "date" else ("-departs_at", "-pk")
    return qs.select_related("vehicle", "driver").order_by(*order)


def vehicle_use_get_for(*, user, pk: int) -> VehicleUse:
    return get_or_404(vehicle_use_list_for(user=user), pk=pk)


# --- disclosure ----------------------------------------------------------------------------------


def disclosure_figures(*, township_id: int, year: int, quarter: int) -> dict:
    """The quarter's figures as JSON-safe text (R-EXP-3, R-EXP-4): spending by category against
    the year's budget, the "three public" totals, and the reception costs list (internal)."""
    from .services import quarter_bounds

    start, end = quarter_bounds(year, quarter)
    budgets = dict(
        Budget.objects.filter(township_id=township_id, year=year).values_list("category", "amount")
    )
    sums = {
        row["category"]: row
        for row in Expense.objects.filter(
            township_id=township_id,
            status=ExpenseStatus.APPROVED,
            spent_on__gte=dt.date(year, 1, 1),
            spent_on__lte=end,
        )
        .values("category")
        .annotate(quarter=_sum(Q(spent_on__gte=start)), ytd=_sum(Q()))
    }
    categories = []
    for code in ExpenseCategory.values:
        budget = budgets.get(code, ZERO)
        q = sums.get(code, {}).get("quarter", ZERO)
        ytd = sums.get(code, {}).get("ytd", ZERO)
        categories.append(
            {
                "category": code,
                "budget": _money(budget),
                "quarter": _money(q),
                "ytd": _money(ytd),
                "remaining": _money(budget - ytd),
            }
        )
    three = {c["category"]: c for c in categories if c["category"] in THREE_PUBLIC}
    three_total = {
        k: _money(sum((Decimal(c[k]) for c in three.values()), ZERO)) for k in ("budget", "quarter", "ytd")
    }
    total = {
        k: _money(sum((Decimal(c[k]) for c in categories), ZERO))
        for k in ("budget", "quarter", "ytd", "remaining")
    }
    receptions = [
        {
            "date": r.start_date.isoformat(),
            "unit": r.visiting_unit,
            "letter": r.letter_reference,
            "guests": r.guest_count,
            "staff": r.staff_count,
            "cost": _money(r.meal_cost + r.accommodation_cost + r.other_cost),
        }
        for r in ReceptionRecord.objects.filter(
            township_id=township_id,
            start_date__gte=start,
            start_date__lte=end,
            status__in=["planned", "listed", "signed"],
        )
        .annotate(staff_count=Count("accompanying_staff"))
        .order_by("start_date", "pk")
    ]
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "categories": categories,
        "three_public": {"rows": list(three.values()), "total": three_total},
        "total": total,
        "receptions": receptions,
        "reception_total": _money(sum((Decimal(r["cost"]) for r in receptions), ZERO)),
    }


def disclosure_list_for(*, user) -> QuerySet[DisclosureReport]:
    return DisclosureReport.objects.filter(township_id__in=township_ids_for(user)).select_related(
        "published_by", "replaces"
    )


def disclosure_get_for(*, user, pk: int) -> DisclosureReport:
    return get_or_404(disclosure_list_for(user=user), pk=pk)


def published_reports(*, township_id: int) -> QuerySet[DisclosureReport]:
    """The public page: published versions only (drafts never leave the office)."""
    return (
        DisclosureReport.objects.filter(township_id=township_id, status=DisclosureStatus.PUBLISHED)
        .select_related("replaces")
        .annotate(corrected=Count("replaced_by", filter=Q(replaced_by__status=DisclosureStatus.PUBLISHED)))
        .order_by("-year", "-quarter", "-version")
    )


def published_report(*, township_id: int, pk: int) -> DisclosureReport:
    return get_or_404(published_reports(township_id=township_id), pk=pk)


# --- the answer to township.hooks "spending_summary" ---------------------------------------------


def spending_summary(*, township_id: int, year: int, quarter: int | None = None) -> dict:
    """See hooks.py: per category the year's budget and the approved spending of the year (or of
    one quarter), and the "three public" totals.  Two queries."""
    from .services import quarter_bounds

    budgets = dict(
        Budget.objects.filter(township_id=township_id, year=year).values_list("category", "amount")
    )
    qs = Expense.objects.filter(township_id=township_id, status=ExpenseStatus.APPROVED, spent_on__year=year)
    if quarter:
        start, end = quarter_bounds(year, quarter)
        qs = qs.filter(spent_on__gte=start, spent_on__lte=end)
    spent = dict(qs.values_list("category").annotate(total=Sum("amount")).values_list("category", "total"))
    categories = {
        code: {
            "label": str(ExpenseCategory(code).label),
            "budget": budgets.get(code, ZERO),
            "spent": spent.get(code) or ZERO,
        }
        for code in ExpenseCategory.values
    }
    three = {
        "budget": sum((categories[c]["budget"] for c in THREE_PUBLIC), ZERO),
        "spent": sum((categories[c]["spent"] for c in THREE_PUBLIC), ZERO),
    }
    return {
        "township_id": township_id,
        "year": year,
        "quarter": quarter,
        "categories": categories,
        "three_public": three,
        "over_budget": [c for c, v in categories.items() if v["budget"] and v["spent"] > v["budget"]],
    }
