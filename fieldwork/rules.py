"""The rules of field work (RULES.md R-FLD-1..7, R-ORG-3) as small pure functions.

The numbers come from policy (fieldwork/policies.py); these functions only compute.

R-FLD-4 has no function here: it is a FLAG on a fuel claim, raised where the claim is recorded
(conduct.reception.rules.r_fld_4_private_car_fuel); a visit by any listed means is recorded as
given and neither refused nor flagged.  The meal kind needs no rule function either: the model's
choices refuse an unknown one."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from fieldwork.models import DayPart, Purpose

TENTH = Decimal("0.1")


def _year_bounds(year: int) -> tuple[dt.date, dt.date, int]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return first, last, (last - first).days + 1


def r_fld_1_targets(
    target: int | Decimal, *, year: int, on: dt.date, joined_on: dt.date | None = None
) -> tuple[Decimal, Decimal]:
    """R-FLD-1 (also used for R-FLD-2/3/6): the year's target and the part of it due by ``on``.

    Both are pro-rated by calendar days (village days are not only working days); somebody who
    joined the township during the year owes only the part of the year after joining."""
    first, last, length = _year_bounds(year)
    start = max(first, joined_on) if joined_on else first
    target = Decimal(target)
    if start > last:
        return Decimal("0.0"), Decimal("0.0")
    full = target * Decimal((last - start).days + 1) / Decimal(length)
    upto = min(on, last)
    elapsed = (upto - start).days + 1 if upto >= start else 0
    due = target * Decimal(elapsed) / Decimal(length)
    return (
        full.quantize(TENTH, rounding=ROUND_HALF_UP),
        due.quantize(TENTH, rounding=ROUND_HALF_UP),
    )


def r_fld_1_behind(days: Decimal, due: Decimal, margin: Decimal) -> bool:
    """R-FLD-1: behind the pro-rated line by more than the policy margin (home-page warning)."""
    return due - days > margin


def r_fld_1_day_value(part: str) -> Decimal:
    """A half day counts half; a full day one."""
    return Decimal("1") if part == DayPart.FULL else Decimal("0.5")


def r_fld_5_declaration_clean(*, no_alcohol: bool, no_cigarettes: bool, no_special_dishes: bool) -> bool:
    """R-FLD-5: working meals only, no alcohol, no cigarettes accepted, no special dishes."""
    return bool(no_alcohol and no_cigarettes and no_special_dishes)


def r_fld_7_purposes_recorded(purposes) -> bool:
    """R-FLD-7: a visit records what it was for (one or more of the known purposes)."""
    return bool(purposes) and all(p in Purpose.values for p in purposes)


def shortfall(achieved, target) -> Decimal:
    return max(Decimal("0"), Decimal(target) - Decimal(achieved))
