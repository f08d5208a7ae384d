"""meetings' answer to the core's question "meeting_summary", on requests whose right figures are
worked out by hand (meetings/hooks.py; shape in township.hooks.MeetingSummary).  Defaults:
R-MTG-2 two plenary meetings a month, R-MTG-3 three business meetings (meetings/policies.py)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meetings.hooks import answer_meeting_summary
from meetings.models import Meeting, MeetingStatus, MeetingType
from meetings.tests.factories import submit
from township.hooks import ANSWERS, QUESTIONS, MeetingSummary, ask, conforms, mismatches
from township.policy import policy_set
from township.tests.factories import DepartmentFactory

APRIL, MAY = dt.date(2026, 4, 1), dt.date(2026, 5, 1)
NO_TYPE = dict.fromkeys(MeetingType.values, 0)


def apr(day):
    return dt.date(2026, 4, day)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False):  # 10:00 in Shanghai
        yield


@pytest.fixture
def world(org, other_org):
    plenary, business = MeetingType.PLENARY, MeetingType.BUSINESS
    submit(org, meeting_type=plenary, date=apr(14))  # planned 90 minutes (the factory's)
    submit(org, meeting_type=plenary, date=apr(15))
    with pytest.raises(ValidationError):  # a third plenary: R-MTG-2 refuses it ...
        submit(org, meeting_type=plenary, date=apr(16))
    # ... unless a principal leader sets the cap aside.
    submit(org, actor=org.principal, meeting_type=plenary, date=apr(16), override_reason="县里要求")
    submit(org, meeting_type=business, date=apr(21), planned_minutes=60)
    submit(org, meeting_type=MeetingType.HIGHER_LEVEL, date=apr(22))  # outside the caps (R-MTG-4)
    # Withdrawn and rejected requests take no slot.
    gone = [
        submit(org, meeting_type=business, date=apr(23)),
        submit(org, meeting_type=business, date=apr(24)),
    ]
    Meeting.objects.filter(pk=gone[0].pk).update(status=MeetingStatus.WITHDRAWN)
    Meeting.objects.filter(pk=gone[1].pk).update(status=MeetingStatus.REJECTED)
    # May: another department's business meeting, held in 45 minutes instead of the planned 120.
    org.other_department = DepartmentFactory(township=org.township, name="综合办")
    held = submit(
        org,
        meeting_type=business,
        date=dt.date(2026, 5, 12),
        department=org.other_department,
        planned_minutes=120,
    )
    start = dt.datetime(2026, 5, 12, 1, 0, tzinfo=dt.UTC)  # 9:00 in Shanghai
    Meeting.objects.filter(pk=held.pk).update(
        status=MeetingStatus.HELD, actual_start=start, actual_end=start + dt.timedelta(minutes=45)
    )
    # Neither the other township's meeting nor June's counts.
    submit(other_org, meeting_type=plenary, date=apr(14))
    submit(org, meeting_type=plenary, date=dt.date(2026, 6, 9))
    return org


def test_meeting_summary_worked_out_by_hand(world):
    org = world
    summary = answer_meeting_summary(township_id=org.township.pk, start=APRIL, end=dt.date(2026, 5, 31))
    assert summary == {
        "months": [
            {
                "month": APRIL,
                "counts": {**NO_TYPE, "plenary": 3, "business": 1, "higher_level": 1},
                "caps": {"plenary": 2, "business": 3},
                "over": ["plenary"],
            },
            {
                "month": MAY,
                "counts": {**NO_TYPE, "business": 1},
                "caps": {"plenary": 2, "business": 3},
                "over": [],
            },
        ],
        "totals": {**NO_TYPE, "plenary": 3, "business": 2, "higher_level": 1},
        # planned 90 + 90 + 90 + 60 + 90, and 45 actually held: 465 / 6 = 77.5
        "average_minutes": 77.5,
        "overrides": 1,
        "refusals": 1,
        "by_department": [
            {"department_id": org.department.pk, "department": org.department.name, "count": 5},
            {"department_id": org.other_department.pk, "department": "综合办", "count": 1},
        ],
    }
    assert not mismatches(summary, QUESTIONS["meeting_summary"].answer_type)
    assert conforms(summary, MeetingSummary)


def test_meeting_summary_of_one_day_and_of_an_empty_month(world):
    org = world
    day = answer_meeting_summary(township_id=org.township.pk, start=apr(16), end=apr(16))
    assert day["totals"] == {**NO_TYPE, "plenary": 1}
    assert day["months"] == [
        {
            "month": APRIL,
            "counts": {**NO_TYPE, "plenary": 1},
            "caps": {"plenary": 2, "business": 3},
            "over": [],
        }
    ]
    assert (day["average_minutes"], day["overrides"], day["refusals"]) == (90.0, 1, 1)
    march = answer_meeting_summary(
        township_id=org.township.pk, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
    )
    assert march == {
        "months": [
            {
                "month": dt.date(2026, 3, 1),
                "counts": NO_TYPE,
                "caps": {"plenary": 2, "business": 3},
                "over": [],
            }
        ],
        "totals": NO_TYPE,
        "average_minutes": None,
        "overrides": 0,
        "refusals": 0,
        "by_department": [],
    }
    assert conforms(march, MeetingSummary)


def test_meeting_summary_caps_follow_the_townships_policy_of_the_year(world):
    org = world
    policy_set(
        actor=org.admin, key="R-MTG-2", year=2026, value=3, township=org.township, county=org.township.county
    )
    april = answer_meeting_summary(township_id=org.township.pk, start=APRIL, end=dt.date(2026, 4, 30))
    assert april["months"][0]["caps"] == {"plenary": 3, "business": 3}
    assert april["months"][0]["over"] == []


def test_meeting_summary_is_the_registered_answer(world):
    org = world
    assert ANSWERS["meeting_summary"] == [answer_meeting_summary]
    (summary,) = ask("meeting_summary", township_id=org.township.pk, start=APRIL, end=dt.date(2026, 4, 30))
    assert summary["totals"]["plenary"] == 3


def test_xck_answers_worked_out_by_hand(world):
    """The held meetings' people invited by name, less those the minutes name as absent; the
    meetings with a meal and whether they were in the agency's rooms."""
    from meetings.hooks import xck_day_records, xck_meals
    from township.hooks import DayRecordFact, MealFact

    org = world
    held = Meeting.objects.get(status=MeetingStatus.HELD)
    held.audience_people.set([org.staff, org.colleague])
    Meeting.objects.filter(pk=held.pk).update(
        absentees=f"{org.colleague.full_name}:病假", meals="canteen", off_hours_reason="防汛调度"
    )
    rows = xck_day_records(township_id=org.township.pk, start=APRIL, end=dt.date(2026, 6, 30))
    assert conforms(rows, list[DayRecordFact])
    assert [(r["kind"], r["id"], r["person_id"], r["date"]) for r in rows] == [
        ("meeting", held.pk, org.staff.pk, dt.date(2026, 5, 12))
    ]
    meals = xck_meals(township_id=org.township.pk, start=APRIL, end=dt.date(2026, 6, 30))
    assert conforms(meals, list[MealFact])
    assert [(m["id"], m["ends_at"], m["in_canteen"], m["off_hours_reason"]) for m in meals] == [
        (held.pk, dt.datetime(2026, 5, 12, 1, 45, tzinfo=dt.UTC), held.venue_kind == "room", "防汛调度")
    ]
