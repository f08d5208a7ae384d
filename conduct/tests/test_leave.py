import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase

from conduct.models import LeaveRequest, LeavingRegistration, TripRequest
from conduct.services import (
    attendance_compute_day,
    leave_balance,
    leave_cancel,
    leave_report_back,
    leave_submit,
    registration_submit,
    trip_report_submit,
    trip_submit,
)
from conduct.services.checks import leave_report_back_check, trip_report_check
from conduct.tests.factories import MON, SAT, TUE, WED, future_working_day, granted_leave
from township.approvals import approval_decide
from township.models import Finding
from township.workcalendar import add_working_days

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

FRI = dt.date(2026, 11, 20)
NEXT_WED = dt.date(2026, 11, 25)


def approvers(leave):
    return set(leave.approval.steps.get().candidates.all())


def test_r_lv_1_routing_by_length_head_leader_principal(org):
    half = leave_submit(
        actor=org.staff, kind="personal", start_date=MON, end_date=MON, half_day="am", reason="r"
    )
    one = leave_submit(actor=org.colleague, kind="personal", start_date=MON, end_date=MON, reason="r")
    three = leave_submit(
        actor=org.staff, kind="personal", start_date=TUE, end_date=dt.date(2026, 11, 19), reason="r"
    )
    five = leave_submit(
        actor=org.colleague, kind="sick", start_date=TUE, end_date=dt.date(2026, 11, 23), reason="r"
    )
    assert approvers(half) == {org.head} and approvers(one) == {org.head}
    assert three.days == 3 and approvers(three) == {org.leader}
    assert five.days == 5 and approvers(five) == {org.principal, org.principal2}


def test_r_lv_1_leave_is_approved_through_the_inbox(org):
    leave = leave_submit(actor=org.staff, kind="personal", start_date=MON, end_date=MON, reason="r")
    assert leave.status == "pending"
    approval_decide(actor=org.head, request_id=leave.approval_id, decision="approve")
    leave.refresh_from_db()
    assert leave.status == "approved"
    other = leave_submit(actor=org.colleague, kind="personal", start_date=MON, end_date=MON, reason="r")
    approval_decide(actor=org.head, request_id=other.approval_id, decision="reject", comment="busy day")
    other.refresh_from_db()
    assert other.status == "rejected"


def test_r_lv_6_leading_cadre_asks_a_principal_leader(org):
    leave = leave_submit(actor=org.leader, kind="personal", start_date=MON, end_date=MON, reason="r")
    assert approvers(leave) == {org.principal, org.principal2}  # never the department head below them
    own = leave_submit(actor=org.principal, kind="personal", start_date=MON, end_date=MON, reason="r")
    assert approvers(own) == {org.principal2}


@pytest.mark.parametrize(
    ("first_employed_on", "entitled"),
    [
        # service counted on 1 January 2026 (national rule: 1-10 y 5 days, 10-20 y 10, >=20 y 15)
        (dt.date(2025, 1, 2), 0),  # 364 days: not yet a year
        (dt.date(2025, 1, 1), 5),  # exactly 1 year
        (dt.date(2016, 1, 2), 5),  # 9 years 364 days
        (dt.date(2016, 1, 1), 10),  # exactly 10 years
        (dt.date(2006, 1, 2), 10),  # 19 years 364 days
        (dt.date(2006, 1, 1), 15),  # exactly 20 years
        (dt.date(2014, 3, 1), 10),  # 11 years 10 months
        (None, 0),  # no date of first employment on file
    ],
)
def test_r_lv_4_entitlement_by_years_of_service_at_the_boundaries(org, first_employed_on, entitled):
    org.staff.first_employed_on = first_employed_on
    org.staff.save()
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert leave_balance(person=org.staff, year=2026).entitled == entitled


