"""The numbered rules of attendance and leave as small pure functions (RULES.md).

Services read the numbers from policy and call these; nothing here touches the database."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Schedule:
    """R-ATT-1: the day's two sessions and the grace minutes of R-ATT-2."""

    morning_start: dt.time
    morning_end: dt.time
    afternoon_start: dt.time
    afternoon_end: dt.time
    grace: int

    @classmethod
    def for_day(cls, day: dt.date, pol: dict) -> Schedule:
        lo, hi = pol["R-ATT-1.summer_from_month"], pol["R-ATT-1.summer_to_month"]
        summer = lo <= day.month <= hi if lo <= hi else (day.month >= lo or day.month <= hi)
        p = "R-ATT-1.summer_" if summer else "R-ATT-1."
        return cls(
            pol[p + "morning_start"],
            pol[p + "morning_end"],
            pol[p + "afternoon_start"],
            pol[p + "afternoon_end"],
            pol["R-ATT-2.grace_minutes"],
        )


SCHEDULE_KEYS = [
    f"R-ATT-1.{season}{part}"
    for season in ("", "summer_")
    for part in ("morning_start", "morning_end", "afternoon_start", "afternoon_end")
] + ["R-ATT-1.summer_from_month", "R-ATT-1.summer_to_month", "R-ATT-2.grace_minutes"]


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def r_att_2_late_minutes(first: dt.time | None, start: dt.time, grace: int) -> int:
    """Late = first punch after start + grace; the minutes counted are those after start."""
    if first is None:
        return 0
    late = _minutes(first) + (1 if first.second or first.microsecond else 0) - _minutes(start)
    return late if late > grace else 0


def r_att_2_early_minutes(last: dt.time | None, end: dt.time, grace: int) -> int:
    """Early = last punch before end - grace."""
    if last is None:
        return 0
    early = _minutes(end) - _minutes(last)
    return early if early > grace else 0


def r_att_3_absent(*, working_day: bool, punches: int, covered: bool) -> bool:
    """Absent: a working day without punches and without approved leave, trip or field day."""
    return working_day and punches == 0 and not covered


def r_att_4_within_cap(used_this_month: int, cap: int) -> bool:
    return used_this_month < cap


def r_lv_1_level(days: Decimal, *, head_max: Decimal, leader_max: Decimal, leading_cadre: bool) -> str:
    """The approver's level by the leave's length; leading cadres go to a principal leader
    (R-LV-6: a leading cadre's leave is never decided by a subordinate)."""
    if leading_cadre or days > leader_max:
        return "principal_leader"
    if days <= head_max:
        return "department_head"
    return "leader_in_charge"


def r_lv_2_overdue(deadline: dt.date, today: dt.date) -> bool:
    return today > deadline


def r_lv_3_overlaps(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> bool:
    return a_start <= b_end and b_start <= a_end


def years_of_service(first_employed_on: dt.date | None, on: dt.date) -> int:
    if first_employed_on is None:
        return 0
    years = on.year - first_employed_on.year
    if (on.month, on.day) < (first_employed_on.month, first_employed_on.day):
        years -= 1
    return max(years, 0)


def r_lv_4_entitlement(years: int, pol: dict) -> int:
    """Annual paid leave days by years of service (national rule: 1-10 y 5, 10-20 y 10, >=20 y 15)."""
    if years < pol["R-LV-4.min_years"]:
        return 0
    if years >= pol["R-LV-4.long_years"]:
        return pol["R-LV-4.days_long"]
    if years >= pol["R-LV-4.middle_years"]:
        return pol["R-LV-4.days_middle"]
    return pol["R-LV-4.days_short"]


LV4_KEYS = [
    "R-LV-4.min_years",
    "R-LV-4.days_short",
    "R-LV-4.middle_years",
    "R-LV-4.days_middle",
    "R-LV-4.long_years",
    "R-LV-4.days_long",
]


def r_trip_2_due(end_date: dt.date, due_days: int) -> dt.date:
    return end_date + dt.timedelta(days=due_days)


def r_log_1_writable(day: dt.date, *, today: dt.date, previous_working_day: dt.date) -> bool:
    """A work log is written for today or the previous working day only (no backfill)."""
    return day == today or day == previous_working_day


def r_log_1_percent(log_days: int, working_days: int) -> int:
    return 100 if working_days == 0 else math.floor(100 * log_days / working_days)


def r_study_1_week_ok(minutes: Iterable[int], *, per_week: int, min_minutes: int) -> bool:
    return sum(1 for m in minutes if m >= min_minutes) >= per_week


def r_duty_1_round_robin(
    days: Sequence[dt.date],
    people: Sequence[int],
    unavailable: dict[dt.date, set[int]],
    start_at: int = 0,
) -> dict[dt.date, int | None]:
    """A fair roster: people in turn, each day to the next person not away that day; a person
    skipped keeps their place at the head of the queue (so nobody loses or gains a turn)."""
    out: dict[dt.date, int | None] = {}
    if not people:
        return dict.fromkeys(days)
    queue = list(people[start_at % len(people) :]) + list(people[: start_at % len(people)])
    for day in days:
        away = unavailable.get(day, set())
        pick = next((i for i, p in enumerate(queue) if p not in away), None)
        if pick is None:
            out[day] = None
            continue
        person = queue.pop(pick)
        queue.append(person)
        out[day] = person
    return out


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Great-circle distance in metres (haversine)."""
    r = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * r * math.asin(math.sqrt(a)))
