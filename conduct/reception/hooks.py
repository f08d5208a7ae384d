"""What the reception app answers through township.hooks (registered in apps.ReceptionConfig.ready).

``ask("spending_summary", township_id=..., year=..., quarter=None)`` -> one dict per answering app;
this app's dict (selectors.spending_summary), for appraisal and the dashboard:

    {
        "township_id": int, "year": int, "quarter": int | None,
        "categories": {code: {"label": str, "budget": Decimal, "spent": Decimal}, ...},  # every category
        "three_public": {"budget": Decimal, "spent": Decimal},             # reception+vehicle+abroad
        "over_budget": [code, ...],                                        # spent above budget
    }

"spent" counts approved expenses only, of the whole year or (with ``quarter``) of that quarter;
"budget" is always the year's.  Computed set-based in two queries, whatever the number of rows.

The cross-record checks (township.crosschecks) ask ``xck_day_records`` (each accompanying staff
member of a reception, on each of its dates), ``xck_expenses`` (expenses awaiting approval or
approved, the claimant being who recorded them), ``xck_vehicle_uses`` (each use by its driver) and
``xck_meals`` (receptions with a meal, with the reason stated for a meal off working days,
R-XCK-8); receptions count once recorded (plan approved where one
was needed).  One or two queries each whatever the size.
"""

from __future__ import annotations

import datetime as dt

from township.hooks import DayRecordFact, ExpenseFact, MealFact, VehicleUseFact

from .selectors import spending_summary

__all__ = ["spending_summary", "xck_day_records", "xck_expenses", "xck_meals", "xck_vehicle_uses"]

HELD = ("planned", "listed", "signed")  # ReceptionStatus: recorded, whatever came after


def _url_pattern(name: str) -> str:
    from django.urls import reverse

    return reverse(name, args=[987654321]).replace("987654321", "{}")


def _days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def xck_day_records(*, township_id: int, start: dt.date, end: dt.date) -> list[DayRecordFact]:
    from .models import ReceptionRecord

    url = _url_pattern("reception:reception_detail")
    receptions = {
        pk: (s, e, unit)
        for pk, s, e, unit in ReceptionRecord.objects.filter(
            township_id=township_id, status__in=HELD, start_date__lte=end, end_date__gte=start
        )
        .values_list("pk", "start_date", "end_date", "visiting_unit")
        .order_by()
    }
    if not receptions:
        return []
    staff = ReceptionRecord.accompanying_staff.through.objects.filter(
        receptionrecord_id__in=list(receptions)
    ).values_list("receptionrecord_id", "user_id")
    out: list[DayRecordFact] = []
    for pk, pid in staff.order_by():
        s, e, unit = receptions[pk]
        for day in _days(max(s, start), min(e, end)):
            out.append(
                {
                    "kind": "reception",
                    "id": pk,
                    "person_id": pid,
                    "date": day,
                    "label": unit,
                    "url": url.format(pk),
                }
            )
    return out


def xck_expenses(*, township_id: int, start: dt.date, end: dt.date) -> list[ExpenseFact]:
    from .models import Expense, ExpenseStatus

    url = _url_pattern("reception:expense_detail")
    rows = Expense.objects.filter(
        township_id=township_id,
        spent_on__range=(start, end),
        status__in=[ExpenseStatus.PENDING, ExpenseStatus.APPROVED],
    ).values_list(
        "pk",
        "recorded_by_id",
        "spent_on",
        "payee",
        "category",
        "amount",
        "is_fuel",
        "transport",
        "village_visit",
    )
    return [
        {
            "id": pk,
            "person_id": pid,
            "spent_on": day,
            "payee": payee,
            "category": category,
            "amount": amount,
            "is_fuel": is_fuel,
            "transport": transport,
            "village_visit": village_visit,
            "url": url.format(pk),
        }
        for pk, pid, day, payee, category, amount, is_fuel, transport, village_visit in rows.order_by()
    ]


def xck_vehicle_uses(*, township_id: int, start: dt.date, end: dt.date) -> list[VehicleUseFact]:
    from django.utils import timezone

    from .models import VehicleUse

    url = _url_pattern("reception:vehicle_use_detail")
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    rows = VehicleUse.objects.filter(
        township_id=township_id, departs_at__gte=since, departs_at__lt=until
    ).values_list("pk", "driver_id", "departs_at", "vehicle__plate")
    return [
        {"id": pk, "person_id": pid, "departs_at": at, "plate": plate, "url": url.format(pk)}
        for pk, pid, at, plate in rows.order_by()
    ]


def xck_meals(*, township_id: int, start: dt.date, end: dt.date) -> list[MealFact]:
    from .models import MealArrangement, ReceptionRecord

    url = _url_pattern("reception:reception_detail")
    rows = (
        ReceptionRecord.objects.filter(
            township_id=township_id, status__in=HELD, start_date__range=(start, end)
        )
        .exclude(meal=MealArrangement.NONE)
        .values_list(
            "pk", "handler_id", "start_date", "end_date", "meal", "visiting_unit", "off_hours_reason"
        )
    )
    return [
        {
            "kind": "reception",
            "id": pk,
            "person_id": pid,
            "start_date": s,
            "end_date": e,
            "ends_at": None,
            "in_canteen": meal == MealArrangement.CANTEEN,
            "visiting_unit": unit,
            "label": unit,
            "url": url.format(pk),
            "off_hours_reason": reason,
        }
        for pk, pid, s, e, meal, unit, reason in rows.order_by()
    ]