def test_r_lv_4_balance_by_years_of_service_and_refused_beyond(org):
    """Exactly 10 years on 1 January 2026: 10 days; the ten working days of 2-13 November use
    them all; one more day is refused and nothing is saved; a rejected leave gives its days back."""
    org.staff.first_employed_on = dt.date(2016, 1, 1)
    org.staff.save()
    with time_machine.travel(dt.datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        leave_submit(
            actor=org.staff,
            kind="annual",
            start_date=dt.date(2026, 11, 2),
            end_date=dt.date(2026, 11, 13),
            reason="trip home",
        )
        balance = leave_balance(person=org.staff, year=2026)
        assert (balance.entitled, balance.used, balance.remaining) == (10, 10, 0)
        with pytest.raises(ValidationError) as exc:
            leave_submit(actor=org.staff, kind="annual", start_date=MON, end_date=MON, reason="more")
        message = exc.value.message_dict["end_date"][0]
        assert "R-LV-4" in message and "1 days" in message and "0 left of 10" in message
        assert LeaveRequest.objects.filter(person=org.staff).count() == 1
        # personal leave is not charged to the annual balance
        leave_submit(actor=org.staff, kind="personal", start_date=MON, end_date=MON, reason="r")
        first = LeaveRequest.objects.get(person=org.staff, kind="annual")
        approval_decide(actor=org.principal, request_id=first.approval_id, decision="reject", comment="busy")
        assert leave_balance(person=org.staff, year=2026).remaining == 10
        leave_submit(actor=org.staff, kind="annual", start_date=TUE, end_date=TUE, reason="more")
        assert leave_balance(person=org.staff, year=2026).remaining == 9


def test_r_lv_3_overlaps_refused_for_leave_and_trips(org):
    leave_submit(actor=org.staff, kind="personal", start_date=MON, end_date=TUE, reason="r")
    with pytest.raises(ValidationError) as exc:  # shares Tuesday, the last day
        leave_submit(actor=org.staff, kind="sick", start_date=TUE, end_date=WED, reason="r")
    assert "R-LV-3" in exc.value.message_dict["start_date"][0]
    assert LeaveRequest.objects.filter(person=org.staff).count() == 1
    # the day after the end is free
    leave_submit(actor=org.staff, kind="sick", start_date=WED, end_date=WED, reason="r")
    assert LeaveRequest.objects.filter(person=org.staff).count() == 2
    # morning and afternoon of one day do not overlap
    leave_submit(
        actor=org.colleague, kind="personal", start_date=WED, end_date=WED, half_day="am", reason="r"
    )
    leave_submit(
        actor=org.colleague, kind="personal", start_date=WED, end_date=WED, half_day="pm", reason="r"
    )
    # a trip taking the staff member along as a companion overlaps their leave
    with pytest.raises(ValidationError) as exc:
        trip_submit(
            actor=org.head,
            kind="study",
            purpose="p",
            destination="县城",
            start_date=WED,
            end_date=THU,
            budget=Decimal("100.00"),
            companions=[org.staff],
            declaration=True,
        )
    assert "R-LV-3" in exc.value.message_dict["start_date"][0]
    assert not TripRequest.objects.exists()
    trip = trip_submit(
        actor=org.head,
        kind="study",
        purpose="p",
        destination="县城",
        start_date=THU,
        end_date=FRI,
        budget=Decimal("100.00"),
        companions=[org.staff],
        declaration=True,
    )
    # and the trip, in turn, refuses a leave of the companion on its days
    with pytest.raises(ValidationError) as exc:
        leave_submit(actor=org.staff, kind="personal", start_date=FRI, end_date=FRI, reason="r")
    assert "R-LV-3" in exc.value.message_dict["start_date"][0]
    assert LeaveRequest.objects.filter(person=org.staff).count() == 2
    assert list(TripRequest.objects.all()) == [trip]


@pytest.mark.django_db(transaction=True)
def test_r_lv_3_two_simultaneous_submissions_only_one_passes():
    from conftest import build_org

    org = build_org()
    barrier = threading.Barrier(2)
    results = []

    def submit(kind):
        try:
            barrier.wait()
            leave_submit(actor=org.staff, kind=kind, start_date=MON, end_date=TUE, reason="race")
            results.append("ok")
        except ValidationError as exc:
            results.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(k,)) for k in ("personal", "sick")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1
    assert any("R-LV-3" in r for r in results)
    assert LeaveRequest.objects.filter(person=org.staff).count() == 1


def test_r_lv_2_not_reported_back_in_time_is_a_finding(org):
    leave = granted_leave(org.staff, MON, MON)
    # deadline: one working day after Monday is Tuesday; found from Wednesday on
    assert leave_report_back_check(township_id=org.township.pk, today=TUE) == 0
    assert leave_report_back_check(township_id=org.township.pk, today=WED) == 1
    leave_report_back_check(township_id=org.township.pk, today=WED)
    f = Finding.objects.get(rule_id="R-LV-2")
    assert f.person == org.staff and f.target == leave and f.on_date == TUE


