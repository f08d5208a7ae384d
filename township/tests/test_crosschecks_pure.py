"""Cross-record checks (township.crosschecks, RULES.md R-XCK-1..8) on hand-made answers: each rule
function is given a Facts object built from exactly the rows a case needs (the apps' typed hook
answers, township.hooks.*Fact), and its findings (rule, person, date, key, message and both
records' evidence) are written out by hand, at each boundary of its windows and thresholds.

The settings are those of the yearly policy values (township/policies.py and the reception app's
R-EXP-1.head_limit), stood in for by a fake ``policies``: in 2026 the defaults (the morning ends at
13:00, 60 s and 3 times a month, 7 days and ¥2,000, 3 a quarter, meals from 18:00); in 2027
(today's year: the clock is frozen on 15 June 2027, 20:00 in the township) deliberately odd values,
so that a setting read for the wrong day shows.

The week of Monday 16 to Sunday 22 November 2026 (Saturday and Sunday are rest days).  The
database is only used for raising and withdrawing (``_settle``), the nightly re-check's query and
the page's monthly counts, at the end."""

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from township import crosschecks
from township.crosschecks import (
    APPROVAL_LIMIT,
    RULES,
    WITHDRAWN,
    Facts,
    _place,
    _quarter,
    _side,
    crosscheck_day,
    crosscheck_night,
    crosscheck_range,
    evidence,
    month_chunks,
    r_xck_1,
    r_xck_2,
    r_xck_3,
    r_xck_4,
    r_xck_5,
    r_xck_6,
    r_xck_7,
    r_xck_8,
)
from township.findings import FindingSpec
from township.messages import msg

SH = ZoneInfo("Asia/Shanghai")
TOWNSHIP = 7
SUN15, MON, TUE, WED, THU, FRI, SAT, SUN = (dt.date(2026, 11, d) for d in range(15, 23))
WORKING = {MON, TUE, WED, THU, FRI}
# person id -> (department id, full name); person 4 belongs to no department
PEOPLE = {1: (10, "甲"), 2: (10, "乙"), 3: (20, "丙"), 4: (None, "丁")}
DEPT = {pk: dept for pk, (dept, _name) in PEOPLE.items()}

DEFAULTS = {
    "R-XCK-1.noon": dt.time(13, 0),
    "R-XCK-2.seconds": 60,
    "R-XCK-2.times": 3,
    "R-XCK-5": 7,
    "R-XCK-7": 3,
    "R-XCK-8": dt.time(18, 0),
    "R-EXP-1.head_limit": Decimal("2000.00"),
}
ODD_2027 = {
    "R-XCK-1.noon": dt.time(6, 0),
    "R-XCK-2.seconds": 1,
    "R-XCK-2.times": 9,
    "R-XCK-5": 0,
    "R-XCK-7": 9,
    "R-XCK-8": dt.time(23, 0),
    "R-EXP-1.head_limit": Decimal("1.00"),
}
KEYS = ["R-XCK-1.noon", "R-XCK-2.seconds", "R-XCK-2.times", "R-XCK-5", "R-XCK-7", "R-XCK-8"]

ID1 = (
    "%(name)s punched at %(time)s within the office's radius during %(absence)s "
    "(%(half)s): the absence was not taken, or someone punched for them."
)
ID2 = (
    "%(first)s and %(second)s punched from the same device within %(seconds)s "
    "seconds of each other %(n)s times in %(month)s: possibly one punching for the other."
)
ID3_OFFICE = (
    "%(name)s logged a village visit to %(village)s (%(half)s) while punching at %(time)s in the office."
)
ID3_ABSENCE = "%(name)s logged a village visit to %(village)s (%(half)s) during %(absence)s."
ID4 = "%(name)s has a record (%(record)s) for %(day)s, a day of %(absence)s."
ID5 = (
    "%(n)s expenses to %(payee)s from %(first)s to %(last)s, each within the "
    "¥%(limit)s approval limit, together ¥%(total)s: possibly split to stay under it."
)
ID6_CAR = "%(name)s drove the official vehicle %(plate)s at %(time)s while on leave."
ID6_LEAVE = "%(name)s claimed ¥%(amount)s of fuel for a private-car village visit on %(day)s, a day of leave."
ID6_NO_VISIT = (
    "%(name)s claimed ¥%(amount)s of fuel for a village visit on %(day)s that is not in the visit log."
)
ID7 = "%(unit)s was received with a meal %(n)s times in %(quarter)s."
ID8_REST = "A meal of %(what)s %(label)s on %(day)s, a non-working day."
ID8_LATE = "A meal of %(what)s %(label)s outside the canteen after working hours (%(time)s)."

_ids = itertools.count(1000)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2027, 6, 15, 12, 0, tzinfo=dt.UTC), tick=False):  # 20:00 local
        yield


def at(day, h, m=0, s=0, us=0):
    return dt.datetime(day.year, day.month, day.day, h, m, s, us, tzinfo=SH)


# --- the apps' answers, by hand ------------------------------------------------------------------


def punch(person, when, *, source="device", device="", outside=False, place=(None, None, None)):
    lat, lon, dist = place
    return {
        "id": next(_ids),
        "person_id": person,
        "at": when,
        "source": source,
        "device": device,
        "latitude": lat,
        "longitude": lon,
        "distance_m": dist,
        "outside_radius": outside,
    }


def absence(pk, person, day, half="full", kind="leave"):
    label = "县城" if kind == "trip" else "事假"
    return {
        "kind": kind,
        "id": pk,
        "person_id": person,
        "date": day,
        "half": half,
        "label": label,
        "url": f"/{kind}/{pk}/",
    }


def visit(pk, person, day, half="full", village="村甲"):
    return {
        "id": pk,
        "person_id": person,
        "date": day,
        "half": half,
        "transport": "bus",
        "village": village,
        "url": f"/visit/{pk}/",
    }


def record(kind, pk, person, day, label):
    return {"kind": kind, "id": pk, "person_id": person, "date": day, "label": label, "url": f"/{kind}/{pk}/"}


def expense(pk, person, day, amount, payee, category="office", *, fuel=False, visit=False, transport=""):
    return {
        "id": pk,
        "person_id": person,
        "spent_on": day,
        "payee": payee,
        "category": category,
        "amount": Decimal(amount),
        "is_fuel": fuel,
        "transport": transport,
        "village_visit": visit,
        "url": f"/expense/{pk}/",
    }


def vehicle_use(pk, person, departs_at, plate="川A1"):
    return {
        "id": pk,
        "person_id": person,
        "departs_at": departs_at,
        "plate": plate,
        "url": f"/vehicle_use/{pk}/",
    }


def meal(kind, pk, person, start, end=None, *, ends_at=None, canteen=True, unit="", reason=""):
    return {
        "kind": kind,
        "id": pk,
        "person_id": person,
        "start_date": start,
        "end_date": end or start,
        "ends_at": ends_at,
        "in_canteen": canteen,
        "visiting_unit": unit,
        "label": f"{kind}#{pk}",
        "url": f"/{kind}/{pk}/",
        "off_hours_reason": reason,
    }


# --- the expected findings, by hand --------------------------------------------------------------


