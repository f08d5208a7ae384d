"""conduct/rules.py's pure functions against values worked out by hand, each at its boundary."""

import datetime as dt
from decimal import Decimal

import pytest

from conduct.rules import (
    Schedule,
    distance_m,
    r_att_2_early_minutes,
    r_att_2_late_minutes,
    r_att_3_absent,
    r_att_4_within_cap,
    r_duty_1_round_robin,
    r_log_1_percent,
    r_log_1_writable,
    r_lv_1_level,
    r_lv_2_overdue,
    r_lv_3_overlaps,
    r_lv_4_entitlement,
    r_study_1_week_ok,
    r_trip_2_due,
    years_of_service,
)

D, T, Y = dt.date, dt.time, Decimal

POLICY = {
    "R-ATT-1.morning_start": T(8, 30),
    "R-ATT-1.morning_end": T(12, 0),
    "R-ATT-1.afternoon_start": T(14, 30),
    "R-ATT-1.afternoon_end": T(18, 0),
    "R-ATT-1.summer_morning_start": T(8, 0),
    "R-ATT-1.summer_morning_end": T(11, 30),
    "R-ATT-1.summer_afternoon_start": T(15, 0),
    "R-ATT-1.summer_afternoon_end": T(18, 30),
    "R-ATT-1.summer_from_month": 5,
    "R-ATT-1.summer_to_month": 9,
    "R-ATT-2.grace_minutes": 5,
    "R-LV-4.min_years": 1,
    "R-LV-4.days_short": 5,
    "R-LV-4.middle_years": 10,
    "R-LV-4.days_middle": 10,
    "R-LV-4.long_years": 20,
    "R-LV-4.days_long": 15,
}
WINTER = Schedule(T(8, 30), T(12, 0), T(14, 30), T(18, 0), 5)
SUMMER = Schedule(T(8, 0), T(11, 30), T(15, 0), T(18, 30), 5)


@pytest.mark.parametrize(
    "day, schedule",
    [(D(2026, 4, 30), WINTER), (D(2026, 5, 1), SUMMER), (D(2026, 9, 30), SUMMER), (D(2026, 10, 1), WINTER)],
)
def test_r_att_1_summer_hours_from_may_to_september_inclusive(day, schedule):
    assert Schedule.for_day(day, POLICY) == schedule


@pytest.mark.parametrize(
    "month, summer", [(10, False), (11, True), (12, True), (1, True), (2, True), (3, False)]
)
def test_r_att_1_summer_hours_may_run_over_the_new_year(month, summer):
    pol = {**POLICY, "R-ATT-1.summer_from_month": 11, "R-ATT-1.summer_to_month": 2}
    assert Schedule.for_day(D(2026, month, 15), pol) == (SUMMER if summer else WINTER)


def test_r_att_1_summer_hours_of_a_single_month():
    pol = {**POLICY, "R-ATT-1.summer_from_month": 7, "R-ATT-1.summer_to_month": 7}
    assert Schedule.for_day(D(2026, 7, 15), pol) == SUMMER
    assert Schedule.for_day(D(2026, 6, 15), pol) == WINTER
    assert Schedule.for_day(D(2026, 8, 15), pol) == WINTER


def test_r_att_2_late_after_the_grace_counts_from_the_start():
    start = T(8, 30)
    assert r_att_2_late_minutes(T(8, 35), start, 5) == 0  # on the grace's last minute
    assert r_att_2_late_minutes(T(8, 35, 1), start, 5) == 6  # a second later: 6 minutes late
    assert r_att_2_late_minutes(T(8, 35, 0, 1), start, 5) == 6
    assert r_att_2_late_minutes(T(8, 36), start, 5) == 6
    assert r_att_2_late_minutes(T(9, 30), start, 5) == 60
    assert r_att_2_late_minutes(T(8, 20), start, 5) == 0
    assert r_att_2_late_minutes(None, start, 5) == 0


def test_r_att_2_early_before_the_grace_counts_to_the_end():
    end = T(18, 0)
    assert r_att_2_early_minutes(T(17, 55), end, 5) == 0
    assert r_att_2_early_minutes(T(17, 54), end, 5) == 6
    assert r_att_2_early_minutes(T(17, 0), end, 5) == 60
    assert r_att_2_early_minutes(T(18, 10), end, 5) == 0
    assert r_att_2_early_minutes(None, end, 5) == 0


def test_r_att_3_absent_only_on_an_uncovered_working_day_without_punches():
    assert r_att_3_absent(working_day=True, punches=0, covered=False) is True
    assert r_att_3_absent(working_day=False, punches=0, covered=False) is False
    assert r_att_3_absent(working_day=True, punches=1, covered=False) is False
    assert r_att_3_absent(working_day=True, punches=0, covered=True) is False


def test_r_att_4_corrections_below_the_monthly_cap():
    assert r_att_4_within_cap(2, 3) and not r_att_4_within_cap(3, 3)


@pytest.mark.parametrize(
    "days, leading, level",
    [
        (Y("0.5"), False, "department_head"),
        (Y("1"), False, "department_head"),
        (Y("1.5"), False, "leader_in_charge"),
        (Y("3"), False, "leader_in_charge"),
        (Y("3.5"), False, "principal_leader"),
        (Y("0.5"), True, "principal_leader"),  # R-LV-6: a leading cadre's leave
    ],
)
def test_r_lv_1_approver_by_length(days, leading, level):
    assert r_lv_1_level(days, head_max=Y("1"), leader_max=Y("3"), leading_cadre=leading) == level