def test_report_back_returns_unused_days_and_refuses_a_date_before_the_start(org):
    leave = granted_leave(org.staff, MON, FRI, kind="annual")
    with pytest.raises(ValidationError) as exc:
        leave_report_back(actor=org.staff, leave_id=leave.pk, returned_on=MON - dt.timedelta(days=1))
    assert "returned_on" in exc.value.message_dict
    before = leave_balance(person=org.staff, year=2026).remaining
    leave_report_back(actor=org.staff, leave_id=leave.pk, returned_on=WED)
    leave.refresh_from_db()
    assert leave.status == "reported_back" and leave.days_used == 2
    assert leave_balance(person=org.staff, year=2026).remaining == before + 3
    assert leave_report_back_check(township_id=org.township.pk, today=NEXT_WED) == 0


def test_cancel_only_before_the_leave_starts(org):
    start = future_working_day(3, org.township)
    pending = leave_submit(actor=org.staff, kind="personal", start_date=start, end_date=start, reason="r")
    leave_cancel(actor=org.staff, leave_id=pending.pk)
    pending.refresh_from_db()
    assert pending.status == "cancelled" and pending.approval.status == "cancelled"
    approved = leave_submit(actor=org.staff, kind="personal", start_date=start, end_date=start, reason="r")
    approval_decide(actor=org.head, request_id=approved.approval_id, decision="approve")
    leave_cancel(actor=org.staff, leave_id=approved.pk)
    approved.refresh_from_db()
    assert approved.status == "cancelled"
    started = granted_leave(org.colleague, MON, MON)
    with pytest.raises(ValidationError):
        leave_cancel(actor=org.colleague, leave_id=started.pk)


def test_leave_bad_input_is_a_field_error_and_saves_nothing(org):
    with pytest.raises(ValidationError) as exc:
        leave_submit(actor=org.staff, kind="personal", start_date=TUE, end_date=MON, reason="r")
    assert "end_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        leave_submit(
            actor=org.staff, kind="personal", start_date=SAT, end_date=SAT, half_day="am", reason="r"
        )
    assert "half_day" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        leave_submit(
            actor=org.staff, kind="personal", start_date=SAT, end_date=dt.date(2026, 11, 22), reason="r"
        )
    assert "end_date" in exc.value.message_dict
    assert not LeaveRequest.objects.exists()


def test_r_lv_5_absent_without_leave_or_registration_is_a_finding(org):
    registration_submit(
        actor=org.colleague,
        destination="市里",
        start_date=MON,
        end_date=MON,
        phone="13800000001",
        reason="family",
    )
    # registered for a rest day as well
    registration_submit(
        actor=org.staff, destination="县城", start_date=SAT, end_date=SAT, phone="", reason="shopping"
    )
    assert (
        LeavingRegistration.objects.filter(person=org.staff, start_date=SAT).get().phone == org.staff.mobile
    )
    attendance_compute_day(township_id=org.township.pk, day=MON)
    flagged = set(Finding.objects.filter(rule_id="R-LV-5").values_list("person_id", flat=True))
    assert org.staff.pk in flagged and org.colleague.pk not in flagged
    with pytest.raises(ValidationError) as exc:
        registration_submit(
            actor=org.staff, destination="x", start_date=TUE, end_date=MON, phone="", reason="r"
        )
    assert "end_date" in exc.value.message_dict


def _trip(org, **kw):
    args = dict(
        actor=org.staff,
        kind="study",
        purpose="学习考察乡村振兴",
        destination="浙江安吉",
        start_date=MON,
        end_date=WED,
        budget=Decimal("3200.00"),
        declaration=True,
    )
    args.update(kw)
    return trip_submit(**args)


