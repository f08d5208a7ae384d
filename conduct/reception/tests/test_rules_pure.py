"""conduct/reception/rules.py's pure functions against values worked out by hand, each at its
boundary (money in Decimal yuan, rounded half up to the fen)."""

from decimal import Decimal

import pytest

from conduct.reception.models import Destination, MealArrangement, Transport, VisitorLevel
from conduct.reception.rules import (
    r_exp_1_approval_level,
    r_exp_1_excess,
    r_exp_2_cash_flagged,
    r_fld_4_private_car_fuel,
    r_rec_1_has_letter,
    r_rec_2_per_person_meal_cost,
    r_rec_2_within_standard,
    r_rec_3_staff_cap,
    r_rec_4_meal_problem,
    r_rec_5_declared_clean,
    r_rec_6_is_major,
    r_veh_1_odometer_gap,
)

Y = Decimal


def test_r_rec_1_a_letter_needs_its_number_and_its_scan():
    assert r_rec_1_has_letter("青政函〔2026〕3号", "scan.pdf")
    assert not r_rec_1_has_letter("   ", "scan.pdf")
    assert not r_rec_1_has_letter(None, "scan.pdf")
    assert not r_rec_1_has_letter("青政函〔2026〕3号", None)
    assert not r_rec_1_has_letter("青政函〔2026〕3号", "")


def test_r_rec_2_cost_per_person_and_meal_rounded_half_up():
    assert r_rec_2_per_person_meal_cost(Y("300.00"), 6, 1) == Y("50.00")
    assert r_rec_2_per_person_meal_cost(Y("100.00"), 3, 1) == Y("33.33")
    assert r_rec_2_per_person_meal_cost(Y("200.00"), 3, 1) == Y("66.67")
    assert r_rec_2_per_person_meal_cost(Y("0.05"), 2, 1) == Y("0.03")  # 0.025 rounds half up
    assert r_rec_2_per_person_meal_cost(Y("600.00"), 4, 2) == Y("75.00")  # 8 person-meals
    assert r_rec_2_per_person_meal_cost(Y("45.00"), 1, 1) == Y("45.00")  # one diner
    assert r_rec_2_per_person_meal_cost(Y("300.00"), 0, 1) == Y("0.00")
    assert r_rec_2_per_person_meal_cost(Y("300.00"), 6, 0) == Y("0.00")


def test_r_rec_2_within_the_standard_up_to_the_fen():
    assert r_rec_2_within_standard(Y("300.00"), 6, 1, Y("50.00"))
    assert not r_rec_2_within_standard(Y("300.06"), 6, 1, Y("50.00"))  # 50.01
    assert r_rec_2_within_standard(Y("300.02"), 6, 1, Y("50.00"))  # 50.0033 -> 50.00


@pytest.mark.parametrize("guests, cap", [(1, 3), (10, 3), (11, 3), (12, 4), (13, 4), (15, 5), (30, 10)])
def test_r_rec_3_three_staff_up_to_ten_guests_then_a_third(guests, cap):
    assert r_rec_3_staff_cap(guests, small_group=10, small_cap=3, ratio=3) == cap


def test_r_rec_3_the_small_group_includes_its_limit():
    # With a cap of 4 the two branches differ at the limit: 10 guests -> 4 (small group), not 10 // 3.
    assert r_rec_3_staff_cap(10, small_group=10, small_cap=4, ratio=3) == 4
    assert r_rec_3_staff_cap(11, small_group=10, small_cap=4, ratio=3) == 3