def test_r_lv_2_overdue_the_day_after_the_deadline():
    assert not r_lv_2_overdue(D(2026, 3, 2), D(2026, 3, 2))
    assert r_lv_2_overdue(D(2026, 3, 2), D(2026, 3, 3))


def test_r_lv_3_overlap_includes_a_shared_day_not_adjacent_days():
    assert r_lv_3_overlaps(D(2026, 1, 1), D(2026, 1, 3), D(2026, 1, 3), D(2026, 1, 5))
    assert r_lv_3_overlaps(D(2026, 1, 3), D(2026, 1, 5), D(2026, 1, 1), D(2026, 1, 3))
    assert r_lv_3_overlaps(D(2026, 1, 1), D(2026, 1, 9), D(2026, 1, 4), D(2026, 1, 5))  # inside
    assert not r_lv_3_overlaps(D(2026, 1, 1), D(2026, 1, 3), D(2026, 1, 4), D(2026, 1, 5))
    assert not r_lv_3_overlaps(D(2026, 1, 4), D(2026, 1, 5), D(2026, 1, 1), D(2026, 1, 3))


def test_years_of_service_count_whole_years_on_the_anniversary():
    assert years_of_service(None, D(2026, 3, 15)) == 0
    assert years_of_service(D(2016, 3, 15), D(2026, 3, 14)) == 9
    assert years_of_service(D(2016, 3, 15), D(2026, 3, 15)) == 10
    assert years_of_service(D(2016, 3, 15), D(2026, 2, 20)) == 9
    assert years_of_service(D(2027, 1, 1), D(2026, 3, 15)) == 0  # not yet employed


@pytest.mark.parametrize("years, days", [(0, 0), (1, 5), (9, 5), (10, 10), (19, 10), (20, 15), (35, 15)])
def test_r_lv_4_paid_leave_by_years_of_service(years, days):
    assert r_lv_4_entitlement(years, POLICY) == days


def test_r_trip_2_report_due_fifteen_days_after_return():
    assert r_trip_2_due(D(2026, 1, 20), 15) == D(2026, 2, 4)


def test_r_log_1_today_or_the_previous_working_day_only():
    today, friday = D(2026, 3, 2), D(2026, 2, 27)  # a Monday and the Friday before
    assert r_log_1_writable(today, today=today, previous_working_day=friday)
    assert r_log_1_writable(friday, today=today, previous_working_day=friday)
    assert not r_log_1_writable(D(2026, 3, 1), today=today, previous_working_day=friday)
    assert not r_log_1_writable(D(2026, 2, 26), today=today, previous_working_day=friday)


def test_r_log_1_percent_rounds_down():
    assert r_log_1_percent(18, 20) == 90
    assert r_log_1_percent(19, 21) == 90  # 90.48
    assert r_log_1_percent(20, 21) == 95  # 95.24
    assert r_log_1_percent(2, 3) == 66  # 66.67
    assert r_log_1_percent(0, 0) == 100  # no working day: nothing owed


def test_r_study_1_sessions_long_enough_each():
    assert r_study_1_week_ok([60], per_week=1, min_minutes=60)
    assert not r_study_1_week_ok([59], per_week=1, min_minutes=60)
    assert not r_study_1_week_ok([30, 30], per_week=1, min_minutes=60)
    assert r_study_1_week_ok([60, 90], per_week=2, min_minutes=60)
    assert not r_study_1_week_ok([60, 59], per_week=2, min_minutes=60)
    assert not r_study_1_week_ok([], per_week=1, min_minutes=60)


def test_r_duty_1_round_robin_keeps_a_skipped_persons_turn():
    d1, d2, d3, d4 = (D(2026, 3, k) for k in (2, 3, 4, 5))
    # 2 is away on d2: 3 takes it, and 2 is first again on d3.
    assert r_duty_1_round_robin([d1, d2, d3, d4], [1, 2, 3], {d2: {2}}) == {d1: 1, d2: 3, d3: 2, d4: 1}
    assert r_duty_1_round_robin([d1, d2, d3, d4], [1, 2, 3], {}, start_at=1) == {d1: 2, d2: 3, d3: 1, d4: 2}
    assert r_duty_1_round_robin([d1, d2], [1, 2, 3], {}, start_at=4) == {d1: 2, d2: 3}  # 4 mod 3
    assert r_duty_1_round_robin([d1, d2], [1, 2], {d1: {1, 2}}) == {d1: None, d2: 1}
    assert r_duty_1_round_robin([d1, d2], [], {}) == {d1: None, d2: None}


def test_distance_of_one_degree_of_latitude():
    # 6,371,000 m x pi / 180 = 111,194.9 m.
    assert distance_m(0, 0, 1, 0) == 111195
    assert distance_m(0, 0, 90, 0) == 10007543  # a quarter of the circle: 6,371,000 x pi / 2
    assert distance_m(30.0, 120.0, 31.0, 120.0) == 111195
    assert distance_m(31.0, 120.0, 30.0, 120.0) == 111195
    assert distance_m(30.5, 120.5, 30.5, 120.5) == 0
    # From the equator to 60 N and 90 degrees east: sin(30)^2 + cos(0) cos(60) sin(45)^2 = 0.25 + 0.25,
    # 2 asin(sqrt(0.5)) = 90 degrees: a quarter of the circle again.
    assert distance_m(0, 0, 60, 90) == 10007543
    # Along the equator, one degree of longitude is as long as one of latitude.
    assert distance_m(0, 120, 0, 121) == 111195
