"""The reception, expense and vehicle rules (RULES.md) as small pure functions.

Services read the numbers from township.policy and pass them in; nothing here touches the database."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .models import Destination, MealArrangement, Transport, VisitorLevel

CENT = Decimal("0.01")


def r_rec_1_has_letter(letter_reference: str, letter_scan) -> bool:
    """R-REC-1: an official reception only against the visiting unit's official letter."""
    return bool((letter_reference or "").strip()) and bool(letter_scan)


def r_rec_2_per_person_meal_cost(meal_cost: Decimal, diners: int, meals: int) -> Decimal:
    if diners <= 0 or meals <= 0:
        return Decimal("0.00")
    return (meal_cost / (diners * meals)).quantize(CENT, rounding=ROUND_HALF_UP)


def r_rec_2_within_standard(meal_cost: Decimal, diners: int, meals: int, standard: Decimal) -> bool:
    """R-REC-2: the per-person cost of a working meal within the year's standard."""
    return r_rec_2_per_person_meal_cost(meal_cost, diners, meals) <= standard


def r_rec_3_staff_cap(guests: int, *, small_group: int, small_cap: int, ratio: int) -> int:
    """R-REC-3: at most ``small_cap`` accompanying staff for up to ``small_group`` guests,
    otherwise at most one per ``ratio`` guests (a third by default)."""
    if guests <= small_group:
        return small_cap
    return guests // ratio


def r_rec_4_meal_problem(level: str, destination: str, meal: str, guest_meal_fee: Decimal) -> str | None:
    """R-REC-4: higher-level visitors eat in the canteen; their visits to villages and firms get
    no meal, and a guest who must eat pays the fee.  Returns which part is broken, or None."""
    if level != VisitorLevel.UPPER:
        return None
    if destination == Destination.TOWNSHIP:
        if meal == MealArrangement.OUTSIDE:
            return "canteen"
        return None
    if meal in (MealArrangement.CANTEEN, MealArrangement.OUTSIDE):
        return "no_meal"
    if meal == MealArrangement.GUESTS_PAID and guest_meal_fee <= 0:
        return "fee"
    return None


def r_rec_5_declared_clean(*, alcohol: bool, dishes: bool, gifts: bool) -> list[str]:
    """R-REC-5: no alcohol, no high-end dishes, no gifts or local specialties."""
    return [
        name
        for name, ticked in (("alcohol_served", alcohol), ("high_end_dishes", dishes), ("gifts_given", gifts))
        if ticked
    ]


def r_rec_6_is_major(guests: int, cost: Decimal, *, guest_limit: int, cost_limit: Decimal) -> bool:
    """R-REC-6: guests above the limit or cost above the set amount make a reception major."""
    return guests > guest_limit or cost > cost_limit


def r_exp_1_excess(amount: Decimal, *, budget: Decimal, spent: Decimal, committed: Decimal) -> Decimal:
    """R-EXP-1: how much of ``amount`` would exceed the category's budget (0 when within)."""
    remaining = budget - spent - committed
    return max(Decimal("0.00"), amount - max(remaining, Decimal("0.00")))


def r_exp_1_approval_level(amount: Decimal, *, head_limit: Decimal, leader_limit: Decimal) -> str:
    if amount <= head_limit:
        return "department_head"
    if amount <= leader_limit:
        return "leader_in_charge"
    return "principal_leader"


def r_exp_2_cash_flagged(payment_method: str, amount: Decimal, limit: Decimal) -> bool:
    """R-EXP-2: the official card is the normal means of payment; cash above the limit is flagged."""
    return payment_method == "cash" and amount > limit


def r_fld_4_private_car_fuel(*, is_fuel: bool, transport: str, village_visit: bool) -> bool:
    """R-FLD-4: fuel for a village visit by private car is not reimbursable: flagged."""
    return is_fuel and village_visit and transport == Transport.PRIVATE_CAR


def r_veh_1_odometer_gap(previous_in: int | None, odometer_out: int, tolerance: int) -> int:
    """R-VEH-1: kilometres driven between two logged uses (0 when none)."""
    if previous_in is None:
        return 0
    gap = abs(odometer_out - previous_in)
    return gap if gap > tolerance else 0