def side(prefix, what, when, *, where="", device="", label="", url=""):
    return {
        f"{prefix}_what": msg(what),
        f"{prefix}_when": when,
        f"{prefix}_where": where,
        f"{prefix}_device": device,
        f"{prefix}_label": label,
        f"{prefix}_url": url,
    }


def finding(rule_id, person, day, key, detail):
    return FindingSpec(
        rule_id=rule_id,
        township_id=TOWNSHIP,
        detail=detail,
        on_date=day,
        person_id=person,
        department_id=DEPT.get(person),
        key=key,
    )


WHOLE, MORNING, AFTERNOON = msg("whole day"), msg("morning"), msg("afternoon")


# --- Facts over hand-made answers ----------------------------------------------------------------


@pytest.fixture
def world(monkeypatch):
    """``world(start, end, punches=[...], ...)``: a Facts for township 7 whose questions are
    answered with the rows given.  Each question gets three apps' answers: half the rows, none
    (None), the other half, each reversed, so that Facts must merge and sort them."""
    asked, policy_calls = [], []

    def build(start, end, *, settings=None, working=WORKING, **rows):
        years = {2026: DEFAULTS | (settings or {}), 2027: ODD_2027}

        def fake_ask(question, **kwargs):
            asked.append((question, kwargs))
            got = list(rows.get(question.removeprefix("xck_"), ()))
            return [got[1::2][::-1], None, got[0::2][::-1]]

        def fake_policies(keys, *, township, on):
            policy_calls.append((list(keys), township, on))
            return dict(years[on.year])

        monkeypatch.setattr(crosschecks, "ask", fake_ask)
        monkeypatch.setattr(crosschecks, "policies", fake_policies)
        f = Facts(TOWNSHIP, start, end)
        f.__dict__["people"] = PEOPLE  # (a cached property: the users' table otherwise)
        f.__dict__["working"] = set(working)
        return f

    build.asked, build.policy_calls = asked, policy_calls
    return build


# --- the helpers -----------------------------------------------------------------------------------


def test_facts_start_of_month_and_of_quarter():
    # quarter's first month = 3 * ((month - 1) // 3) + 1: Jan, Mar -> 1; Apr, Jun -> 4; Jul -> 7; Dec -> 10
    cases = {
        dt.date(2026, 1, 31): (dt.date(2026, 1, 1), dt.date(2026, 1, 1)),
        dt.date(2026, 3, 15): (dt.date(2026, 3, 1), dt.date(2026, 1, 1)),
        dt.date(2026, 4, 1): (dt.date(2026, 4, 1), dt.date(2026, 4, 1)),
        dt.date(2026, 6, 30): (dt.date(2026, 6, 1), dt.date(2026, 4, 1)),
        dt.date(2026, 7, 2): (dt.date(2026, 7, 1), dt.date(2026, 7, 1)),
        dt.date(2026, 12, 9): (dt.date(2026, 12, 1), dt.date(2026, 10, 1)),
    }
    for start, (month, quarter) in cases.items():
        f = Facts(TOWNSHIP, start, dt.date(2026, 12, 31))
        assert (f.township_id, f.start, f.end) == (TOWNSHIP, start, dt.date(2026, 12, 31))
        assert (f.month_start, f.quarter_start) == (month, quarter), start


def test_facts_settings_are_read_once_a_year(world):
    f = world(MON, FRI)
    assert f.settings(dt.date(2026, 3, 1)) == DEFAULTS
    assert f.settings(dt.date(2026, 12, 31)) == DEFAULTS  # the same year: not read again
    assert f.settings(dt.date(2027, 1, 1)) == ODD_2027
    keys = [*KEYS, "R-EXP-1.head_limit"]  # the reception app is installed: its limit is read too
    assert world.policy_calls == [
        (keys, TOWNSHIP, dt.date(2026, 3, 1)),
        (keys, TOWNSHIP, dt.date(2027, 1, 1)),
    ]


def test_facts_settings_without_the_reception_app(world, monkeypatch):
    monkeypatch.setattr(crosschecks, "REGISTRY", {})
    world(MON, FRI).settings(MON)
    assert world.policy_calls == [(KEYS, TOWNSHIP, MON)]


def test_facts_half_of_a_day_ends_at_the_years_noon(world):
    f = world(MON, FRI)
    assert f.half_of(at(MON, 12, 59, 59)) == "am"
    assert f.half_of(at(MON, 13, 0)) == "pm"  # 13:00 itself is the afternoon
    assert f.half_of(dt.datetime(2026, 11, 16, 4, 59, 59, tzinfo=dt.UTC)) == "am"  # 12:59:59 local
    assert f.half_of(dt.datetime(2026, 11, 16, 5, 0, tzinfo=dt.UTC)) == "pm"  # 13:00 local
    # 31 Dec 2026 22:30 UTC is 1 Jan 2027 06:30 in the township: 2027's morning ends at 06:00
    assert f.half_of(dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC)) == "pm"
    assert f.half_of(dt.datetime(2026, 12, 31, 21, 30, tzinfo=dt.UTC)) == "am"  # 05:30 local


def test_facts_absent_matches_the_half_day_and_the_kind(world):
    leave_am = absence(1, 1, MON, "am")
    trip_full = absence(2, 2, MON, "full", "trip")
    leave_pm = absence(3, 3, MON, "pm")
    trip_pm = absence(4, 3, MON, "pm", "trip")
    f = world(MON, FRI, absences=[leave_am, trip_full, leave_pm, trip_pm])
    assert f.absent(1, MON, "am") == leave_am
    assert f.absent(1, MON, "full") == leave_am  # any part of the day, asked for the whole day
    assert f.absent(1, MON, "pm") is None
    assert f.absent(2, MON, "am") == trip_full  # a whole day covers either half
    assert f.absent(2, MON, "pm", kinds=("leave",)) is None
    assert f.absent(3, MON, "pm") == leave_pm  # the leave before the trip (by kind, then id)
    assert f.absent(3, MON, "pm", kinds=("trip",)) == trip_pm
    assert f.absent(1, TUE, "am") is None  # nothing that day
    assert f.absent(4, MON, "full") is None  # nobody else's


def test_facts_spec_and_name_of_known_and_unknown_people(world):
    f = world(MON, FRI)
    detail = msg("Punch")
    assert f.spec("R-XCK-4", person_id=3, on_date=TUE, key="k", detail=detail) == FindingSpec(
        rule_id="R-XCK-4",
        township_id=TOWNSHIP,
        detail=detail,
        on_date=TUE,
        person_id=3,
        department_id=20,
        key="k",
    )
    assert f.spec("R-XCK-4", person_id=9, on_date=TUE, key="k", detail=detail).department_id is None
    assert (f.name(3), f.name(4), f.name(9)) == ("丙", "丁", "")


def test_place_and_side():
    at_office = {"latitude": Decimal("30.650000"), "longitude": Decimal("104.060000"), "distance_m": 120}
    assert _place(at_office) == "30.65000, 104.06000 · 120 m"
    assert _place(at_office | {"distance_m": 0}) == "30.65000, 104.06000 · 0 m"
    assert _place(at_office | {"distance_m": None}) == "30.65000, 104.06000"
    assert _place({"latitude": None, "longitude": None, "distance_m": 5}) == ""
    assert _side("b", "punch", when=MON) == {
        "b_what": msg("Punch"),
        "b_when": MON,
        "b_where": "",
        "b_device": "",
        "b_label": "",
        "b_url": "",
    }