def test_r_trip_1_declaration_county_approval_and_principal_leader(org):
    from conduct.models import AttendanceDay

    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(ValidationError) as exc:
            _trip(org, declaration=False)
        assert "R-TRIP-1" in exc.value.message_dict["declaration"][0]
        with pytest.raises(ValidationError) as exc:
            _trip(org, outside_county=True)
        assert "R-TRIP-1" in exc.value.message_dict["county_reference"][0]
        with pytest.raises(ValidationError) as exc:
            _trip(org, outside_county=True, county_reference="   ")
        assert "R-TRIP-1" in exc.value.message_dict["county_reference"][0]
        assert not TripRequest.objects.exists()
        trip = _trip(
            org, outside_county=True, county_reference="南江县委办〔2026〕12号", companions=[org.colleague]
        )
        assert set(trip.approval.steps.get().candidates.all()) == {org.principal, org.principal2}
        # blocked until approved: a pending trip does not count as being on a trip
        attendance_compute_day(township_id=org.township.pk, day=MON)
        assert AttendanceDay.objects.get(person=org.colleague, date=MON).status != "trip"
        with TestCase.captureOnCommitCallbacks(execute=True):
            approval_decide(actor=org.principal, request_id=trip.approval_id, decision="approve")
    trip.refresh_from_db()
    assert trip.status == "approved"
    # approved afterwards for past days: traveller and companion are on a trip
    assert AttendanceDay.objects.get(person=org.colleague, date=MON).status == "trip"
    assert AttendanceDay.objects.get(person=org.staff, date=MON).status == "trip"


def test_r_trip_2_report_due_after_return_overdue_is_a_finding(org):
    trip = _trip(org)
    approval_decide(actor=org.principal, request_id=trip.approval_id, decision="approve")
    due = WED + dt.timedelta(days=15)
    assert trip_report_check(township_id=org.township.pk, today=due) == 0
    assert trip_report_check(township_id=org.township.pk, today=due + dt.timedelta(days=1)) == 1
    assert Finding.objects.get(rule_id="R-TRIP-2").target == trip
    trip_report_submit(actor=org.staff, trip_id=trip.pk, report="学到了垃圾分类经验。")
    trip.refresh_from_db()
    assert trip.report_submitted_at is not None
    assert trip_report_check(township_id=org.township.pk, today=due + dt.timedelta(days=2)) == 0


def test_trip_cannot_be_reported_before_return(org):
    start = future_working_day(2, org.township)
    trip = _trip(org, start_date=start, end_date=start)
    approval_decide(actor=org.principal, request_id=trip.approval_id, decision="approve")
    with pytest.raises(ValidationError) as exc:
        trip_report_submit(actor=org.staff, trip_id=trip.pk, report="x")
    assert "report" in exc.value.message_dict
    assert TripRequest.objects.get(pk=trip.pk).report == ""


def test_hooks_answer_attendance_summary(org):
    from township.hooks import ask

    granted_leave(org.staff, TUE, TUE)
    attendance_compute_day(township_id=org.township.pk, day=MON)
    attendance_compute_day(township_id=org.township.pk, day=TUE)
    summary = ask("attendance_summary", township_id=org.township.pk, start=MON, end=TUE)[0]
    assert summary[org.staff.pk]["absent"] == 1 and summary[org.staff.pk]["leave_days"] == 1
    assert summary[org.staff.pk]["working_days"] == 2
    assert add_working_days(MON, 1, township=org.township) == TUE


# --- a half day at either end of a longer leave (start half = afternoon, end half = morning) ----

THU = dt.date(2026, 11, 19)
NEXT_MON = dt.date(2026, 11, 23)


def test_r_lv_1_half_day_at_either_end_counts_working_days_from_the_calendar(org):
    wed_pm_to_fri = leave_submit(
        actor=org.staff, kind="personal", start_date=WED, end_date=FRI, start_half="pm", reason="r"
    )
    assert wed_pm_to_fri.days == Decimal("2.5")  # Wed afternoon 0.5 + Thu 1 + Fri 1
    mon_to_wed_am = leave_submit(
        actor=org.colleague, kind="personal", start_date=MON, end_date=WED, end_half="am", reason="r"
    )
    assert mon_to_wed_am.days == Decimal("2.5")  # Mon 1 + Tue 1 + Wed morning 0.5
    one_half = leave_submit(
        actor=org.head, kind="personal", start_date=MON, end_date=MON, end_half="am", reason="r"
    )
    assert one_half.days == Decimal("0.5") and one_half.half_day == "am"
    afternoon = leave_submit(
        actor=org.head, kind="personal", start_date=TUE, end_date=TUE, start_half="pm", reason="r"
    )
    assert afternoon.days == Decimal("0.5") and afternoon.half_day == "pm"
    # Friday afternoon to Monday morning: 0.5 + (Saturday, Sunday) 0 + 0.5
    weekend = leave_submit(
        actor=org.colleague,
        kind="personal",
        start_date=FRI,
        end_date=NEXT_MON,
        start_half="pm",
        end_half="am",
        reason="r",
    )
    assert weekend.days == Decimal("1")
    # Wednesday 30 September afternoon to Thursday 8 October morning: National Day (1-7 October)
    # in between counts nothing: 0.5 + 0.5
    golden_week = leave_submit(
        actor=org.staff,
        kind="personal",
        start_date=dt.date(2026, 9, 30),
        end_date=dt.date(2026, 10, 8),
        start_half="pm",
        end_half="am",
        reason="r",
    )
    assert golden_week.days == Decimal("1")


