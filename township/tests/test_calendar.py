"""The work calendar (R-ATT-1), with every expected day worked out by hand from the State Council's
2025 notice: 1-8 October off (National Day with the Mid-Autumn Festival on the 6th), Sunday
28 September and Saturday 11 October worked (调休).  2099 is a year chinese-calendar does not know:
Monday-Friday, and 1 January 2099 is a Thursday."""

import datetime as dt

import pytest

from township.models import CalendarOverride
from township.tests.factories import CountyFactory, TownshipFactory
from township.workcalendar import (
    add_working_days,
    count_working_days,
    holiday_name,
    is_working_day,
    is_year_supported,
    previous_working_day,
    unsupported_years,
    working_days,
)

D = dt.date


@pytest.fixture
def town(db):
    return TownshipFactory()


def off(town, *days, township=True):
    for day in days:
        CalendarOverride.objects.create(
            county=town.county, township=town if township else None, date=day, is_working_day=False
        )


def on(town, *days, township=True):
    for day in days:
        CalendarOverride.objects.create(
            county=town.county, township=town if township else None, date=day, is_working_day=True
        )


def test_working_days_of_october_2025_written_out(town):
    # 1-8 off; Thursday 9, Friday 10, Saturday 11 (调休); then four full weeks Monday-Friday.
    expected = [D(2025, 10, d) for d in (9, 10, 11)]
    expected += [D(2025, 10, d) for d in range(13, 18)]
    expected += [D(2025, 10, d) for d in range(20, 25)]
    expected += [D(2025, 10, d) for d in range(27, 32)]
    assert working_days(D(2025, 10, 1), D(2025, 10, 31), township=town) == expected
    assert count_working_days(D(2025, 10, 1), D(2025, 10, 31), township=town) == 18


def test_september_2025_ends_with_a_make_up_sunday(town):
    # 22-26 Monday-Friday, Saturday 27 off, Sunday 28 worked, 29 and 30 worked.
    assert working_days(D(2025, 9, 22), D(2025, 9, 30), township=town) == [
        D(2025, 9, 22),
        D(2025, 9, 23),
        D(2025, 9, 24),
        D(2025, 9, 25),
        D(2025, 9, 26),
        D(2025, 9, 28),
        D(2025, 9, 29),
        D(2025, 9, 30),
    ]


def test_range_bounds_are_inclusive_and_an_empty_range_is_empty(town):
    assert working_days(D(2025, 10, 9), D(2025, 10, 11), township=town) == [
        D(2025, 10, 9),
        D(2025, 10, 10),
        D(2025, 10, 11),
    ]
    assert working_days(D(2025, 10, 9), D(2025, 10, 9), township=town) == [D(2025, 10, 9)]
    assert working_days(D(2025, 10, 10), D(2025, 10, 9), township=town) == []
    assert count_working_days(D(2025, 10, 10), D(2025, 10, 9), township=town) == 0
    assert working_days(D(2025, 10, 1), D(2025, 10, 8), township=town) == []


def test_is_working_day_holiday_make_up_day_and_weekend(town):
    assert is_working_day(D(2025, 10, 11), township=town) is True  # Saturday, 调休
    assert is_working_day(D(2025, 9, 28), township=town) is True  # Sunday, 调休
    assert is_working_day(D(2025, 10, 3), township=town) is False  # Friday in the holiday
    assert is_working_day(D(2025, 10, 18), township=town) is False  # an ordinary Saturday
    assert is_working_day(D(2025, 10, 20), township=town) is True  # an ordinary Monday


def test_add_working_days_across_the_holiday(town):
    assert add_working_days(D(2025, 9, 30), 1, township=town) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 30), 3, township=town) == D(2025, 10, 11)
    assert add_working_days(D(2025, 9, 30), 4, township=town) == D(2025, 10, 13)
    # 18 working days in October after 30 September: the 18th is 31 October, the 19th 3 November.
    assert add_working_days(D(2025, 9, 30), 18, township=town) == D(2025, 10, 31)
    assert add_working_days(D(2025, 9, 30), 19, township=town) == D(2025, 11, 3)
    assert add_working_days(D(2025, 9, 30), 0, township=town) == D(2025, 9, 30)
    assert add_working_days(D(2025, 9, 30), -2, township=town) == D(2025, 9, 30)


def test_add_working_days_looks_past_a_long_closure(town):
    # 2 to 18 January 2099 closed by the township: the first look-ahead (17 days) finds nothing.
    off(town, *(D(2099, 1, d) for d in range(2, 19)))
    assert add_working_days(D(2099, 1, 1), 1, township=town) == D(2099, 1, 19)  # a Monday
    assert add_working_days(D(2099, 1, 1), 2, township=town) == D(2099, 1, 20)
    assert add_working_days(D(2099, 1, 1), 6, township=town) == D(2099, 1, 26)


def test_add_working_days_counts_from_the_next_day(town):
    assert add_working_days(D(2025, 10, 9), 1, township=town) == D(2025, 10, 10)
    assert add_working_days(D(2025, 10, 10), 1, township=town) == D(2025, 10, 11)  # the 调休 Saturday