def test_quarter_names():
    # (month - 1) // 3 + 1: Jan, Mar -> Q1; Apr -> Q2; Sep -> Q3; Oct, Dec -> Q4
    days = [dt.date(2026, m, 1) for m in (1, 3, 4, 9, 10, 12)]
    assert [_quarter(d) for d in days] == ["2026Q1", "2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026Q4"]


# --- R-XCK-1 --------------------------------------------------------------------------------------


def test_r_xck_1_punch_in_the_office_during_approved_leave_or_trip(world):
    office = (Decimal("30.650000"), Decimal("104.060000"), 120)
    punches = [
        punch(1, at(MON, 8, 25)),  # a day of leave, but before the range
        punch(1, at(TUE, 8, 25, 30, 700000)),  # a day of leave: flagged
        punch(1, at(TUE, 18, 5)),  # the same leave and day: the same finding, the first punch its evidence
        punch(2, at(WED, 12, 59, 59)),  # a morning punch on a morning's leave: flagged
        punch(2, at(WED, 13, 0)),  # an afternoon punch on a morning's leave: no (a second one anyway)
        punch(3, at(WED, 9, 0), source="browser", device="browser:ab", place=office),  # on a trip: flagged
        punch(4, at(THU, 13, 10), source="correction"),  # a correction, in the afternoon's leave: no
        punch(4, at(THU, 13, 20), source="browser", outside=True, place=(office[0], office[1], 2400)),  # away
        punch(4, at(THU, 13, 30, 5), device="machine-1"),  # the office's machine: flagged (the last day)
    ]
    absences = [
        absence(101, 1, MON),
        absence(102, 1, TUE),
        absence(104, 2, WED, "am"),
        absence(201, 3, WED, kind="trip"),
        absence(103, 4, THU, "pm"),
    ]
    f = world(TUE, THU, punches=punches, absences=absences)
    assert r_xck_1(f, TUE, THU) == [
        finding(
            "R-XCK-1",
            1,
            TUE,
            "leave:102:person:1",
            msg(
                ID1,
                name="甲",
                time=dt.time(8, 25, 30),
                absence=msg("Approved leave"),
                half=WHOLE,
                **side("a", "Punch", at(TUE, 8, 25, 30, 700000)),
                **side("b", "Approved leave", TUE, where=WHOLE, label="事假", url="/leave/102/"),
            ),
        ),
        finding(
            "R-XCK-1",
            3,
            WED,
            "trip:201:person:3",
            msg(
                ID1,
                name="丙",
                time=dt.time(9, 0),
                absence=msg("Approved trip"),
                half=WHOLE,
                **side("a", "Punch", at(WED, 9, 0), where="30.65000, 104.06000 · 120 m", device="browser:ab"),
                **side("b", "Approved trip", WED, where=WHOLE, label="县城", url="/trip/201/"),
            ),
        ),
        finding(
            "R-XCK-1",
            2,
            WED,
            "leave:104:person:2",
            msg(
                ID1,
                name="乙",
                time=dt.time(12, 59, 59),
                absence=msg("Approved leave"),
                half=MORNING,
                **side("a", "Punch", at(WED, 12, 59, 59)),
                **side("b", "Approved leave", WED, where=MORNING, label="事假", url="/leave/104/"),
            ),
        ),
        finding(
            "R-XCK-1",
            4,
            THU,
            "leave:103:person:4",
            msg(
                ID1,
                name="丁",
                time=dt.time(13, 30, 5),
                absence=msg("Approved leave"),
                half=AFTERNOON,
                **side("a", "Punch", at(THU, 13, 30, 5), device="machine-1"),
                **side("b", "Approved leave", THU, where=AFTERNOON, label="事假", url="/leave/103/"),
            ),
        ),
    ]
    assert r_xck_1(f, WED, WED) == r_xck_1(f, TUE, THU)[1:3]  # one day: its own findings only


# --- R-XCK-2 --------------------------------------------------------------------------------------


def _shared_browser():
    """Person 2 then person 1 on one browser, Monday to Thursday, 40, 60, 30.5 and 20 s apart:
    four pairs of (1, 2) in November, the third on Wednesday.  Near misses: twice only (on a
    browser used earlier in the morning); 61 s apart three
    times; the office's machine (fingerprints: a queue) and a browser of unknown token, 5 s apart
    three times."""
    rows = []
    for day, gap in ((MON, 40), (TUE, 60), (WED, 30.5), (THU, 20)):
        first = at(day, 8, 20)
        rows += [
            punch(2, first, source="browser", device="browser:aa"),
            punch(1, first + dt.timedelta(seconds=gap), source="browser", device="browser:aa"),
        ]
    for day in (MON, TUE):  # persons 3 and 4 on another browser, 10 s apart, twice only
        rows += [
            punch(3, at(day, 8, 5), source="browser", device="browser:cc"),
            punch(4, at(day, 8, 5, 10), source="browser", device="browser:cc"),
        ]
    for day in (MON, TUE, WED):
        rows += [
            punch(3, at(day, 8, 10), source="browser", device="browser:bb"),
            punch(4, at(day, 8, 11, 1), source="browser", device="browser:bb"),
            punch(3, at(day, 8, 0), device="machine-1"),
            punch(4, at(day, 8, 0, 5), device="machine-1"),
            punch(3, at(day, 7, 50), source="browser", device=""),
            punch(4, at(day, 7, 50, 5), source="browser", device=""),
        ]
    return rows


THIRD_PAIR = finding(
    "R-XCK-2",
    1,
    WED,
    "pair:1:2:2026-11",
    msg(
        ID2,
        first="乙",
        second="甲",
        seconds=30,  # 30.5 s, in whole seconds
        n=4,
        month="2026-11",
        **side("a", "Punch", at(WED, 8, 20), device="browser:aa"),
        **side("b", "Punch", at(WED, 8, 20, 30, 500000), device="browser:aa"),
    ),
)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((TUE, FRI, [THIRD_PAIR])),  # Monday's pair (before the range) counts
        ((WED, WED, [THIRD_PAIR])),
        ((THU, FRI, [])),  # reached on Wednesday: an earlier run's
        ((MON, TUE, [])),  # not reached yet
    ],
)
def test_r_xck_2_two_people_on_one_browser_three_times_a_month(world, start, end, expected):
    f = world(start, end, punches=_shared_browser())
    assert r_xck_2(f, start, end) == expected