def test_r_lv_1_half_days_route_by_length_3_to_the_leader_3_5_to_a_principal(org):
    three = leave_submit(
        actor=org.staff,
        kind="personal",
        start_date=TUE,
        end_date=FRI,
        start_half="pm",
        end_half="am",
        reason="r",
    )  # Tue afternoon 0.5 + Wed 1 + Thu 1 + Fri morning 0.5
    assert three.days == Decimal("3") and approvers(three) == {org.leader}
    three_and_a_half = leave_submit(
        actor=org.colleague, kind="personal", start_date=TUE, end_date=FRI, start_half="pm", reason="r"
    )  # Tue afternoon 0.5 + Wed, Thu, Fri 3
    assert three_and_a_half.days == Decimal("3.5")
    assert approvers(three_and_a_half) == {org.principal, org.principal2}
    # Tuesday 29 September afternoon to Friday 9 October, National Day in between:
    # 0.5 + 30 Sep 1 + 8 Oct 1 + 9 Oct 1 = 3.5
    holiday = leave_submit(
        actor=org.head,
        kind="personal",
        start_date=dt.date(2026, 9, 29),
        end_date=dt.date(2026, 10, 9),
        start_half="pm",
        reason="r",
    )
    assert holiday.days == Decimal("3.5") and approvers(holiday) == {org.principal, org.principal2}
    # the afternoon the first leave leaves free: Friday afternoon to Monday morning = 1 day
    one = leave_submit(
        actor=org.staff,
        kind="personal",
        start_date=FRI,
        end_date=NEXT_MON,
        start_half="pm",
        end_half="am",
        reason="r",
    )
    assert one.days == Decimal("1") and approvers(one) == {org.head}


def test_r_lv_4_annual_leave_balance_is_charged_with_the_half_day(org):
    org.staff.first_employed_on = dt.date(2020, 3, 1)  # 5 full years on 2026-01-01: 5 days
    org.staff.save()
    leave_submit(actor=org.staff, kind="annual", start_date=MON, end_date=FRI, start_half="pm", reason="r")
    assert leave_balance(person=org.staff, year=2026).remaining == Decimal("0.5")  # 5 - 4.5
    with pytest.raises(ValidationError) as exc:
        leave_submit(actor=org.staff, kind="annual", start_date=NEXT_MON, end_date=NEXT_MON, reason="r")
    assert "R-LV-4" in str(exc.value)
    leave_submit(
        actor=org.staff, kind="annual", start_date=NEXT_MON, end_date=NEXT_MON, end_half="am", reason="r"
    )
    assert leave_balance(person=org.staff, year=2026).remaining == 0


def test_r_lv_3_half_day_ends_overlap_only_where_they_meet(org):
    leave_submit(actor=org.staff, kind="personal", start_date=WED, end_date=FRI, start_half="pm", reason="r")
    leave_submit(actor=org.staff, kind="sick", start_date=WED, end_date=WED, half_day="am", reason="r")
    with pytest.raises(ValidationError) as exc:
        leave_submit(actor=org.staff, kind="sick", start_date=FRI, end_date=NEXT_MON, reason="r")
    assert "R-LV-3" in str(exc.value)
    assert LeaveRequest.objects.filter(person=org.staff).count() == 2
    leave_submit(
        actor=org.colleague, kind="personal", start_date=MON, end_date=WED, end_half="am", reason="r"
    )
    leave_submit(
        actor=org.colleague, kind="personal", start_date=WED, end_date=THU, start_half="pm", reason="r"
    )
    with pytest.raises(ValidationError) as exc:
        leave_submit(
            actor=org.colleague, kind="sick", start_date=WED, end_date=WED, half_day="pm", reason="r"
        )
    assert "R-LV-3" in str(exc.value)
    assert LeaveRequest.objects.filter(person=org.colleague).count() == 2


