"""fieldwork/selectors.py's quota figures (R-FLD-1/2/3/6) on a small world whose every figure is
worked out by hand below: village days of 2025 counted up to 2 July, yearly targets pro-rated for
people who joined mid-year, per-township policy values, the monthly chart and the hook answers.

2025 has 365 days; 2 July is day 31+28+31+30+31+30+2 = 183; 1 April is day 91, so somebody who
joined on 1 April owes 365 - 90 = 275 days of the year and has been there 183 - 90 = 93 days by
2 July.  Time is frozen in 2026, when the township's 2026 settings differ from its 2025 ones: the
2025 figures must come from the 2025 settings whatever today is."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine

from fieldwork.selectors import fieldwork_days, fieldwork_summary, quota_chart, quota_rows
from fieldwork.tests.factories import (
    HouseholdFactory,
    PairingFactory,
    ReportFactory,
    TopicFactory,
    VisitFactory,
)
from township.models import Role, User
from township.policy import policy_set
from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db

D, Y = dt.date, Decimal
ON = D(2025, 7, 2)


@pytest.fixture(autouse=True)
def _in_2026():
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world():
    t = TownshipFactory()
    u = TownshipFactory(county=t.county)
    dept_t, dept_u = DepartmentFactory(township=t), DepartmentFactory(township=u)
    admin = UserFactory(township=None, county=t.county, roles=[Role.ADMINISTRATOR])
    v1, v2 = VillageFactory(township=t), VillageFactory(township=t)
    a = UserFactory(township=t, department=dept_t, category="section_leader")
    b = UserFactory(township=t, department=dept_t, category="other_cadre", joined_on=D(2025, 4, 1))
    e = UserFactory(township=t, department=dept_t, category="other_cadre")
    User.objects.filter(pk=e.pk).update(category="")  # an old record without a valid category
    e.refresh_from_db()
    c = UserFactory(township=t, department=dept_t, category="village_cadre", is_active=False)
    d = UserFactory(township=u, department=dept_u, category="other_cadre")
    # Township t's own settings: 73 days for other cadres and a 5-day warning in 2025; 80 in 2026.
    policy_set(actor=admin, key="R-FLD-1.other_cadre", year=2025, value="73", township=t)
    policy_set(actor=admin, key="R-FLD-1.other_cadre", year=2026, value="80", township=t)
    policy_set(actor=admin, key="R-FLD-1.warning_days", year=2025, value="5", township=t)
    # A: 1 January (the first day counts), the morning of 2 July (the last day counts, half);
    # not 31 December 2024 nor 3 July (after "on").
    VisitFactory(person=a, village=v1, date=D(2025, 1, 1))
    VisitFactory(person=a, village=v1, date=D(2025, 7, 2), part="am")
    VisitFactory(person=a, village=v1, date=D(2024, 12, 31))
    VisitFactory(person=a, village=v1, date=D(2025, 7, 3))
    VisitFactory(person=b, village=v1, date=D(2025, 4, 15))
    # E: two halves of 15 April in two villages make one day.
    VisitFactory(person=e, village=v1, date=D(2025, 4, 15), part="am")
    VisitFactory(person=e, village=v2, date=D(2025, 4, 15), part="pm")
    VisitFactory(person=c, village=v2, date=D(2025, 3, 10))
    VisitFactory(person=d, village=VillageFactory(township=u), date=D(2025, 4, 15))
    # A's research: 2 key topics of 2025 (not the ordinary one, not 2024's); 2 counted reports of
    # 2025 (submitted, accepted; not the draft, the returned one, nor 2024's); 2 households of 2025.
    TopicFactory(person=a, year=2025)
    TopicFactory(person=a, year=2025)
    TopicFactory(person=a, year=2025, is_key=False)
    TopicFactory(person=a, year=2024)
    for status, year in [
        ("submitted", 2025),
        ("accepted", 2025),
        ("draft", 2025),
        ("returned", 2025),
        ("submitted", 2024),
    ]:
        ReportFactory(
            person=a,
            year=year,
            status=status,
            submitted_at=None if status == "draft" else dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
            reviewed_by=admin if status in ("accepted", "returned") else None,
        )
    household = HouseholdFactory(village=v1)
    PairingFactory(cadre=a, year=2025, household=household)
    PairingFactory(cadre=a, year=2025, household=HouseholdFactory(village=v2))
    PairingFactory(cadre=a, year=2024, household=household)
    return SimpleNamespace(t=t, u=u, a=a, b=b, c=c, d=d, e=e)


def figures(row):
    return (
        row.days,
        row.target,
        row.due,
        row.topics,
        row.topics_target,
        row.reports,
        row.reports_target,
        row.pairings,
        row.pairings_target,
        row.warning_margin,
    )


def test_r_fld_1_quota_rows_by_hand(world, django_assert_num_queries):
    w = world
    people = User.objects.filter(pk__in=[w.a.pk, w.b.pk, w.c.pk, w.d.pk, w.e.pk])
    # One aggregate statement; per township one county look-up and one policy read (2 x 2).
    with django_assert_num_queries(5):
        rows = {r.person.pk: r for r in quota_rows(people, year=2025, on=ON)}
        departments = {pk: r.person.department.name for pk, r in rows.items()}  # select_related
    assert departments[w.d.pk] != departments[w.a.pk]
    # A, section leader: 1 + 0.5 days; 120 a year; 120 x 183 / 365 = 60.16 -> 60.2 due.
    assert figures(rows[w.a.pk]) == (Y("1.5"), Y("120.0"), Y("60.2"), 2, 2, 2, 4, 2, 2, Y("5"))
    # B, other cadre in t (73 in 2025), joined 1 April: 73 x 275 / 365 = 55.0; 73 x 93 / 365 = 18.6.
    assert figures(rows[w.b.pk]) == (Y("1"), Y("55.0"), Y("18.6"), 0, 0, 0, 1, 0, 1, Y("5"))
    # E, no valid category: counted as other cadre; 73 x 183 / 365 = 36.6; two halves = 1 day.
    assert figures(rows[w.e.pk]) == (Y("1"), Y("73.0"), Y("36.6"), 0, 0, 0, 1, 0, 1, Y("5"))
    # C, village cadre: 240 a year; 240 x 183 / 365 = 120.33 -> 120.3.
    assert figures(rows[w.c.pk]) == (Y("1"), Y("240.0"), Y("120.3"), 0, 0, 0, 1, 0, 1, Y("5"))
    # D, other cadre of township u (no settings: 60, warning 10): 60 x 183 / 365 = 30.08 -> 30.1.
    assert figures(rows[w.d.pk]) == (Y("1"), Y("60.0"), Y("30.1"), 0, 0, 0, 1, 0, 1, Y("10"))


def test_r_fld_1_year_end_and_before_anything_counted(world):
    w = world
    # Asked in 2026 about 2025: 31 December is the last day (2025's 3 July now counts; not 2024's
    # 31 December): A has 1 + 0.5 + 1 = 2.5 days; the whole year is due.
    row = quota_rows(User.objects.filter(pk=w.a.pk), year=2025, on=D(2026, 2, 1))[0]
    assert (row.days, row.target, row.due) == (Y("2.5"), Y("120.0"), Y("120.0"))
    # 2024 up to its end: only 31 December 2024; 1 topic, 1 counted report, 1 household.
    row = quota_rows(User.objects.filter(pk=w.a.pk), year=2024, on=D(2024, 12, 31))[0]
    assert (row.days, row.topics, row.reports, row.pairings) == (Y("1"), 1, 1, 1)
    # Before 2025's first visit (asked on 31 December 2024 about 2025): nothing yet.
    row = quota_rows(User.objects.filter(pk=w.a.pk), year=2025, on=D(2024, 12, 31))[0]
    assert (row.days, row.due) == (Y("0"), Y("0.0"))


def test_hook_fieldwork_summary_by_hand(world):
    w = world
    summary = fieldwork_summary(township_id=w.t.pk, year=2025, on=ON)
    assert set(summary) == {w.a.pk, w.b.pk, w.e.pk}  # C left (inactive); D is of township u
    assert summary[w.a.pk] == {
        "village_days": Y("1.5"),
        "target": Y("120.0"),
        "prorated_target": Y("60.2"),
        "topics": 2,
        "topics_target": 2,
        "reports": 2,
        "reports_target": 4,
        "pairings": 2,
        "pairings_target": 2,
    }
    assert summary[w.b.pk] == {
        "village_days": Y("1"),
        "target": Y("55.0"),
        "prorated_target": Y("18.6"),
        "topics": 0,
        "topics_target": 0,
        "reports": 0,
        "reports_target": 1,
        "pairings": 0,
        "pairings_target": 1,
    }


def test_hook_fieldwork_days_by_hand(world):
    w = world
    days = fieldwork_days(township_id=w.t.pk, start=D(2025, 1, 1), end=ON)
    # Both ends included; E's two halves make 1; D (township u), 31 Dec 2024 and 3 July left out.
    assert days == {
        (w.a.pk, D(2025, 1, 1)): Y("1"),
        (w.a.pk, D(2025, 7, 2)): Y("0.5"),
        (w.c.pk, D(2025, 3, 10)): Y("1"),
        (w.b.pk, D(2025, 4, 15)): Y("1"),
        (w.e.pk, D(2025, 4, 15)): Y("1"),
    }
    assert fieldwork_days(township_id=w.u.pk, start=D(2025, 4, 15), end=D(2025, 4, 15)) == {
        (w.d.pk, D(2025, 4, 15)): Y("1")
    }


def test_quota_chart_by_month_and_category_by_hand(world):
    w = world
    chart = quota_chart(User.objects.filter(township=w.t), year=2025, on=ON)
    z = [0.0] * 12
    assert chart == {
        "type": "bar",
        "data": {
            "labels": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"],
            "datasets": [
                # A: January 1, July 0.5 (3 July is after "on", 31 Dec 2024 another year).
                {
                    "label": "Section-level leader",
                    "data": [1.0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0],
                    "backgroundColor": "#b71c1c",
                },
                {"label": "Village-resident cadre", "data": z, "backgroundColor": "#1565c0"},
                # April: B 1 + E 1 (no valid category: other cadre) = 2; D is not asked about.
                {
                    "label": "Other township cadre",
                    "data": [0, 0, 0, 2.0, 0, 0, 0, 0, 0, 0, 0, 0],
                    "backgroundColor": "#2e7d32",
                },
                # C (village cadre): 10 March.
                {
                    "label": "Village/community cadre",
                    "data": [0, 0, 1.0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                    "backgroundColor": "#ef6c00",
                },
            ],
        },
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True, "beginAtZero": True}}},
    }
    # Asked after the year: December 2025 is the last month, and January 2026 is left out.
    VisitFactory(person=w.a, village=VillageFactory(township=w.t), date=D(2025, 12, 31))
    VisitFactory(person=w.a, village=VillageFactory(township=w.t), date=D(2026, 1, 2))
    chart = quota_chart(User.objects.filter(pk=w.a.pk), year=2025, on=D(2026, 2, 1))
    # January 1, July 0.5 + 1 (3 July now counts), December 1.
    assert chart["data"]["datasets"][0]["data"] == [1.0, 0, 0, 0, 0, 0, 1.5, 0, 0, 0, 0, 1.0]
