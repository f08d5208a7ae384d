"""meetings/services.py's rule checks, monthly caps and room clashes (R-MTG-2..9), called directly
on hand-made drafts and a few saved meetings; every count and every refusal, with its rule id and
its words, written out by hand.

Time is frozen on 25 November 2026 and the meetings are in January 2027, for which the township set
its own numbers (R-MTG-3: 2 business meetings a month, R-MTG-5: 90 minutes, R-MTG-6: 3 speakers):
the checks must read January 2027's settings, not today's defaults (3, 120, 2)."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.models import CapCounter, Meeting, MeetingType
from meetings.services import MeetingDraft, _cap_check, _month_key, _room_check, meeting_rule_checks
from meetings.tests.factories import RoomFactory
from township.models import Role
from township.policy import policy_set
from township.rules import Checks
from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory

pytestmark = pytest.mark.django_db

D, T = dt.date, dt.time
DAY = D(2027, 1, 11)


@pytest.fixture(autouse=True)
def _late_november_2026():
    with time_machine.travel(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world():
    t = TownshipFactory()
    u = TownshipFactory(county=t.county)
    admin = UserFactory(township=None, county=t.county, roles=[Role.ADMINISTRATOR])
    for key, value in [("R-MTG-3", "2"), ("R-MTG-5", "90"), ("R-MTG-6", "3")]:
        policy_set(actor=admin, key=key, year=2027, value=value, township=t)
    return SimpleNamespace(
        t=t,
        u=u,
        dept=DepartmentFactory(township=t),
        dept_u=DepartmentFactory(township=u),
        clerk=UserFactory(township=t),
    )


def draft(w, **kw) -> MeetingDraft:
    values = dict(
        title="安全生产工作会",
        department=w.dept,
        meeting_type=MeetingType.BUSINESS,
        date=DAY,
        start_time=T(9, 0),
        planned_minutes=60,
        agenda=[("传达", ["甲"])],
        venue_kind="outside",
        outside_place="村委会",
        outside_kind="village_office",
        audience_departments=[w.dept],
    )
    values.update(kw)
    return MeetingDraft(**values)


def at(day, time):
    return timezone.make_aware(dt.datetime.combine(day, time))


def meeting(
    w, day, status, *, kind=MeetingType.BUSINESS, township=None, room=None, start=T(9, 0), end=T(10, 0)
):
    township = township or w.t
    venue = {"room": room} if room else {"venue_kind": "outside", "outside_place": "村委会"}
    if status == "held":
        venue.update(actual_start=at(day, start), actual_end=at(day, end))
    return Meeting.objects.create(
        township=township,
        title=f"{day:%m%d}{start:%H%M}",
        department=w.dept if township == w.t else w.dept_u,
        meeting_type=kind,
        date=day,
        start_time=start,
        planned_minutes=int((at(day, end) - at(day, start)).total_seconds() // 60),
        starts_at=at(day, start),
        ends_at=at(day, end),
        requested_by=w.clerk,
        status=status,
        **venue,
    )


def rule_errors(w, d):
    checks = Checks()
    meeting_rule_checks(township_id=w.t.pk, draft=d, checks=checks)
    return checks.errors


def cap_errors(w, d, exclude_pk=None):
    checks = Checks()
    _cap_check(w.t.pk, d, checks, exclude_pk=exclude_pk)
    return checks.errors


def test_month_key_names_the_month():
    assert _month_key(D(2027, 1, 31)) == "meetings:2027-01"
    assert _month_key(D(2026, 12, 1)) == "meetings:2026-12"


# --- R-MTG-5 .. R-MTG-9 ------------------------------------------------------------------------


def test_r_mtg_5_to_9_every_broken_rule_with_its_words(world):
    d = draft(
        world,
        planned_minutes=91,  # 2027's limit is 90
        # 3 speakers are allowed in 2027 (2 by default); the second item has 4.
        agenda=[("传达", ["甲", "乙", "丙"]), ("部署", ["甲", "乙", "丙", "丁"])],
        backdrop=True,
        banners=True,
        meals="banquet",
        alcohol=True,
        cigarettes=True,
        fruit=True,
        outside_kind="scenic_spot",
    )
    assert rule_errors(world, d) == {
        "planned_minutes": [
            "Meetings last at most 90 minutes; only the people's congress, the party congress and the "
            "three-level cadre meeting may be longer (rule R-MTG-5)"
        ],
        "agenda": ["At most 3 people may speak on the same item; “部署” has 4 (rule R-MTG-6)"],
        "backdrop": [
            "Meetings have no backdrop, carpet, flowers, tablecloth or banners: remove the backdrop "
            "(rule R-MTG-7)"
        ],
        "banners": [
            "Meetings have no backdrop, carpet, flowers, tablecloth or banners: remove the banners "
            "(rule R-MTG-7)"
        ],
        "meals": ["Meals at meetings are canteen working meals only (rule R-MTG-8)"],
        "alcohol": ["No alcohol at meetings (rule R-MTG-8)"],
        "cigarettes": ["No cigarettes at meetings (rule R-MTG-8)"],
        "fruit": ["Fruit is set out only at retired cadres' symposiums (rule R-MTG-8)"],
        "outside_kind": [
            "No meetings at scenic spots or high-end hotels; use the agency's own rooms (rule R-MTG-9)"
        ],
    }


def test_r_mtg_5_to_9_allowed_at_the_limits(world):
    # 90 minutes exactly, 3 speakers exactly, a canteen meal, fruit at a retired cadres' symposium,
    # the village office: nothing refused.
    d = draft(
        world,
        planned_minutes=90,
        agenda=[("传达", ["甲", "乙", "丙"])],
        meals="canteen",
        fruit=True,
        retired_cadres_symposium=True,
    )
    assert rule_errors(world, d) == {}
    # The people's congress may last all morning; an agency room is always a fine venue, whatever
    # kind of outside place the form still holds.
    d = draft(
        world,
        meeting_type=MeetingType.PEOPLES_CONGRESS,
        planned_minutes=240,
        venue_kind="room",
        outside_kind="high_end_hotel",
    )
    assert rule_errors(world, d) == {}


# --- R-MTG-2 / R-MTG-3 / R-MTG-4 caps ----------------------------------------------------------


@pytest.fixture
def january(world):
    """January 2027 of township t: 2 business meetings count (1 January pending, 31 January held);
    not 31 December, 1 February, the rejected or cancelled ones, the plenary one nor township u's."""
    w = world
    w.first = meeting(w, D(2027, 1, 1), "pending")
    meeting(w, D(2027, 1, 31), "held")
    meeting(w, D(2026, 12, 31), "approved")
    meeting(w, D(2027, 2, 1), "approved")
    meeting(w, D(2027, 1, 15), "rejected")
    meeting(w, D(2027, 1, 15), "cancelled")
    meeting(w, D(2027, 1, 15), "approved", kind=MeetingType.PLENARY)
    meeting(w, D(2027, 1, 15), "approved", township=w.u)
    return w