def test_r_rec_4_higher_level_visitors_meals():
    upper, peer = VisitorLevel.UPPER, VisitorLevel.PEER
    town, village, firm = Destination.TOWNSHIP, Destination.VILLAGE, Destination.FIRM
    m = MealArrangement
    assert r_rec_4_meal_problem(peer, village, m.OUTSIDE, Y("0")) is None  # not a higher level
    assert r_rec_4_meal_problem(upper, town, m.OUTSIDE, Y("0")) == "canteen"
    assert r_rec_4_meal_problem(upper, town, m.CANTEEN, Y("0")) is None
    assert r_rec_4_meal_problem(upper, town, m.NONE, Y("0")) is None
    for place in (village, firm):
        assert r_rec_4_meal_problem(upper, place, m.CANTEEN, Y("0")) == "no_meal"
        assert r_rec_4_meal_problem(upper, place, m.OUTSIDE, Y("0")) == "no_meal"
        assert r_rec_4_meal_problem(upper, place, m.GUESTS_PAID, Y("0")) == "fee"
        assert r_rec_4_meal_problem(upper, place, m.GUESTS_PAID, Y("-1")) == "fee"
        assert r_rec_4_meal_problem(upper, place, m.GUESTS_PAID, Y("0.01")) is None
        assert r_rec_4_meal_problem(upper, place, m.NONE, Y("0")) is None


def test_r_rec_5_names_each_ticked_item_in_order():
    assert r_rec_5_declared_clean(alcohol=False, dishes=False, gifts=False) == []
    assert r_rec_5_declared_clean(alcohol=True, dishes=False, gifts=True) == ["alcohol_served", "gifts_given"]
    assert r_rec_5_declared_clean(alcohol=False, dishes=True, gifts=False) == ["high_end_dishes"]


def test_r_rec_6_major_above_ten_guests_or_the_cost_limit():
    limits = {"guest_limit": 10, "cost_limit": Y("3000.00")}
    assert not r_rec_6_is_major(10, Y("3000.00"), **limits)
    assert r_rec_6_is_major(11, Y("0.00"), **limits)
    assert r_rec_6_is_major(1, Y("3000.01"), **limits)


def test_r_exp_1_excess_over_what_is_left_of_the_budget():
    assert r_exp_1_excess(Y("100"), budget=Y("1000"), spent=Y("600"), committed=Y("200")) == Y("0.00")
    assert r_exp_1_excess(Y("200"), budget=Y("1000"), spent=Y("600"), committed=Y("200")) == Y("0")
    assert r_exp_1_excess(Y("250"), budget=Y("1000"), spent=Y("600"), committed=Y("200")) == Y("50")
    # Already over budget: the whole amount exceeds, not more.
    assert r_exp_1_excess(Y("80"), budget=Y("1000"), spent=Y("900"), committed=Y("200")) == Y("80")


def test_r_exp_1_approval_level_by_amount():
    limits = {"head_limit": Y("2000.00"), "leader_limit": Y("10000.00")}
    assert r_exp_1_approval_level(Y("2000.00"), **limits) == "department_head"
    assert r_exp_1_approval_level(Y("2000.01"), **limits) == "leader_in_charge"
    assert r_exp_1_approval_level(Y("10000.00"), **limits) == "leader_in_charge"
    assert r_exp_1_approval_level(Y("10000.01"), **limits) == "principal_leader"


def test_r_exp_2_cash_above_the_limit_is_flagged():
    assert not r_exp_2_cash_flagged("cash", Y("1000.00"), Y("1000.00"))
    assert r_exp_2_cash_flagged("cash", Y("1000.01"), Y("1000.00"))
    assert not r_exp_2_cash_flagged("card", Y("5000.00"), Y("1000.00"))


def test_r_fld_4_fuel_for_a_village_visit_by_private_car():
    assert r_fld_4_private_car_fuel(is_fuel=True, transport=Transport.PRIVATE_CAR, village_visit=True)
    assert not r_fld_4_private_car_fuel(is_fuel=False, transport=Transport.PRIVATE_CAR, village_visit=True)
    assert not r_fld_4_private_car_fuel(
        is_fuel=True, transport=Transport.OFFICIAL_VEHICLE, village_visit=True
    )
    assert not r_fld_4_private_car_fuel(is_fuel=True, transport=Transport.PRIVATE_CAR, village_visit=False)


def test_r_veh_1_kilometres_between_two_uses_beyond_the_tolerance():
    assert r_veh_1_odometer_gap(None, 12000, 1) == 0
    assert r_veh_1_odometer_gap(12000, 12001, 1) == 0
    assert r_veh_1_odometer_gap(12000, 12002, 1) == 2
    assert r_veh_1_odometer_gap(12000, 11990, 1) == 10  # wound back: the distance still counts
