"""The clocks and quotas of conduct/services (leave.py, common.py, attendance.py) against values
worked out by hand: the mutation set of `make mutants` for those modules (setup.cfg).

The calendar is the 2025 National Day week, checked by hand against the State Council notice:
Sun 28 Sep is a working day (调休), Mon 29 and Tue 30 Sep work, Wed 1 - Wed 8 Oct are the holiday
(Mon 6 Oct is Mid-autumn), Thu 9 and Fri 10 Oct work, Sat 11 Oct is a working day (调休), Sun 12
Oct is a rest day, Mon 13 - Fri 17 Oct an ordinary week.  October is winter hours (08:30-12:00,
14:30-18:00), September summer hours (afternoon 15:00-18:30)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from conduct.models import LeaveRequest, LeavingRegistration, TripRequest
from conduct.services.attendance import _middle, _minutes_of, correction_window_close, evaluate_day
from conduct.services.common import (
    days_between,
    fieldwork_days,
    half_day_span,
    leave_cover,
    month_bounds,
    overlapping,
    trip_cover,
)
from conduct.services.leave import LeaveHalves, leave_balance, leave_halves, leave_length
from conduct.tests.factories import punch
from township import hooks
from township.models import CalendarOverride, PolicyValue
from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

SUN_28_SEP = dt.date(2025, 9, 28)  # 调休: a working Sunday
MON_29_SEP = dt.date(2025, 9, 29)
TUE_30_SEP = dt.date(2025, 9, 30)
OCT_1 = dt.date(2025, 10, 1)  # National Day (Wednesday)
OCT_4 = dt.date(2025, 10, 4)
OCT_5 = dt.date(2025, 10, 5)
OCT_8 = dt.date(2025, 10, 8)  # last day of the holiday
THU_9_OCT = dt.date(2025, 10, 9)
FRI_10_OCT = dt.date(2025, 10, 10)
SAT_11_OCT = dt.date(2025, 10, 11)  # 调休: a working Saturday
SUN_12_OCT = dt.date(2025, 10, 12)  # rest day
MON_13_OCT = dt.date(2025, 10, 13)
WED_15_OCT = dt.date(2025, 10, 15)
FRI_17_OCT = dt.date(2025, 10, 17)


def set_policy(township, key, year, value):
    PolicyValue.objects.create(key=key, year=year, county=township.county, township=township, value=value)


def errors(exc_info) -> dict:
    return exc_info.value.message_dict


# --- leave.py: leave_halves ----------------------------------------------------------------------


def test_r_lv_3_halves_of_a_one_day_leave():
    one = {"start": THU_9_OCT, "end": THU_9_OCT}
    assert leave_halves(**one, half_day="full", start_half="full", end_half="full") == LeaveHalves(
        "full", "full", "full"
    )
    assert leave_halves(**one, half_day="am", start_half="full", end_half="full") == LeaveHalves("am")
    assert leave_halves(**one, half_day="pm", start_half="full", end_half="full") == LeaveHalves("pm")
    # begun at noon / ended at noon on a one-day leave are the afternoon / the morning
    assert leave_halves(**one, half_day="full", start_half="pm", end_half="full") == LeaveHalves("pm")
    assert leave_halves(**one, half_day="full", start_half="full", end_half="am") == LeaveHalves("am")
    # the same half said twice is still one half
    assert leave_halves(**one, half_day="pm", start_half="pm", end_half="full") == LeaveHalves("pm")
    assert leave_halves(**one, half_day="am", start_half="full", end_half="am") == LeaveHalves("am")
    both = "A one-day leave takes the morning or the afternoon, not both halves; ask for the whole day."
    for half_day, start_half, end_half in (("am", "pm", "full"), ("full", "pm", "am"), ("pm", "full", "am")):
        with pytest.raises(ValidationError) as exc:
            leave_halves(**one, half_day=half_day, start_half=start_half, end_half=end_half)
        assert errors(exc) == {"end_half": [both]}


def test_r_lv_3_halves_of_a_longer_leave():
    days = {"start": THU_9_OCT, "end": SAT_11_OCT}
    assert leave_halves(**days, half_day="full", start_half="pm", end_half="am") == LeaveHalves(
        "full", "pm", "am"
    )
    assert leave_halves(**days, half_day="full", start_half="full", end_half="full") == LeaveHalves()
    with pytest.raises(ValidationError) as exc:
        leave_halves(**days, half_day="am", start_half="full", end_half="full")
    assert errors(exc) == {
        "half_day": ["For a leave of several days, choose the half of its first or last day."]
    }


def test_r_lv_3_halves_that_say_nothing_sensible():
    with pytest.raises(ValidationError) as exc:
        leave_halves(start=THU_9_OCT, end=THU_9_OCT, half_day="full", start_half="am", end_half="full")
    assert errors(exc) == {"start_half": ["The first day is whole or begins in the afternoon."]}
    with pytest.raises(ValidationError) as exc:
        leave_halves(start=THU_9_OCT, end=FRI_10_OCT, half_day="full", start_half="full", end_half="pm")
    assert errors(exc) == {"end_half": ["The last day is whole or ends at noon."]}


# --- leave.py: leave_length ----------------------------------------------------------------------


@pytest.fixture
def township(db):
    return TownshipFactory()


def length(township, start, end, half_day="full", **halves):
    return leave_length(township_id=township.pk, start=start, end=end, half_day=half_day, **halves)


def test_r_lv_1_length_counts_working_days_across_national_day(township):
    # Tue 30 Sep .. Thu 9 Oct: 30 Sep and 9 Oct work, 1-8 Oct are the holiday -> 2
    assert length(township, TUE_30_SEP, THU_9_OCT) == Decimal(2)
    # Sun 28 Sep (调休) .. Sat 11 Oct (调休): 28, 29, 30 Sep + 9, 10, 11 Oct = 6
    assert length(township, SUN_28_SEP, SAT_11_OCT) == Decimal(6)
    # a single working day, the 调休 Sunday itself
    assert length(township, SUN_28_SEP, SUN_28_SEP) == Decimal(1)
    # Wednesday afternoon to Friday: Wed 15, Thu 16, Fri 17 = 3, less half = 2.5
    assert length(township, WED_15_OCT, FRI_17_OCT, start_half="pm") == Decimal("2.5")
    # Wednesday to Friday noon: 3 - 0.5 = 2.5; from Wednesday noon to Friday noon: 3 - 1 = 2
    assert length(township, WED_15_OCT, FRI_17_OCT, end_half="am") == Decimal("2.5")
    assert length(township, WED_15_OCT, FRI_17_OCT, start_half="pm", end_half="am") == Decimal(2)
    # Thu 9 Oct noon .. Sat 11 Oct (调休) noon: 3 working days - 1 = 2
    assert length(township, THU_9_OCT, SAT_11_OCT, start_half="pm", end_half="am") == Decimal(2)
    # Mon 29 Sep noon .. Tue 30 Sep noon: 2 - 1 = 1 (one whole day's worth, not "no working day")
    assert length(township, MON_29_SEP, TUE_30_SEP, start_half="pm", end_half="am") == Decimal(1)
    # a holiday at the start of a leave begun at noon is no concern when the first day is whole
    assert length(township, OCT_5, THU_9_OCT) == Decimal(1)


def test_r_lv_1_half_day_on_a_working_day_is_half(township):
    assert length(township, SUN_28_SEP, SUN_28_SEP, half_day="am") == Decimal("0.5")
    assert length(township, SAT_11_OCT, SAT_11_OCT, half_day="pm") == Decimal("0.5")
    assert length(township, THU_9_OCT, THU_9_OCT, start_half="pm") == Decimal("0.5")
    assert length(township, THU_9_OCT, THU_9_OCT, end_half="am") == Decimal("0.5")


def test_r_lv_1_half_day_on_a_rest_day_is_refused_on_its_field(township):
    rest = "2025-10-01 is a rest day; a half day of leave must be on a working day."
    with pytest.raises(ValidationError) as exc:
        length(township, OCT_1, OCT_1, half_day="am")
    assert errors(exc) == {"half_day": [rest]}
    with pytest.raises(ValidationError) as exc:
        length(township, OCT_1, OCT_1, start_half="pm")
    assert errors(exc) == {"start_half": [rest]}
    with pytest.raises(ValidationError) as exc:
        length(township, OCT_1, OCT_1, end_half="am")
    assert errors(exc) == {"end_half": [rest]}
    # a longer leave begun at noon on a holiday, or ended at noon on a rest day
    with pytest.raises(ValidationError) as exc:
        length(township, OCT_5, THU_9_OCT, start_half="pm")
    assert errors(exc) == {
        "start_half": ["2025-10-05 is a rest day; a half day of leave must be on a working day."]
    }
    with pytest.raises(ValidationError) as exc:
        length(township, TUE_30_SEP, OCT_4, end_half="am")
    assert errors(exc) == {
        "end_half": ["2025-10-04 is a rest day; a half day of leave must be on a working day."]
    }
    with pytest.raises(ValidationError) as exc:
        length(township, SAT_11_OCT, SUN_12_OCT, end_half="am")
    assert errors(exc) == {
        "end_half": ["2025-10-12 is a rest day; a half day of leave must be on a working day."]
    }


def test_r_lv_1_length_follows_the_townships_own_calendar(township):
    """This township closed on Thu 23 Oct 2025 (a flood day) and worked Sat 25 Oct instead;
    the national calendar has Mon 20 - Fri 24 Oct as an ordinary week."""
    for day, working in ((dt.date(2025, 10, 23), False), (dt.date(2025, 10, 25), True)):
        CalendarOverride.objects.create(
            county=township.county, township=township, date=day, is_working_day=working
        )
    mon, wed, thu, fri, sat = (dt.date(2025, 10, d) for d in (20, 22, 23, 24, 25))
    assert length(township, mon, fri) == Decimal(4)  # 20, 21, 22, 24
    assert length(TownshipFactory(county=township.county), mon, fri) == Decimal(5)  # elsewhere: 20-24
    assert length(township, sat, sat, half_day="pm") == Decimal("0.5")
    assert length(township, fri, sat, start_half="pm", end_half="am") == Decimal(1)  # 2 - 1
    rest = "2025-10-23 is a rest day; a half day of leave must be on a working day."
    with pytest.raises(ValidationError) as exc:
        length(township, thu, thu, half_day="am")
    assert errors(exc) == {"half_day": [rest]}
    with pytest.raises(ValidationError) as exc:
        length(township, thu, fri, start_half="pm")
    assert errors(exc) == {"start_half": [rest]}
    with pytest.raises(ValidationError) as exc:
        length(township, wed, thu, end_half="am")
    assert errors(exc) == {"end_half": [rest]}


def test_r_lv_1_dates_a_clerk_would_not_accept(township):
    with pytest.raises(ValidationError) as exc:
        length(township, THU_9_OCT, OCT_8)
    assert errors(exc) == {"end_date": ["The last day is before the first day."]}
    # the whole holiday, 1-8 Oct: no working day
    with pytest.raises(ValidationError) as exc:
        length(township, OCT_1, OCT_8)
    assert errors(exc) == {
        "end_date": [
            "These dates contain no working day, so no leave is needed; register leaving the "
            "township instead if you go away."
        ]
    }


# --- leave.py: leave_balance ---------------------------------------------------------------------


def _leave(person, start, end, days, *, kind="annual", status="approved", **extra):
    return LeaveRequest.objects.create(
        township_id=person.township_id,
        person=person,
        kind=kind,
        start_date=start,
        end_date=end,
        days=Decimal(days),
        reason="test",
        status=status,
        **extra,
    )


def test_r_lv_4_balance_by_service_at_new_year_less_what_is_asked(township):
    # employed 2 Jan 2016: on 1 Jan 2026 that is 9 full years (10 only on 2 Jan) -> the short
    # band, which this township sets to 7 days for 2026 (8 for 2027, the year "today" is in)
    person = UserFactory(township=township, first_employed_on=dt.date(2016, 1, 2))
    other = UserFactory(township=township, first_employed_on=dt.date(2016, 1, 2))
    set_policy(township, "R-LV-4.days_short", 2026, 7)
    set_policy(township, "R-LV-4.days_short", 2027, 8)
    approved = _leave(person, dt.date(2026, 3, 2), dt.date(2026, 3, 4), 3)  # Mon-Wed: 3
    _leave(  # 5 asked, came back on Wednesday: 2 used
        person,
        dt.date(2026, 4, 13),
        dt.date(2026, 4, 17),
        5,
        status="reported_back",
        returned_on=dt.date(2026, 4, 15),
        days_used=Decimal(2),
    )
    _leave(person, dt.date(2026, 5, 11), dt.date(2026, 5, 11), 1, status="pending")  # asked: 1
    _leave(person, dt.date(2026, 6, 1), dt.date(2026, 6, 1), "0.5", half_day="am")  # 0.5
    _leave(person, dt.date(2026, 6, 2), dt.date(2026, 6, 3), 2, status="rejected")  # not counted
    _leave(person, dt.date(2026, 6, 4), dt.date(2026, 6, 4), 1, kind="sick")  # not annual
    _leave(person, dt.date(2025, 12, 29), dt.date(2025, 12, 29), 1)  # last year's
    _leave(other, dt.date(2026, 3, 2), dt.date(2026, 3, 2), 1)  # someone else's
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        bal = leave_balance(person=person, year=2026)
        # used 3 + 2 + 1 + 0.5 = 6.5 of 7: 0.5 left
        assert (bal.year, bal.years_of_service, bal.entitled) == (2026, 9, 7)
        assert bal.used == Decimal("6.5") and bal.remaining == Decimal("0.5")
        # the leave being edited is left out: 6.5 - 3 = 3.5 used, 3.5 left
        bal = leave_balance(person=person, year=2026, exclude_leave=approved.pk)
        assert bal.used == Decimal("3.5") and bal.remaining == Decimal("3.5")
        # 2025: 8 years on 1 Jan 2025, no township value for 2025 -> the national 5; 1 used
        bal = leave_balance(person=person, year=2025)
        assert (bal.year, bal.years_of_service, bal.entitled, bal.used) == (2025, 8, 5, Decimal(1))
        # someone else, 2027: 10 years on 1 Jan 2027 -> the middle band, 10 days, none used
        bal = leave_balance(person=other, year=2027)
        assert (bal.years_of_service, bal.entitled, bal.used, bal.remaining) == (
            10,
            10,
            Decimal(0),
            Decimal(10),
        )


# --- common.py: days, months and half days ------------------------------------------------------


def test_days_between_is_every_calendar_day_inclusive():
    assert list(days_between(SAT_11_OCT, MON_13_OCT)) == [SAT_11_OCT, SUN_12_OCT, MON_13_OCT]
    assert list(days_between(SAT_11_OCT, SAT_11_OCT)) == [SAT_11_OCT]
    assert list(days_between(MON_13_OCT, SAT_11_OCT)) == []


def test_month_bounds_first_and_last_day():
    # any day of the month gives the month; February of a leap year has 29 days
    assert month_bounds(dt.date(2028, 2, 17)) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert month_bounds(dt.date(2025, 2, 1)) == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert month_bounds(dt.date(2025, 12, 31)) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert month_bounds(dt.date(2025, 9, 30)) == (dt.date(2025, 9, 1), dt.date(2025, 9, 30))


def test_r_lv_3_half_day_span_morning_2n_afternoon_2n_plus_1():
    wed, fri = WED_15_OCT.toordinal(), FRI_17_OCT.toordinal()
    assert half_day_span(WED_15_OCT, FRI_17_OCT) == (2 * wed, 2 * fri + 1)
    assert half_day_span(WED_15_OCT, FRI_17_OCT, "full", "pm", "full") == (2 * wed + 1, 2 * fri + 1)
    assert half_day_span(WED_15_OCT, FRI_17_OCT, "full", "full", "am") == (2 * wed, 2 * fri)
    assert half_day_span(WED_15_OCT, WED_15_OCT, "am") == (2 * wed, 2 * wed)
    assert half_day_span(WED_15_OCT, WED_15_OCT, "pm") == (2 * wed + 1, 2 * wed + 1)
    # Monday 13 Oct is two days before Wednesday: four half days earlier
    assert half_day_span(MON_13_OCT, MON_13_OCT) == (2 * wed - 4, 2 * wed - 3)


# --- common.py: who is covered on which day -----------------------------------------------------


def _person(township, name):
    return UserFactory(township=township, full_name=name)


def test_r_att_3_leave_cover_by_half_days_and_report_back(township):
    p = {n: _person(township, f"干部{n}") for n in range(1, 10)}
    stranger = _person(TownshipFactory(), "外镇")
    # the window: Thu 9 .. Mon 13 Oct (calendar days: leave cover does not look at the calendar)
    _leave(p[1], TUE_30_SEP, FRI_10_OCT, 4, kind="personal", start_half="pm")  # clipped: 9, 10
    _leave(p[2], FRI_10_OCT, WED_15_OCT, 3, kind="personal", start_half="pm", end_half="am")
    _leave(  # 9 .. 17 Oct, back on Sat 11: covers 9 and 10 only
        p[3], THU_9_OCT, FRI_17_OCT, 7, kind="personal", status="reported_back", returned_on=SAT_11_OCT
    )
    _leave(p[4], MON_13_OCT, MON_13_OCT, "0.5", kind="personal", half_day="am")  # starts on the last day
    _leave(p[5], dt.date(2025, 10, 6), THU_9_OCT, 1, kind="personal", end_half="am")  # ends on the first
    _leave(p[6], THU_9_OCT, THU_9_OCT, 1, kind="personal", status="pending")
    _leave(p[6], FRI_10_OCT, FRI_10_OCT, 1, kind="personal", status="rejected")
    _leave(stranger, THU_9_OCT, THU_9_OCT, 1, kind="personal")
    _leave(  # ends at noon on the 10th, reported back later (the 11th): the 10th is still "am"
        p[7],
        THU_9_OCT,
        FRI_10_OCT,
        "1.5",
        kind="personal",
        end_half="am",
        status="reported_back",
        returned_on=SAT_11_OCT,
    )
    _leave(  # ends at noon on the 13th, back on the 13th itself: 9-12 whole, the 13th worked
        p[8],
        THU_9_OCT,
        MON_13_OCT,
        "2.5",
        kind="personal",
        end_half="am",
        status="reported_back",
        returned_on=MON_13_OCT,
    )
    _leave(p[9], dt.date(2025, 10, 14), WED_15_OCT, 2, kind="personal")  # after the window
    cover = leave_cover(township_id=township.pk, start=THU_9_OCT, end=MON_13_OCT)
    pk = {n: person.pk for n, person in p.items()}
    assert cover == {
        (pk[1], THU_9_OCT): "full",
        (pk[1], FRI_10_OCT): "full",
        (pk[2], FRI_10_OCT): "pm",
        (pk[2], SAT_11_OCT): "full",
        (pk[2], SUN_12_OCT): "full",
        (pk[2], MON_13_OCT): "full",
        (pk[3], THU_9_OCT): "full",
        (pk[3], FRI_10_OCT): "full",
        (pk[4], MON_13_OCT): "am",
        (pk[5], THU_9_OCT): "am",
        (pk[7], THU_9_OCT): "full",
        (pk[7], FRI_10_OCT): "am",
        (pk[8], THU_9_OCT): "full",
        (pk[8], FRI_10_OCT): "full",
        (pk[8], SAT_11_OCT): "full",
        (pk[8], SUN_12_OCT): "full",
    }


def _trip(person, start, end, *, status="approved", companions=(), destination="成都"):
    trip = TripRequest.objects.create(
        township_id=person.township_id,
        person=person,
        kind="business",
        purpose="test",
        destination=destination,
        start_date=start,
        end_date=end,
        budget=Decimal("100"),
        declaration=True,
        status=status,
    )
    trip.companions.set(companions)
    return trip


def test_r_att_3_trip_cover_takes_the_companions(township):
    p = {n: _person(township, f"干部{n}") for n in range(1, 9)}
    stranger = _person(TownshipFactory(), "外镇")
    # the window: Thu 9 .. Sat 11 Oct
    _trip(p[1], OCT_8, THU_9_OCT, companions=[p[2], p[3]])  # ends on the first day
    _trip(p[4], SAT_11_OCT, dt.date(2025, 10, 14))  # starts on the last day
    _trip(p[5], FRI_10_OCT, FRI_10_OCT, status="pending", companions=[p[6]])
    _trip(p[5], SAT_11_OCT, SAT_11_OCT, status="rejected")
    _trip(stranger, FRI_10_OCT, FRI_10_OCT)
    _trip(p[7], OCT_5, OCT_8, companions=[p[8]])  # over before the window
    _trip(p[7], SUN_12_OCT, MON_13_OCT, companions=[p[8]])  # after it
    cover = trip_cover(township_id=township.pk, start=THU_9_OCT, end=SAT_11_OCT)
    assert cover == {
        (p[1].pk, THU_9_OCT),
        (p[2].pk, THU_9_OCT),
        (p[3].pk, THU_9_OCT),
        (p[4].pk, SAT_11_OCT),
    }
    # a trip of three days, Thu 9 .. Sat 11, seen on Friday alone: the traveller and the companion
    _trip(p[6], THU_9_OCT, SAT_11_OCT, companions=[p[5]])
    cover = trip_cover(township_id=township.pk, start=FRI_10_OCT, end=FRI_10_OCT)
    assert cover == {(p[6].pk, FRI_10_OCT), (p[5].pk, FRI_10_OCT)}
    assert (
        trip_cover(township_id=township.pk, start=dt.date(2025, 10, 20), end=dt.date(2025, 10, 24)) == set()
    )


def test_r_att_3_fieldwork_days_merge_the_answers_larger_share_wins(township):
    asked = []

    def village_days(*, township_id, start, end):
        asked.append((township_id, start, end))
        return {(1, THU_9_OCT): 0.5, (2, THU_9_OCT): Decimal("1.5"), (3, THU_9_OCT): Decimal("1")}

    def more_days(*, township_id, start, end):
        return {
            (1, THU_9_OCT): Decimal("1"),
            (3, THU_9_OCT): Decimal("0.5"),
            (4, FRI_10_OCT): 0.3,
            (5, THU_9_OCT): 0,
        }

    def no_days(*, township_id, start, end):
        return None

    saved = hooks.ANSWERS.get("fieldwork_days")
    hooks.ANSWERS["fieldwork_days"] = [village_days, no_days, more_days]
    try:
        merged = fieldwork_days(township_id=township.pk, start=THU_9_OCT, end=FRI_10_OCT)
    finally:
        if saved is None:
            hooks.ANSWERS.pop("fieldwork_days")
        else:
            hooks.ANSWERS["fieldwork_days"] = saved
    assert asked == [(township.pk, THU_9_OCT, FRI_10_OCT)]
    # person 1: 0.5 then 1 -> 1; person 2: 1.5 capped at one day; person 3: 1 then 0.5 -> 1;
    # person 4: 0.3 (a float read as its text, exactly 0.3); person 5: nothing for a zero share
    assert merged == {
        (1, THU_9_OCT): Decimal("1"),
        (2, THU_9_OCT): Decimal("1"),
        (3, THU_9_OCT): Decimal("1"),
        (4, FRI_10_OCT): Decimal("0.3"),
    }
    assert [str(v) for v in merged.values()] == ["1", "1", "1", "0.3"]


# --- common.py: overlapping (R-LV-3) ------------------------------------------------------------


def test_r_lv_3_overlapping_leaves_half_day_by_half_day(township):
    me, colleague = _person(township, "张三"), _person(township, "李四")
    wed = _leave(me, WED_15_OCT, FRI_17_OCT, "2.5", kind="personal", start_half="pm")
    _leave(colleague, WED_15_OCT, WED_15_OCT, 1, kind="sick")
    wed_text = "张三: Personal leave 2025-10-15 to 2025-10-17"

    def clash(start, end, who=(me,), **kw):
        return overlapping(person_ids=[p.pk for p in who], start=start, end=end, **kw)

    assert clash(WED_15_OCT, WED_15_OCT, half_day="am") == []  # the morning is free
    assert clash(MON_13_OCT, WED_15_OCT, end_half="am") == []  # Mon .. Wed noon
    assert clash(MON_13_OCT, dt.date(2025, 10, 14)) == []
    assert clash(WED_15_OCT, WED_15_OCT) == [wed_text]
    assert clash(WED_15_OCT, WED_15_OCT, half_day="pm") == [wed_text]
    assert clash(FRI_17_OCT, dt.date(2025, 10, 20)) == [wed_text]  # its last day
    assert clash(FRI_17_OCT, FRI_17_OCT, start_half="pm") == [wed_text]
    assert clash(WED_15_OCT, WED_15_OCT, exclude_leave=wed.pk) == []  # the leave being edited
    assert sorted(clash(WED_15_OCT, WED_15_OCT, who=(me, colleague))) == [
        wed_text,
        "李四: Sick leave 2025-10-15 to 2025-10-15",
    ]
    assert clash(MON_13_OCT, WED_15_OCT) == [wed_text]  # its first day is the query's last
    # a later afternoon leave that does not clash does not hide an earlier one that does
    # (leaves are read latest first: the afternoon leave, asked later, comes first)
    wang = _person(township, "王五")
    _leave(wang, WED_15_OCT, WED_15_OCT, "0.5", kind="personal", half_day="pm")
    assert clash(WED_15_OCT, WED_15_OCT, who=(colleague, wang), half_day="am") == [
        "李四: Sick leave 2025-10-15 to 2025-10-15"
    ]
    # a pending leave already holds its days; a rejected one does not
    _leave(me, dt.date(2025, 11, 3), dt.date(2025, 11, 3), 1, kind="personal", status="pending")
    _leave(me, dt.date(2025, 11, 4), dt.date(2025, 11, 4), 1, kind="personal", status="rejected")
    assert clash(dt.date(2025, 11, 3), dt.date(2025, 11, 4)) == [
        "张三: Personal leave 2025-11-03 to 2025-11-03"
    ]
    # a one-day afternoon leave and a morning do not overlap
    _leave(me, dt.date(2025, 11, 5), dt.date(2025, 11, 5), "0.5", kind="personal", half_day="pm")
    assert clash(dt.date(2025, 11, 5), dt.date(2025, 11, 5), half_day="am") == []
    assert clash(dt.date(2025, 11, 5), dt.date(2025, 11, 5), half_day="pm") == [
        "张三: Personal leave 2025-11-05 to 2025-11-05"
    ]


def test_r_lv_3_overlapping_a_reported_back_leave_ends_the_day_before_the_return(township):
    me = _person(township, "张三")
    # Mon 20 .. Fri 24 Oct, back on Wed 22: on leave Mon 20 and Tue 21 only
    _leave(
        me,
        dt.date(2025, 10, 20),
        dt.date(2025, 10, 24),
        5,
        kind="personal",
        status="reported_back",
        returned_on=dt.date(2025, 10, 22),
        days_used=Decimal(2),
    )
    # Mon 27 .. Tue 28 Oct (ends at noon), reported back only on Fri 31: the leave still ends
    # at noon on the 28th
    _leave(
        me,
        dt.date(2025, 10, 27),
        dt.date(2025, 10, 28),
        "1.5",
        kind="personal",
        end_half="am",
        status="reported_back",
        returned_on=dt.date(2025, 10, 31),
    )

    def clash(start, end, **kw):
        return overlapping(person_ids=[me.pk], start=start, end=end, **kw)

    assert clash(dt.date(2025, 10, 22), dt.date(2025, 10, 24)) == []
    assert clash(dt.date(2025, 10, 21), dt.date(2025, 10, 21)) == [
        "张三: Personal leave 2025-10-20 to 2025-10-24"
    ]
    assert clash(dt.date(2025, 10, 28), dt.date(2025, 10, 28), half_day="pm") == []
    assert clash(dt.date(2025, 10, 28), dt.date(2025, 10, 29), start_half="pm") == []
    assert clash(dt.date(2025, 10, 29), dt.date(2025, 10, 30)) == []
    assert clash(dt.date(2025, 10, 28), dt.date(2025, 10, 28), half_day="am") == [
        "张三: Personal leave 2025-10-27 to 2025-10-28"
    ]


def test_r_lv_3_overlapping_trips_of_the_traveller_and_the_companions(township, django_assert_num_queries):
    me, boss = _person(township, "张三"), _person(township, "王五")
    mine = _trip(me, THU_9_OCT, FRI_10_OCT, destination="北京")
    _trip(_person(township, "赵六"), THU_9_OCT, FRI_10_OCT, destination="广州")  # not ours to see
    _trip(boss, MON_13_OCT, MON_13_OCT, status="pending", companions=[me], destination="上海")
    _trip(me, dt.date(2025, 10, 14), dt.date(2025, 10, 14), status="rejected")
    beijing = "张三: trip to 北京 2025-10-09 to 2025-10-10"
    shanghai = "王五: trip to 上海 2025-10-13 to 2025-10-13"

    def clash(start, end, who=(me,), **kw):
        return overlapping(person_ids=[p.pk for p in who], start=start, end=end, **kw)

    assert clash(dt.date(2025, 10, 7), THU_9_OCT) == [beijing]  # its first day
    assert clash(FRI_10_OCT, SUN_12_OCT) == [beijing]  # its last day
    assert clash(SAT_11_OCT, SUN_12_OCT) == []
    assert clash(THU_9_OCT, THU_9_OCT, half_day="am") == [beijing]  # a trip takes whole days
    assert clash(THU_9_OCT, THU_9_OCT, exclude_trip=mine.pk) == []
    assert clash(MON_13_OCT, MON_13_OCT) == [shanghai]  # a companion of a pending trip
    assert clash(MON_13_OCT, MON_13_OCT, who=(me, boss)) == [shanghai]  # listed once
    assert clash(dt.date(2025, 10, 14), dt.date(2025, 10, 14)) == []
    # one query for the leaves and one for the trips, however many are found (the people are
    # read along): a leave of mine on Friday and the Beijing trip
    _leave(me, FRI_10_OCT, FRI_10_OCT, 1, kind="personal")
    with django_assert_num_queries(2):
        assert clash(FRI_10_OCT, FRI_10_OCT) == ["张三: Personal leave 2025-10-10 to 2025-10-10", beijing]


# --- attendance.py: minutes, the middle of a session, the correction window -------------------


def test_r_att_4_minutes_of_the_day_and_the_middle_of_a_session():
    assert _minutes_of(dt.time(0, 0)) == 0
    assert _minutes_of(dt.time(8, 30)) == 510  # 8 * 60 + 30
    assert _minutes_of(dt.time(23, 59, 59)) == 1439  # 23 * 60 + 59, the seconds dropped
    assert _middle(dt.time(8, 30), dt.time(18, 0)) == 795  # (510 + 1080) / 2: 13:15
    assert _middle(dt.time(14, 30), dt.time(18, 0)) == 975  # (870 + 1080) / 2: 16:15
    assert _middle(dt.time(8, 31), dt.time(12, 0)) == 615  # (511 + 720) // 2 = 1231 // 2


def test_r_att_4_correction_window_closes_days_after_the_month_ends(township):
    elsewhere = TownshipFactory()
    # this township: 5 days in 2025, 1 day from 2026 on ("today" is in 2026)
    set_policy(township, "R-ATT-4.window_days", 2025, 5)
    set_policy(township, "R-ATT-4.window_days", 2026, 1)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        # February 2025 ends on the 28th: + 5 = 5 March
        assert correction_window_close(township_id=township.pk, day=dt.date(2025, 2, 10)) == dt.date(
            2025, 3, 5
        )
        # 31 December + 5 = 5 January of the next year
        assert correction_window_close(township_id=township.pk, day=dt.date(2025, 12, 31)) == dt.date(
            2026, 1, 5
        )
        # February 2026: 28th + 1 = 1 March
        assert correction_window_close(township_id=township.pk, day=dt.date(2026, 2, 1)) == dt.date(
            2026, 3, 1
        )
        # elsewhere the national default, 3: 28 Feb + 3 = 3 March
        assert correction_window_close(township_id=elsewhere.pk, day=dt.date(2025, 2, 10)) == dt.date(
            2025, 3, 3
        )


# --- attendance.py: evaluate_day ----------------------------------------------------------------


def _with_field_days(answer, func, *args, **kwargs):
    saved = hooks.ANSWERS.get("fieldwork_days")
    hooks.ANSWERS["fieldwork_days"] = [answer]
    try:
        return func(*args, **kwargs)
    finally:
        if saved is None:
            hooks.ANSWERS.pop("fieldwork_days")
        else:
            hooks.ANSWERS["fieldwork_days"] = saved


def _register(person, start, end):
    return LeavingRegistration.objects.create(
        township_id=person.township_id,
        person=person,
        destination="成都",
        start_date=start,
        end_date=end,
        phone="13800000000",
        reason="test",
    )


def _row(row):
    at = lambda t: None if t is None else timezone.localtime(t).strftime("%H:%M")  # noqa: E731
    return (
        row.status,
        row.punches,
        at(row.first_punch),
        at(row.last_punch),
        row.late_minutes,
        row.early_minutes,
        row.leave_days,
        getattr(row, "missing_direction", None),
    )


def _spec(s):
    return (s.rule_id, s.township_id, str(s.detail), s.on_date, s.person_id, s.department_id, s.key)


def test_r_att_2_3_a_working_saturday_hand_worked(township):
    """Sat 11 Oct 2025 is a working day (调休), winter hours 08:30-12:00 and 14:30-18:00; this
    township's grace is 7 minutes in 2025 (3 from 2026, the year "today" is in)."""
    day = SAT_11_OCT
    set_policy(township, "R-ATT-2.grace_minutes", 2025, 7)
    set_policy(township, "R-ATT-2.grace_minutes", 2026, 3)
    dept = DepartmentFactory(township=township)
    p = {n: UserFactory(township=township, department=dept, full_name=f"干部{n:02d}") for n in range(1, 26)}
    gone = UserFactory(township=township, department=dept, is_active=False)
    elsewhere = UserFactory(township=TownshipFactory())
    punch(elsewhere, day, "08:00")
    punch(gone, day, "08:00")

    def punches(n, *times):
        for t in times:
            punch(p[n], day, t)

    punches(1, "08:45", "12:10", "18:10")  # late 15 > 7; after 18:00: not early -> late
    punches(2, "08:00", "17:40")  # early 18:00 - 17:40 = 20 -> early
    punches(3, "08:50", "17:30")  # late 20, early 30
    punches(4, "08:36", "17:54")  # late 6, early 6: both within 7 -> present
    # 5, 6, 7: no punch, no cover -> absent; 6 and 7 registered leaving the township
    _register(p[5], FRI_10_OCT, FRI_10_OCT)  # ended the day before
    _register(p[5], SUN_12_OCT, MON_13_OCT)  # begins the day after
    _register(p[6], SAT_11_OCT, SUN_12_OCT)  # begins that day
    _register(p[7], FRI_10_OCT, SAT_11_OCT)  # ends that day
    _trip(p[8], FRI_10_OCT, SAT_11_OCT)
    punches(8, "09:00", "18:00")  # on a trip all the same
    _leave(p[9], SAT_11_OCT, SAT_11_OCT, 1, kind="personal")
    punches(9, "08:30", "18:00")  # on leave all the same
    punches(10, "09:00", "10:00")  # a whole field day: punches do not matter
    _leave(p[11], SAT_11_OCT, SAT_11_OCT, "0.5", kind="personal", half_day="pm")  # + field morning
    # 12: half a field day and no punch -> field
    _leave(p[13], SAT_11_OCT, SAT_11_OCT, "0.5", kind="personal", half_day="am")  # afternoon missed
    _leave(p[14], SAT_11_OCT, SAT_11_OCT, "0.5", kind="personal", half_day="am")
    punches(14, "14:45", "18:00")  # afternoon session from 14:30: late 15
    _leave(p[15], SAT_11_OCT, SAT_11_OCT, "0.5", kind="personal", half_day="pm")
    punches(15, "08:30", "11:50")  # morning session to 12:00: early 10
    punches(16, "10:00", "11:00")  # half a field day: one session cannot be checked
    punches(17, "16:00")  # half a field day and one punch
    punches(18, "08:40")  # one punch before 13:15, the middle of 08:30-18:00: clock-out missing
    punches(19, "13:15")  # at the middle: the clock-in is missing
    punches(20, "13:14")  # a minute before: the clock-out is missing
    _leave(p[21], SAT_11_OCT, SAT_11_OCT, "0.5", kind="personal", half_day="am")
    punches(21, "16:00")  # session 14:30-18:00, middle 16:15: clock-out missing
    _leave(p[22], SAT_11_OCT, SAT_11_OCT, "0.5", kind="personal", half_day="pm")
    punches(22, "10:30")  # session 08:30-12:00, middle 10:15: clock-in missing
    punch(p[23], FRI_10_OCT, "23:59")  # the day before and the day after only: absent
    punch(p[23], SUN_12_OCT, "00:00")
    punches(24, "00:00", "18:00")  # midnight is the day's own
    # 25: the 调休 Saturday with no punch and a day of leave the day before -> absent
    _leave(p[25], FRI_10_OCT, FRI_10_OCT, 1, kind="personal")

    def field(*, township_id, start, end):
        assert (township_id, start, end) == (township.pk, day, day)
        half, whole = Decimal("0.5"), Decimal("1")
        return {
            (p[10].pk, day): whole,
            (p[11].pk, day): half,
            (p[12].pk, day): half,
            (p[16].pk, day): half,
            (p[17].pk, day): half,
        }

    now = dt.datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(now, tick=False):
        rows, specs = _with_field_days(field, evaluate_day, township_id=township.pk, day=day)
    got = {r.person_id: r for r in rows}
    assert set(got) == {person.pk for person in p.values()}  # not the inactive, not elsewhere
    for r in rows:
        assert (r.township_id, r.date, r.computed_at) == (township.pk, day, now)
    half = Decimal("0.5")
    expected = {
        1: ("late", 3, "08:45", "18:10", 15, 0, 0, None),
        2: ("early", 2, "08:00", "17:40", 0, 20, 0, None),
        3: ("late_early", 2, "08:50", "17:30", 20, 30, 0, None),
        4: ("present", 2, "08:36", "17:54", 0, 0, 0, None),
        5: ("absent", 0, None, None, 0, 0, 0, None),
        6: ("absent", 0, None, None, 0, 0, 0, None),
        7: ("absent", 0, None, None, 0, 0, 0, None),
        8: ("trip", 2, "09:00", "18:00", 0, 0, 0, None),
        9: ("leave", 2, "08:30", "18:00", 0, 0, 1, None),
        10: ("field", 2, "09:00", "10:00", 0, 0, 0, None),
        11: ("leave", 0, None, None, 0, 0, half, None),
        12: ("field", 0, None, None, 0, 0, 0, None),
        13: ("absent", 0, None, None, 0, 0, half, None),
        14: ("late", 2, "14:45", "18:00", 15, 0, half, None),
        15: ("early", 2, "08:30", "11:50", 0, 10, half, None),
        16: ("present", 2, "10:00", "11:00", 0, 0, 0, None),
        17: ("present", 1, "16:00", "16:00", 0, 0, 0, None),
        18: ("missing_punch", 1, "08:40", "08:40", 0, 0, 0, "out"),
        19: ("missing_punch", 1, "13:15", "13:15", 0, 0, 0, "in"),
        20: ("missing_punch", 1, "13:14", "13:14", 0, 0, 0, "out"),
        21: ("missing_punch", 1, "16:00", "16:00", 0, 0, half, "out"),
        22: ("missing_punch", 1, "10:30", "10:30", 0, 0, half, "in"),
        23: ("absent", 0, None, None, 0, 0, 0, None),
        24: ("present", 2, "00:00", "18:00", 0, 0, 0, None),
        25: ("absent", 0, None, None, 0, 0, 0, None),
    }
    assert {n: _row(got[p[n].pk]) for n in p} == expected
    t, d = township.pk, dept.pk

    def absent(n):
        return [
            (
                "R-ATT-3",
                t,
                f"干部{n:02d}: absent on a working day without approved leave, trip or field day",
                day,
                p[n].pk,
                d,
                f"person:{p[n].pk}",
            ),
        ]

    def unregistered(n):
        return [
            (
                "R-LV-5",
                t,
                f"干部{n:02d}: absent on a working day with neither leave nor a leaving-the-township "
                "registration",
                day,
                p[n].pk,
                d,
                f"person:{p[n].pk}",
            ),
        ]

    def r_att_2(n, text):
        return [("R-ATT-2", t, f"干部{n:02d}: {text}", day, p[n].pk, d, f"person:{p[n].pk}")]

    assert sorted(_spec(s) for s in specs) == sorted(
        r_att_2(1, "arrived 15 min late (first punch 08:45)")
        + r_att_2(2, "left 20 min early (last punch 17:40)")
        + r_att_2(3, "arrived 20 min late (first punch 08:50); left 30 min early (last punch 17:30)")
        + absent(5)
        + unregistered(5)
        + absent(6)
        + absent(7)
        + absent(13)
        + unregistered(13)
        + r_att_2(14, "arrived 15 min late (first punch 14:45)")
        + r_att_2(15, "left 10 min early (last punch 11:50)")
        + absent(23)
        + unregistered(23)
        + absent(25)
        + unregistered(25)
    )


