import datetime as dt

from township.models import CalendarOverride
from township.workcalendar import (
    add_working_days,
    count_working_days,
    is_working_day,
    is_year_supported,
    working_days,
)


def test_calendar_across_national_day_holiday(org):
    t = org.township
    # 2025: 1-8 October is the National Day / Mid-Autumn holiday.
    assert not is_working_day(dt.date(2025, 10, 3), township=t)
    assert add_working_days(dt.date(2025, 9, 30), 1, township=t) == dt.date(2025, 10, 9)
    assert count_working_days(dt.date(2025, 9, 29), dt.date(2025, 10, 10), township=t) == 4


def test_calendar_make_up_saturday_is_a_working_day(org):
    # 28 September 2025 (Sunday) and 11 October 2025 (Saturday) were make-up working days (调休).
    assert is_working_day(dt.date(2025, 10, 11), township=org.township)
    assert is_working_day(dt.date(2025, 9, 28), township=org.township)


def test_calendar_unsupported_year_falls_back_to_weekdays_with_overrides(org):
    t = org.township
    year = 2099
    assert not is_year_supported(year)
    assert is_working_day(dt.date(year, 1, 1), township=t)  # a Thursday, no national data
    assert not is_working_day(dt.date(year, 1, 3), township=t)  # Saturday
    CalendarOverride.objects.create(
        county=t.county, township=None, date=dt.date(year, 1, 1), is_working_day=False
    )
    CalendarOverride.objects.create(
        county=t.county, township=t, date=dt.date(year, 1, 3), is_working_day=True
    )
    assert working_days(dt.date(year, 1, 1), dt.date(year, 1, 4), township=t) == [
        dt.date(year, 1, 2),
        dt.date(year, 1, 3),
    ]


def test_township_override_wins_over_county(org):
    t = org.township
    day = dt.date(2025, 6, 3)
    CalendarOverride.objects.create(county=t.county, township=None, date=day, is_working_day=False)
    assert not is_working_day(day, township=t)
    CalendarOverride.objects.create(county=t.county, township=t, date=day, is_working_day=True)
    assert is_working_day(day, township=t)


def test_calendar_page_warns_for_unsupported_year(org, login):
    page = login(org.admin).get("/settings/calendar/?year=2099")
    assert page.status_code == 200
    assert "2099" in page.content.decode()
    assert page.context["unsupported"] == [2099]
