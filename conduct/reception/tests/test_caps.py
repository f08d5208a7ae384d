"""Reception caps and budget position, worked out by hand (conduct/reception/services.py:
_check_reception, category_position, quarter_bounds, previous_quarter).

Defaults (conduct/reception/policies.py): R-REC-2 working meal ¥50.00 per person per meal;
R-REC-3 at most 3 accompanying staff for up to 10 guests, otherwise one per 3 guests (rounded
down).  _check_reception is called directly with hand-made inputs and an empty Checks: the only
row it reads is the township's policy."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine

from conduct.reception import services
from conduct.reception.models import Budget, Expense
from township.models import PolicyValue
from township.rules import Checks
from township.tests.factories import TownshipFactory, UserFactory

DEFAULTS = {
    "R-REC-2": Decimal("50.00"),
    "R-REC-3.small_group": 10,
    "R-REC-3.small_cap": 3,
    "R-REC-3.ratio": 3,
    "R-REC-6.guests": 10,
    "R-REC-6.cost": Decimal("3000.00"),
}


@pytest.fixture
def town(db):
    return TownshipFactory()


def people(n: int, township_id: int) -> list:
    return [SimpleNamespace(township_id=township_id) for _ in range(n)]


def guests(n: int) -> list[tuple[str, str]]:
    return [(f"来宾{i}", "科员") for i in range(n)]


def check(town, **over) -> tuple[dict, dict]:
    """A valid peer visit to the township offices: 3 guests, 2 staff, one canteen meal for the
    5 diners at ¥250.00 (= ¥50.00 per person, the standard itself).  Returns (errors, policy)."""
    data = {
        "township_id": town.pk,
        "on": dt.date(2026, 6, 15),
        "letter_reference": "县农函〔2026〕12号",
        "letter_scan": "letter.pdf",
        "guest_count": 3,
        "guests": guests(3),
        "staff": people(2, town.pk),
        "visitor_level": "peer",
        "destination": "township",
        "meal": "canteen",
        "meal_count": 1,
        "meal_cost": Decimal("250.00"),
        "guest_meal_fee": Decimal("0.00"),
        "accommodation": False,
        "accommodation_cost": Decimal("0.00"),
        "alcohol_served": False,
        "high_end_dishes": False,
        "gifts_given": False,
        "start_date": dt.date(2026, 6, 15),
        "end_date": dt.date(2026, 6, 15),
    }
    data.update(over)
    checks = Checks()
    p = services._check_reception(checks, **data)
    return checks.errors, p


def test_valid_reception_passes_and_returns_the_policy(town):
    assert check(town) == ({}, DEFAULTS)


# --- R-REC-1: the official letter ------------------------------------------------------------------


def test_r_rec_1_letter_reference_and_scan_required(town):
    ref = (
        "An official reception needs the visiting unit's official letter (公函): enter its reference. "
        "(rule R-REC-1)"
    )
    assert check(town, letter_reference="   ")[0] == {"letter_reference": [ref]}
    assert check(town, letter_reference=None)[0] == {"letter_reference": [ref]}
    assert check(town, letter_scan=None)[0] == {
        "letter_scan": ["Attach the scan of the official letter. (rule R-REC-1)"]
    }


# --- the form's own consistency ----------------------------------------------------------------------


def test_guest_list_must_match_the_number_of_guests(town):
    # 4 guests, 2 staff: 6 diners at ¥250.00 = ¥41.67 each, within the standard
    assert check(town, guest_count=4)[0] == {
        "guest_list": ["The guest list names 3 people but the number of guests is 4."]
    }


def test_visit_cannot_end_before_it_starts(town):
    assert check(town, end_date=dt.date(2026, 6, 14))[0] == {
        "end_date": ["The visit cannot end before it starts."]
    }
    assert check(town, end_date=dt.date(2026, 6, 16))[0] == {}


# --- R-REC-3: accompanying staff --------------------------------------------------------------------


def no_meal(**over):
    return {"meal": "none", "meal_count": 0, "meal_cost": Decimal("0.00"), **over}


def test_r_rec_3_small_group_fixed_cap_of_three(town):
    # 10 guests is still a small group: 3 staff allowed, a 4th refused
    ten = no_meal(guest_count=10, guests=guests(10))
    assert check(town, staff=people(3, town.pk), **ten)[0] == {}
    assert check(town, staff=people(4, town.pk), **ten)[0] == {
        "accompanying_staff": ["At most 3 accompanying staff for 10 guests; 4 were chosen. (rule R-REC-3)"]
    }


def test_r_rec_3_larger_group_one_per_three_guests(town):
    # 11 guests: 11 // 3 = 3 staff; 12 guests: 12 // 3 = 4
    eleven = no_meal(guest_count=11, guests=guests(11))
    twelve = no_meal(guest_count=12, guests=guests(12))
    assert check(town, staff=people(4, town.pk), **eleven)[0] == {
        "accompanying_staff": ["At most 3 accompanying staff for 11 guests; 4 were chosen. (rule R-REC-3)"]
    }
    assert check(town, staff=people(4, town.pk), **twelve)[0] == {}
    assert check(town, staff=people(5, town.pk), **twelve)[0] == {
        "accompanying_staff": ["At most 4 accompanying staff for 12 guests; 5 were chosen. (rule R-REC-3)"]
    }


def test_r_rec_3_township_policy_sets_the_cap(town):
    # this township: small groups up to 4 guests with 1 staff, else one per 2 guests
    for key, value in (("R-REC-3.small_group", 4), ("R-REC-3.small_cap", 1), ("R-REC-3.ratio", 2)):
        PolicyValue.objects.create(county=town.county, township=town, key=key, year=2026, value=value)
    four = no_meal(guest_count=4, guests=guests(4))
    five = no_meal(guest_count=5, guests=guests(5))
    errors, p = check(town, staff=people(2, town.pk), **four)
    assert errors == {
        "accompanying_staff": ["At most 1 accompanying staff for 4 guests; 2 were chosen. (rule R-REC-3)"]
    }
    assert (p["R-REC-3.small_group"], p["R-REC-3.small_cap"], p["R-REC-3.ratio"]) == (4, 1, 2)
    assert check(town, staff=people(2, town.pk), **five)[0] == {}  # 5 // 2 = 2
    assert check(town, staff=people(3, town.pk), **five)[0] == {
        "accompanying_staff": ["At most 2 accompanying staff for 5 guests; 3 were chosen. (rule R-REC-3)"]
    }


def test_staff_of_another_township_refused(town):
    other = TownshipFactory(county=town.county)
    staff = [*people(1, town.pk), *people(1, other.pk)]
    assert check(town, staff=staff)[0] == {
        "accompanying_staff": ["Accompanying staff must be cadres of this township."]
    }
    # both problems at once: the cap first, then the township
    staff = [*people(3, town.pk), *people(1, other.pk)]
    assert check(town, staff=staff, **no_meal())[0] == {
        "accompanying_staff": [
            "At most 3 accompanying staff for 3 guests; 4 were chosen. (rule R-REC-3)",
            "Accompanying staff must be cadres of this township.",
        ]
    }


# --- meals: R-REC-2's standard and the arrangement's own consistency --------------------------------


def test_no_meal_means_no_meal_cost_and_no_meals(town):
    wrong = ["No meal was chosen, so there can be no meal cost."]
    assert check(town, **no_meal())[0] == {}
    assert check(town, **no_meal(meal_cost=Decimal("0.01")))[0] == {"meal_cost": wrong}
    assert check(town, **no_meal(meal_count=1))[0] == {"meal_cost": wrong}


def test_r_rec_2_standard_only_for_meals_the_township_served(town):
    # ¥1,000.00 for 5 diners would be ¥200.00 each: no meal (its own error) and guests who paid
    # their own fee are not held to the standard
    assert check(town, meal="none", meal_count=1, meal_cost=Decimal("1000.00"))[0] == {
        "meal_cost": ["No meal was chosen, so there can be no meal cost."]
    }
    assert check(town, meal="guests_paid", meal_count=1, meal_cost=Decimal("1000.00"))[0] == {}


def test_served_meals_need_their_number(town):
    for meal in ("canteen", "outside"):
        assert check(town, meal=meal, meal_count=0, meal_cost=Decimal("0.00"))[0] == {
            "meal_count": ["Enter how many meals were served."]
        }
    # guests who paid their own fee: no count needed
    assert check(town, meal="guests_paid", meal_count=0, meal_cost=Decimal("0.00"))[0] == {}


def test_r_rec_2_meal_standard_per_person_per_meal(town):
    # 3 guests + 2 staff = 5 diners, 2 meals: ¥500.00 / 10 = ¥50.00 (the standard: allowed);
    # ¥500.10 / 10 = ¥50.01 (refused)
    for meal in ("canteen", "outside"):
        assert check(town, meal=meal, meal_count=2, meal_cost=Decimal("500.00"))[0] == {}
        assert check(town, meal=meal, meal_count=2, meal_cost=Decimal("500.10"))[0] == {
            "meal_cost": [
                "The meals cost ¥50.01 per person per meal, above the standard of ¥50.00. (rule R-REC-2)"
            ]
        }
    # 6 guests + 2 staff = 8 diners, one meal: ¥400.00 / 8 = ¥50.00; ¥400.04 / 8 = ¥50.005 -> ¥50.01
    six = {"guest_count": 6, "guests": guests(6), "meal_count": 1}
    assert check(town, meal_cost=Decimal("400.00"), **six)[0] == {}
    assert check(town, meal_cost=Decimal("400.04"), **six)[0] == {
        "meal_cost": [
            "The meals cost ¥50.01 per person per meal, above the standard of ¥50.00. (rule R-REC-2)"
        ]
    }


def test_r_rec_2_standard_of_the_reception_year(town):
    # The township raised the standard to ¥80.00 from 2027; a 2026 reception keeps ¥50.00
    # (the clock says 2027).  5 diners, one meal, ¥300.00: ¥60.00 each.
    PolicyValue.objects.create(county=town.county, township=town, key="R-REC-2", year=2027, value="80.00")
    with time_machine.travel(dt.datetime(2027, 1, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        errors, p = check(town, meal_cost=Decimal("300.00"))
        assert errors == {
            "meal_cost": [
                "The meals cost ¥60.00 per person per meal, above the standard of ¥50.00. (rule R-REC-2)"
            ]
        }
        assert p == DEFAULTS
        d2027 = dt.date(2027, 1, 4)
        errors, p = check(town, meal_cost=Decimal("300.00"), on=d2027, start_date=d2027, end_date=d2027)
    assert errors == {}
    assert p["R-REC-2"] == Decimal("80.00")


# --- R-REC-4: higher-level visitors --------------------------------------------------------------------


def test_r_rec_4_higher_level_visitors_eat_in_the_canteen(town):
    upper = {"visitor_level": "upper"}
    assert check(town, destination="township", meal="canteen", **upper)[0] == {}
    assert check(town, destination="township", meal="outside", **upper)[0] == {
        "meal": ["Visitors from higher-level units eat in the canteen. (rule R-REC-4)"]
    }
    assert check(town, destination="village", meal="canteen", **upper)[0] == {
        "meal": [
            "A higher-level visit to a village or firm gets no meal; where a guest must eat, "
            "choose 'guests paid their own fee' and record the fee. (rule R-REC-4)"
        ]
    }
    paid = {"meal": "guests_paid", "meal_count": 0, "meal_cost": Decimal("0.00")}
    assert check(town, destination="firm", guest_meal_fee=Decimal("0.00"), **paid, **upper)[0] == {
        "guest_meal_fee": ["Record the meal fee the guests paid. (rule R-REC-4)"]
    }
    assert check(town, destination="firm", guest_meal_fee=Decimal("20.00"), **paid, **upper)[0] == {}


# --- accommodation and R-REC-5 ------------------------------------------------------------------------


def test_accommodation_cost_only_with_accommodation(town):
    assert check(town, accommodation_cost=Decimal("0.01"))[0] == {
        "accommodation_cost": ["No accommodation was arranged, so there can be no accommodation cost."]
    }
    assert check(town, accommodation=True, accommodation_cost=Decimal("180.00"))[0] == {}


def test_r_rec_5_no_alcohol_dishes_or_gifts(town):
    assert check(town, alcohol_served=True, high_end_dishes=True, gifts_given=True)[0] == {
        "alcohol_served": ["No alcohol may be served at an official reception. (rule R-REC-5)"],
        "high_end_dishes": ["No high-end dishes may be served at an official reception. (rule R-REC-5)"],
        "gifts_given": [
            "No gifts or local specialties may be given at an official reception. (rule R-REC-5)"
        ],
    }
    assert check(town, high_end_dishes=True)[0] == {
        "high_end_dishes": ["No high-end dishes may be served at an official reception. (rule R-REC-5)"]
    }


# --- budget position (R-EXP-1) ---------------------------------------------------------------------------


def test_category_position_budget_spent_committed_remaining(town):
    # The neighbour ``town`` sorts first (lower id: budgets are ordered by township): its rows
    # must not be read as ours.
    other, town = town, TownshipFactory(county=town.county)
    clerk = UserFactory(township=town)

    def budget(category, amount, year=2026, township=town):
        Budget.objects.create(
            township=township, year=year, category=category, amount=Decimal(amount), set_by=clerk
        )

    def spend(on, category, amount, status, township=town):
        Expense.objects.create(
            township=township,
            spent_on=on,
            category=category,
            payee="文具店",
            amount=Decimal(amount),
            status=status,
            recorded_by=clerk,
        )

    budget("office", "99999.00", township=other)
    budget("office", "10000.00")
    budget("office", "5000.00", year=2025)
    budget("training", "2000.00")
    budget("vehicle", "800.00")
    spend(dt.date(2026, 1, 1), "office", "1200.50", "approved")
    spend(dt.date(2026, 12, 31), "office", "300.25", "approved")
    spend(dt.date(2026, 6, 1), "office", "450.00", "pending")
    spend(dt.date(2026, 6, 2), "office", "800.00", "rejected")
    spend(dt.date(2026, 6, 3), "office", "100.00", "cancelled")
    spend(dt.date(2025, 12, 31), "office", "700.00", "approved")  # last year's
    spend(dt.date(2026, 6, 4), "reception", "999.00", "approved")  # another category
    spend(dt.date(2026, 6, 5), "office", "55.00", "approved", township=other)
    spend(dt.date(2026, 3, 1), "training", "2500.00", "pending")
    spend(dt.date(2026, 3, 2), "vehicle", "120.30", "approved")

    def position(category, year=2026):
        return services.category_position(township_id=town.pk, year=year, category=category)

    # office 2026: spent 1200.50 + 300.25 = 1500.75; committed 450.00;
    # remaining 10000.00 - 1500.75 - 450.00 = 8049.25
    assert position("office") == {
        "budget": Decimal("10000.00"),
        "spent": Decimal("1500.75"),
        "committed": Decimal("450.00"),
        "remaining": Decimal("8049.25"),
    }
    # office 2025: 5000.00 - 700.00 = 4300.00
    assert position("office", 2025) == {
        "budget": Decimal("5000.00"),
        "spent": Decimal("700.00"),
        "committed": Decimal("0.00"),
        "remaining": Decimal("4300.00"),
    }
    # training: only a pending claim, above the budget: 2000.00 - 2500.00 = -500.00
    assert position("training") == {
        "budget": Decimal("2000.00"),
        "spent": Decimal("0.00"),
        "committed": Decimal("2500.00"),
        "remaining": Decimal("-500.00"),
    }
    # vehicle: 800.00 - 120.30 = 679.70
    assert position("vehicle")["remaining"] == Decimal("679.70")
    # reception: no budget set: 0.00 - 999.00
    assert position("reception") == {
        "budget": Decimal("0.00"),
        "spent": Decimal("999.00"),
        "committed": Decimal("0.00"),
        "remaining": Decimal("-999.00"),
    }
    # nothing at all
    assert position("meetings") == dict.fromkeys(
        ("budget", "spent", "committed", "remaining"), Decimal("0.00")
    )


# --- quarters (R-REC disclosure) -----------------------------------------------------------------------


def test_quarter_bounds():
    assert services.quarter_bounds(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert services.quarter_bounds(2026, 2) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert services.quarter_bounds(2026, 3) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert services.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert services.quarter_bounds(2024, 1) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))


def test_previous_quarter():
    cases = {
        dt.date(2026, 1, 1): (2025, 4),
        dt.date(2026, 3, 31): (2025, 4),
        dt.date(2026, 4, 1): (2026, 1),
        dt.date(2026, 6, 30): (2026, 1),
        dt.date(2026, 7, 1): (2026, 2),
        dt.date(2026, 9, 30): (2026, 2),
        dt.date(2026, 10, 1): (2026, 3),
        dt.date(2026, 12, 31): (2026, 3),
    }
    for today, expected in cases.items():
        assert services.previous_quarter(today) == expected, today