def test_add_working_days_joins_the_second_look_ahead_to_the_first(town):
    # 2 to 19 January and 21 January 2099 closed: the first look-ahead for n=2 (to 20 January, a
    # Tuesday) finds only the 20th; the second starts on the 21st (closed) and finds the 22nd.
    off(town, *(D(2099, 1, d) for d in range(2, 20)), D(2099, 1, 21))
    assert add_working_days(D(2099, 1, 1), 1, township=town) == D(2099, 1, 20)
    assert add_working_days(D(2099, 1, 1), 2, township=town) == D(2099, 1, 22)
    assert add_working_days(D(2099, 1, 1), 3, township=town) == D(2099, 1, 23)


def test_previous_working_day(town):
    assert previous_working_day(D(2025, 10, 9), township=town) == D(2025, 9, 30)
    assert previous_working_day(D(2025, 10, 10), township=town) == D(2025, 10, 9)
    assert previous_working_day(D(2025, 10, 13), township=town) == D(2025, 10, 11)  # the 调休 Saturday
    assert previous_working_day(D(2025, 9, 29), township=town) == D(2025, 9, 28)  # the 调休 Sunday


def test_previous_working_day_gives_the_day_before_when_twenty_days_are_closed(town):
    # 2099-02-02 (Monday) back to 2099-01-13 closed: nothing in the 20 days before 2 February,
    # so the day before is given; 12 January (a Monday) is 21 days back and is not looked at.
    off(town, *(D(2099, 1, 13) + dt.timedelta(days=i) for i in range(20)))
    assert previous_working_day(D(2099, 2, 2), township=town) == D(2099, 2, 1)


def test_unsupported_year_falls_back_to_weekdays_with_overrides(town):
    assert not is_year_supported(2099)
    assert is_year_supported(2025)
    assert unsupported_years([2024, 2099, 2025, 2100]) == [2099, 2100]
    assert unsupported_years([]) == []
    assert is_working_day(D(2099, 1, 1), township=town)  # Thursday
    assert is_working_day(D(2099, 1, 2), township=town)  # Friday
    assert not is_working_day(D(2099, 1, 3), township=town)  # Saturday
    assert not is_working_day(D(2099, 1, 4), township=town)  # Sunday
    off(town, D(2099, 1, 1), township=False)
    on(town, D(2099, 1, 3))
    assert working_days(D(2099, 1, 1), D(2099, 1, 5), township=town) == [
        D(2099, 1, 2),
        D(2099, 1, 3),
        D(2099, 1, 5),
    ]


def test_holiday_names(town):
    assert holiday_name(D(2025, 10, 1)) == "National Day"
    assert holiday_name(D(2025, 10, 6)) == "Mid-autumn Festival"
    assert holiday_name(D(2025, 10, 11)) is None  # a make-up working day
    assert holiday_name(D(2025, 10, 18)) is None  # an ordinary weekend has no name
    assert holiday_name(D(2025, 10, 20)) is None  # a working Monday
    assert holiday_name(D(2099, 1, 1)) is None  # no national data


def test_township_override_wins_over_county_both_ways(town):
    closed, opened = D(2025, 6, 3), D(2025, 6, 7)  # a Tuesday, a Saturday
    off(town, closed, township=False)
    assert not is_working_day(closed, township=town)
    on(town, closed)
    assert is_working_day(closed, township=town)
    on(town, opened, township=False)
    assert is_working_day(opened, township=town)
    off(town, opened)
    assert not is_working_day(opened, township=town)
    # The township may be given by its id.
    assert working_days(D(2025, 6, 3), D(2025, 6, 7), township=town.pk) == [
        D(2025, 6, 3),
        D(2025, 6, 4),
        D(2025, 6, 5),
        D(2025, 6, 6),
    ]


def test_overrides_of_other_townships_and_counties_do_not_apply(town):
    day = D(2025, 6, 3)
    neighbour = TownshipFactory(county=town.county)
    elsewhere = TownshipFactory(county=CountyFactory(name="另一县"))
    off(neighbour, day)
    off(elsewhere, day, township=False)
    off(elsewhere, D(2025, 6, 4))
    assert working_days(D(2025, 6, 3), D(2025, 6, 4), township=town) == [D(2025, 6, 3), D(2025, 6, 4)]
    assert not is_working_day(day, township=neighbour)
    assert not is_working_day(day, township=elsewhere)
    # Without a township only the national calendar counts.
    assert working_days(D(2025, 6, 3), D(2025, 6, 4), township=None) == [D(2025, 6, 3), D(2025, 6, 4)]
    assert is_working_day(D(2025, 9, 28), township=None)


def test_calendar_page_warns_for_unsupported_year(org, login):
    page = login(org.admin).get("/settings/calendar/?year=2099")
    assert page.status_code == 200
    assert "2099" in page.content.decode()
    assert page.context["unsupported"] == [2099]