def test_r_att_1_holidays_rest_days_and_summer_hours(township, django_assert_num_queries):
    """This township has no grace in 2025, closed on Mon 20 Oct and worked Sat 18 Oct."""
    set_policy(township, "R-ATT-2.grace_minutes", 2025, 0)
    mon_20, sat_18 = dt.date(2025, 10, 20), dt.date(2025, 10, 18)
    CalendarOverride.objects.create(
        county=township.county, township=township, date=mon_20, is_working_day=False
    )
    CalendarOverride.objects.create(
        county=township.county, township=township, date=sat_18, is_working_day=True
    )
    p1, p2, p3 = (
        UserFactory(township=township),
        UserFactory(township=township),
        UserFactory(township=township),
    )
    _leave(p2, SUN_28_SEP, THU_9_OCT, 4, kind="personal")  # 28, 29, 30 Sep and 9 Oct
    for day in (SUN_28_SEP, TUE_30_SEP, OCT_1, SUN_12_OCT, mon_20):
        punch(p1, day, "08:30")
        punch(p1, day, "18:20")
    punch(p3, SUN_28_SEP, "08:31")  # one minute late, no grace
    punch(p3, SUN_28_SEP, "18:29")  # one minute early

    asked = []

    def field(*, township_id, start, end):
        asked.append(start)
        return {(p1.pk, d): Decimal("1") for d in (OCT_1, SUN_12_OCT)}

    days = {}
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI), tick=False):
        for day in (SUN_28_SEP, OCT_1, SUN_12_OCT, mon_20, sat_18):
            # a day off asks nothing about leave, trips, field days or registrations: the
            # settings (township's county, values), the calendar (township, overrides), the
            # people and the punches = 6 queries; a working day adds leave and trips (8), and
            # the registrations once someone is absent (9: Sat 18 Oct)
            queries = {OCT_1: 6, SUN_12_OCT: 6, mon_20: 6, SUN_28_SEP: 8, sat_18: 9}[day]
            with django_assert_num_queries(queries):
                days[day] = _with_field_days(field, evaluate_day, township_id=township.pk, day=day)
    assert asked == [SUN_28_SEP, sat_18]  # the field-work app is asked about working days only
    # National Day, an ordinary Sunday and the township's closed Monday: nobody is due, whatever
    # the punches, leave or field days
    for day, status in ((OCT_1, "holiday"), (SUN_12_OCT, "rest"), (mon_20, "rest")):
        rows, specs = days[day]
        assert sorted((r.person_id, r.status, r.leave_days, r.punches) for r in rows) == sorted(
            [(p1.pk, status, 0, 2), (p2.pk, status, 0, 0), (p3.pk, status, 0, 0)]
        )
        assert specs == []
    # the township's working Saturday: nobody punched, all three absent
    rows, specs = days[sat_18]
    assert sorted((r.person_id, r.status) for r in rows) == sorted(
        [(p1.pk, "absent"), (p2.pk, "absent"), (p3.pk, "absent")]
    )
    # the 调休 Sunday 28 Sep is in summer hours: the afternoon ends at 18:30, so 18:20 is 10 early
    rows, specs = days[SUN_28_SEP]
    got = {r.person_id: r for r in rows}
    assert (got[p1.pk].status, got[p1.pk].early_minutes, got[p1.pk].late_minutes) == ("early", 10, 0)
    assert (got[p2.pk].status, got[p2.pk].leave_days) == ("leave", 1)
    # late 08:31 - 08:30 = 1 > 0, early 18:30 - 18:29 = 1 > 0
    assert (got[p3.pk].status, got[p3.pk].late_minutes, got[p3.pk].early_minutes) == ("late_early", 1, 1)