def test_r_xck_2_each_punch_pairs_with_the_nearest_earlier_one_of_someone_else(world):
    # Once a month is enough this year (R-XCK-2.times = 1).  Monday on browser x: person 3 at
    # 08:00:00, person 2 at :05, person 1 at :10 and :20.  Person 2's punch pairs with person 3's
    # (5 s); person 1's first with person 2's (5 s); person 1's second passes over their own first
    # and pairs with person 2's again (15 s): two pairs of (1, 2), never (1, 3).
    rows = [
        punch(3, at(SUN15, 9, 0), source="browser", device="w"),  # the day before the range:
        punch(4, at(SUN15, 9, 0, 5), source="browser", device="w"),  # an earlier run's finding
        punch(3, at(MON, 8, 0), source="browser", device="x"),
        punch(2, at(MON, 8, 0, 5), source="browser", device="x"),
        punch(1, at(MON, 8, 0, 10), source="browser", device="x"),
        punch(1, at(MON, 8, 0, 20), source="browser", device="x"),
    ]
    f = world(MON, MON, punches=rows, settings={"R-XCK-2.times": 1})
    assert r_xck_2(f, MON, MON) == [
        finding(
            "R-XCK-2",
            2,
            MON,
            "pair:2:3:2026-11",
            msg(
                ID2,
                first="丙",
                second="乙",
                seconds=5,
                n=1,
                month="2026-11",
                **side("a", "Punch", at(MON, 8, 0), device="x"),
                **side("b", "Punch", at(MON, 8, 0, 5), device="x"),
            ),
        ),
        finding(
            "R-XCK-2",
            1,
            MON,
            "pair:1:2:2026-11",
            msg(
                ID2,
                first="乙",
                second="甲",
                seconds=5,
                n=2,
                month="2026-11",
                **side("a", "Punch", at(MON, 8, 0, 5), device="x"),
                **side("b", "Punch", at(MON, 8, 0, 10), device="x"),
            ),
        ),
    ]


# --- R-XCK-3 --------------------------------------------------------------------------------------


def test_r_xck_3_village_visit_while_punching_in_the_office_or_on_leave(world):
    visits = [
        visit(30, 2, SUN15),  # before the range (on leave that day)
        visit(31, 1, MON),  # punched in the office mid-morning and mid-afternoon: flagged
        visit(32, 2, MON, "pm"),  # an afternoon visit after a morning in the office
        visit(33, 3, TUE, "am", "村丙"),  # the morning's middle punch is outside the radius
        visit(34, 4, TUE, "am", "村丁"),  # the morning's middle punch is a correction
        visit(35, 1, TUE, "am"),  # clocked in and out only
        visit(40, 4, MON, village="村丁"),  # a whole day, punched in the office in the afternoon: flagged
        visit(36, 2, WED, "pm", "村乙"),  # an afternoon punch in the office: flagged (the last day)
        visit(37, 3, WED, "am", "村丙"),  # a morning visit on a morning's leave: flagged
        visit(38, 4, WED, "pm", "村丁"),  # an afternoon visit on a morning's leave
        visit(39, 1, THU),  # on leave, after the range
    ]
    away = (Decimal("30.700000"), Decimal("104.100000"), 5200)
    punches = [
        *(
            punch(1, at(MON, h, m, s, us))
            for h, m, s, us in ((8, 20, 0, 0), (10, 15, 0, 250000), (15, 2, 0, 0), (18, 5, 0, 0))
        ),
        *(punch(2, at(MON, h, m)) for h, m in ((8, 28), (11, 50), (18, 1))),
        *(punch(4, at(MON, h, 0)) for h in (8, 15, 18)),
        punch(3, at(TUE, 8, 30)),
        punch(3, at(TUE, 10, 40), source="browser", outside=True, place=away),
        punch(3, at(TUE, 18, 0)),
        punch(4, at(TUE, 8, 0)),
        punch(4, at(TUE, 9, 0), source="correction"),
        punch(4, at(TUE, 18, 0)),
        punch(1, at(TUE, 8, 0)),
        punch(1, at(TUE, 12, 0)),
        *(punch(2, at(WED, h, 0)) for h in (8, 14, 18)),
    ]
    absences = [
        absence(304, 2, SUN15),
        absence(301, 3, WED, "am"),
        absence(302, 4, WED, "am"),
        absence(303, 1, THU),
    ]
    f = world(MON, WED, visits=visits, punches=punches, absences=absences)
    assert r_xck_3(f, MON, WED) == [
        finding(
            "R-XCK-3",
            1,
            MON,
            "visit:31",
            msg(
                ID3_OFFICE,
                name="甲",
                village="村甲",
                half=WHOLE,
                time=dt.time(10, 15),  # the morning's first, before the afternoon's
                **side("a", "Punch", at(MON, 10, 15, 0, 250000)),
                **side("b", "Village visit", MON, where=WHOLE, label="村甲", url="/visit/31/"),
            ),
        ),
        finding(
            "R-XCK-3",
            4,
            MON,
            "visit:40",
            msg(
                ID3_OFFICE,
                name="丁",
                village="村丁",
                half=WHOLE,
                time=dt.time(15, 0),
                **side("a", "Punch", at(MON, 15, 0)),
                **side("b", "Village visit", MON, where=WHOLE, label="村丁", url="/visit/40/"),
            ),
        ),
        finding(
            "R-XCK-3",
            2,
            WED,
            "visit:36",
            msg(
                ID3_OFFICE,
                name="乙",
                village="村乙",
                half=AFTERNOON,
                time=dt.time(14, 0),
                **side("a", "Punch", at(WED, 14, 0)),
                **side("b", "Village visit", WED, where=AFTERNOON, label="村乙", url="/visit/36/"),
            ),
        ),
        finding(
            "R-XCK-3",
            3,
            WED,
            "visit:37",
            msg(
                ID3_ABSENCE,
                name="丙",
                village="村丙",
                half=MORNING,
                absence=msg("Approved leave"),
                **side("a", "Approved leave", WED, where=MORNING, label="事假", url="/leave/301/"),
                **side("b", "Village visit", WED, where=MORNING, label="村丙", url="/visit/37/"),
            ),
        ),
    ]


# --- R-XCK-4 --------------------------------------------------------------------------------------


def test_r_xck_4_record_on_a_whole_day_of_leave_or_trip(world):
    absences = [
        absence(103, 1, MON),
        absence(101, 1, TUE),
        absence(102, 2, TUE, "am"),
        absence(201, 3, WED, kind="trip"),
        absence(104, 2, THU),
        absence(105, 2, SUN15),
    ]
    records = [
        record("work_log", 11, 1, TUE, "整理材料"),  # a day of leave: flagged
        record("meeting", 12, 2, TUE, "招商推介会"),  # a morning's leave: the afternoon was free
        record("reception", 13, 3, WED, "县财政局"),  # a day of trip: flagged (the last day)
        record("work_log", 14, 4, MON, "值班"),  # no absence
        record("work_log", 15, 1, MON, "汇报"),  # a day of leave: flagged (the first day)
        record("meeting", 16, 2, THU, "例会"),  # a day of leave, after the range
        record("work_log", 10, 2, SUN15, "加班"),  # a day of leave, before the range
    ]
    f = world(MON, WED, absences=absences, day_records=records)
    leave_day = side("a", "Approved leave", MON, where=WHOLE, label="事假", url="/leave/103/")
    assert r_xck_4(f, MON, WED) == [
        finding(
            "R-XCK-4",
            1,
            MON,
            "work_log:15:person:1",
            msg(
                ID4,
                name="甲",
                record=msg("Work log"),
                day=MON,
                absence=msg("Approved leave"),
                **leave_day,
                **side("b", "Work log", MON, label="汇报", url="/work_log/15/"),
            ),
        ),
        finding(
            "R-XCK-4",
            1,
            TUE,
            "work_log:11:person:1",
            msg(
                ID4,
                name="甲",
                record=msg("Work log"),
                day=TUE,
                absence=msg("Approved leave"),
                **side("a", "Approved leave", TUE, where=WHOLE, label="事假", url="/leave/101/"),
                **side("b", "Work log", TUE, label="整理材料", url="/work_log/11/"),
            ),
        ),
        finding(
            "R-XCK-4",
            3,
            WED,
            "reception:13:person:3",
            msg(
                ID4,
                name="丙",
                record=msg("Reception"),
                day=WED,
                absence=msg("Approved trip"),
                **side("a", "Approved trip", WED, where=WHOLE, label="县城", url="/trip/201/"),
                **side("b", "Reception", WED, label="县财政局", url="/reception/13/"),
            ),
        ),
    ]