def test_half_day_ends_leave_the_first_morning_and_the_last_afternoon_to_be_worked(org):
    from conduct.models import AttendanceDay, DayStatus
    from conduct.services.common import leave_cover
    from conduct.tests.factories import punch

    granted_leave(org.staff, WED, FRI, start_half="pm", end_half="am")
    granted_leave(org.colleague, WED, FRI, start_half="pm", end_half="am")
    assert leave_cover(township_id=org.township.pk, start=MON, end=FRI) == {
        (org.staff.pk, WED): "pm",
        (org.staff.pk, THU): "full",
        (org.staff.pk, FRI): "am",
        (org.colleague.pk, WED): "pm",
        (org.colleague.pk, THU): "full",
        (org.colleague.pk, FRI): "am",
    }
    punch(org.staff, WED, "08:29")
    punch(org.staff, WED, "12:01")
    punch(org.staff, FRI, "14:31")
    punch(org.staff, FRI, "18:01")
    for day in (WED, THU, FRI):
        attendance_compute_day(township_id=org.township.pk, day=day)

    def status(person, day):
        d = AttendanceDay.objects.get(person=person, date=day)
        return d.status, d.leave_days

    assert status(org.staff, WED) == (DayStatus.PRESENT, Decimal("0.5"))
    assert status(org.staff, THU) == (DayStatus.LEAVE, Decimal("1"))
    assert status(org.staff, FRI) == (DayStatus.PRESENT, Decimal("0.5"))
    # no punch on the morning left to be worked: absent, half a day on leave
    assert status(org.colleague, WED) == (DayStatus.ABSENT, Decimal("0.5"))
    assert Finding.objects.filter(rule_id="R-ATT-3", person=org.colleague, on_date=WED).exists()
    assert not Finding.objects.filter(rule_id="R-ATT-3", person=org.colleague, on_date=THU).exists()


def test_report_back_of_a_leave_starting_in_the_afternoon_counts_the_half(org):
    leave = granted_leave(org.staff, WED, FRI, kind="annual", start_half="pm")
    assert leave.days == Decimal("2.5")
    leave_report_back(actor=org.staff, leave_id=leave.pk, returned_on=FRI)
    leave.refresh_from_db()
    assert leave.days_used == Decimal("1.5")  # Wednesday afternoon 0.5 + Thursday 1
    short = granted_leave(org.colleague, MON, WED, end_half="am")
    leave_report_back(actor=org.colleague, leave_id=short.pk, returned_on=dt.date(2026, 11, 25))
    short.refresh_from_db()
    assert short.days_used == Decimal("2.5")  # back after the end: all of it


def test_half_day_ends_bad_input_is_a_field_error(org):
    with pytest.raises(ValidationError) as exc:  # Saturday afternoon is not a working half day
        leave_submit(
            actor=org.staff, kind="personal", start_date=SAT, end_date=NEXT_MON, start_half="pm", reason="r"
        )
    assert "start_half" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        leave_submit(
            actor=org.staff, kind="personal", start_date=FRI, end_date=SAT, end_half="am", reason="r"
        )
    assert "end_half" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # both halves of one day leave nothing
        leave_submit(
            actor=org.staff,
            kind="personal",
            start_date=MON,
            end_date=MON,
            start_half="pm",
            end_half="am",
            reason="r",
        )
    assert "end_half" in exc.value.message_dict
    assert not LeaveRequest.objects.exists()


def test_leave_form_asks_for_the_half_at_either_end_and_the_pages_show_it(org, login):
    from django.urls import reverse

    client = login(org.staff)
    r = client.post(
        reverse("conduct:leave_new"),
        {
            "kind": "personal",
            "start_date": "2026-11-18",
            "end_date": "2026-11-20",
            "start_half": "pm",
            "end_half": "full",
            "reason": "family",
        },
    )
    leave = LeaveRequest.objects.get(person=org.staff)
    assert r.status_code == 302 and leave.days == Decimal("2.5")
    assert (leave.start_half, leave.end_half, leave.half_day) == ("pm", "full", "full")
    client.cookies["django_language"] = "en"
    page = client.get(leave.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2026-11-18 (From the afternoon) ~ 2026-11-20" in page
    listing = client.get(reverse("conduct:leave_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2026-11-18 (From the afternoon) ~ 2026-11-20" in listing
