"""conduct's answers to the core's questions, on data whose right figures are worked out by hand
(conduct/hooks.py; shapes and cardinalities in township.hooks.QUESTIONS)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from conduct.hooks import attendance_summary, day_statuses_recompute, register
from conduct.models import AttendanceDay, WorkLog
from township.hooks import ANSWERS, QUESTIONS, AttendanceFigures, ask, conforms, mismatches
from township.models import CalendarOverride

# October 2025 (a Wednesday the 1st).  National Day and Mid-Autumn: 1-8 October off, with the
# Saturday 11 October a make-up working day.  Weekdays of the month: 3 + 5 + 5 + 5 + 5 = 23; less
# the six holiday weekdays (1, 2, 3, 6, 7, 8) = 17; plus Saturday 11 = 18 working days.
OCT_1, OCT_31 = dt.date(2025, 10, 1), dt.date(2025, 10, 31)


def d(day: int) -> dt.date:
    return dt.date(2025, 10, day)


def status(person, day, value, leave=Decimal(0), township_id=None):
    return AttendanceDay.objects.create(
        township_id=township_id or person.township_id,
        person=person,
        date=day,
        status=value,
        leave_days=leave,
        computed_at=timezone.now(),
    )


def log(person, day, township_id=None):
    return WorkLog.objects.create(
        township_id=township_id or person.township_id, person=person, date=day, content="Village visit"
    )


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2025, 11, 3, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def october(org, other_org):
    s = org.staff
    status(s, dt.date(2025, 9, 30), "late")  # the day before: not counted
    status(s, d(9), "present")
    status(s, d(10), "late")
    status(s, d(11), "early")  # the make-up Saturday
    status(s, d(13), "late_early")  # late AND early: present once, late once, early once
    status(s, d(14), "absent")
    status(s, d(15), "leave", Decimal("1"))
    status(s, d(16), "present", Decimal("0.5"))  # a half day of leave, the other half at work
    status(s, d(17), "absent")
    status(s, d(20), "field")  # in the villages: neither present nor absent
    status(s, d(21), "trip")
    status(s, d(31), "present")  # the last day of the range counts
    status(s, dt.date(2025, 11, 3), "absent")  # the day after: not counted
    log(s, dt.date(2025, 9, 30))
    log(s, d(9))
    log(s, d(10))
    log(s, d(31))
    log(s, dt.date(2025, 11, 1))
    # The other township's people and rows are not this township's answer.
    status(other_org.staff, d(14), "absent")
    log(other_org.staff, d(14))
    # Rows the staff member left in the other township (seconded there for a day): not ours.
    status(s, d(22), "absent", township_id=other_org.township.pk)
    log(s, d(22), township_id=other_org.township.pk)
    return org


def test_attendance_summary_figures_worked_out_by_hand(october):
    org = october
    answer = attendance_summary(township_id=org.township.pk, start=OCT_1, end=OCT_31)
    assert answer[org.staff.pk] == {
        "working_days": 18,
        "present": 6,  # 9, 10, 11, 13, 16, 31
        "late": 2,  # 10, 13
        "early": 2,  # 11, 13
        "absent": 2,  # 14, 17
        "leave_days": Decimal("1.5"),  # 15 (whole), 16 (half)
        "logs": 3,  # 9, 10, 31
    }
    # Someone without a single row: the month's working days and nothing else.
    assert answer[org.colleague.pk] == {
        "working_days": 18,
        "present": 0,
        "late": 0,
        "early": 0,
        "absent": 0,
        "leave_days": Decimal(0),
        "logs": 0,
    }
    assert set(answer) == {
        org.head.pk,
        org.leader.pk,
        org.principal.pk,
        org.principal2.pk,
        org.staff.pk,
        org.colleague.pk,
        org.inspector.pk,
        org.admin.pk,
        org.clerk.pk,
        org.finance.pk,
    }
    assert not mismatches(answer, QUESTIONS["attendance_summary"].answer_type)
    assert all(conforms(figures, AttendanceFigures) for figures in answer.values())


def test_attendance_summary_leaves_out_people_who_left(october):
    org = october
    org.colleague.is_active = False
    org.colleague.save(update_fields=["is_active"])
    answer = attendance_summary(township_id=org.township.pk, start=OCT_1, end=OCT_31)
    assert org.colleague.pk not in answer and org.staff.pk in answer


def test_attendance_summary_a_shorter_range_and_the_townships_own_calendar(october):
    org = october
    # The township keeps Friday 31 October as a rest day (an administrator's override): 17.
    CalendarOverride.objects.create(
        county=org.township.county, township=org.township, date=d(31), is_working_day=False
    )
    answer = attendance_summary(township_id=org.township.pk, start=OCT_1, end=OCT_31)
    assert answer[org.staff.pk]["working_days"] == 17
    # 9-16 October: working days 9, 10, 11, 13, 14, 15, 16 = 7.
    week = attendance_summary(township_id=org.township.pk, start=d(9), end=d(16))[org.staff.pk]
    assert week == {
        "working_days": 7,
        "present": 5,  # 9, 10, 11, 13, 16
        "late": 2,
        "early": 2,
        "absent": 1,  # 14
        "leave_days": Decimal("1.5"),
        "logs": 2,  # 9, 10
    }


def test_attendance_summary_only_leave(org):
    """A person on leave the whole range: leave days, no presence, no absence."""
    for day in (9, 10):
        status(org.staff, d(day), "leave", Decimal("1"))
    figures = attendance_summary(township_id=org.township.pk, start=d(9), end=d(10))[org.staff.pk]
    assert figures == {
        "working_days": 2,
        "present": 0,
        "late": 0,
        "early": 0,
        "absent": 0,
        "leave_days": Decimal("2"),
        "logs": 0,
    }


def test_attendance_summary_is_the_one_registered_answer(october):
    org = october
    assert ANSWERS["attendance_summary"] == [attendance_summary]
    (answer,) = ask("attendance_summary", township_id=org.township.pk, start=OCT_1, end=OCT_31)
    assert answer[org.staff.pk]["absent"] == 2


@pytest.fixture
def registry():
    """The answers as the app registered them, whatever the test does to them."""
    saved = {q: list(funcs) for q, funcs in ANSWERS.items()}
    yield
    ANSWERS.clear()
    ANSWERS.update(saved)


def test_register_answers_the_apps_questions(registry):
    """register() (called by ConductConfig.ready) answers exactly these questions, once each."""
    ANSWERS["attendance_summary"], ANSWERS["day_statuses_recompute"] = [], []
    register()
    assert ANSWERS["attendance_summary"] == [attendance_summary]
    assert ANSWERS["day_statuses_recompute"] == [day_statuses_recompute]


def test_day_statuses_recompute_only_this_townships_computed_days_asked_for(org, other_org):
    """A day turned rest or working: the township's statuses of the dates asked for, already
    computed, are computed again (here: a stale "present" without a punch becomes "absent");
    other dates and other townships are left alone."""
    stale = status(org.staff, d(9), "present")
    status(org.staff, d(10), "late")
    status(other_org.staff, d(13), "present")
    assert day_statuses_recompute(township_id=org.township.pk, dates=[d(9)]) == 1
    assert AttendanceDay.objects.get(pk=stale.pk).status == "absent"
    assert AttendanceDay.objects.get(person=org.staff, date=d(10)).status == "late"
    # 13 October was never computed for this township: left to the nightly job.
    assert day_statuses_recompute(township_id=org.township.pk, dates=[d(13)]) == 0
    assert not AttendanceDay.objects.filter(township=org.township, date=d(13)).exists()
    assert AttendanceDay.objects.get(person=other_org.staff, date=d(13)).status == "present"


# --- the cross-record checks' questions (township.crosschecks) -------------------------------------


def test_xck_answers_worked_out_by_hand(org):
    from conduct.hooks import xck_absences, xck_day_records, xck_punches
    from conduct.models import LeaveRequest, Punch, TripRequest
    from conduct.services.common import aware
    from township.hooks import AbsenceFact, DayRecordFact, PunchFact

    s, c, h = org.staff, org.colleague, org.head
    p = Punch.objects.create(
        township=org.township,
        person=s,
        at=aware(d(13), dt.time(8, 30)),
        source="browser",
        device="browser:x1",
        latitude=Decimal("30.1"),
        longitude=Decimal("104.2"),
        distance_m=120,
    )
    Punch.objects.create(township=org.township, person=s, at=aware(d(12), dt.time(8, 30)), source="device")
    common = {"township": org.township, "kind": "personal", "reason": "x", "days": Decimal("2")}
    # Tuesday afternoon to Thursday noon: 14 pm, 15 whole, 16 am
    lv = LeaveRequest.objects.create(
        person=s,
        start_date=d(14),
        end_date=d(16),
        start_half="pm",
        end_half="am",
        status="approved",
        **common,
    )
    # reported back on the 22nd: the 20th and 21st only; a cancelled leave: nothing
    back = LeaveRequest.objects.create(
        person=c,
        start_date=d(20),
        end_date=d(24),
        status="reported_back",
        returned_on=d(22),
        days_used=Decimal("2"),
        **{**common, "days": Decimal("5")},
    )
    LeaveRequest.objects.create(person=h, start_date=d(20), end_date=d(20), status="cancelled", **common)
    trip = TripRequest.objects.create(
        township=org.township,
        person=h,
        kind="business",
        purpose="x",
        destination="县城",
        start_date=d(15),
        end_date=d(16),
        budget=0,
        declaration=True,
        status="approved",
    )
    trip.companions.add(c)
    log(s, d(13))

    punches = xck_punches(township_id=org.township.pk, start=d(13), end=d(31))
    assert conforms(punches, list[PunchFact])
    assert [(r["id"], r["device"], r["distance_m"], r["outside_radius"]) for r in punches] == [
        (p.pk, "browser:x1", 120, False)
    ]
    absences = xck_absences(township_id=org.township.pk, start=d(1), end=d(31))
    assert conforms(absences, list[AbsenceFact])
    assert sorted((r["kind"], r["id"], r["person_id"], r["date"].day, r["half"]) for r in absences) == sorted(
        [
            ("leave", lv.pk, s.pk, 14, "pm"),
            ("leave", lv.pk, s.pk, 15, "full"),
            ("leave", lv.pk, s.pk, 16, "am"),
            ("leave", back.pk, c.pk, 20, "full"),
            ("leave", back.pk, c.pk, 21, "full"),
            ("trip", trip.pk, h.pk, 15, "full"),
            ("trip", trip.pk, h.pk, 16, "full"),
            ("trip", trip.pk, c.pk, 15, "full"),
            ("trip", trip.pk, c.pk, 16, "full"),
        ]
    )
    assert absences[0]["url"] == f"/conduct/leave/{lv.pk}/" or absences[0]["url"].endswith(f"/{lv.pk}/")
    records = xck_day_records(township_id=org.township.pk, start=d(1), end=d(31))
    assert conforms(records, list[DayRecordFact])
    assert [(r["kind"], r["person_id"], r["date"]) for r in records] == [("work_log", s.pk, d(13))]
    for question in ("xck_punches", "xck_absences", "xck_day_records"):
        assert QUESTIONS[question].arguments == ("township_id", "start", "end")
