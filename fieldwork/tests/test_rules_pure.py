"""fieldwork/rules.py's pure functions against values worked out by hand: the yearly quotas
pro-rated by calendar days (365 in 2026, 366 in 2028), rounded half up to a tenth of a day."""

import datetime as dt
from decimal import Decimal

from fieldwork.models import DayPart, Purpose
from fieldwork.rules import (
    r_fld_1_behind,
    r_fld_1_day_value,
    r_fld_1_targets,
    r_fld_5_declaration_clean,
    r_fld_7_purposes_recorded,
    shortfall,
)

D, Y = dt.date, Decimal


def test_r_fld_1_the_whole_year_and_the_part_due_by_a_day():
    assert r_fld_1_targets(120, year=2026, on=D(2026, 12, 31)) == (Y("120.0"), Y("120.0"))
    # 31 March: 31 + 28 + 31 = 90 days; 120 x 90 / 365 = 29.589 -> 29.6.
    assert r_fld_1_targets(120, year=2026, on=D(2026, 3, 31)) == (Y("120.0"), Y("29.6"))
    # 1 January: 120 / 365 = 0.329 -> 0.3.
    assert r_fld_1_targets(120, year=2026, on=D(2026, 1, 1)) == (Y("120.0"), Y("0.3"))
    assert r_fld_1_targets(120, year=2026, on=D(2025, 12, 31)) == (Y("120.0"), Y("0.0"))  # before the year
    assert r_fld_1_targets(120, year=2026, on=D(2027, 2, 1)) == (Y("120.0"), Y("120.0"))  # after it


def test_r_fld_1_leap_year_has_366_days():
    # 29 February 2028: 31 + 29 = 60 days; 120 x 60 / 366 = 19.672 -> 19.7.
    assert r_fld_1_targets(120, year=2028, on=D(2028, 2, 29)) == (Y("120.0"), Y("19.7"))


def test_r_fld_1_joined_during_the_year_owes_the_rest_of_it():
    # From 1 July: 184 days of 365; 120 x 184 / 365 = 60.493 -> 60.5.  By 30 September: 92 days,
    # 120 x 92 / 365 = 30.247 -> 30.2.
    assert r_fld_1_targets(120, year=2026, on=D(2026, 9, 30), joined_on=D(2026, 7, 1)) == (
        Y("60.5"),
        Y("30.2"),
    )
    # Joined before the year: the whole year.
    assert r_fld_1_targets(120, year=2026, on=D(2026, 3, 31), joined_on=D(2025, 5, 1)) == (
        Y("120.0"),
        Y("29.6"),
    )
    # Joined on the last day: one day of 365 (0.3); nothing due the day before.
    assert r_fld_1_targets(120, year=2026, on=D(2026, 12, 30), joined_on=D(2026, 12, 31)) == (
        Y("0.3"),
        Y("0.0"),
    )
    assert r_fld_1_targets(120, year=2026, on=D(2026, 12, 31), joined_on=D(2026, 12, 31)) == (
        Y("0.3"),
        Y("0.3"),
    )
    # Asked about a day a month before joining: nothing due yet (not a negative amount).
    assert r_fld_1_targets(120, year=2026, on=D(2026, 6, 1), joined_on=D(2026, 7, 1)) == (Y("60.5"), Y("0.0"))
    # Joined after the year: nothing.
    assert r_fld_1_targets(120, year=2026, on=D(2027, 3, 1), joined_on=D(2027, 1, 5)) == (Y("0.0"), Y("0.0"))


def test_r_fld_1_rounds_half_up():
    # 18.25 a year: 0.05 a day on 1 January -> 0.1 (half up, not to even); the year 18.25 -> 18.3.
    assert r_fld_1_targets(Y("18.25"), year=2026, on=D(2026, 1, 1)) == (Y("18.3"), Y("0.1"))


def test_r_fld_1_behind_by_more_than_the_margin():
    assert not r_fld_1_behind(Y("10"), Y("12.0"), Y("2"))  # exactly the margin behind
    assert r_fld_1_behind(Y("10"), Y("12.1"), Y("2"))
    assert not r_fld_1_behind(Y("15"), Y("12.0"), Y("2"))  # ahead


def test_r_fld_1_half_days_count_half():
    assert r_fld_1_day_value(DayPart.FULL) == Y("1")
    assert r_fld_1_day_value(DayPart.MORNING) == Y("0.5")
    assert r_fld_1_day_value(DayPart.AFTERNOON) == Y("0.5")


def test_r_fld_5_every_box_of_the_declaration():
    assert r_fld_5_declaration_clean(no_alcohol=True, no_cigarettes=True, no_special_dishes=True) is True
    assert r_fld_5_declaration_clean(no_alcohol=False, no_cigarettes=True, no_special_dishes=True) is False
    assert r_fld_5_declaration_clean(no_alcohol=True, no_cigarettes=False, no_special_dishes=True) is False
    assert r_fld_5_declaration_clean(no_alcohol=True, no_cigarettes=True, no_special_dishes=False) is False


def test_r_fld_7_a_visit_records_known_purposes():
    assert r_fld_7_purposes_recorded([Purpose.RESEARCH])
    assert r_fld_7_purposes_recorded([Purpose.RESEARCH, Purpose.PETITION_DOWNWARD])
    assert not r_fld_7_purposes_recorded([])
    assert not r_fld_7_purposes_recorded(None)
    assert not r_fld_7_purposes_recorded([Purpose.RESEARCH, "sightseeing"])


def test_shortfall_is_what_is_missing_never_negative():
    assert shortfall(100, 120) == Y("20")
    assert shortfall(Y("119.5"), 120) == Y("0.5")
    assert shortfall(130, 120) == Y("0")