# --- R-XCK-5 --------------------------------------------------------------------------------------


def _split(head, last, n, total, person, payee):
    return finding(
        "R-XCK-5",
        person,
        last["spent_on"],
        f"expense:{head['id']}",
        msg(
            ID5,
            n=n,
            payee=payee,
            first=head["spent_on"],
            last=last["spent_on"],
            limit=Decimal("2000.00"),
            total=Decimal(total),
            **side("a", "Expense", head["spent_on"], label=f"¥{head['amount']}", url=head["url"]),
            **side("b", "Expense", last["spent_on"], label=f"¥{last['amount']}", url=last["url"]),
        ),
    )


def test_r_xck_5_split_spending_within_seven_days_each_within_the_limit(world):
    d = {n: dt.date(2026, 11, n) for n in range(16, 26)}
    e = {
        1: expense(1, 1, d[16], "1500.00", "文具店"),
        2: expense(2, 2, d[20], "600.00", " 文具店 "),  # the same payee: ¥2,100 > ¥2,000, flagged
        3: expense(3, 1, d[23], "100.00", "文具店"),  # the same run (7 days from the first): no second
        4: expense(4, 3, d[17], "1500.00", "纸业"),
        5: expense(5, 3, d[24], "1500.00", "纸业"),  # 7 days later: flagged
        6: expense(6, 1, d[17], "1500.00", "印刷厂"),
        7: expense(7, 1, d[25], "1500.00", "印刷厂"),  # 8 days later: no
        8: expense(8, 2, d[17], "1000.00", "电脑城"),
        9: expense(9, 2, d[18], "1000.00", "电脑城"),  # together ¥2,000, the limit itself: no
        15: expense(15, 4, d[16], "2500.00", "饭店", "training"),  # above the limit: left out
        10: expense(10, 4, d[17], "2000.00", "饭店", "training"),  # the limit itself is within it
        11: expense(11, 4, d[18], "0.01", "饭店", "training"),  # ¥2,000.01: flagged
        12: expense(12, 1, d[17], "2500.00", "加油站", "vehicle"),  # above the limit: not split
        13: expense(13, 1, d[18], "100.00", "加油站", "vehicle"),
        14: expense(14, 1, d[19], "1800.00", "文具店", "reception"),  # another category
    }
    f = world(d[18], dt.date(2026, 11, 30), expenses=e.values())  # from the 18th
    # (in the order each category and payee is first met)
    assert r_xck_5(f, d[18], dt.date(2026, 11, 30)) == [
        _split(e[1], e[2], 2, "2100.00", 2, " 文具店 "),  # 1,500 + 600
        _split(e[10], e[11], 2, "2000.01", 4, "饭店"),  # on the range's first day
        _split(e[4], e[5], 2, "3000.00", 3, "纸业"),
    ]


def test_r_xck_5_a_run_that_crossed_the_limit_before_the_range_is_not_raised_again(world):
    e = [
        expense(21, 1, dt.date(2026, 11, 16), "1500.00", "五金店"),
        expense(22, 1, dt.date(2026, 11, 17), "600.00", "五金店"),  # crossed on the 17th, before the range
        expense(23, 1, dt.date(2026, 11, 20), "100.00", "五金店"),  # the same run, from the 16th
        expense(24, 2, dt.date(2026, 11, 24), "1500.00", "五金店"),  # the 16th is 8 days back: a new run
    ]
    f = world(FRI, dt.date(2026, 11, 24), expenses=e)  # the 20th to the 24th
    # the run of the 17th, 20th and 24th: 600 + 100 + 1,500 = 2,200
    assert r_xck_5(f, FRI, dt.date(2026, 11, 24)) == [_split(e[1], e[3], 3, "2200.00", 2, "五金店")]


def test_r_xck_5_nothing_without_expenses_or_without_an_approval_limit(world):
    e = [expense(1, 1, MON, "1500.00", "文具店"), expense(2, 1, TUE, "1500.00", "文具店")]
    assert r_xck_5(world(MON, FRI), MON, FRI) == []
    assert r_xck_5(world(MON, FRI, expenses=e, settings={APPROVAL_LIMIT: None}), MON, FRI) == []


# --- R-XCK-6 --------------------------------------------------------------------------------------


