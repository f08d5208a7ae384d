"""fieldwork's answers to the core's questions, on data whose right figures are worked out by hand
from the policy defaults (fieldwork/policies.py) and RULES.md R-FLD-1/2/3/6."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from fieldwork.hooks import fieldwork_days, fieldwork_summary, register
from fieldwork.models import DayPart, VillageVisit
from fieldwork.tests.factories import (
    HouseholdFactory,
    PairingFactory,
    ReportFactory,
    TopicFactory,
    VillageFactory,
    VisitFactory,
)
from township.hooks import ANSWERS, QUESTIONS, FieldworkFigures, ask, conforms, mismatches

ON = dt.date(2025, 4, 10)  # 31 + 28 + 31 + 10 = day 100 of 2025 (365 days)
NOW = dt.datetime(2025, 4, 11, 9, 0, tzinfo=dt.UTC)
FULL, AM, PM = DayPart.FULL, DayPart.MORNING, DayPart.AFTERNOON


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def visit(person, day, part=FULL, village=None):
    return VisitFactory(
        person=person, date=day, part=part, village=village or VillageFactory(township=person.township)
    )


@pytest.fixture
def world(org, other_org):
    staff, leader, colleague, clerk = org.staff, org.leader, org.colleague, org.clerk
    colleague.category, colleague.joined_on = "village_resident", dt.date(2025, 3, 1)
    colleague.save(update_fields=["category", "joined_on"])
    clerk.category = "village_cadre"
    clerk.save(update_fields=["category"])
    # staff (other cadre): 1 + (0.5 + 0.5) + 0.5 + 1 = 3.5 village days by 10 April.
    visit(staff, dt.date(2024, 12, 31))  # last year
    visit(staff, dt.date(2025, 1, 2))
    visit(staff, dt.date(2025, 2, 3), AM)
    visit(staff, dt.date(2025, 2, 3), PM)  # another village in the afternoon: one whole day
    visit(staff, dt.date(2025, 3, 5), AM)
    visit(staff, ON)  # the day itself counts
    visit(staff, dt.date(2025, 4, 11))  # after ``on``
    # leader (section-level): half a day.
    visit(leader, dt.date(2025, 3, 5), PM)
    # The other township's cadre went the same day: not in this township's answer.
    visit(other_org.staff, dt.date(2025, 3, 5))
    # Research: staff's submitted and accepted reports of 2025 count, not the draft, the returned
    # one or last year's; the leader's key topic of 2025 counts, not the ordinary one.
    for year, status in [
        (2025, "submitted"),
        (2025, "accepted"),
        (2025, "draft"),
        (2025, "returned"),
        (2024, "accepted"),
    ]:
        ReportFactory(
            person=staff,
            year=year,
            status=status,
            submitted_at=None if status == "draft" else NOW,
            reviewed_by=org.head if status in ("accepted", "returned") else None,
        )
    TopicFactory(person=leader, year=2025, is_key=True)
    TopicFactory(person=leader, year=2025, is_key=False)
    TopicFactory(person=leader, year=2024, is_key=True)
    # Pairings: staff pairs two households in 2025 (and one of them in 2024 too).
    village = VillageFactory(township=org.township)
    h1, h2 = HouseholdFactory(village=village), HouseholdFactory(village=village)
    PairingFactory(cadre=staff, household=h1, year=2025)
    PairingFactory(cadre=staff, household=h2, year=2025)
    PairingFactory(cadre=staff, household=h1, year=2024)
    return org


def test_fieldwork_days_full_and_half_days(world):
    org = world
    answer = fieldwork_days(township_id=org.township.pk, start=dt.date(2025, 2, 1), end=ON)
    assert answer == {
        (org.staff.pk, dt.date(2025, 2, 3)): Decimal("1"),  # morning + afternoon
        (org.staff.pk, dt.date(2025, 3, 5)): Decimal("0.5"),
        (org.leader.pk, dt.date(2025, 3, 5)): Decimal("0.5"),
        (org.staff.pk, ON): Decimal("1"),
    }
    assert not mismatches(answer, QUESTIONS["fieldwork_days"].answer_type)
    # One day only, at each end of the year.
    assert fieldwork_days(
        township_id=org.township.pk, start=dt.date(2025, 1, 2), end=dt.date(2025, 1, 2)
    ) == {(org.staff.pk, dt.date(2025, 1, 2)): Decimal("1")}
    assert (
        fieldwork_days(township_id=org.township.pk, start=dt.date(2025, 4, 12), end=dt.date(2025, 4, 30))
        == {}
    )


def test_fieldwork_summary_worked_out_by_hand(world):
    org = world
    answer = fieldwork_summary(township_id=org.township.pk, year=2025, on=ON)
    # Other cadre: 60 a year; due by day 100: 60 * 100 / 365 = 16.438... -> 16.4.
    assert answer[org.staff.pk] == {
        "village_days": Decimal("3.5"),
        "target": Decimal("60.0"),
        "prorated_target": Decimal("16.4"),
        "topics": 0,
        "topics_target": 0,
        "reports": 2,
        "reports_target": 1,
        "pairings": 2,
        "pairings_target": 1,
    }
    # Section-level leader: 120; 120 * 100 / 365 = 32.876... -> 32.9; 2 key topics, 4 reports, 2 pairings.
    assert answer[org.leader.pk] == {
        "village_days": Decimal("0.5"),
        "target": Decimal("120.0"),
        "prorated_target": Decimal("32.9"),
        "topics": 1,
        "topics_target": 2,
        "reports": 0,
        "reports_target": 4,
        "pairings": 0,
        "pairings_target": 2,
    }
    # Village-resident cadre who joined on 1 March: owes the 306 days from 1 March to 31 December,
    # 180 * 306 / 365 = 150.904... -> 150.9; by 10 April (41 days) 180 * 41 / 365 = 20.219... -> 20.2.
    assert answer[org.colleague.pk] == {
        "village_days": Decimal("0"),
        "target": Decimal("150.9"),
        "prorated_target": Decimal("20.2"),
        "topics": 0,
        "topics_target": 0,
        "reports": 0,
        "reports_target": 2,
        "pairings": 0,
        "pairings_target": 1,
    }
    # Village cadre: 240; 240 * 100 / 365 = 65.753... -> 65.8.
    assert answer[org.clerk.pk]["target"] == Decimal("240.0")
    assert answer[org.clerk.pk]["prorated_target"] == Decimal("65.8")
    assert answer[org.clerk.pk]["reports_target"] == 1
    assert not mismatches(answer, QUESTIONS["fieldwork_summary"].answer_type)
    assert all(conforms(figures, FieldworkFigures) for figures in answer.values())


def test_fieldwork_summary_only_this_townships_active_people(world, other_org):
    org = world
    org.principal2.is_active = False
    org.principal2.save(update_fields=["is_active"])
    answer = fieldwork_summary(township_id=org.township.pk, year=2025, on=ON)
    assert org.principal2.pk not in answer
    assert other_org.staff.pk not in answer
    assert org.staff.pk in answer and len(answer) == 9  # the org's ten people but one


def test_fieldwork_summary_at_the_end_of_the_year_and_after(world):
    org = world
    # On 31 December the whole target is due; later dates do not add to it.
    for on in (dt.date(2025, 12, 31), dt.date(2026, 2, 1)):
        figures = fieldwork_summary(township_id=org.township.pk, year=2025, on=on)[org.staff.pk]
        assert (figures["target"], figures["prorated_target"]) == (Decimal("60.0"), Decimal("60.0"))
        assert figures["village_days"] == Decimal("4.5")  # 11 April counts now


def test_the_registered_answers(world):
    org = world
    assert ANSWERS["fieldwork_days"] == [fieldwork_days]
    assert ANSWERS["fieldwork_summary"] == [fieldwork_summary]
    (days,) = ask("fieldwork_days", township_id=org.township.pk, start=ON, end=ON)
    assert days == {(org.staff.pk, ON): Decimal("1")}
    (summary,) = ask("fieldwork_summary", township_id=org.township.pk, year=2025, on=ON)
    assert summary[org.staff.pk]["village_days"] == Decimal("3.5")


@pytest.fixture
def registry():
    """The answers as the app registered them, whatever the test does to them."""
    saved = {q: list(funcs) for q, funcs in ANSWERS.items()}
    yield
    ANSWERS.clear()
    ANSWERS.update(saved)


def test_register_answers_the_apps_questions(registry):
    """register() (called by FieldworkConfig.ready) answers exactly these questions, once each."""
    ANSWERS["fieldwork_days"], ANSWERS["fieldwork_summary"] = [], []
    register()
    assert ANSWERS["fieldwork_days"] == [fieldwork_days]
    assert ANSWERS["fieldwork_summary"] == [fieldwork_summary]


def test_xck_visits_worked_out_by_hand(world):
    """The visits of a range for the cross-record checks, with their half day and transport."""
    from fieldwork.selectors import xck_visits
    from township.hooks import VisitFact

    org = world
    rows = xck_visits(township_id=org.township.pk, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert conforms(rows, list[VisitFact])
    expected = VillageVisit.objects.filter(township=org.township, date__year=2025)
    assert len(rows) == expected.count() >= 2 and {r["half"] for r in rows} >= {"full", "am"}
    assert sorted((r["id"], r["person_id"], r["date"], r["half"], r["transport"]) for r in rows) == sorted(
        (v.pk, v.person_id, v.date, v.part, v.transport) for v in expected
    )
    assert all(r["url"].endswith(f"/visits/{r['id']}/") for r in rows)
    assert xck_visits(township_id=org.township.pk, start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 2)) == []