def test_r_att_4_one_punch_today_is_a_clock_in_until_the_session_ends(township):
    """Seen live on Sat 11 Oct 2025 (grace 5): one punch in the morning is only checked for
    lateness until the session ends (18:00, or 12:00 with an afternoon of leave); then the
    clock-out is missing.  A day still under way raises no finding."""
    a, b, c, e = (UserFactory(township=township, full_name=n) for n in ("甲", "乙", "丙", "丁"))
    punch(a, SAT_11_OCT, "08:40")  # 10 late
    punch(b, SAT_11_OCT, "08:35")  # 5 late: within the grace
    punch(c, SAT_11_OCT, "13:30")  # after 13:15: a clock-out, so the clock-in is missing
    _leave(e, SAT_11_OCT, SAT_11_OCT, "0.5", kind="personal", half_day="pm")
    punch(e, SAT_11_OCT, "08:40")  # morning only, to 12:00

    def seen_at(hhmm):
        h, m = map(int, hhmm.split(":"))
        with time_machine.travel(dt.datetime(2025, 10, 11, h, m, tzinfo=SHANGHAI), tick=False):
            rows, specs = _with_field_days(
                lambda **kw: {}, evaluate_day, township_id=township.pk, day=SAT_11_OCT
            )
        got = {r.person_id: r for r in rows}
        return [
            (got[x.pk].status, got[x.pk].late_minutes, getattr(got[x.pk], "missing_direction", None))
            for x in (a, b, c, e)
        ], sorted(_spec(s)[2] for s in specs)

    assert seen_at("13:30") == (
        [("late", 10, None), ("present", 0, None), ("missing_punch", 0, "in"), ("missing_punch", 0, "out")],
        [],
    )
    assert seen_at("11:59") == (
        [("late", 10, None), ("present", 0, None), ("missing_punch", 0, "in"), ("late", 10, None)],
        [],
    )
    assert seen_at("18:00") == (
        [
            ("missing_punch", 0, "out"),
            ("missing_punch", 0, "out"),
            ("missing_punch", 0, "in"),
            ("missing_punch", 0, "out"),
        ],
        [],
    )
