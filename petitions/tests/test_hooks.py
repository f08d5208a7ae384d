"""petitions' answer to the core's question "petition_summary", on cases whose right figures are
worked out by hand (petitions/hooks.py; shape in township.hooks.PetitionSummary).  Each step of a
case is taken on its own day (time travel), through the services.  Defaults: R-PET-2 decide
within 15 days, R-PET-3 reply within 60 days of acceptance, one extension of at most 30."""

import datetime as dt

import pytest
import time_machine

from petitions import hooks as petition_hooks
from petitions import services
from petitions.hooks import petition_summary, reception_days
from petitions.tests.factories import register
from township.approvals import approval_decide, approvals_for_target
from township.hooks import ANSWERS, QUESTIONS, PetitionSummary, ask, conforms, mismatches
from township.tests.factories import DepartmentFactory

Q1 = dict(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
TODAY = dt.date(2026, 5, 15)
ZERO = {"received": 0, "accepted": 0, "on_time": 0, "overdue": 0, "satisfied": 0}


def at(day: dt.date):
    """10:00 in Shanghai on ``day``."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), tick=False)


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


def step(day, func, **kw):
    with at(day):
        return func(**kw)


def case_of(org, registered, accepted=None, leader=None, department=None, replied=None):
    with at(registered):
        case = register(org)
    if accepted:
        step(accepted, services.petition_case_accept, actor=org.clerk, case_id=case.pk)
        step(
            accepted,
            services.petition_case_assign,
            actor=org.clerk,
            case_id=case.pk,
            leader=leader,
            department=department,
            handlers=[org.head],
        )
    if replied:
        step(
            replied, services.petition_case_reply, actor=leader, case_id=case.pk, text="经调查核实，已办结。"
        )
    return case


def extend(org, case, day, approver):
    with at(day):
        services.petition_case_extend(actor=org.head, case_id=case.pk, days=30, reason="需要土地鉴定")
        approval_decide(actor=approver, request_id=approvals_for_target(case).get().pk, decision="approve")


@pytest.fixture
def world(org, other_org):
    leader, principal, dept = org.leader, org.principal, org.department
    org.dept2 = DepartmentFactory(township=org.township)
    org.cases = cases = {}
    # A: replied on 1 March, due 7 March (6 Jan + 60): on time; the petitioner is satisfied.
    cases["A"] = case_of(org, d(1, 5), d(1, 6), leader, dept, replied=d(3, 1))
    step(
        d(3, 10),
        services.petition_case_record_satisfaction,
        actor=org.clerk,
        case_id=cases["A"].pk,
        satisfied=True,
    )
    # B: due 11 March (10 Jan + 60), replied 20 March: late.
    cases["B"] = case_of(org, d(1, 10), d(1, 10), leader, dept, replied=d(3, 20))
    # C: due 4 April (3 Feb + 60), still open on 15 May: overdue.
    cases["C"] = case_of(org, d(2, 2), d(2, 3), principal, org.dept2)
    # E: due 9 May (10 March + 60), extended by 30 days to 8 June: not overdue on 15 May.
    cases["E"] = case_of(org, d(3, 10), d(3, 10), principal, org.dept2)
    extend(org, cases["E"], d(4, 1), org.principal2)
    # F: due 21 March (20 Jan + 60), extended to 20 April, replied 10 April: on time.
    cases["F"] = case_of(org, d(1, 20), d(1, 20), leader, dept)
    extend(org, cases["F"], d(3, 1), org.principal)
    step(d(4, 10), services.petition_case_reply, actor=leader, case_id=cases["F"].pk, text="已答复。")
    # G: registered 25 March, never decided: acceptance was due 9 April: overdue.
    cases["G"] = case_of(org, d(3, 25))
    # R: not accepted (decided in time): received only.
    cases["R"] = case_of(org, d(2, 10))
    step(
        d(2, 12),
        services.petition_case_refuse,
        actor=org.clerk,
        case_id=cases["R"].pk,
        reason="不属于信访事项",
    )
    # Outside the quarter or the township: not counted.
    case_of(org, d(12, 31, 2025), d(12, 31, 2025), leader, dept)
    case_of(org, d(4, 1), d(4, 1), leader, dept)
    case_of(other_org, d(2, 2), d(2, 3), other_org.leader, other_org.department)
    return org


def test_petition_summary_worked_out_by_hand(world):
    org = world
    with at(TODAY):
        summary = petition_summary(township_id=org.township.pk, **Q1)
    assert summary == {
        "received": 7,  # A B C E F G R
        "accepted": 5,  # A B C E F
        "on_time": 2,  # A F
        "overdue": 3,  # B (replied late), C (open past its deadline), G (never decided)
        "satisfied": 1,  # A
        "by_leader": {
            org.leader.pk: {"received": 3, "accepted": 3, "on_time": 2, "overdue": 1, "satisfied": 1},
            org.principal.pk: {"received": 2, "accepted": 2, "on_time": 0, "overdue": 1, "satisfied": 0},
        },
        "by_department": {
            org.department.pk: {"received": 3, "accepted": 3, "on_time": 2, "overdue": 1, "satisfied": 1},
            org.dept2.pk: {"received": 2, "accepted": 2, "on_time": 0, "overdue": 1, "satisfied": 0},
        },
    }
    assert not mismatches(summary, QUESTIONS["petition_summary"].answer_type)
    assert conforms(summary, PetitionSummary)


def test_petition_summary_overdue_depends_on_today(world):
    org = world
    # On 1 April nothing open is late yet (C is due 4 April, G's decision 9 April); B was late.
    with at(d(4, 1)):
        early = petition_summary(township_id=org.township.pk, **Q1)
    # Replies are judged by their own dates, whatever today is: A and F stay on time.
    assert (early["overdue"], early["on_time"]) == (1, 2)
    # On 9 June E's extended deadline (8 June) has passed too.
    with at(d(6, 9)):
        late = petition_summary(township_id=org.township.pk, **Q1)
    assert late["overdue"] == 4
    assert late["by_leader"][org.principal.pk]["overdue"] == 2


def test_petition_summary_of_a_day_and_of_an_empty_range(world):
    org = world
    with at(TODAY):
        one_day = petition_summary(township_id=org.township.pk, start=d(1, 10), end=d(1, 10))
        empty = petition_summary(township_id=org.township.pk, start=d(7, 1), end=d(7, 31))
    assert one_day == {
        **{"received": 1, "accepted": 1, "on_time": 0, "overdue": 1, "satisfied": 0},
        "by_leader": {
            org.leader.pk: {"received": 1, "accepted": 1, "on_time": 0, "overdue": 1, "satisfied": 0}
        },
        "by_department": {
            org.department.pk: {"received": 1, "accepted": 1, "on_time": 0, "overdue": 1, "satisfied": 0}
        },
    }
    assert empty == {**ZERO, "by_leader": {}, "by_department": {}}
    assert conforms(empty, PetitionSummary)


def test_petition_summary_is_the_registered_answer(world):
    org = world
    assert [f.__name__ for f in ANSWERS["petition_summary"]] == ["petition_summary"]
    with at(TODAY):
        (summary,) = ask("petition_summary", township_id=org.township.pk, **Q1)
    assert summary["received"] == 7


def test_reception_days_published_ones_in_weekday_order(org, other_org):
    from django.utils import translation

    from petitions.models import ReceptionDay

    org.leader.full_name, org.principal.full_name = "王伟", "李强"
    org.leader.save(update_fields=["full_name"])
    org.principal.save(update_fields=["full_name"])
    tid = org.township.pk
    ReceptionDay.objects.create(township_id=tid, weekday=3, place="镇信访接待室", leader=org.leader)
    ReceptionDay.objects.create(township_id=tid, weekday=1, place="党政办", leader=org.principal)
    ReceptionDay.objects.create(township_id=tid, weekday=1, place="二楼", leader=org.leader, active=False)
    ReceptionDay.objects.create(
        township_id=other_org.township.pk, weekday=0, place="别处", leader=other_org.principal
    )
    with translation.override("en"):
        answer = reception_days(township_id=tid)
    assert answer == [
        {"weekday": "Tuesday", "place": "党政办", "leader_name": "李强"},
        {"weekday": "Thursday", "place": "镇信访接待室", "leader_name": "王伟"},
    ]
    assert not mismatches(answer, QUESTIONS["reception_days"].answer_type)
    assert [f.__name__ for f in ANSWERS["reception_days"]] == ["reception_days"]
    assert reception_days(township_id=tid + 10_000) == []


@pytest.fixture
def registry():
    """The answers as the app registered them, whatever the test does to them."""
    saved = {q: list(funcs) for q, funcs in ANSWERS.items()}
    yield
    ANSWERS.clear()
    ANSWERS.update(saved)


def test_register_answers_the_apps_questions(registry):
    """register() (called by PetitionsConfig.ready) answers exactly these questions, once each."""
    ANSWERS["petition_summary"], ANSWERS["reception_days"] = [], []
    petition_hooks.register()
    assert ANSWERS["petition_summary"] == [petition_summary]
    assert ANSWERS["reception_days"] == [reception_days]