def test_r_mtg_3_third_business_meeting_of_the_month_refused(january):
    w = january
    assert cap_errors(w, draft(w)) == {
        "meeting_type": [
            "At most 2 meetings of the kind “Business meeting” a month; 2027-01 already has 2 approved "
            "or waiting (rule R-MTG-3)"
        ]
    }
    assert list(CapCounter.objects.filter(township=w.t).values_list("key", flat=True)) == ["meetings:2027-01"]
    # The meeting being changed does not count against itself: 1 of 2.
    assert cap_errors(w, draft(w), exclude_pk=w.first.pk) == {}


def test_r_mtg_2_plenary_meetings_counted_apart(january):
    w = january
    # 1 plenary meeting in January, 2 allowed (default): a second is fine, a third is not.
    assert cap_errors(w, draft(w, meeting_type=MeetingType.PLENARY)) == {}
    meeting(w, D(2027, 1, 20), "pending", kind=MeetingType.PLENARY)
    assert cap_errors(w, draft(w, meeting_type=MeetingType.PLENARY)) == {
        "meeting_type": [
            "At most 2 meetings of the kind “Plenary (town-wide) meeting” a month; 2027-01 already has 2 "
            "approved or waiting (rule R-MTG-2)"
        ]
    }


def test_r_mtg_4_higher_level_meetings_outside_the_caps(january):
    w = january
    for day in (D(2027, 1, 1), D(2027, 1, 31)):
        meeting(w, day, "approved", kind=MeetingType.HIGHER_LEVEL, start=T(14, 0), end=T(15, 0))
    # No cap, so no lock either.
    assert cap_errors(w, draft(w, meeting_type=MeetingType.HIGHER_LEVEL)) == {}
    assert not CapCounter.objects.exists()
    # February: 1 business meeting (1 February) of 2.
    assert cap_errors(w, draft(w, date=D(2027, 2, 28))) == {}
    assert list(CapCounter.objects.values_list("township_id", "key")) == [(w.t.pk, "meetings:2027-02")]