def test_r_xck_6_vehicle_on_leave_fuel_on_leave_and_fuel_without_a_visit(world):
    absences = [
        absence(1, 1, MON),
        absence(2, 1, TUE),
        absence(3, 2, TUE, "pm"),
        absence(4, 3, TUE, kind="trip"),
        absence(5, 4, MON),
        absence(6, 2, WED, "am"),
        absence(7, 3, WED),
        absence(8, 1, WED, "am"),
        absence(9, 4, WED, kind="trip"),
    ]
    uses = [
        vehicle_use(1, 1, at(TUE, 9, 0, 0, 500000)),  # on leave: flagged
        vehicle_use(2, 2, at(TUE, 9, 0)),  # drove in the morning, leave in the afternoon
        vehicle_use(3, 3, at(TUE, 14, 0)),  # on a trip (the car may be the trip's)
        vehicle_use(4, 4, at(MON, 10, 0)),  # on leave: flagged (the first day)
        vehicle_use(5, 2, at(WED, 12, 59, 59)),  # in the morning's leave: flagged (the last day)
        vehicle_use(6, 1, at(SUN15, 9, 0)),  # before the range
    ]
    visits = [visit(41, 3, TUE), visit(42, 3, WED), visit(43, 1, WED), visit(44, 4, WED), visit(45, 3, MON)]
    fuel = {"fuel": True, "visit": True, "transport": "private_car"}
    expenses = [
        expense(21, 1, MON, "80.00", "加油站", "vehicle", **fuel),  # a day of leave: flagged
        expense(22, 2, WED, "60.00", "加油站", "vehicle", **fuel),  # no visit (a morning's leave): flagged
        expense(23, 3, TUE, "50.00", "加油站", "vehicle", **fuel),  # on a trip, the visit logged
        expense(24, 4, TUE, "40.00", "加油站", "vehicle", fuel=True, transport="private_car"),  # not a visit
        expense(25, 4, TUE, "30.00", "加油站", "vehicle", visit=True, transport="private_car"),  # not fuel
        expense(26, 3, WED, "70.00", "加油站", "vehicle", fuel=True, visit=True, transport="public"),  # bus
        expense(27, 1, WED, "20.00", "加油站", "vehicle", **fuel),  # a morning's leave, the visit logged
        expense(28, 4, WED, "10.00", "加油站", "vehicle", **fuel),  # on a trip, the visit logged
        expense(29, 2, SUN15, "90.00", "加油站", "vehicle", **fuel),  # before the range
        expense(30, 3, MON, "55.00", "加油站", "vehicle", **fuel),  # no absence, the visit logged
    ]
    f = world(MON, WED, absences=absences, vehicle_uses=uses, visits=visits, expenses=expenses)

    def car(person, day, pk, departs, time, leave_pk):
        return finding(
            "R-XCK-6",
            person,
            day,
            f"vehicle_use:{pk}",
            msg(
                ID6_CAR,
                name=PEOPLE[person][1],
                plate="川A1",
                time=time,
                **side(
                    "a",
                    "Approved leave",
                    day,
                    where=leave_where[leave_pk],
                    label="事假",
                    url=f"/leave/{leave_pk}/",
                ),
                **side("b", "Official vehicle use", departs, label="川A1", url=f"/vehicle_use/{pk}/"),
            ),
        )

    leave_where = {5: WHOLE, 2: WHOLE, 6: MORNING}
    assert r_xck_6(f, MON, WED) == [
        car(4, MON, 4, at(MON, 10, 0), dt.time(10, 0), 5),
        car(1, TUE, 1, at(TUE, 9, 0, 0, 500000), dt.time(9, 0), 2),
        car(2, WED, 5, at(WED, 12, 59, 59), dt.time(12, 59, 59), 6),
        finding(
            "R-XCK-6",
            1,
            MON,
            "expense:21",
            msg(
                ID6_LEAVE,
                name="甲",
                amount=Decimal("80.00"),
                day=MON,
                **side("a", "Approved leave", MON, where=WHOLE, label="事假", url="/leave/1/"),
                **side("b", "Fuel claim", MON, label="加油站 ¥80.00", url="/expense/21/"),
            ),
        ),
        finding(
            "R-XCK-6",
            2,
            WED,
            "expense:22",
            msg(
                ID6_NO_VISIT,
                name="乙",
                amount=Decimal("60.00"),
                day=WED,
                **side("a", "Village visit", WED, label="—"),
                **side("b", "Fuel claim", WED, label="加油站 ¥60.00", url="/expense/22/"),
            ),
        ),
    ]


# --- R-XCK-7 --------------------------------------------------------------------------------------


def test_r_xck_7_same_unit_with_a_meal_three_times_a_quarter(world):
    oct_ = lambda d: dt.date(2026, 10, d)  # noqa: E731
    nov = lambda d: dt.date(2026, 11, d)  # noqa: E731
    meals = [
        meal("reception", 1, 1, oct_(12), unit="县财政局"),
        meal("reception", 2, 2, nov(3), unit=" 县财政局"),
        meal("reception", 3, 3, MON, unit="县财政局 "),  # the third: flagged on Monday
        meal("reception", 4, 4, WED, unit="县财政局"),  # a fourth: the same finding, n = 4
        meal("reception", 5, 1, oct_(1), unit="Tax Bureau"),
        meal("reception", 6, 1, oct_(2), unit="tax  bureau"),
        meal("reception", 7, 2, FRI, unit="TAX BUREAU"),  # the third, however written: flagged (the last day)
        meal("reception", 8, 1, dt.date(2026, 9, 28), unit="县农业局"),  # the third quarter's
        meal("reception", 9, 1, oct_(20), unit="县农业局"),
        meal("reception", 10, 1, TUE, unit="县农业局"),  # twice in the fourth quarter: no
        *(meal("reception", pk, 1, oct_(d), unit="县教育局") for pk, d in ((11, 5), (12, 9), (13, 21))),
        meal("reception", 14, 1, TUE, unit="县教育局"),  # the third was in October: an earlier run's
        *(meal("meeting", pk, 1, d) for pk, d in ((15, MON), (16, TUE), (17, WED))),  # meetings: no unit
        *(meal("reception", pk, 1, d, unit="  ") for pk, d in ((18, MON), (19, TUE), (20, WED))),  # no unit
    ]
    f = world(MON, FRI, meals=meals)
    # the key holds sha1 of the unit's name, spaces and case folded, to 16 hex digits
    assert r_xck_7(f, MON, FRI) == [
        finding(
            "R-XCK-7",
            2,
            FRI,
            "unit:359cb8e8df4f3218:2026Q4",  # sha1("tax bureau")
            msg(
                ID7,
                unit="TAX BUREAU",
                n=3,
                quarter="2026Q4",
                **side("a", "Reception", oct_(1), label="reception#5", url="/reception/5/"),
                **side("b", "Reception", FRI, label="reception#7", url="/reception/7/"),
            ),
        ),
        finding(
            "R-XCK-7",
            3,
            MON,
            "unit:9675561d6064afec:2026Q4",  # sha1("县财政局")
            msg(
                ID7,
                unit="县财政局 ",
                n=4,
                quarter="2026Q4",
                **side("a", "Reception", oct_(12), label="reception#1", url="/reception/1/"),
                **side("b", "Reception", MON, label="reception#3", url="/reception/3/"),
            ),
        ),
    ]


# --- R-XCK-8 --------------------------------------------------------------------------------------


def test_r_xck_8_meal_on_a_rest_day_or_late_outside_the_canteen(world):
    meals = [
        meal("reception", 12, 3, SUN15),  # a Sunday, before the range
        meal("meeting", 11, 4, MON, ends_at=at(MON, 19, 30, 0, 600000), canteen=False),  # late: flagged
        meal("reception", 4, 1, MON, canteen=False),  # a reception keeps no times: not late
        meal("meeting", 5, 2, TUE, ends_at=at(TUE, 18, 0), canteen=False),  # 18:00 itself is late: flagged
        meal("meeting", 6, 2, WED, ends_at=at(WED, 17, 59, 59), canteen=False),  # within working hours
        meal("meeting", 7, 2, WED, ends_at=at(WED, 20, 0)),  # late, but in the canteen
        meal("reception", 3, 1, THU, FRI),  # Thursday and Friday: working days
        meal("reception", 2, 1, FRI, SAT),  # Friday to Saturday: flagged, on Friday, for Saturday
        meal("meeting", 8, 2, SAT, ends_at=at(SAT, 19, 0), canteen=False),  # Saturday (and late): flagged
        meal("reception", 1, 1, SAT),  # flagged
        meal("reception", 9, 3, SAT, reason="县防汛检查组周六到镇"),  # the reason stated
        meal("reception", 10, 3, SAT, reason="  \n "),  # blanks are no reason: flagged
        meal("reception", 13, 4, SUN),  # Sunday, the last day: flagged
    ]
    f = world(MON, SUN, meals=meals)

    def rest(person, day, kind, pk, what, rest_day=SAT):
        return finding(
            "R-XCK-8",
            person,
            day,
            f"{kind}:{pk}",
            msg(
                ID8_REST,
                what=msg(what),
                label=f"{kind}#{pk}",
                day=rest_day,
                **side("a", what, day, label=f"{kind}#{pk}", url=f"/{kind}/{pk}/"),
            ),
        )

    def late(person, day, pk, ends_at, time):
        return finding(
            "R-XCK-8",
            person,
            day,
            f"meeting:{pk}",
            msg(
                ID8_LATE,
                what=msg("Meeting attended"),
                label=f"meeting#{pk}",
                time=time,
                **side("a", "Meeting attended", ends_at, label=f"meeting#{pk}", url=f"/meeting/{pk}/"),
            ),
        )

    assert r_xck_8(f, MON, SUN) == [
        late(4, MON, 11, at(MON, 19, 30, 0, 600000), dt.time(19, 30)),
        late(2, TUE, 5, at(TUE, 18, 0), dt.time(18, 0)),
        rest(1, FRI, "reception", 2, "Reception"),
        rest(2, SAT, "meeting", 8, "Meeting attended"),
        rest(1, SAT, "reception", 1, "Reception"),
        rest(3, SAT, "reception", 10, "Reception"),
        rest(4, SUN, "reception", 13, "Reception", rest_day=SUN),
    ]


