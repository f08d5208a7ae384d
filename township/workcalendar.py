"""The work calendar shared by every app (R-ATT-1: public holidays and make-up days 调休 respected).

Working days come from chinese-calendar, corrected by administrators' overrides per date.  For a
year chinese-calendar does not cover yet (it raises NotImplementedError), Monday-Friday plus the
overrides is used, and ``unsupported_years`` tells administrators so.  Nothing here crashes on a
date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext, gettext_noop

# chinese-calendar names its holidays in English; these are the message ids of those names, so
# that a page shows them in its reader's language (holiday_label).
HOLIDAY_NAMES = (
    gettext_noop("New Year's Day"),
    gettext_noop("Spring Festival"),
    gettext_noop("Tomb-sweeping Day"),
    gettext_noop("Labour Day"),
    gettext_noop("Dragon Boat Festival"),
    gettext_noop("National Day"),
    gettext_noop("Mid-autumn Festival"),
    gettext_noop("Anti-Fascist 70th Day"),
)


@lru_cache(maxsize=4096)
def _national_is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is working day, known to the national calendar)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def is_year_supported(year: int) -> bool:
    return _national_is_workday(dt.date(year, 6, 1))[1]


def unsupported_years(years: Iterable[int]) -> list[int]:
    return [y for y in years if not is_year_supported(y)]


def holiday_name(day: dt.date) -> str | None:
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return name if on_holiday and name else None


def holiday_label(day: dt.date) -> str | None:
    """The holiday's name in the active language (``holiday_name`` is its message id)."""
    name = holiday_name(day)
    return gettext(name) if name else None


def _overrides(township, start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from django.db.models import Q

    from township.models import CalendarOverride, Township

    if township is None:
        return {}
    if not isinstance(township, Township):
        township = Township.objects.only("county_id").get(pk=township)
    rows = (
        CalendarOverride.objects.filter(county_id=township.county_id, date__range=(start, end))
        .filter(Q(township=township) | Q(township__isnull=True))
        .order_by("date", "township_id")  # county (NULL) rows last: the township's own wins
        .values_list("date", "is_working_day")
    )
    out: dict[dt.date, bool] = {}
    for day, working in rows:
        out.setdefault(day, working)
    return out


def working_days(start: dt.date, end: dt.date, *, township) -> list[dt.date]:
    """Working days in [start, end], in order (one query for the overrides)."""
    if end < start:
        return []
    overrides = _overrides(township, start, end)
    days = []
    day = start
    while day <= end:
        working = overrides.get(day)
        if working is None:
            working = _national_is_workday(day)[0]
        if working:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def is_working_day(day: dt.date, *, township) -> bool:
    return bool(working_days(day, day, township=township))


def count_working_days(start: dt.date, end: dt.date, *, township) -> int:
    return len(working_days(start, end, township=township))


def add_working_days(day: dt.date, n: int, *, township) -> dt.date:
    """The n-th working day after ``day`` (n >= 1), or ``day`` itself for n == 0."""
    if n <= 0:
        return day
    # Long holidays are at most ~9 days; look ahead in generous windows.
    window_end = day + dt.timedelta(days=n * 2 + 15)
    days = working_days(day + dt.timedelta(days=1), window_end, township=township)
    while len(days) < n:
        start = window_end + dt.timedelta(days=1)
        window_end = start + dt.timedelta(days=n * 2 + 15)
        days += working_days(start, window_end, township=township)
    return days[n - 1]


def previous_working_day(day: dt.date, *, township) -> dt.date:
    days = working_days(day - dt.timedelta(days=20), day - dt.timedelta(days=1), township=township)
    return days[-1] if days else day - dt.timedelta(days=1)
