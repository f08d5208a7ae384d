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

from conduct.models import LeaveRequest, TripRequest
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
from township import hooks
from township.models import PolicyValue
from township.tests.factories import TownshipFactory, UserFactory

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
    assert clash(dt.date(2025, 10, 29), dt.date(2025, 10, 30)) == []
    assert clash(dt.date(2025, 10, 28), dt.date(2025, 10, 28), half_day="am") == [
        "张三: Personal leave 2025-10-27 to 2025-10-28"
    ]


def test_r_lv_3_overlapping_trips_of_the_traveller_and_the_companions(township):
    me, boss = _person(township, "张三"), _person(township, "王五")
    mine = _trip(me, THU_9_OCT, FRI_10_OCT, destination="北京")
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