# --- running them ----------------------------------------------------------------------------------


def test_month_chunks_split_a_range_by_calendar_month():
    assert list(month_chunks(dt.date(2026, 10, 15), dt.date(2026, 12, 3))) == [
        (dt.date(2026, 10, 15), dt.date(2026, 10, 31)),
        (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        (dt.date(2026, 12, 1), dt.date(2026, 12, 3)),
    ]
    assert list(month_chunks(dt.date(2026, 1, 31), dt.date(2026, 3, 1))) == [
        (dt.date(2026, 1, 31), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 1)),
    ]
    assert list(month_chunks(dt.date(2026, 12, 31), dt.date(2027, 1, 1))) == [
        (dt.date(2026, 12, 31), dt.date(2026, 12, 31)),
        (dt.date(2027, 1, 1), dt.date(2027, 1, 1)),
    ]
    assert list(month_chunks(MON, MON)) == [(MON, MON)]
    assert list(month_chunks(TUE, MON)) == []


@pytest.fixture
def recorded(monkeypatch):
    """The checks and ``_settle`` replaced by recorders: each check returns one spec per month it
    is given (R-XCK-3 only in November); ``_settle`` counts them."""
    calls = []

    def check(rule_id):
        def run(facts, lo, hi):
            calls.append(("check", rule_id, facts.township_id, facts.start, facts.end, lo, hi))
            return [] if rule_id == "R-XCK-3" and lo.month != 11 else [f"{rule_id}@{lo}"]

        return run

    def settle(township_id, rule_id, lo, hi, specs):
        calls.append(("settle", township_id, rule_id, lo, hi, specs))
        return len(specs) * 2  # (what _settle returns is what is counted)

    monkeypatch.setattr(crosschecks, "CHECKS", {r: check(r) for r in RULES})
    monkeypatch.setattr(crosschecks, "_settle", settle)
    return calls


