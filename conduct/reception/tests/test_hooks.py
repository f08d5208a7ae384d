"""reception's answer to the core's question "spending_summary", on a year of expenses whose
right figures are worked out by hand (conduct/reception/hooks.py; shape in
township.hooks.SpendingSummary).  "Spent" counts approved expenses only; budgets are the year's."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from conduct.reception.hooks import spending_summary
from conduct.reception.models import Budget, Expense
from township.hooks import ANSWERS, QUESTIONS, SpendingSummary, ask, conforms, mismatches

from .factories import budget, record_expense

LABELS = {
    "office": "Office supplies",
    "reception": "Official reception",
    "vehicle": "Official vehicle running",
    "abroad": "Official trips abroad",
    "meetings": "Meetings",
    "training": "Training",
    "travel": "Travel",
    "allowance": "Allowances",
}


def money(value: str) -> Decimal:
    return Decimal(value)


def line(code, budget="0", spent="0"):
    return {"label": LABELS[code], "budget": money(budget), "spent": money(spent)}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 15, 2, 0, tzinfo=dt.UTC), tick=False):
        with translation.override("en"):
            yield


def expense(org, category, amount, spent_on, status="approved"):
    e = record_expense(org, category=category, amount=money(amount), spent_on=spent_on)
    Expense.objects.filter(pk=e.pk).update(status=status)
    return e


@pytest.fixture
def world(org, other_org):
    for category, amount in [
        ("office", "2000"),
        ("reception", "5000"),
        ("vehicle", "4000"),
        ("training", "1000"),
    ]:
        budget(org, category=category, amount=amount, year=2026)
    budget(org, category="meetings", amount="200", year=2026)
    budget(org, category="abroad", amount="9999", year=2025)  # last year's budget: not this year's
    budget(org, category="office", amount="1000", year=2025)
    expense(org, "office", "500.00", dt.date(2026, 2, 10))
    expense(org, "office", "300.00", dt.date(2026, 5, 5))
    expense(org, "office", "400.00", dt.date(2026, 2, 20), status="pending")  # not spent yet
    expense(org, "office", "250.00", dt.date(2026, 3, 3), status="rejected")
    expense(org, "office", "999.00", dt.date(2025, 12, 31))  # last year
    expense(org, "reception", "1200.00", dt.date(2026, 3, 31))  # the last day of Q1
    expense(org, "reception", "800.00", dt.date(2026, 4, 1))  # the first day of Q2
    expense(org, "vehicle", "3500.00", dt.date(2026, 8, 8))
    budget(org, category="vehicle", amount="3000", year=2026)  # the budget cut afterwards: 500 above it
    expense(org, "training", "1000.00", dt.date(2026, 12, 1))  # exactly the budget: not above it
    expense(org, "meetings", "200.00", dt.date(2026, 1, 5))
    Budget.objects.filter(township=org.township, year=2026, category="meetings").delete()  # none: not "over"
    budget(other_org, category="office", amount="1000", year=2026)
    expense(other_org, "office", "700.00", dt.date(2026, 2, 10))
    return org


def test_spending_summary_of_the_year_worked_out_by_hand(world):
    org = world
    summary = spending_summary(township_id=org.township.pk, year=2026)
    assert summary == {
        "township_id": org.township.pk,
        "year": 2026,
        "quarter": None,
        "categories": {
            "office": line("office", "2000", "800.00"),  # 500 + 300
            "reception": line("reception", "5000", "2000.00"),  # 1200 + 800
            "vehicle": line("vehicle", "3000", "3500.00"),
            "abroad": line("abroad"),
            "meetings": line("meetings", "0", "200.00"),
            "training": line("training", "1000", "1000.00"),
            "travel": line("travel"),
            "allowance": line("allowance"),
        },
        # reception + vehicle + abroad: budgets 5000 + 3000 + 0, spent 2000 + 3500 + 0
        "three_public": {"budget": money("8000"), "spent": money("5500.00")},
        "over_budget": ["vehicle"],
    }
    assert not mismatches(summary, QUESTIONS["spending_summary"].answer_type)
    assert conforms(summary, SpendingSummary)


def test_spending_summary_of_a_quarter_keeps_the_years_budget(world):
    org = world
    q1 = spending_summary(township_id=org.township.pk, year=2026, quarter=1)
    assert q1["quarter"] == 1
    assert {c: v["spent"] for c, v in q1["categories"].items()} == {
        "office": money("500.00"),
        "reception": money("1200.00"),
        "vehicle": money("0"),
        "abroad": money("0"),
        "meetings": money("200.00"),
        "training": money("0"),
        "travel": money("0"),
        "allowance": money("0"),
    }
    assert q1["categories"]["office"]["budget"] == money("2000")
    assert q1["three_public"] == {"budget": money("8000"), "spent": money("1200.00")}
    assert q1["over_budget"] == []
    q2 = spending_summary(township_id=org.township.pk, year=2026, quarter=2)
    assert (q2["categories"]["office"]["spent"], q2["categories"]["reception"]["spent"]) == (
        money("300.00"),
        money("800.00"),
    )
    q3 = spending_summary(township_id=org.township.pk, year=2026, quarter=3)
    assert q3["three_public"]["spent"] == money("3500.00") and q3["over_budget"] == ["vehicle"]
    q4 = spending_summary(township_id=org.township.pk, year=2026, quarter=4)
    assert q4["categories"]["training"]["spent"] == money("1000.00") and q4["over_budget"] == []
    assert conforms(q4, SpendingSummary)


def test_spending_summary_of_a_year_without_anything(world):
    org = world
    summary = spending_summary(township_id=org.township.pk, year=2024)
    assert summary["categories"] == {code: line(code) for code in LABELS}
    assert summary["three_public"] == {"budget": money("0"), "spent": money("0")}
    assert summary["over_budget"] == []


def test_spending_summary_is_the_registered_answer(world):
    org = world
    assert ANSWERS["spending_summary"] == [spending_summary]
    (summary,) = ask("spending_summary", township_id=org.township.pk, year=2026)
    assert summary["three_public"]["spent"] == money("5500.00")


# --- the cross-record checks' questions (township.crosschecks) -------------------------------------


def test_xck_answers_worked_out_by_hand(world):
    """Expenses awaiting approval or approved (not rejected), vehicle uses by their driver, the
    staff accompanying a reception on each of its days, receptions with a meal."""

    from conduct.reception.hooks import xck_day_records, xck_expenses, xck_meals, xck_vehicle_uses
    from conduct.reception.models import ReceptionRecord, Vehicle, VehicleUse
    from township.hooks import DayRecordFact, ExpenseFact, MealFact, VehicleUseFact

    org = world
    t, feb = org.township.pk, (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    rows = xck_expenses(township_id=t, start=feb[0], end=feb[1])
    assert conforms(rows, list[ExpenseFact])
    assert sorted((r["spent_on"], r["amount"], r["category"]) for r in rows) == [
        (dt.date(2026, 2, 10), Decimal("500.00"), "office"),
        (dt.date(2026, 2, 20), Decimal("400.00"), "office"),  # pending: still a claim
    ]
    assert {r["person_id"] for r in rows} == {org.finance.pk} or len({r["person_id"] for r in rows}) == 1

    car = Vehicle.objects.create(township=org.township, plate="川A00001")
    departs = dt.datetime(2026, 2, 3, 1, 0, tzinfo=dt.UTC)  # 9:00 in Shanghai
    use = VehicleUse.objects.create(
        township=org.township,
        vehicle=car,
        driver=org.staff,
        purpose="x",
        route="x",
        departs_at=departs,
        odometer_out=1,
        logged_by=org.clerk,
    )
    uses = xck_vehicle_uses(township_id=t, start=feb[0], end=feb[1])
    assert conforms(uses, list[VehicleUseFact])
    assert [(u["id"], u["person_id"], u["departs_at"], u["plate"]) for u in uses] == [
        (use.pk, org.staff.pk, departs, "川A00001")
    ]

    def reception(day, end, meal, status="planned"):
        return ReceptionRecord.objects.create(
            township=org.township,
            visiting_unit="县财政局",
            letter_reference="x",
            letter_scan="x.pdf",
            purpose="x",
            start_date=day,
            end_date=end,
            guest_count=2,
            handler=org.clerk,
            meal=meal,
            status=status,
            recorded_by=org.clerk,
        )

    two_days = reception(dt.date(2026, 2, 5), dt.date(2026, 2, 6), "canteen")
    two_days.accompanying_staff.set([org.staff])
    ReceptionRecord.objects.filter(pk=two_days.pk).update(off_hours_reason="县检查组周末到镇")
    reception(dt.date(2026, 2, 9), dt.date(2026, 2, 9), "none").accompanying_staff.set([org.staff])
    reception(dt.date(2026, 2, 11), dt.date(2026, 2, 11), "outside", "awaiting_plan")  # not held yet
    days = xck_day_records(township_id=t, start=feb[0], end=feb[1])
    assert conforms(days, list[DayRecordFact])
    assert sorted((r["date"].day, r["person_id"]) for r in days) == [
        (5, org.staff.pk),
        (6, org.staff.pk),
        (9, org.staff.pk),
    ]
    meals = xck_meals(township_id=t, start=feb[0], end=feb[1])
    assert conforms(meals, list[MealFact])
    assert [
        (m["id"], m["in_canteen"], m["ends_at"], m["person_id"], m["off_hours_reason"]) for m in meals
    ] == [(two_days.pk, True, None, org.clerk.pk, "县检查组周末到镇")]