# --- rooms ---------------------------------------------------------------------------------------


@pytest.fixture
def rooms(world):
    """Room r1 on 11 January 2027: A 9:00-10:00 approved, B 11:00-12:00 pending, a rejected one
    10:00-11:00; room r2 taken 9:00-12:00."""
    w = world
    w.r1, w.r2 = RoomFactory(township=w.t, name="一号会议室"), RoomFactory(township=w.t, name="二号会议室")
    w.a = meeting(w, DAY, "approved", room=w.r1, start=T(9, 0), end=T(10, 0))
    w.b = meeting(w, DAY, "pending", room=w.r1, start=T(11, 0), end=T(12, 0))
    meeting(w, DAY, "rejected", room=w.r1, start=T(10, 0), end=T(11, 0))
    meeting(w, DAY, "approved", room=w.r2, start=T(9, 0), end=T(12, 0))
    return w


def room_error(w, start, end, exclude_pk=None, **kw):
    d = draft(w, venue_kind="room", room=w.r1, outside_place="", outside_kind="", **kw)
    try:
        _room_check(d, at(DAY, start), at(DAY, end), exclude_pk=exclude_pk)
    except ValidationError as exc:
        return exc.message_dict
    return None


def test_room_clash_names_the_earliest_meeting_in_local_time(rooms):
    w = rooms
    assert room_error(w, T(9, 0), T(12, 0)) == {
        "room": [
            "一号会议室 is already booked from 2027-01-11 09:00 to 10:00 for “01110900”; choose another room "
            "or time."
        ]
    }
    assert room_error(w, T(10, 0), T(11, 1)) == {
        "room": [
            "一号会议室 is already booked from 2027-01-11 11:00 to 12:00 for “01111100”; choose another room "
            "or time."
        ]
    }


def test_room_free_between_meetings_and_for_the_meeting_itself(rooms):
    w = rooms
    # 10:00-11:00 touches A's end and B's start; the rejected meeting holds nothing.
    assert room_error(w, T(10, 0), T(11, 0)) is None
    # A moved within its own slot does not clash with itself.
    assert room_error(w, T(9, 0), T(10, 0), exclude_pk=w.a.pk) is None
    assert room_error(w, T(9, 0), T(10, 0)) is not None


def test_room_not_checked_for_an_outside_place(rooms):
    w = rooms
    # Outside, with a room left over from the form: no refusal (the call returns, raising nothing).
    d = draft(w, room=w.r1)
    assert _room_check(d, at(DAY, T(9, 0)), at(DAY, T(12, 0))) is None
    # No room chosen yet: the shape check says so, not the clash check.
    d = draft(w, venue_kind="room", room=None, outside_place="", outside_kind="")
    assert _room_check(d, at(DAY, T(9, 0)), at(DAY, T(12, 0))) is None