def test_crosscheck_range_runs_each_rule_month_by_month_and_counts(recorded):
    progress = []
    counts = crosscheck_range(
        township_id=TOWNSHIP,
        start=dt.date(2026, 10, 30),
        end=dt.date(2026, 12, 1),
        rules=("R-XCK-3", "R-XCK-1"),
        progress=lambda done, total: progress.append((done, total)),
    )
    # R-XCK-1: one spec a month, three months, counted twice each (the fake settle): 6; R-XCK-3: 2
    assert counts == {"R-XCK-3": 2, "R-XCK-1": 6}
    assert progress == [(1, 3), (2, 3), (3, 3)]
    months = [
        (dt.date(2026, 10, 30), dt.date(2026, 10, 31)),
        (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        (dt.date(2026, 12, 1), dt.date(2026, 12, 1)),
    ]
    expected = []
    for lo, hi in months:
        for rule_id in ("R-XCK-3", "R-XCK-1"):
            specs = [f"{rule_id}@{lo}"] if rule_id == "R-XCK-1" or lo.month == 11 else []
            expected += [
                ("check", rule_id, TOWNSHIP, lo, hi, lo, hi),
                ("settle", TOWNSHIP, rule_id, lo, hi, specs),
            ]
    assert recorded == expected


def test_crosscheck_day_runs_every_rule_for_the_day(recorded):
    assert crosscheck_day(township_id=TOWNSHIP, day=TUE) == {f"R-XCK-{n}": 2 for n in range(1, 9)}
    assert [c[2] for c in recorded if c[0] == "settle"] == [f"R-XCK-{n}" for n in range(1, 9)]
    assert {c[1:2] + c[3:5] for c in recorded if c[0] == "settle"} == {(TOWNSHIP, TUE, TUE)}


# --- the evidence -----------------------------------------------------------------------------------


def test_evidence_shows_both_records_side_by_side():
    message = msg(
        ID1,
        a_what=msg("Punch"),
        a_when=dt.datetime(2026, 11, 17, 0, 25, 5, tzinfo=dt.UTC),  # 08:25:05 in the township
        a_where="30.65000, 104.06000 · 120 m",
        a_device="browser:ab",
        a_label="",
        a_url="//evil.example/x",
        b_what=msg("Approved leave"),
        b_when=TUE,
        b_where=msg("whole day"),
        b_label="事假",
        b_url="/leave/102/",
    ).to_json()
    assert evidence(SimpleNamespace(message=message)) == [
        {
            "what": "Punch",
            "when": "2026-11-17 08:25:05",
            "where": "30.65000, 104.06000 · 120 m",
            "device": "browser:ab",
            "label": "",
            "url": "",  # not a path of this site
        },
        {
            "what": "Approved leave",
            "when": "2026-11-17",
            "where": "whole day",
            "device": "",  # none given
            "label": "事假",
            "url": "/leave/102/",
        },
    ]


def test_evidence_of_one_side_odd_values_and_unreadable_messages():
    message = msg(
        ID1,
        b_what=msg("Village visit"),
        b_when=dt.datetime(2026, 11, 17, 8, 25, 5),  # noqa: DTZ001 (naive on purpose: shown as it is)
        b_where=None,
        b_label=5,
        b_url="http://evil.example/",
    ).to_json()
    assert evidence(SimpleNamespace(message=message)) == [
        {
            "what": "Village visit",
            "when": "2026-11-17 08:25:05",
            "where": "",
            "device": "",
            "label": "5",
            "url": "",
        }
    ]
    assert evidence(SimpleNamespace(message=msg(ID1, b_what="x", b_url=None).to_json()))[0]["url"] == ""
    assert evidence(SimpleNamespace(message=None)) == []
    assert evidence(SimpleNamespace(message={})) == []
    assert evidence(SimpleNamespace(message={"params": {}})) == []  # no id
    assert evidence(SimpleNamespace(message=["not", "a", "message"])) == []


# --- the database: raising, withdrawing, the nightly re-check, the monthly counts -----------------


def _row(township, rule_id, day, key, status="open", **kw):
    from township.models import Finding

    return Finding.objects.create(
        township=township, rule_id=rule_id, on_date=day, subject_key=key, detail="x", status=status, **kw
    )


@pytest.mark.django_db
def test_settle_raises_withdraws_and_opens_again():
    from township.models import Finding
    from township.tests.factories import TownshipFactory, UserFactory

    t, other = TownshipFactory(), TownshipFactory()
    inspector = UserFactory(township=t)
    gone = {"id": WITHDRAWN, "params": {}}
    now = dt.datetime(2027, 6, 15, 12, 0, tzinfo=dt.UTC)
    a = _row(t, "R-XCK-4", MON, "k:a")  # due again: stays open
    b = _row(t, "R-XCK-4", TUE, "k:b")  # due on another day only: withdrawn
    # not due, on the range's first day (reopened earlier by an inspector): withdrawn, by nobody
    first = _row(t, "R-XCK-4", MON, "k:first", resolved_by=inspector)
    last = _row(t, "R-XCK-4", FRI, "k:last")  # not due, on its last day: withdrawn
    after = _row(t, "R-XCK-4", SAT, "k:after")  # outside the range: left alone
    rule = _row(t, "R-XCK-1", TUE, "k:b")  # another rule's: left alone
    theirs = _row(other, "R-XCK-4", TUE, "k:b")  # another township's: left alone
    decided = _row(t, "R-XCK-4", WED, "k:g", "dismissed", resolved_by=inspector, resolution="本人销假")
    back = _row(  # withdrawn by an earlier run, due again: open again
        t,
        "R-XCK-4",
        THU,
        "k:h",
        "dismissed",
        resolved_at=now,
        resolution="withdrawn",
        resolution_message=gone,
    )
    # withdrawn, then reviewed and dismissed by an inspector: stays as decided, though due
    reviewed = _row(t, "R-XCK-4", FRI, "k:r", "dismissed", resolved_by=inspector, resolution_message=gone)
    other_system = _row(
        t, "R-XCK-4", THU, "k:i", "dismissed", resolution_message={"id": "Recomputed", "params": {}}
    )
    # confirmed, with a withdrawal's words stored (however it came by them): stays confirmed
    confirmed = _row(t, "R-XCK-4", TUE, "k:c", "confirmed", resolution_message=gone)
    still_gone = _row(t, "R-XCK-4", WED, "k:j", "dismissed", resolution="withdrawn", resolution_message=gone)

    def spec(key, day):
        return FindingSpec(rule_id="R-XCK-4", township_id=t.pk, detail="x", on_date=day, key=key)

    due = [
        spec("k:a", MON),
        spec("k:b", WED),
        spec("k:g", WED),
        spec("k:h", THU),
        spec("k:i", THU),
        spec("k:r", FRI),
        spec("k:c", TUE),
    ]
    assert crosschecks._settle(t.pk, "R-XCK-4", MON, FRI, due) == 7

    def state(f):
        f.refresh_from_db()
        return (f.status, f.resolved_by_id, f.resolved_at, f.resolution, f.resolution_message)

    withdrawn = ("dismissed", None, now, "Withdrawn: the records it rested on changed or are gone.", gone)
    untouched = ("open", None, None, "", None)
    assert [state(f) for f in (b, first, last)] == [withdrawn] * 3
    assert [state(f) for f in (a, after, rule, theirs, back)] == [untouched] * 5
    assert state(decided) == ("dismissed", inspector.pk, None, "本人销假", None)
    assert state(other_system)[0] == state(still_gone)[0] == "dismissed"
    assert state(reviewed)[:2] == ("dismissed", inspector.pk)
    assert state(confirmed) == ("confirmed", None, None, "", gone)
    assert state(still_gone)[4] == gone
    assert Finding.objects.filter(
        township=t, rule_id="R-XCK-4", subject_key="k:b", on_date=WED, status="open"
    ).exists()


@pytest.mark.django_db
def test_crosscheck_night_rechecks_the_months_with_open_findings(monkeypatch):
    from township.tests.factories import TownshipFactory

    calls = []

    def fake_range(**kwargs):
        calls.append(kwargs)
        return {"R-XCK-1": len(calls)}

    monkeypatch.setattr(crosschecks, "crosscheck_range", fake_range)
    t, other = TownshipFactory(), TownshipFactory()
    day = dt.date(2026, 12, 2)  # 92 days back: 1 September; 93: 31 August
    _row(t, "R-XCK-1", dt.date(2026, 9, 1), "k1")  # the first day looked at
    _row(t, "R-XCK-2", dt.date(2026, 8, 31), "k2")  # a day too far back
    _row(t, "R-XCK-3", day, "k3")  # the day itself: checked as the day
    _row(t, "R-XCK-5", dt.date(2026, 10, 15), "k5", "dismissed")  # decided
    _row(t, "R-LV-3", dt.date(2026, 10, 20), "k6")  # not a cross-check
    _row(other, "R-XCK-1", dt.date(2026, 10, 21), "k7")  # another township's
    _row(t, "R-XCK-4", dt.date(2026, 11, 3), "k8")
    _row(t, "R-XCK-8", dt.date(2026, 11, 20), "k9")  # the same month: checked once
    assert crosscheck_night(township_id=t.pk, day=day) == {"R-XCK-1": 1}  # the day's own run
    assert calls == [
        {"township_id": t.pk, "start": day, "end": day},
        {"township_id": t.pk, "start": dt.date(2026, 9, 1), "end": dt.date(2026, 9, 30)},
        {"township_id": t.pk, "start": dt.date(2026, 11, 1), "end": dt.date(2026, 11, 30)},
    ]

    # Ten days back from 15 November: the 5th.  The month is checked from the 5th to the 14th.
    calls.clear()
    _row(other, "R-XCK-1", dt.date(2026, 11, 10), "k10")
    crosscheck_night(township_id=other.pk, day=dt.date(2026, 11, 15), recheck_days=10)
    assert calls == [
        {"township_id": other.pk, "start": dt.date(2026, 11, 15), "end": dt.date(2026, 11, 15)},
        {"township_id": other.pk, "start": dt.date(2026, 11, 5), "end": dt.date(2026, 11, 14)},
    ]


@pytest.mark.django_db
def test_month_counts_per_rule_and_month():
    from township.crosschecks import month_counts
    from township.models import Finding
    from township.tests.factories import TownshipFactory

    t = TownshipFactory()
    for rule, day in (
        ("R-XCK-1", dt.date(2025, 11, 3)),
        ("R-XCK-1", dt.date(2025, 11, 28)),
        ("R-XCK-1", dt.date(2026, 1, 5)),
        ("R-XCK-5", dt.date(2025, 12, 31)),
        ("R-XCK-5", dt.date(2026, 2, 1)),
    ):
        _row(t, rule, day, f"{rule}:{day}")
    labels, counts = month_counts(Finding.objects.all(), start=dt.date(2025, 11, 20), end=dt.date(2026, 2, 1))
    assert labels == ["2025-11", "2025-12", "2026-01", "2026-02"]  # the end's month, on its first day
    one_day = dt.date(2026, 2, 1)
    assert month_counts(Finding.objects.none(), start=one_day, end=one_day) == (["2026-02"], {})
    assert counts == {"R-XCK-1": {"2025-11": 2, "2026-01": 1}, "R-XCK-5": {"2025-12": 1, "2026-02": 1}}
