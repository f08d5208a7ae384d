"""Cross-record checks (township.crosschecks, RULES.md R-XCK-1..8) on records built by hand in the
apps, with the findings worked out by hand: each rule's true case, its near misses, the records
changed afterwards (the finding withdrawn, and opened again when due again), and the same number
of queries at 10 and at 50 people.

The week of Monday 16 to Friday 20 November 2026 (plain working days, winter hours); Saturday 21
is a rest day.  The default settings: the morning ends for these checks at 13:00 (R-XCK-1.noon),
60 s and 3 times a month (R-XCK-2), 7 days (R-XCK-5) and the head's approval limit of ¥2,000
(R-EXP-1.head_limit), 3 a quarter (R-XCK-7), meals from 18:00 (R-XCK-8)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from conduct.models import LeaveRequest, Punch, TripRequest, WorkLog
from conduct.reception.models import Expense, ReceptionRecord, Vehicle, VehicleUse
from conduct.services.common import aware
from fieldwork.models import VillageVisit
from meetings.models import Meeting
from meetings.tests.factories import RoomFactory
from township.crosschecks import WITHDRAWN, crosscheck_range
from township.models import Finding, FindingStatus, PolicyValue
from township.tests.factories import UserFactory, VillageFactory

MON, TUE, WED, THU, FRI, SAT = (dt.date(2026, 11, d) for d in (16, 17, 18, 19, 20, 21))
WEEK = (MON, FRI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def run(org, start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 29)):
    return crosscheck_range(township_id=org.township.pk, start=start, end=end)


def found(rule_id, status=FindingStatus.OPEN):
    return sorted(
        Finding.objects.filter(rule_id=rule_id, status=status).values_list(
            "person_id", "on_date", "subject_key"
        )
    )


def withdrawn(rule_id):
    rows = Finding.objects.filter(rule_id=rule_id, status=FindingStatus.DISMISSED)
    assert all(f.resolved_by_id is None and f.resolution_message["id"] == WITHDRAWN for f in rows)
    return sorted(rows.values_list("person_id", "on_date", "subject_key"))


def punch(person, day, t, *, outside=False, source="device", device="", distance=None):
    lat = lon = None
    if distance is not None:
        lat, lon = Decimal("30.650000"), Decimal("104.060000")
    return Punch.objects.create(
        township_id=person.township_id,
        person=person,
        at=aware(day, t),
        source=source,
        device=device,
        latitude=lat,
        longitude=lon,
        distance_m=distance,
        outside_radius=outside,
    )


def leave(person, start, end=None, *, half="full", status="approved"):
    end = end or start
    return LeaveRequest.objects.create(
        township_id=person.township_id,
        person=person,
        kind="personal",
        start_date=start,
        end_date=end,
        half_day=half,
        days=Decimal("0.5") if half != "full" else Decimal((end - start).days + 1),
        reason="family",
        status=status,
    )


def trip(person, start, end=None):
    return TripRequest.objects.create(
        township_id=person.township_id,
        person=person,
        kind="business",
        purpose="county training",
        destination="县城",
        start_date=start,
        end_date=end or start,
        budget=Decimal("0"),
        declaration=True,
        status="approved",
    )


def visit(person, day, part="full", transport="bus"):
    return VillageVisit.objects.create(
        township_id=person.township_id,
        person=person,
        village=VillageFactory(township=person.township),
        date=day,
        part=part,
        days=Decimal("1") if part == "full" else Decimal("0.5"),
        purposes=["research"],
        transport=transport,
    )


def expense(person, day, amount, payee="文具店", category="office", status="approved", **kw):
    return Expense.objects.create(
        township_id=person.township_id,
        spent_on=day,
        category=category,
        payee=payee,
        amount=Decimal(amount),
        status=status,
        recorded_by=person,
        **kw,
    )


def reception(org, day, unit="县财政局", meal="canteen", staff=(), end=None, reason=""):
    r = ReceptionRecord.objects.create(
        township=org.township,
        visiting_unit=unit,
        letter_reference="财函〔2026〕1号",
        letter_scan="reception/letters/x.pdf",
        purpose="调研",
        start_date=day,
        end_date=end or day,
        guest_count=3,
        handler=org.clerk,
        meal=meal,
        meal_count=1 if meal != "none" else 0,
        status="planned",
        recorded_by=org.clerk,
        off_hours_reason=reason,
    )
    r.accompanying_staff.set(staff)
    return r


def meeting(org, day, venue="outside", end=dt.time(19, 0), reason=""):
    return Meeting.objects.create(
        township=org.township,
        title="招商推介会",
        department=org.department,
        meeting_type="business",
        date=day,
        start_time=dt.time(16, 0),
        planned_minutes=180,
        starts_at=aware(day, dt.time(16, 0)),
        ends_at=aware(day, end),
        actual_start=aware(day, dt.time(16, 0)),
        actual_end=aware(day, end),
        venue_kind=venue,
        outside_place="镇招待所" if venue == "outside" else "",
        outside_kind="other" if venue == "outside" else "",
        room=RoomFactory(township=org.township) if venue == "room" else None,
        meals="canteen",
        status="held",
        requested_by=org.head,
        off_hours_reason=reason,
    )


# --- R-XCK-1 ------------------------------------------------------------------------------------


def test_r_xck_1_punch_in_the_office_on_a_leave_day(org):
    staff_leave = leave(org.staff, TUE)
    punch(org.staff, TUE, dt.time(8, 25))  # the office's machine, the day of leave: flagged
    punch(org.staff, TUE, dt.time(18, 5))  # the same day: the same finding
    # Near misses: a punch outside the radius on a leave day (at the family's, as the leave says);
    leave(org.colleague, TUE)
    punch(org.colleague, TUE, dt.time(8, 30), source="browser", distance=2400, outside=True)
    # a morning's leave with punches in the afternoon; a punch the day after the leave; a leave
    # not approved; an approved correction on a leave day.
    leave(org.head, WED, half="am")
    punch(org.head, WED, dt.time(14, 25))
    punch(org.head, WED, dt.time(18, 2))
    punch(org.staff, WED, dt.time(8, 20))
    leave(org.clerk, THU, status="rejected")
    punch(org.clerk, THU, dt.time(8, 29))
    # a trip: the companion punching in the office is flagged as the requester would be.
    trip(org.finance, FRI).companions.add(org.leader)
    punch(org.leader, FRI, dt.time(8, 10))
    # two days of leave, a punch on each: a finding for each day
    two_days = leave(org.principal, THU, FRI)
    punch(org.principal, THU, dt.time(8, 0))
    punch(org.principal, FRI, dt.time(17, 50))

    run(org)
    assert found("R-XCK-1") == sorted(
        [
            (org.staff.pk, TUE, f"leave:{staff_leave.pk}:person:{org.staff.pk}"),
            (org.leader.pk, FRI, f"trip:{TripRequest.objects.get().pk}:person:{org.leader.pk}"),
            (org.principal.pk, THU, f"leave:{two_days.pk}:person:{org.principal.pk}"),
            (org.principal.pk, FRI, f"leave:{two_days.pk}:person:{org.principal.pk}"),
        ]
    )
    f = Finding.objects.get(rule_id="R-XCK-1", person=org.staff)
    assert f.message["params"]["a_device"] == "" and f.message["params"]["b_url"].endswith(
        f"/{staff_leave.pk}/"
    )
    assert "08:25" in f.text

    run(org)  # idempotent
    assert Finding.objects.filter(rule_id="R-XCK-1").count() == 4

    LeaveRequest.objects.filter(pk=staff_leave.pk).update(status="cancelled")
    run(org)
    assert withdrawn("R-XCK-1") == [(org.staff.pk, TUE, f"leave:{staff_leave.pk}:person:{org.staff.pk}")]
    LeaveRequest.objects.filter(pk=staff_leave.pk).update(status="approved")
    run(org)
    assert len(found("R-XCK-1")) == 4 and withdrawn("R-XCK-1") == []


# --- R-XCK-2 ------------------------------------------------------------------------------------


def test_r_xck_2_two_people_punching_from_one_browser_three_times_a_month(org):
    for day in (MON, TUE, WED):
        punch(org.staff, day, dt.time(8, 20, 0), source="browser", device="browser:aa11")
        punch(org.colleague, day, dt.time(8, 20, 40), source="browser", device="browser:aa11")  # 40 s
        # near miss: 61 s apart, three times
        punch(org.head, day, dt.time(8, 10, 0), source="browser", device="browser:bb22")
        punch(org.clerk, day, dt.time(8, 11, 1), source="browser", device="browser:bb22")
        # near miss: the attendance machine (fingerprints): a queue, not one punching for another
        punch(org.leader, day, dt.time(8, 0, 0), device="machine-1")
        punch(org.finance, day, dt.time(8, 0, 5), device="machine-1")
    # near miss: twice in the month only, 10 s apart
    for day in (MON, TUE):
        punch(org.principal, day, dt.time(8, 5, 0), source="browser", device="browser:cc33")
        punch(org.principal2, day, dt.time(8, 5, 10), source="browser", device="browser:cc33")

    run(org)
    a, b = sorted((org.staff.pk, org.colleague.pk))
    assert found("R-XCK-2") == [(org.colleague.pk, WED, f"pair:{a}:{b}:2026-11")]
    f = Finding.objects.get(rule_id="R-XCK-2")
    assert f.message["params"]["n"] == 3 and f.message["params"]["seconds"] == 40
    assert f.message["params"]["a_device"] == f.message["params"]["b_device"] == "browser:aa11"

    # The setting raised to four times this year: the finding no longer holds.
    PolicyValue.objects.create(key="R-XCK-2.times", year=2026, county=org.township.county, value=4)
    run(org)
    assert withdrawn("R-XCK-2") == [(org.colleague.pk, WED, f"pair:{a}:{b}:2026-11")]


# --- R-XCK-3 ------------------------------------------------------------------------------------


def test_r_xck_3_village_visit_while_the_punches_say_office_or_on_leave(org):
    in_office = visit(org.staff, MON)  # a whole day in the village ...
    punch(org.staff, MON, dt.time(8, 20))  # (clocked in before leaving for it)
    punch(org.staff, MON, dt.time(15, 2))  # ... and an afternoon punch in the office
    punch(org.staff, MON, dt.time(18, 5))  # (clocked out when back)
    # near miss: a whole day in the village, clocked in before and out after it
    visit(org.leader, MON)
    punch(org.leader, MON, dt.time(8, 12))
    punch(org.leader, MON, dt.time(18, 30))
    # near misses: an afternoon visit after a morning in the office; a morning visit with the
    # evening punch outside the radius.
    visit(org.colleague, TUE, "pm")
    punch(org.colleague, TUE, dt.time(8, 28))
    punch(org.colleague, TUE, dt.time(11, 50))
    punch(org.colleague, TUE, dt.time(18, 1))
    visit(org.clerk, TUE, "am")
    punch(org.clerk, TUE, dt.time(8, 30))
    punch(org.clerk, TUE, dt.time(10, 40), source="browser", distance=5200, outside=True)
    punch(org.clerk, TUE, dt.time(18, 0))
    # a morning visit during a morning's leave
    head_leave = leave(org.head, WED, half="am")
    on_leave = visit(org.head, WED, "am")
    # near miss: an afternoon visit on a morning's leave
    leave(org.finance, WED, half="am")
    visit(org.finance, WED, "pm")

    run(org)
    assert found("R-XCK-3") == sorted(
        [
            (org.staff.pk, MON, f"visit:{in_office.pk}"),
            (org.head.pk, WED, f"visit:{on_leave.pk}"),
        ]
    )
    LeaveRequest.objects.filter(pk=head_leave.pk).update(status="cancelled")
    run(org)
    assert found("R-XCK-3") == [(org.staff.pk, MON, f"visit:{in_office.pk}")]
    assert withdrawn("R-XCK-3") == [(org.head.pk, WED, f"visit:{on_leave.pk}")]


# --- R-XCK-4 ------------------------------------------------------------------------------------


def test_r_xck_4_work_log_meeting_or_reception_on_a_day_of_leave_or_trip(org):
    leave(org.staff, MON, TUE)
    log = WorkLog.objects.create(township=org.township, person=org.staff, date=TUE, content="整理材料")
    WorkLog.objects.create(township=org.township, person=org.staff, date=WED, content="back")  # near miss
    # near miss: a half day of leave, the log of the other half's work
    leave(org.colleague, MON, half="pm")
    WorkLog.objects.create(township=org.township, person=org.colleague, date=MON, content="上午值班")
    # a reception accompanied on a day of trip; one accompanied on a working day (near miss)
    trip(org.clerk, WED)
    r = reception(org, WED, staff=[org.clerk, org.finance])
    # a meeting attended on a day of leave, and an absent person named in the minutes (near miss)
    leave(org.leader, THU)
    leave(org.principal, THU)
    m = meeting(org, THU, end=dt.time(17, 0))
    m.audience_people.set([org.leader, org.principal])
    Meeting.objects.filter(pk=m.pk).update(absentees=f"{org.principal.full_name}(请假)")

    run(org)
    assert found("R-XCK-4") == sorted(
        [
            (org.staff.pk, TUE, f"work_log:{log.pk}:person:{org.staff.pk}"),
            (org.clerk.pk, WED, f"reception:{r.pk}:person:{org.clerk.pk}"),
            (org.leader.pk, THU, f"meeting:{m.pk}:person:{org.leader.pk}"),
        ]
    )
    key = f"work_log:{log.pk}:person:{org.staff.pk}"
    log.delete()
    run(org)
    assert withdrawn("R-XCK-4") == [(org.staff.pk, TUE, key)]
    assert len(found("R-XCK-4")) == 2


# --- R-XCK-5 ------------------------------------------------------------------------------------


def test_r_xck_5_split_spending_to_one_payee_within_seven_days(org):
    first = expense(org.finance, MON, "1500.00")
    second = expense(org.finance, dt.date(2026, 11, 23), "1500.00")  # 7 days later: ¥3,000 > ¥2,000
    # near misses: eight days apart; together within the limit; another category; one above
    # the limit (it went to the leader anyway); a rejected one.
    expense(org.finance, dt.date(2026, 11, 2), "1500.00", payee="印刷厂")
    expense(org.finance, dt.date(2026, 11, 10), "1500.00", payee="印刷厂")
    expense(org.finance, TUE, "1000.00", payee="饭店", category="reception")
    expense(org.finance, WED, "1000.00", payee="饭店", category="reception")
    expense(org.finance, THU, "1900.00", payee="饭店", category="training")
    expense(org.finance, TUE, "2500.00", payee="加油站", category="vehicle")
    expense(org.finance, WED, "100.00", payee="加油站", category="vehicle")
    expense(org.finance, TUE, "1800.00", payee="电脑城", status="rejected")
    expense(org.finance, WED, "1800.00", payee="电脑城")

    run(org)
    assert found("R-XCK-5") == [(org.finance.pk, dt.date(2026, 11, 23), f"expense:{first.pk}")]
    params = Finding.objects.get(rule_id="R-XCK-5").message["params"]
    assert (params["n"], params["total"], params["limit"]) == (
        2,
        {"decimal": "3000.00"},
        {"decimal": "2000.00"},
    )

    Expense.objects.filter(pk=second.pk).update(status="rejected")
    run(org)
    assert withdrawn("R-XCK-5") == [(org.finance.pk, dt.date(2026, 11, 23), f"expense:{first.pk}")]

    # The township's administrator sets this year's window to 8 days on the policy page's
    # service: the printer's two bills, eight days apart, are now one run of spending.
    from township.policy import policy_set

    policy_set(
        actor=org.admin, key="R-XCK-5", year=2026, value="8", township=org.township, reason="县纪委要求"
    )
    run(org)
    printer = Expense.objects.get(payee="印刷厂", spent_on=dt.date(2026, 11, 2))
    assert found("R-XCK-5") == [(org.finance.pk, dt.date(2026, 11, 10), f"expense:{printer.pk}")]


# --- R-XCK-6 ------------------------------------------------------------------------------------


def test_r_xck_6_vehicle_or_fuel_on_leave_and_fuel_without_a_visit(org):
    car = Vehicle.objects.create(township=org.township, plate="川A12345")

    def use(person, day, t):
        return VehicleUse.objects.create(
            township=org.township,
            vehicle=car,
            driver=person,
            purpose="送材料",
            route="镇—县",
            departs_at=aware(day, t),
            odometer_out=1000,
            logged_by=org.clerk,
        )

    leave(org.staff, TUE)
    driven = use(org.staff, TUE, dt.time(9, 0))
    leave(org.finance, TUE, half="pm")
    use(org.finance, TUE, dt.time(9, 0))  # near miss: drove in the morning, leave in the afternoon
    fuel = {"is_fuel": True, "village_visit": True, "transport": "private_car"}
    leave(org.colleague, MON)
    visit(org.colleague, MON, transport="private_car")
    on_leave = expense(org.colleague, MON, "80.00", payee="加油站", category="vehicle", **fuel)
    no_visit = expense(org.head, WED, "60.00", payee="加油站", category="vehicle", **fuel)
    visit(org.clerk, WED, transport="private_car")
    expense(org.clerk, WED, "60.00", payee="加油站", category="vehicle", **fuel)  # near miss: a visit
    expense(org.leader, WED, "60.00", payee="加油站", category="vehicle", is_fuel=True)  # not a visit

    run(org)
    assert found("R-XCK-6") == sorted(
        [
            (org.staff.pk, TUE, f"vehicle_use:{driven.pk}"),
            (org.colleague.pk, MON, f"expense:{on_leave.pk}"),
            (org.head.pk, WED, f"expense:{no_visit.pk}"),
        ]
    )
    visit(org.head, WED, "pm", transport="private_car")  # the visit logged afterwards
    run(org)
    assert withdrawn("R-XCK-6") == [(org.head.pk, WED, f"expense:{no_visit.pk}")]


# --- R-XCK-7 ------------------------------------------------------------------------------------


def test_r_xck_7_same_visiting_unit_with_a_meal_three_times_a_quarter(org):
    reception(org, dt.date(2026, 10, 12))
    reception(org, dt.date(2026, 11, 3), unit=" 县财政局")
    third = reception(org, MON)
    # near misses: twice this quarter and once the quarter before; three times, one without a meal
    reception(org, dt.date(2026, 9, 28), unit="县农业局")
    reception(org, dt.date(2026, 10, 20), unit="县农业局")
    reception(org, TUE, unit="县农业局")
    reception(org, dt.date(2026, 10, 9), unit="县教育局")
    reception(org, dt.date(2026, 10, 21), unit="县教育局", meal="none")
    reception(org, WED, unit="县教育局")

    run(org, start=dt.date(2026, 9, 1))
    (row,) = found("R-XCK-7")
    assert row[:2] == (org.clerk.pk, MON) and row[2].endswith(":2026Q4")
    assert Finding.objects.get(rule_id="R-XCK-7").message["params"]["n"] == 3

    ReceptionRecord.objects.filter(pk=third.pk).update(meal="none")
    run(org, start=dt.date(2026, 9, 1))
    assert withdrawn("R-XCK-7") == [row]


# --- R-XCK-8 ------------------------------------------------------------------------------------


def test_r_xck_8_meal_on_a_rest_day_or_late_outside_the_canteen(org):
    weekend = reception(org, SAT)
    reception(org, MON)  # near miss: a working day
    late = meeting(org, TUE)  # a working meal at the township guest house, ending 19:00
    meeting(org, WED, "room")  # near miss: in the agency's room, its canteen
    meeting(org, THU, end=dt.time(17, 30))  # near miss: within working hours

    run(org)
    assert found("R-XCK-8") == sorted(
        [
            (org.clerk.pk, SAT, f"reception:{weekend.pk}"),
            (org.head.pk, TUE, f"meeting:{late.pk}"),
        ]
    )
    ReceptionRecord.objects.filter(pk=weekend.pk).update(start_date=FRI, end_date=FRI)
    run(org)
    assert withdrawn("R-XCK-8") == [(org.clerk.pk, SAT, f"reception:{weekend.pk}")]


def test_r_xck_8_a_stated_reason_clears_the_meal_and_withdraws_its_finding(org):
    # Stated reasons: the Saturday reception and the late guest-house meeting are not flagged.
    reception(org, SAT, reason="县防汛检查组周六到镇，午餐在食堂")
    meeting(org, TUE, reason="招商签约晚间进行，客商晚餐")
    # Without a reason, or with only blanks, the same meals are flagged.
    bare = reception(org, SAT, unit="县水利局")
    blank = reception(org, SAT, unit="县交通局", reason="  \n ")
    late = meeting(org, WED)

    run(org)
    assert found("R-XCK-8") == sorted(
        [
            (org.clerk.pk, SAT, f"reception:{bare.pk}"),
            (org.clerk.pk, SAT, f"reception:{blank.pk}"),
            (org.head.pk, WED, f"meeting:{late.pk}"),
        ]
    )
    # The reasons stated later: the next run withdraws the findings, nothing else changes.
    ReceptionRecord.objects.filter(pk=bare.pk).update(off_hours_reason="县水利局汛后检查，周六工作")
    Meeting.objects.filter(pk=late.pk).update(off_hours_reason="会议延长至晚间")
    run(org)
    assert withdrawn("R-XCK-8") == sorted(
        [(org.clerk.pk, SAT, f"reception:{bare.pk}"), (org.head.pk, WED, f"meeting:{late.pk}")]
    )
    assert found("R-XCK-8") == [(org.clerk.pk, SAT, f"reception:{blank.pk}")]


# --- a fixed number of queries -------------------------------------------------------------------


def _world(org, n):
    """n people, each with a week of punches, a day of leave punched on, a village visit, logs
    and an expense: every check has work to do."""
    people = [UserFactory(township=org.township, department=org.department) for _ in range(n)]
    car = Vehicle.objects.create(township=org.township, plate=f"川A{n:05d}")
    for i, p in enumerate(people):
        for day in (MON, TUE, WED, THU, FRI):
            punch(p, day, dt.time(8, 20, i % 60), source="browser", device=f"browser:{i // 2}")
        leave(p, WED)
        visit(p, THU)
        punch(p, THU, dt.time(11, 0, i % 60))  # between the day's clocking in and out: in the office
        punch(p, THU, dt.time(18, 0, i % 60))
        WorkLog.objects.create(township=org.township, person=p, date=WED, content="x")
        expense(p, MON, "1500.00", payee=f"店{i}")
        expense(p, TUE, "1500.00", payee=f"店{i}", status="pending")
        expense(p, FRI, "50.00", payee=f"加油站{i}", category="vehicle", is_fuel=True, village_visit=True)
        VehicleUse.objects.create(
            township=org.township,
            vehicle=car,
            driver=p,
            purpose="x",
            route="x",
            departs_at=aware(WED, dt.time(9, i % 60)),
            odometer_out=1,
            logged_by=p,
        )
    for day in (dt.date(2026, 10, 10), MON, TUE):
        reception(org, day, unit="县财政局")
    reception(org, SAT, unit="县水利局")
    meeting(org, TUE)
    return people


def _measure(org, n):
    with CaptureQueriesContext(connection) as ctx:
        counts = crosscheck_range(township_id=org.township.pk, start=MON, end=SAT)
    # each person: a punch on the day of leave, a full day's visit with an office punch, a work
    # log on the day of leave, a split pair of expenses, the car driven on leave and a fuel claim
    # without a visit; n // 2 pairs sharing a browser, 1 s apart on five days; the unit received
    # three times this quarter; the Saturday reception and the guest-house meeting's meal.
    assert counts == {
        "R-XCK-1": n,
        "R-XCK-2": n // 2,
        "R-XCK-3": n,
        "R-XCK-4": n,
        "R-XCK-5": n,
        "R-XCK-6": 2 * n,
        "R-XCK-7": 1,
        "R-XCK-8": 2,
    }
    assert Finding.objects.filter(township=org.township).count() == 6 * n + n // 2 + 3
    return len(ctx.captured_queries)


def test_r_xck_1_to_8_queries_do_not_grow_with_the_township(org, other_org):
    _world(org, 10)
    _world(other_org, 50)
    assert _measure(org, 10) == _measure(other_org, 50)


# --- the inspectors' page, the nightly task, the run on demand ----------------------------------


def test_r_xck_1_inspectors_page_shows_both_records_triages_and_exports(org, other_org, login):
    from township.models import Role

    staff_leave = leave(org.staff, TUE)
    punch(org.staff, TUE, dt.time(8, 25), source="browser", device="browser:ab12", distance=120)
    leave(other_org.staff, TUE)
    punch(other_org.staff, TUE, dt.time(8, 40))
    run(org)
    run(other_org)
    mine = Finding.objects.get(township=org.township, rule_id="R-XCK-1")

    client = login(org.inspector)
    page = client.get("/supervision/crosschecks/?date_from=2026-11-01&date_to=2026-11-30")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-testid="crosscheck-{mine.pk}"' in html
    assert f"/{staff_leave.pk}/" in html  # the leave's page, beside the punch
    assert "2026-11-17 08:25:00" in html and "30.65000, 104.06000 · 120 m" in html and "browser:ab12" in html
    assert "data-chart=" in html and "R-XCK-1" in html
    assert other_org.staff.full_name not in html  # another township's finding
    assert (
        f"crosscheck-{mine.pk}" not in client.get("/supervision/crosschecks/?rule=R-XCK-2").content.decode()
    )
    leave(org.colleague, WED)
    punch(org.colleague, WED, dt.time(8, 30))
    run(org)
    later = Finding.objects.get(township=org.township, person=org.colleague)

    def order(sort):
        html = client.get(f"/supervision/crosschecks/?sort={sort}").content.decode()
        return [int(n) for n in re.findall(r'data-testid="crosscheck-(\d+)"', html)]

    assert order("-date") == [later.pk, mine.pk] and order("date") == [mine.pk, later.pk]

    export = client.get("/supervision/crosschecks/?export=xlsx")
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]

    back = "/supervision/crosschecks/?rule=R-XCK-1"
    r = client.post(
        "/supervision/triage/",
        {"ids": [mine.pk], "action": "dismiss", "reason": "他本人销假后来上班", "next": back},
    )
    assert r.status_code == 302 and r.url == back
    mine.refresh_from_db()
    assert (mine.status, mine.resolution, mine.resolved_by) == (
        "dismissed",
        "他本人销假后来上班",
        org.inspector,
    )
    run(org)  # an inspector's decision stays as decided
    mine.refresh_from_db()
    assert mine.status == "dismissed" and mine.resolved_by == org.inspector

    # A county-level inspector sees both townships, with a township column.
    county = UserFactory(
        township=None, county=org.township.county, roles=[Role.INSPECTOR, Role.STAFF], is_staff=True
    )
    html = login(county).get("/supervision/crosschecks/").content.decode()
    assert org.township.name in html and other_org.township.name in html
    assert Finding.objects.filter(rule_id="R-XCK-1").count() == 3


def test_r_xck_1_nightly_task_and_the_run_on_demand_with_its_progress(org, login):
    from township.tasks import crosscheck_nightly

    staff_leave = leave(org.staff, dt.date(2026, 11, 27))  # the Friday before the frozen Monday
    punch(org.staff, dt.date(2026, 11, 27), dt.time(8, 25))
    with time_machine.travel(dt.datetime(2026, 11, 27, 19, 0, tzinfo=dt.UTC), tick=False):  # 03:00 Sat
        assert crosscheck_nightly() >= 1  # eager in tests: the township's day is checked now
    assert found("R-XCK-1") == [
        (org.staff.pk, dt.date(2026, 11, 27), f"leave:{staff_leave.pk}:person:{org.staff.pk}")
    ]

    # Ten days later the leave is cancelled: the next night's run (of the day before) checks the
    # month that holds the open finding again, and withdraws it.
    LeaveRequest.objects.filter(pk=staff_leave.pk).update(status="cancelled")
    with time_machine.travel(dt.datetime(2026, 12, 7, 19, 0, tzinfo=dt.UTC), tick=False):
        crosscheck_nightly()
    key = f"leave:{staff_leave.pk}:person:{org.staff.pk}"
    assert withdrawn("R-XCK-1") == [(org.staff.pk, dt.date(2026, 11, 27), key)]
    LeaveRequest.objects.filter(pk=staff_leave.pk).update(status="approved")  # (for the range run)
    with time_machine.travel(dt.datetime(2026, 12, 8, 19, 0, tzinfo=dt.UTC), tick=False):
        crosscheck_nightly()  # withdrawn, not open: the month is not checked again at night
    assert withdrawn("R-XCK-1") == [(org.staff.pk, dt.date(2026, 11, 27), key)]
    client = login(org.inspector)
    r = client.post("/supervision/crosschecks/run/", {"start": "2026-11-01", "end": "2026-11-29"})
    assert found("R-XCK-1") == [(org.staff.pk, dt.date(2026, 11, 27), key)]  # due again: open again
    LeaveRequest.objects.filter(pk=staff_leave.pk).update(status="cancelled")
    htmx = {"HTTP_HX_REQUEST": "true"}
    r = client.post("/supervision/crosschecks/run/", {"start": "2026-10-15", "end": "2026-11-29"})
    assert r.status_code == 302
    assert withdrawn("R-XCK-1") == [
        (org.staff.pk, dt.date(2026, 11, 27), f"leave:{staff_leave.pk}:person:{org.staff.pk}")
    ]
    done = client.get("/supervision/crosschecks/progress/", **htmx)
    assert done.status_code == 286 and "2026-10-15" in done.content.decode()  # two months of two: done
    # A range that ends in the future, or longer than a year, is refused and nothing runs.
    r = client.post("/supervision/crosschecks/run/", {"start": "2025-01-01", "end": "2026-11-29"})
    assert r.status_code == 302 and cache.get(f"crosscheck-job:{org.township.pk}")["start"] == "2026-10-15"
    client.post("/supervision/crosschecks/run/", {"start": "2026-11-20", "end": "2026-12-02"})
    assert cache.get(f"crosscheck-job:{org.township.pk}")["start"] == "2026-10-15"
    assert (
        login(org.principal)
        .post("/supervision/crosschecks/run/", {"start": "2026-11-01", "end": "2026-11-02"})
        .status_code
        == 403
    )


def test_r_xck_1_to_8_the_demo_plants_a_true_case_of_each_rule(org):
    """seed_demo's cross-check parts (each app plants its side of the cases, asking the others
    through the hooks) and the core's run of the checks: every rule has an open finding."""
    import random

    from conduct.reception.demo import seed_crosscheck_cases as reception_cases
    from conduct.seed import seed_crosscheck_cases as conduct_cases
    from fieldwork.demo import seed_crosscheck_cases as fieldwork_cases
    from township.demo import seed_crosschecks

    Vehicle.objects.create(township=org.township, plate="川R01A01", odometer=20000)
    VillageFactory(township=org.township)
    today = dt.date(2026, 11, 30)
    kw = {"township": org.township, "size": "normal", "rng": random.Random(2026), "today": today}
    for seeder in (conduct_cases, fieldwork_cases, reception_cases, seed_crosschecks):
        seeder(**kw)
    by_rule = {rule: n for rule, n in Finding.objects.values_list("rule_id").annotate(n=Count("pk"))}
    assert set(by_rule) == {f"R-XCK-{n}" for n in range(1, 9)}
    # two punches on leave; one pair of browsers; the visit on the morning punched in the office
    # and the two on days of leave (of three such days); a work log on leave; the split toner;
    # the car and the Sunday's fuel; the unit received thrice; the Saturday's meal.
    assert by_rule == {
        "R-XCK-1": 2,
        "R-XCK-2": 1,
        "R-XCK-3": 3,
        "R-XCK-4": 1,
        "R-XCK-5": 1,
        "R-XCK-6": 2,
        "R-XCK-7": 1,
        "R-XCK-8": 1,
    }


