import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conduct.models import DutyShift, StudySession, WorkLog
from conduct.rules import r_duty_1_round_robin
from conduct.services import (
    duty_check_in,
    roster_assign,
    roster_generate,
    roster_publish,
    study_record,
    swap_request,
    worklog_comment,
    worklog_write,
)
from conduct.services.checks import (
    duty_missed_check,
    study_week_check,
    worklog_completeness,
    worklog_month_check,
)
from conduct.tests.factories import MON, granted_leave
from township.approvals import approval_decide
from township.models import Finding
from township.workcalendar import previous_working_day, working_days

pytestmark = pytest.mark.django_db


def test_r_duty_1_round_robin_is_fair_and_skips_people_away():
    days = [dt.date(2026, 12, d) for d in range(1, 7)]
    plan = r_duty_1_round_robin(days, [1, 2, 3], {days[0]: {1}})
    assert plan[days[0]] == 2 and plan[days[1]] == 1  # skipped person keeps their turn
    assert sorted(Counter(plan.values()).values()) == [2, 2, 2]


def test_r_duty_1_roster_covers_every_day_swaps_checkin_and_missed_shift(org):
    today = timezone.localdate()
    month = today.replace(day=1)
    first_working = working_days(month, month + dt.timedelta(days=10), township=org.township)[0]
    granted_leave(org.staff, first_working, first_working)
    with pytest.raises(ValidationError):
        roster_generate(actor=org.staff, month=month)  # only the office clerk
    roster = roster_generate(actor=org.clerk, month=month)
    shifts = list(roster.shifts.order_by("date"))
    assert (
        len(shifts)
        == (month.replace(month=month.month % 12 + 1, year=month.year + (month.month == 12)) - month).days
    )
    assert next(s for s in shifts if s.date == first_working).person != org.staff
    counts = Counter(s.person_id for s in shifts)
    assert max(counts.values()) - min(counts.values()) <= 1
    roster_assign(actor=org.clerk, shift_id=shifts[0].pk, person=org.colleague)
    roster_publish(actor=org.clerk, roster_id=roster.pk)
    with pytest.raises(ValidationError):
        roster_generate(actor=org.clerk, month=month)
    mine = DutyShift.objects.filter(roster=roster, date=today).get()
    taker = org.finance if mine.person != org.finance else org.clerk
    swap = swap_request(actor=mine.person, shift_id=mine.pk, to_person=taker, reason="家里有事")
    head = swap.approval.steps.get().candidates.get()
    approval_decide(actor=head, request_id=swap.approval_id, decision="approve")
    mine.refresh_from_db()
    assert mine.person == taker
    duty_check_in(actor=taker, shift_id=mine.pk)
    assert (
        duty_missed_check(township_id=org.township.pk, today=today + dt.timedelta(days=1))
        == (today - month).days
    )
    assert not Finding.objects.filter(rule_id="R-DUTY-1", on_date=today).exists()


def test_r_log_1_no_backfill_comments_and_monthly_completeness(org):
    today = timezone.localdate()
    prev = previous_working_day(today, township=org.township)
    worklog_write(actor=org.staff, date=today, content="走访群众")
    worklog_write(actor=org.staff, date=prev, content="整理材料")
    old = prev - dt.timedelta(days=10)
    with pytest.raises(ValidationError) as exc:
        worklog_write(actor=org.staff, date=old, content="补写")
    assert "R-LOG-1" in str(exc.value) and "date" in exc.value.message_dict
    log = WorkLog.objects.get(person=org.staff, date=today)
    with pytest.raises(ValidationError):
        worklog_comment(actor=org.colleague, log_id=log.pk, comment="好")
    worklog_comment(actor=org.head, log_id=log.pk, comment="很好")
    # a month with two logs among its ~20 working days: far below 90 %
    WorkLog.objects.create(township=org.township, person=org.colleague, date=MON, content="x")
    rows = {r["person"].pk: r for r in worklog_completeness(township_id=org.township.pk, month=MON)}
    assert rows[org.colleague.pk]["logs"] == 1 and rows[org.colleague.pk]["percent"] < 10
    n = worklog_month_check(township_id=org.township.pk, month=MON)
    assert n >= 1 and Finding.objects.filter(rule_id="R-LOG-1", person=org.colleague).exists()


def test_r_study_1_a_week_without_an_hour_of_study_is_a_finding(org):
    week = dt.date(2026, 11, 9)
    study_record(
        actor=org.head,
        department=org.department,
        date=dt.date(2026, 11, 10),
        topic="学习中央八项规定精神",
        minutes=45,
        attendees=[org.staff, org.colleague],
    )
    assert study_week_check(township_id=org.township.pk, week_start=week) == 1
    study_record(
        actor=org.head,
        department=org.department,
        date=MON,
        topic="专题学习",
        minutes=60,
        attendees=[org.staff],
    )
    assert study_week_check(township_id=org.township.pk, week_start=MON) == 0
    f = Finding.objects.get(rule_id="R-STUDY-1")
    assert f.department == org.department and f.on_date == week
    with pytest.raises(ValidationError):
        study_record(
            actor=org.staff, department=org.department, date=MON, topic="x", minutes=60, attendees=[]
        )
    assert StudySession.objects.count() == 2