def test_r_xck_4_inspectors_page_queries_do_not_grow_with_its_findings(org, login):
    """Three findings or twenty-five on the page: the same queries (the evidence is in each
    finding's stored message)."""
    client = login(org.inspector)
    people = [UserFactory(township=org.township, department=org.department) for _ in range(25)]
    for p in people[:3]:
        leave(p, TUE)
        WorkLog.objects.create(township=org.township, person=p, date=TUE, content="x")
    run(org)
    client.get("/supervision/crosschecks/")  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/supervision/crosschecks/").status_code == 200
    for p in people[3:]:
        leave(p, TUE)
        WorkLog.objects.create(township=org.township, person=p, date=TUE, content="x")
    run(org)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/supervision/crosschecks/")
    assert len(re.findall(r'data-testid="crosscheck-\d+"', page.content.decode())) == 25
    assert len(many.captured_queries) == len(few.captured_queries)


def test_r_xck_1_to_8_run_every_night_after_the_attendance():
    """The beat entry: 02:40, after conduct's nightly attendance (01:10), for the day before."""
    from django.conf import settings

    from township.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["crosschecks-nightly"]
    assert entry["task"] == "township.tasks.crosscheck_nightly"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {40})
    attendance = app.conf.beat_schedule["conduct-nightly-attendance"]["schedule"]
    assert min(attendance.hour) * 60 + min(attendance.minute) < 2 * 60 + 40
    from township.tasks import crosscheck_nightly

    assert crosscheck_nightly.name == entry["task"]


def test_month_counts_span_the_year_end_and_count_each_rule_by_month(org):
    """The page's chart: every month from start to end (across the year's end), and per rule the
    findings dated in each (hand-counted: R-XCK-1 twice in November, once in January; R-XCK-5
    once in December)."""
    from township.crosschecks import month_counts
    from township.findings import finding_raise

    for rule, day in (
        ("R-XCK-1", dt.date(2025, 11, 3)),
        ("R-XCK-1", dt.date(2025, 11, 28)),
        ("R-XCK-1", dt.date(2026, 1, 5)),
        ("R-XCK-5", dt.date(2025, 12, 31)),
        ("R-XCK-5", dt.date(2026, 3, 1)),  # after the end: counted in no month shown
    ):
        finding_raise(rule_id=rule, township=org.township, person=org.staff, detail="x", on_date=day)
    findings = Finding.objects.filter(on_date__lte=dt.date(2026, 2, 10))
    labels, counts = month_counts(findings, start=dt.date(2025, 11, 20), end=dt.date(2026, 2, 10))
    assert labels == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert counts == {"R-XCK-1": {"2025-11": 2, "2026-01": 1}, "R-XCK-5": {"2025-12": 1}}
