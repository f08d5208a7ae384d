"""The appraisal, indicator by indicator, on a small world built through the apps' services and
factories, so that the real hook answers (attendance, fieldwork, petitions), findings and violations
produce the figures.  Every expected figure, score, total and rank below is worked out by hand
(the arithmetic is in the comments) and written as a literal; nothing is computed by the code
under test.

The world: township A with departments D1 (Ann, Bob) and D2 (Cai, Dan), township B (Zed, who must
never appear), the second quarter of 2026, the clock frozen on Monday 6 July 2026.  Default
indicators (weights 20/10/5/10/5/20/10/5/10/5/0, total 100).

Q2 2026 has 61 working days (April 21, May 19, June 21: Qingming 4-6 April, Labour Day 1-5 May
with Saturday 9 May worked, Dragon Boat 19 June); from Monday 18 May (Dan's joining day) 31.
Village-day quotas pro-rated to 30 June (181 of 365 days, R-FLD-1): section leader 120 -> 59.5,
other cadre 60 -> 29.8; Dan, who joined on 18 May, owes 60 x 44/365 = 7.2.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from township.appraisal import appraisal_compute, score_person
from township.models import Category, Role
from township.models.supervision import AppraisalIndicator, DepartmentScore

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 7, 6, 10, 0, tzinfo=SHANGHAI)
D = dt.date


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _punch_day(person, day, arrive="08:00", leave="19:00"):
    from conduct.tests.factories import punch

    punch(person, day, arrive)
    punch(person, day, leave)


def _logs(person, days):
    from conduct.models import WorkLog

    WorkLog.objects.bulk_create(
        WorkLog(township_id=person.township_id, person=person, date=d, content="工作") for d in days
    )


def _visits(person, village, days, part="full"):
    from fieldwork.tests.factories import VisitFactory

    for d in days:
        VisitFactory(person=person, village=village, date=d, part=part)


def _q2_working_days(township):
    from township.workcalendar import working_days

    return list(working_days(D(2026, 4, 1), D(2026, 6, 30), township=township.pk))


def build_world():
    """Township A (the one appraised) and township B (never seen), with records in every table the
    appraisal reads."""
    from conduct.services.attendance import attendance_compute_day
    from conduct.tests.factories import granted_leave
    from fieldwork.tests.factories import PairingFactory, ReportFactory
    from petitions import services as pet
    from petitions.tests.factories import register
    from township import supervision
    from township.findings import finding_raise
    from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory, VillageFactory

    a = TownshipFactory()
    b = TownshipFactory(county=a.county)
    d1, d2 = DepartmentFactory(township=a, name="党政办"), DepartmentFactory(township=a, name="经发办")
    ann = UserFactory(
        township=a,
        department=d1,
        category=Category.SECTION_LEADER,
        roles=[Role.LEADER_IN_CHARGE, Role.STAFF],
        full_name="安",
    )
    bob = UserFactory(township=a, department=d1, roles=[Role.OFFICE_CLERK, Role.STAFF], full_name="鲍")
    cai = UserFactory(township=a, department=d2, roles=[Role.STAFF], full_name="蔡")
    dan = UserFactory(township=a, department=d2, roles=[Role.STAFF], full_name="丹", joined_on=D(2026, 5, 18))
    db_ = DepartmentFactory(township=b)
    zed = UserFactory(township=b, department=db_, roles=[Role.LEADER_IN_CHARGE, Role.STAFF], full_name="泽")
    inspector = UserFactory(township=None, roles=[Role.INSPECTOR])  # county level: not appraised
    eve = UserFactory(township=a, department=d1, roles=[Role.STAFF], full_name="伊", is_active=False)  # left
    village, village_b = VillageFactory(township=a), VillageFactory(township=b)

    # --- attendance: statuses computed from real punches and leave on five working days --------
    granted_leave(cai, D(2026, 4, 8), D(2026, 4, 9))
    _punch_day(ann, D(2026, 4, 7))
    _punch_day(bob, D(2026, 4, 7), arrive="09:30")  # late (R-ATT-2)
    # Cai: no punch on 7 April -> absent; Dan: absent too, but before he joined (not counted)
    for day in (D(2026, 4, 8), D(2026, 4, 9)):
        _punch_day(ann, day)
        _punch_day(bob, day)
    # Ann: no punch on 19 May -> absent
    _punch_day(bob, D(2026, 5, 19))
    _punch_day(cai, D(2026, 5, 19), leave="16:00")  # left early (R-ATT-2)
    _punch_day(dan, D(2026, 5, 19), arrive="09:30")  # late (R-ATT-2)
    _punch_day(ann, D(2026, 5, 20))
    _punch_day(bob, D(2026, 5, 20), arrive="09:30")  # late again (R-ATT-2)
    # Cai and Dan: no punch on 20 May -> absent
    _punch_day(zed, D(2026, 4, 7), arrive="10:00")
    for day in (D(2026, 4, 7), D(2026, 4, 8), D(2026, 4, 9), D(2026, 5, 19), D(2026, 5, 20)):
        attendance_compute_day(township_id=a.pk, day=day)
    attendance_compute_day(township_id=b.pk, day=D(2026, 4, 7))

    # --- work logs ----------------------------------------------------------------------------
    q2 = _q2_working_days(a)
    assert len(q2) == 61
    _logs(ann, q2[:55])
    _logs(bob, [*q2, D(2026, 3, 31)])  # the March log is outside the quarter
    _logs(cai, q2[:40])
    _logs(dan, [d for d in q2 if d >= D(2026, 5, 18)][:20])
    _logs(zed, q2)

    # --- village days (year to date), research reports, pairings ------------------------------
    january = [D(2026, 1, 1) + dt.timedelta(days=i) for i in range(30)]
    _visits(ann, village, [*january, D(2025, 12, 31), D(2026, 7, 1)])  # 2025 and July do not count
    _visits(bob, village, january)
    _visits(cai, village, [D(2026, 2, 1) + dt.timedelta(days=i) for i in range(14)])
    _visits(cai, village, [D(2026, 2, 15)], part="am")  # half a day
    _visits(dan, village, [D(2026, 5, 21), D(2026, 5, 22), D(2026, 5, 25), D(2026, 5, 26)])
    _visits(zed, village_b, january)

    def report(person, status, year=2026):
        ReportFactory(
            person=person,
            year=year,
            status=status,
            submitted_at=None if status == "draft" else NOW,
            reviewed_by=ann if status == "accepted" else None,
        )

    for status in ("submitted", "submitted", "accepted", "draft"):
        report(ann, status)
    report(bob, "accepted")
    report(cai, "draft")
    report(dan, "submitted")
    report(dan, "submitted", year=2025)  # last year's
    PairingFactory(cadre=ann, year=2026)
    PairingFactory(cadre=bob, year=2026)
    PairingFactory(cadre=cai, year=2026)
    PairingFactory(cadre=cai, year=2026)

    # --- petitions: Ann is the responsible leader of five cases --------------------------------
    org = SimpleNamespace(clerk=bob)

    def case(registered, reply_on=None):
        c = register(org, on=registered)
        pet.petition_case_accept(actor=bob, case_id=c.pk, on=registered)
        pet.petition_case_assign(
            actor=bob, case_id=c.pk, leader=ann, department=d1, handlers=[bob], on=registered
        )
        if reply_on:
            pet.petition_case_reply(actor=ann, case_id=c.pk, text="已答复。", on=reply_on, resolved=True)

    case(D(2026, 4, 1), reply_on=D(2026, 5, 20))  # due 31 May: on time
    case(D(2026, 4, 2), reply_on=D(2026, 5, 25))  # due 1 June: on time
    case(D(2026, 4, 3), reply_on=D(2026, 6, 10))  # due 2 June: late; R-PET-3 finding on 3 June
    case(D(2026, 4, 10))  # due 9 June, still open on 6 July: overdue (no finding: clocks not run)
    case(D(2026, 6, 20))  # due 19 August: not yet due
    # registered in Q1 (not this quarter's case), due 19 May, replied late: R-PET-3 finding on 20 May
    case(D(2026, 3, 20), reply_on=D(2026, 6, 30))

    # --- findings and violations --------------------------------------------------------------
    finding_raise(rule_id="R-LV-2", township=a, person=cai, detail="销假超期", on_date=D(2026, 4, 20))
    # D2 missed three weeks of group study, one before Dan joined
    for day in (D(2026, 4, 20), D(2026, 6, 1), D(2026, 6, 8)):
        finding_raise(rule_id="R-STUDY-1", township=a, department=d2, detail="未学习", on_date=day)
    finding_raise(rule_id="R-STUDY-1", township=a, department=d1, detail="未学习", on_date=D(2026, 3, 30))
    for i in range(6):  # six meeting findings: more than the indicator's 5 points
        finding_raise(
            rule_id="R-MTG-2",
            township=a,
            person=ann,
            detail="超规模",
            on_date=D(2026, 4, 13) + dt.timedelta(i),
        )
    dismissed = finding_raise(rule_id="R-ATT-2", township=a, person=ann, detail="迟到", on_date=D(2026, 6, 2))
    supervision.finding_dismiss(actor=inspector, finding_id=dismissed.pk, reason="设备故障")
    finding_raise(rule_id="R-MTG-2", township=b, person=zed, detail="超规模", on_date=D(2026, 4, 13))
    # recorded by township B (a meeting Ann chaired there): B's, not A's
    finding_raise(rule_id="R-MTG-2", township=b, person=ann, detail="超规模", on_date=D(2026, 4, 13))
    supervision.violation_record(
        actor=inspector, township=a, on_date=D(2026, 5, 7), type="other", evidence="通报", department=d1
    )  # a unit's violation is no person's
    # Eve has left: her own study finding is not her department's
    finding_raise(rule_id="R-STUDY-1", township=a, person=eve, detail="未学习", on_date=D(2026, 4, 14))

    def violation(person, day, handling=None):
        v = supervision.violation_record(
            actor=inspector,
            township=person.township,
            on_date=day,
            type="late",
            evidence="抽查",
            person=person,
        )
        if handling:
            supervision.violation_decide(actor=inspector, violation_id=v.pk, handling=handling)

    violation(bob, D(2026, 5, 6))  # pending: counts
    violation(cai, D(2026, 5, 6), handling="none")  # no action: does not count
    violation(cai, D(2026, 6, 3), handling="criticism")  # counts
    violation(dan, D(2026, 3, 2))  # before the quarter
    violation(zed, D(2026, 5, 6))
    violation(eve, D(2026, 5, 6))
    return SimpleNamespace(
        a=a, b=b, d1=d1, d2=d2, ann=ann, bob=bob, cai=cai, dan=dan, zed=zed, inspector=inspector
    )


# Per person, per indicator: (value, score).  Ann's indicators all apply (factor 1); Bob, Cai and
# Dan are nobody's responsible leader, so petitions are "n/a" and the other weights (90 points)
# are scaled by 100/90: 20 -> 22.2222, 10 -> 11.1111, 5 -> 5.5556.
EXPECTED = {
    "ann": {
        "attendance_rate": ("0.98", "19.67"),  # absent 19 May: 20 * 60/61 = 19.672
        "late_early": ("0", "10.00"),  # the one R-ATT-2 finding was dismissed
        "leave_reported": ("0", "5.00"),
        "work_logs": ("0.90", "9.02"),  # 10 * 55/61 = 9.016
        "group_study": ("0", "5.00"),  # D1's missed study was in March
        "village_days": ("0.50", "10.08"),  # 30 days of 59.5 due: 20 * 30/59.5 = 10.084
        "research_reports": ("0.75", "7.50"),  # 3 counted (draft not) of 4: 10 * 3/4
        "pairing": ("0.50", "2.50"),  # 1 of 2: 5 * 1/2
        "petitions": (
            "0.50",
            "1.00",
        ),  # 2 on time of 4 due; R-PET-3 findings 3 June and 20 May: 10 * 2/4 - 2 * 2
        "meetings": ("6", "0.00"),  # 5 - 1 * 6 = -1, floored at 0
        "violations": ("0", "0.00"),
    },
    "bob": {
        "attendance_rate": ("1.00", "22.22"),  # never absent: 22.2222 * 61/61
        "late_early": ("2", "9.11"),  # late 7 April and 20 May: 11.1111 - 1 * 2 = 9.111
        "leave_reported": ("0", "5.56"),
        "work_logs": ("1.00", "11.11"),  # 61/61 (the March log is outside)
        "group_study": ("0", "5.56"),
        "village_days": ("1.00", "22.22"),  # 30 of 29.8 due, capped at 1
        "research_reports": ("1.00", "11.11"),  # 1 of 1
        "pairing": ("1.00", "5.56"),  # 1 of 1
        "petitions": ("n/a", "n/a"),
        "meetings": ("0", "5.56"),
        "violations": ("1", "-5.00"),  # one pending violation: -5 * 1
    },
    "cai": {
        "attendance_rate": (
            "0.97",
            "21.49",
        ),  # absent 7 April and 20 May (leave is not): 22.2222 * 59/61 = 21.494
        "late_early": ("1", "10.11"),  # left early 19 May: 11.1111 - 1
        "leave_reported": ("1", "4.56"),  # one R-LV-2 finding: 5.5556 - 1
        "work_logs": ("0.68", "7.53"),  # 40 logs, 61 - 2 leave days at work: 11.1111 * 40/59 = 7.533
        "group_study": ("3", "2.56"),  # D2 missed three weeks: 5.5556 - 1 * 3
        "village_days": ("0.49", "10.81"),  # 14.5 of 29.8: 22.2222 * 14.5/29.8 = 10.813
        "research_reports": ("0.00", "0.00"),  # only a draft
        "pairing": ("1.00", "5.56"),  # 2 of 1, capped
        "petitions": ("n/a", "n/a"),
        "meetings": ("0", "5.56"),
        "violations": ("1", "-5.00"),  # the one handled with "no action" does not count
    },
    "dan": {
        "attendance_rate": ("0.97", "21.51"),  # since 18 May: absent 20 May: 22.2222 * 30/31 = 21.505
        "late_early": ("1", "10.11"),  # late 19 May
        "leave_reported": ("0", "5.56"),
        "work_logs": ("0.65", "7.17"),  # 20 logs in 31 days: 11.1111 * 20/31 = 7.168
        "group_study": ("2", "3.56"),  # D2's two weeks in June (20 April was before he joined)
        "village_days": ("0.56", "12.35"),  # 4 of 7.2: 22.2222 * 4/7.2 = 12.346
        "research_reports": ("1.00", "11.11"),  # 1 of 1 (last year's does not count)
        "pairing": ("0.00", "0.00"),
        "petitions": ("n/a", "n/a"),
        "meetings": ("0", "5.56"),
        "violations": ("0", "0.00"),  # his violation was in March
    },
}
# Totals: the sum of the scores.
# ann 19.67 + 10 + 5 + 9.02 + 5 + 10.08 + 7.50 + 2.50 + 1.00 + 0 + 0 = 69.77
# bob 22.22 + 9.11 + 5.56 + 11.11 + 5.56 + 22.22 + 11.11 + 5.56 + 5.56 - 5 = 93.01
# cai 21.49 + 10.11 + 4.56 + 7.53 + 2.56 + 10.81 + 0 + 5.56 + 5.56 - 5 = 63.18
# dan 21.51 + 10.11 + 5.56 + 7.17 + 3.56 + 12.35 + 11.11 + 0 + 5.56 + 0 = 76.93
TOTALS = {"ann": "69.77", "bob": "93.01", "cai": "63.18", "dan": "76.93"}
RANKS = {"bob": 1, "dan": 2, "ann": 3, "cai": 4}
# D1 (ann, bob): (69.77 + 93.01) / 2 = 81.39; D2 (cai, dan): (63.18 + 76.93) / 2 = 70.055 -> 70.06
DEPARTMENTS = {"d1": ("81.39", 1, 2), "d2": ("70.06", 2, 2)}


@pytest.fixture
def world(frozen):
    return build_world()


def test_r_sup_3_every_figure_score_total_and_rank_of_every_person(world, client):
    report = appraisal_compute(township_id=world.a.pk, year=2026, number=2)
    scores = {s.person_id: s for s in report.scores.all()}
    people = {getattr(world, name).pk: name for name in EXPECTED}
    assert set(scores) == set(people)  # Zed (township B) and the county inspector are not appraised
    for pk, name in people.items():
        s = scores[pk]
        got = {code: (d["value"], d["score"]) for code, d in s.details.items()}
        assert got == EXPECTED[name], name
        assert (str(s.total), s.rank) == (TOTALS[name], RANKS[name]), name
        assert s.department_id == (world.d1.pk if name in ("ann", "bob") else world.d2.pk)
    depts = {d.department_id: (str(d.average), d.rank, d.people) for d in DepartmentScore.objects.all()}
    assert depts == {world.d1.pk: DEPARTMENTS["d1"], world.d2.pk: DEPARTMENTS["d2"]}
    # the effective weights: Ann's as set; Bob's scaled by 100/90 (20 -> 22.22, 5 -> 5.56)
    ann, bob = scores[world.ann.pk].details, scores[world.bob.pk].details
    assert ann["attendance_rate"]["weight"] == "20.00" and ann["petitions"]["weight"] == "10.00"
    assert bob["attendance_rate"]["weight"] == "22.22" and bob["meetings"]["weight"] == "5.56"
    assert bob["petitions"]["weight"] == "0.00"
    # (one world for several checks: it takes seconds to build, and make mutants runs this often)
    # the report page shows "n/a" where an indicator does not apply
    client.force_login(world.inspector)
    page = client.get(f"/supervision/appraisal/{report.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b"n/a" in page.content and b"93.01" in page.content
    # township B gets its own report, without township A's people
    other = appraisal_compute(township_id=world.b.pk, year=2026, number=2)
    (zed,) = other.scores.all()
    assert zed.person_id == world.zed.pk and zed.rank == 1
    # Zed: late 7 April (punch 10:00) and a violation, nothing of township A's
    assert zed.details["late_early"]["value"] == "1" and zed.details["violations"]["score"] == "-5.00"


# --- edge cases, on hand-made rows (score_person) and on small worlds ---------------------------


def _indicators(**weights):
    """Indicators as the administrators would set them: code -> (weight, deduction)."""
    return [
        AppraisalIndicator(code=c, weight=Decimal(w), deduction=Decimal(d)) for c, (w, d) in weights.items()
    ]


def _row(
    attendance=None, fieldwork=None, petitions=None, findings=None, department_findings=None, violations=0
):
    return {
        "attendance": attendance or {},
        "fieldwork": fieldwork or {},
        "petitions": petitions or {},
        "findings": findings or {},
        "department_findings": department_findings or {},
        "violations": violations,
    }


FOUR = {
    "attendance_rate": ("40", "0"),
    "research_reports": ("30", "0"),
    "petitions": ("20", "2"),
    "meetings": ("10", "1"),
}


def test_zero_denominator_is_not_applicable_and_its_weight_is_redistributed():
    row = _row(
        attendance={"working_days": 60, "absent": 6},
        fieldwork={"reports": 0, "reports_target": 0},  # target 0: not applicable
        petitions={},  # not a responsible leader: not applicable
    )
    total, details = score_person(row, _indicators(**FOUR))
    # applicable: attendance 40 + meetings 10 = 50 of 100 -> factor 2: weights 80 and 20
    assert details == {
        "attendance_rate": {"value": "0.90", "score": "72.00", "weight": "80.00"},  # 80 * 54/60
        "research_reports": {"value": "n/a", "score": "n/a", "weight": "0.00"},
        "petitions": {"value": "n/a", "score": "n/a", "weight": "0.00"},
        "meetings": {"value": "0", "score": "20.00", "weight": "20.00"},
    }
    assert total == Decimal("92.00")  # 72 + 20


def test_petitions_apply_with_a_finding_even_without_a_case_due():
    row = _row(attendance={"working_days": 60}, fieldwork={"reports": 1, "reports_target": 2})
    row["findings"] = {"R-PET-2": 3, "R-ATT-2": 4}  # three late decisions; late arrivals do not count here
    total, details = score_person(row, _indicators(**FOUR))
    # all apply (factor 1): attendance 40 * 1; reports 30 * 1/2 = 15; petitions 20 - 2*3 = 14; meetings 10
    assert [details[c]["score"] for c in FOUR] == ["40.00", "15.00", "14.00", "10.00"]
    assert details["petitions"]["value"] == "1.00"
    assert total == Decimal("79.00")


def test_no_applicable_indicator_scores_zero():
    row = _row()
    inds = _indicators(
        attendance_rate=("40", "0"),
        work_logs=("10", "0"),
        village_days=("20", "0"),
        research_reports=("20", "0"),
        pairing=("10", "0"),
    )
    total, details = score_person(row, inds)
    assert total == Decimal("0") and {d["score"] for d in details.values()} == {"n/a"}


def test_a_leader_with_every_case_on_time_and_no_finding_scores_full_petitions():
    row = _row(attendance={"working_days": 20, "absent": 0}, petitions={"on_time": 3, "overdue": 0})
    total, details = score_person(row, _indicators(attendance_rate=("50", "0"), petitions=("50", "2")))
    assert details["petitions"] == {"value": "1.00", "score": "50.00", "weight": "50.00"}  # 50 * 3/3
    assert total == Decimal("100.00")


def test_effective_weights_and_scores_round_half_up():
    row = _row(
        fieldwork={"reports": 1, "reports_target": 0, "village_days": Decimal("3.3"), "prorated_target": 8}
    )
    inds = _indicators(meetings=("1", "0"), village_days=("7", "0"), research_reports=("0.04", "0"))
    total, details = score_person(row, inds)
    # reports n/a: factor 8.04/8 = 1.005; meetings 1 * 1.005 = 1.005 -> 1.01 (half even would say 1.00);
    # village 7 * 1.005 = 7.035 -> 7.04, ratio 3.3/8 = 0.4125 -> 0.41, score 7.035 * 0.4125 = 2.9019 -> 2.90
    assert details == {
        "meetings": {"value": "0", "score": "1.01", "weight": "1.01"},
        "village_days": {"value": "0.41", "score": "2.90", "weight": "7.04"},
        "research_reports": {"value": "n/a", "score": "n/a", "weight": "0.00"},
    }
    assert total == Decimal("3.91")


def test_logs_over_days_at_work_and_on_time_over_cases_due_and_no_violation_on_record():
    row = _row(
        attendance={"working_days": 10, "absent": 1, "logs": 3, "leave_days": Decimal("4")},
        petitions={"on_time": 1, "overdue": 3},
    )
    del row["violations"]  # people without a violation have no count at all
    inds = _indicators(
        attendance_rate=("30", "0"), work_logs=("30", "0"), petitions=("40", "2"), violations=("0", "5")
    )
    total, details = score_person(row, inds)
    # attendance 30 * 9/10 = 27; logs 30 * 3/(10 - 4) = 15; petitions 40 * 1/(1 + 3) = 10; no violation
    assert {c: (d["value"], d["score"]) for c, d in details.items()} == {
        "attendance_rate": ("0.90", "27.00"),
        "work_logs": ("0.50", "15.00"),
        "petitions": ("0.25", "10.00"),
        "violations": ("0", "0.00"),
    }
    assert total == Decimal("52.00")
    row = _row(attendance={"working_days": 10, "logs": 5})  # no leave on record
    total, details = score_person(row, _indicators(work_logs=("10", "0")))
    assert details["work_logs"] == {"value": "0.50", "score": "5.00", "weight": "10.00"}  # 10 * 5/10


def test_only_violations_apply_when_nothing_else_does():
    row = _row(violations=2)
    total, details = score_person(row, _indicators(attendance_rate=("100", "0"), violations=("0", "5")))
    assert details["violations"] == {"value": "2", "score": "-10.00", "weight": "0.00"}
    assert total == Decimal("-10.00")


def test_answers_of_several_apps_are_merged_per_person():
    from township.appraisal import _merge

    assert _merge([{1: {"a": 1}, 2: {"a": 2}}, {1: {"b": 3}}, {}]) == {1: {"a": 1, "b": 3}, 2: {"a": 2}}


def test_deductions_floor_each_indicator_at_zero_and_violations_take_the_total_below_zero():
    row = _row(
        attendance={"working_days": 10, "absent": 10},
        findings={"R-MTG-4": 7, "R-ATT-2": 20},
        violations=3,
    )
    inds = _indicators(
        attendance_rate=("50", "0"), late_early=("30", "2"), meetings=("20", "1"), violations=("0", "5")
    )
    total, details = score_person(row, inds)
    # attendance 50 * 0/10 = 0; late 30 - 2*20 = -10 -> 0; meetings 20 - 7 = 13; violations -5 * 3 = -15
    assert [details[c]["score"] for c in ("attendance_rate", "late_early", "meetings", "violations")] == [
        "0.00",
        "0.00",
        "13.00",
        "-15.00",
    ]
    assert details["late_early"]["value"] == "20" and details["violations"]["value"] == "3"
    assert total == Decimal("-2.00")  # 0 + 0 + 13 - 15: the total is not floored


def test_group_study_counts_the_department_and_the_person_and_only_its_rules():
    row = _row(findings={"R-STUDY-1": 1, "R-LV-2": 2}, department_findings={"R-STUDY-1": 2, "R-MTG-1": 5})
    inds = _indicators(group_study=("10", "1.5"), leave_reported=("10", "1"), meetings=("10", "1"))
    total, details = score_person(row, inds)
    # study 10 - 1.5 * (1 + 2) = 5.5; leave 10 - 2 = 8; meetings: only the person's own findings = 10
    assert {c: (d["value"], d["score"]) for c, d in details.items()} == {
        "group_study": ("3", "5.50"),
        "leave_reported": ("2", "8.00"),
        "meetings": ("0", "10.00"),
    }
    assert total == Decimal("23.50")


def test_ratios_are_capped_at_one_and_rounded_half_up():
    row = _row(
        attendance={"working_days": 3, "logs": 5, "leave_days": Decimal("0.5")},
        fieldwork={
            "village_days": Decimal("12.5"),
            "prorated_target": Decimal("8"),
            "pairings": 1,
            "pairings_target": 8,
        },
    )
    inds = _indicators(work_logs=("10", "0"), village_days=("10", "0"), pairing=("10", "0"))
    total, details = score_person(row, inds)
    # logs 5 of 2.5 days at work -> 1; village 12.5/8 -> 1; pairing 1/8 = 0.125 -> value 0.13, 10 * 0.125 = 1.25
    assert {c: (d["value"], d["score"]) for c, d in details.items()} == {
        "work_logs": ("1.00", "10.00"),
        "village_days": ("1.00", "10.00"),
        "pairing": ("0.13", "1.25"),
    }
    assert total == Decimal("21.25")


def test_ties_share_a_rank_and_the_next_rank_is_skipped(frozen):
    from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory

    t = TownshipFactory()
    d = DepartmentFactory(township=t)
    p = [UserFactory(township=t, department=d, roles=[Role.STAFF]) for _ in range(4)]
    from township.findings import finding_raise

    # late_early 10 - 1 per finding: p0 none (100), p1 and p2 one each (99, tie), p3 three (97)
    for person, n in ((p[1], 1), (p[2], 1), (p[3], 3)):
        for i in range(n):
            finding_raise(
                rule_id="R-ATT-2", township=t, person=person, detail="迟到", on_date=D(2026, 4, 7 + i)
            )
    report = appraisal_compute(township_id=t.pk, year=2026, number=2)
    got = {s.person_id: (s.rank, str(s.total)) for s in report.scores.all()}
    # no statuses, logs or targets: attendance 20 * 61/61 = 20 applies; work logs 10 * 0/61 = 0;
    # village days, reports and pairings for other cadres apply (targets 29.8, 1, 1) with 0 done;
    # petitions n/a -> factor 100/90: 22.22 + late + 5.56 + 0 + 5.56 + 0 + 0 + 0 + 5.56 = 38.90 + late
    # late: 11.11 (p0), 10.11 (p1, p2), 8.11 (p3)
    assert got == {
        p[0].pk: (1, "50.01"),  # 38.90 + 11.11
        p[1].pk: (2, "49.01"),  # 38.90 + 10.11
        p[2].pk: (2, "49.01"),
        p[3].pk: (4, "47.01"),  # 38.90 + 8.11
    }


def test_long_leave_counts_as_present_and_shrinks_the_days_logs_are_expected(frozen):
    from conduct.models import WorkLog
    from conduct.services.attendance import attendance_compute_range
    from conduct.tests.factories import granted_leave
    from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory

    t = TownshipFactory()
    d = DepartmentFactory(township=t)
    away = UserFactory(township=t, department=d, roles=[Role.STAFF])
    AppraisalIndicator.objects.create(
        county=t.county, year=2026, code="attendance_rate", weight=60, deduction=0
    )
    AppraisalIndicator.objects.create(county=t.county, year=2026, code="work_logs", weight=40, deduction=0)
    # sick leave from 1 April to 29 May: April 21 + May 19 = 40 working days; back in June (21
    # working days), punching and writing a log every working day but Monday 1 June
    granted_leave(away, D(2026, 4, 1), D(2026, 5, 29), kind="sick")
    june = [x for x in _q2_working_days(t) if x.month == 6]
    for day in june[1:]:
        _punch_day(away, day)
    _logs(away, june[1:])
    attendance_compute_range(township_id=t.pk, start=D(2026, 4, 1), end=D(2026, 6, 30))
    report = appraisal_compute(township_id=t.pk, year=2026, number=2)
    s = report.scores.get()
    # attendance: the 40 leave days are not absences, 1 June is: 60 * 60/61 = 59.016
    # logs: 20 logs over 61 - 40 = 21 days at work: 40 * 20/21 = 38.095
    assert {c: (x["value"], x["score"]) for c, x in s.details.items()} == {
        "attendance_rate": ("0.98", "59.02"),
        "work_logs": ("0.95", "38.10"),
    }
    assert s.total == Decimal("97.12")
    assert WorkLog.objects.count() == 20


def test_joined_mid_quarter_counts_working_days_from_joining_and_later_joiners_are_not_appraised(frozen):
    from conduct.services.attendance import attendance_compute_day
    from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory

    t = TownshipFactory()
    d = DepartmentFactory(township=t)
    new = UserFactory(township=t, department=d, roles=[Role.STAFF], joined_on=D(2026, 6, 1))
    old = UserFactory(township=t, department=d, roles=[Role.STAFF], joined_on=D(2020, 1, 1))
    later = UserFactory(township=t, department=d, roles=[Role.STAFF], joined_on=D(2026, 7, 1))
    AppraisalIndicator.objects.create(
        county=t.county, year=2026, code="attendance_rate", weight=50, deduction=0
    )
    AppraisalIndicator.objects.create(county=t.county, year=2026, code="work_logs", weight=50, deduction=0)
    AppraisalIndicator.objects.create(county=t.county, year=2026, code="group_study", weight=0, deduction=1)
    from township.findings import finding_raise

    for day in (D(2026, 5, 29), D(2026, 6, 1)):  # the unit missed study on both days
        finding_raise(rule_id="R-STUDY-1", township=t, department=d, detail="未学习", on_date=day)
    for day in (D(2026, 5, 29), D(2026, 6, 1)):  # nobody punched: both absent both days
        attendance_compute_day(township_id=t.pk, day=day)
    from conduct.models import WorkLog

    for person in (new, old):
        WorkLog.objects.bulk_create(
            WorkLog(township=t, person=person, date=D(2026, 6, 1) + dt.timedelta(i), content="x")
            for i in range(7)
        )
    report = appraisal_compute(township_id=t.pk, year=2026, number=2)
    got = {
        s.person_id: {c: (x["value"], x["score"]) for c, x in s.details.items()} for s in report.scores.all()
    }
    # June has 21 working days: new is absent 1 June only (29 May was before joining): 50 * 20/21 = 47.62;
    # 7 logs of 21: 50 * 7/21 = 16.67.  old: 61 days, absent 2: 50 * 59/61 = 48.36; 50 * 7/61 = 5.74
    # group study (weight 0): the unit's findings from the joining day: new 1 (1 June), old 2
    assert got == {
        new.pk: {
            "attendance_rate": ("0.95", "47.62"),
            "work_logs": ("0.33", "16.67"),
            "group_study": ("1", "0.00"),
        },
        old.pk: {
            "attendance_rate": ("0.97", "48.36"),
            "work_logs": ("0.11", "5.74"),
            "group_study": ("2", "0.00"),
        },
    }
    assert later.pk not in got


# --- R-SUP-7: indicators are written only by indicator_set, checks first ------------------------


def _set(actor, county, **kw):
    from township.appraisal import indicator_set

    args = {"year": 2026, "code": "late_early", "weight": Decimal("10"), "deduction": Decimal("1")} | kw
    return indicator_set(actor=actor, county=county, **args)


def test_r_sup_7_non_administrators_are_refused_and_nothing_is_saved(org):
    from django.core.exceptions import ValidationError

    county = org.township.county
    for who in (org.inspector, org.principal, org.head, org.staff):
        with pytest.raises(ValidationError) as refused:
            _set(who, county)
        assert refused.value.messages == ["Only administrators define appraisal indicators (R-SUP-7)."]
    assert not AppraisalIndicator.objects.exists()
    _set(org.admin, county)
    with pytest.raises(ValidationError, match="R-SUP-7"):
        _set(org.inspector, county, weight=Decimal("50"))
    row = AppraisalIndicator.objects.get()
    assert (row.weight, row.deduction, row.changed_by) == (Decimal("10"), Decimal("1"), org.admin)


def test_r_sup_7_invalid_values_are_refused_before_anything_is_written(org):
    from django.core.exceptions import ValidationError

    county = org.township.county
    with pytest.raises(ValidationError) as exc:
        _set(org.admin, county, weight=Decimal("-1"))
    assert exc.value.message_dict == {"weight": ["Enter a number of points, 0 or more."]}
    with pytest.raises(ValidationError) as exc:
        _set(org.admin, county, deduction="lots")
    assert exc.value.message_dict == {"deduction": ["Enter a number of points, 0 or more."]}
    with pytest.raises(ValidationError) as exc:
        _set(org.admin, county, code="invented_ranking")
    assert exc.value.message_dict == {"code": ["Not an indicator the appraisal can compute."]}
    assert not AppraisalIndicator.objects.exists()
    _set(org.admin, county, code="violations", weight=Decimal("0"), deduction=Decimal("0"))  # 0 is allowed
    _set(org.admin, county, weight=Decimal("12.5"), deduction=Decimal("2"), enabled=False)
    with pytest.raises(ValidationError) as exc:
        _set(org.admin, county, weight=Decimal("1000"))  # five digits, two of them decimals: at most 999.99
    assert "weight" in exc.value.message_dict
    row = AppraisalIndicator.objects.get(code="late_early")
    assert (row.weight, row.deduction, row.enabled) == (Decimal("12.50"), Decimal("2.00"), False)
    _set(org.admin, county, weight=Decimal("15"), deduction=Decimal("0.5"))  # updates the same row
    row = AppraisalIndicator.objects.get(code="late_early")
    assert AppraisalIndicator.objects.count() == 2
    assert (row.weight, row.deduction, row.enabled) == (Decimal("15.00"), Decimal("0.50"), True)


def test_r_sup_7_the_settings_page_writes_through_the_service(org, login):
    data = {"code": "meetings", "weight": "7", "deduction": "1.5", "enabled": "on"}
    assert login(org.inspector).post("/supervision/indicators/?year=2026", data).status_code == 403
    assert not AppraisalIndicator.objects.exists()
    r = login(org.admin).post("/supervision/indicators/?year=2026", data)
    assert r.status_code == 302
    row = AppraisalIndicator.objects.get()
    assert (row.year, row.code, row.weight, row.deduction, row.changed_by) == (
        2026,
        "meetings",
        Decimal("7.00"),
        Decimal("1.50"),
        org.admin,
    )


# --- the bench's SQL floor agrees with the appraisal on every figure of every person -------------


def _floor(world):
    from township.bench.measures import _run_sql, appraisal_sql

    query, params = appraisal_sql(
        township_id=world.a.pk, start=D(2026, 4, 1), end=D(2026, 6, 30), today=NOW.date()
    )
    return _run_sql(query, params)


def test_bench_floor_matches_every_figure_of_every_person_on_a_world_with_rows_in_every_table(world):
    from fieldwork.tests.factories import TopicFactory
    from township.appraisal import compute_figures
    from township.bench.measures import _compare_figures, _empty_figures

    TopicFactory(person=world.ann, year=2026)
    rows = _floor(world)
    figures = compute_figures(township=world.a, start=D(2026, 4, 1), end=D(2026, 6, 30))
    assert _empty_figures(rows) == []  # every table the appraisal reads has rows
    assert _compare_figures(figures, rows) == []
    dan = next(r for r in rows if r["id"] == world.dan.pk)
    assert (dan["absent"], dan["logs"]) == (1, 20)  # from his joining day, like the appraisal

    # the comparison names the person and the figure, even when the totals agree
    ann, cai = world.ann.pk, world.cai.pk
    # swap two people's absences: the totals stay equal, the comparison must not
    figures[ann]["attendance"]["absent"], figures[cai]["attendance"]["absent"] = (
        figures[cai]["attendance"]["absent"],
        figures[ann]["attendance"]["absent"],
    )
    figures[cai]["findings"]["R-LV-2"] = 0  # a zero count is the same as none
    figures[world.bob.pk]["department_findings"] = {"R-STUDY-1": 1}
    del figures[world.dan.pk]
    lines = _compare_figures(figures, rows)
    assert lines[:4] == [
        f"person {world.dan.pk}: only in the floor",
        f"person {ann} absent: app 2 vs sql 1",
        f"person {world.bob.pk} department_findings: app {{'R-STUDY-1': 1}} vs sql {{}}",
        f"person {cai} absent: app 1 vs sql 2",
    ]
    assert len(lines) == 5 and lines[4].startswith(f"person {cai} findings: app ")
    assert _empty_figures([{"present": 1, "topics": 0, "findings": {}}]) == [
        "topics",
        "findings",
        "department_findings",
        "violations",
    ]


# --- periods, indicator years, publishing and previous ranks -------------------------------------


@pytest.mark.parametrize(
    ("period", "number", "bounds"),
    [
        ("quarter", 1, (D(2028, 1, 1), D(2028, 3, 31))),
        ("quarter", 2, (D(2028, 4, 1), D(2028, 6, 30))),
        ("quarter", 3, (D(2028, 7, 1), D(2028, 9, 30))),
        ("quarter", 4, (D(2028, 10, 1), D(2028, 12, 31))),
        ("month", 1, (D(2028, 1, 1), D(2028, 1, 31))),
        ("month", 2, (D(2028, 2, 1), D(2028, 2, 29))),  # a leap year
        ("month", 11, (D(2028, 11, 1), D(2028, 11, 30))),
        ("month", 12, (D(2028, 12, 1), D(2028, 12, 31))),
        ("year", 0, (D(2028, 1, 1), D(2028, 12, 31))),
    ],
)
def test_period_bounds(period, number, bounds):
    from township.appraisal import period_bounds

    assert period_bounds(period, 2028, number) == bounds


@pytest.mark.parametrize(
    ("period", "number", "message"),
    [
        ("quarter", 0, "A quarter is 1 to 4."),
        ("quarter", 5, "A quarter is 1 to 4."),
        ("month", 0, "A month is 1 to 12."),
        ("month", 13, "A month is 1 to 12."),
    ],
)
def test_period_bounds_refuse_a_quarter_or_month_that_does_not_exist(period, number, message):
    from django.core.exceptions import ValidationError

    from township.appraisal import period_bounds

    with pytest.raises(ValidationError) as exc:
        period_bounds(period, 2026, number)
    assert exc.value.messages == [message]


def test_indicators_of_a_year_fall_back_to_the_latest_earlier_year_then_to_the_defaults(org):
    from township.appraisal import indicators_for
    from township.tests.factories import CountyFactory

    county = org.township.county

    def got(year):
        return sorted(
            (i.code, str(i.weight), str(i.deduction)) for i in indicators_for(county_id=county.pk, year=year)
        )

    defaults = got(2026)
    assert (
        len(defaults) == 11
        and ("attendance_rate", "20", "0") in defaults
        and ("violations", "0", "5") in defaults
    )
    assert ("petitions", "10", "2") in defaults and ("late_early", "10", "1") in defaults
    _set(org.admin, county, year=2025, code="meetings", weight=Decimal("30"), deduction=Decimal("3"))
    _set(
        org.admin,
        county,
        year=2025,
        code="pairing",
        weight=Decimal("70"),
        deduction=Decimal("0"),
        enabled=False,
    )
    assert got(2025) == [("meetings", "30.00", "3.00")]  # the disabled one is not appraised
    assert got(2027) == [("meetings", "30.00", "3.00")]  # the latest earlier year's
    assert got(2024) == defaults  # nothing earlier: the defaults
    assert {(i.county_id, i.year) for i in indicators_for(county_id=county.pk, year=2024)} == {
        (county.pk, 2024)
    }
    # another county's indicators are its own
    other = CountyFactory(name="邻县")
    _set(org.admin, other, year=2023, code="pairing", weight=Decimal("9"), deduction=Decimal("0"))
    _set(org.admin, other, year=2025, code="pairing", weight=Decimal("9"), deduction=Decimal("0"))
    assert got(2024) == defaults and got(2025) == [("meetings", "30.00", "3.00")]
    _set(
        org.admin,
        county,
        year=2026,
        code="meetings",
        weight=Decimal("5"),
        deduction=Decimal("1"),
        enabled=False,
    )
    assert got(2026) == []  # the year has indicators, all disabled: nothing is appraised
    assert got(2025) == [("meetings", "30.00", "3.00")]  # setting 2026 left 2025 alone


def test_publishing_is_for_inspectors_and_administrators_of_the_township_and_only_once(
    org, other_org, frozen
):
    from django.core.exceptions import ValidationError

    from township.appraisal import appraisal_publish

    report = appraisal_compute(township_id=org.township.pk, year=2026, number=2)
    for who, message in (
        (org.principal, "Only inspectors and administrators publish appraisal reports."),
        (other_org.inspector, "This report does not exist."),
    ):
        with pytest.raises(ValidationError) as refused:
            appraisal_publish(actor=who, report_id=report.pk)
        assert refused.value.messages == [message]
        report.refresh_from_db()
        assert report.status == "draft" and report.published_by is None
    appraisal_publish(actor=org.admin, report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.published_by, report.published_at) == ("published", org.admin, NOW)
    with pytest.raises(ValidationError) as refused:
        appraisal_publish(actor=org.inspector, report_id=report.pk)
    assert refused.value.messages == ["This report is already published."]


@pytest.mark.parametrize(
    ("period", "year", "number", "previous"),
    [
        ("quarter", 2026, 1, (2025, 4)),
        ("quarter", 2026, 2, (2026, 1)),
        ("quarter", 2026, 3, (2026, 2)),
        ("month", 2026, 1, (2025, 12)),
        ("month", 2026, 2, (2026, 1)),
        ("month", 2026, 5, (2026, 4)),
        ("year", 2026, 0, (2025, 0)),
    ],
)
def test_previous_ranks_come_from_the_latest_published_report_of_the_previous_period(
    org, frozen, period, year, number, previous
):
    from township.appraisal import appraisal_publish, previous_ranks
    from township.findings import finding_raise

    prev_year, prev_number = previous
    if period == "quarter":
        day = D(prev_year, prev_number * 3 - 2, 2)
    else:
        day = D(prev_year, max(prev_number, 1), 2)
    old = appraisal_compute(township_id=org.township.pk, year=prev_year, number=prev_number, period=period)
    appraisal_publish(actor=org.inspector, report_id=old.pk)
    # a late arrival in the previous period, then a newer published version: the staff member is last
    finding_raise(rule_id="R-ATT-2", township=org.township, person=org.staff, detail="迟到", on_date=day)
    newer = appraisal_compute(township_id=org.township.pk, year=prev_year, number=prev_number, period=period)
    appraisal_publish(actor=org.inspector, report_id=newer.pk)
    appraisal_compute(township_id=org.township.pk, year=prev_year, number=prev_number, period=period)  # draft
    current = appraisal_compute(township_id=org.township.pk, year=year, number=number, period=period)
    ranks = previous_ranks(current)
    # 10 people; everyone else ties at 1, the staff member alone is 10th
    assert ranks[org.staff.pk] == 10 and ranks[org.colleague.pk] == 1 and len(ranks) == 10


def test_no_previous_ranks_without_a_published_report(org, frozen):
    from township.appraisal import previous_ranks

    appraisal_compute(township_id=org.township.pk, year=2026, number=1)  # a draft only
    assert previous_ranks(appraisal_compute(township_id=org.township.pk, year=2026, number=2)) == {}


@pytest.mark.parametrize(
    ("today", "current", "last"),
    [
        (D(2026, 1, 1), (2026, 1), (2025, 4)),
        (D(2026, 3, 31), (2026, 1), (2025, 4)),
        (D(2026, 4, 1), (2026, 2), (2026, 1)),
        (D(2026, 12, 31), (2026, 4), (2026, 3)),
    ],
)
def test_current_and_last_quarter(today, current, last):
    from township.appraisal import current_quarter, last_quarter

    assert (current_quarter(today), last_quarter(today)) == (current, last)


def test_compute_reports_progress_records_its_indicators_and_leaves_people_without_a_department_out_of_units(
    org, frozen
):
    steps, writes = [], []
    org.clerk.department = None
    org.clerk.save()
    _set(org.admin, org.township.county, code="meetings", weight=Decimal("8"), deduction=Decimal("2"))
    _set(org.admin, org.township.county, code="late_early", weight=Decimal("12"), deduction=Decimal("0.5"))
    report = appraisal_compute(
        township_id=org.township.pk,
        year=2026,
        number=5,
        period="month",
        progress=lambda done, total: steps.append((done, total)),
        before_write=lambda: writes.append(steps[-1]),
    )
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)] and writes == [(3, 4)]
    assert (report.period, report.number, report.start, report.end, report.version) == (
        "month",
        5,
        D(2026, 5, 1),
        D(2026, 5, 31),
        1,
    )
    assert sorted(report.indicators, key=lambda i: i["code"]) == [
        {"code": "late_early", "weight": "12.00", "deduction": "0.50"},
        {"code": "meetings", "weight": "8.00", "deduction": "2.00"},
    ]
    assert report.scores.count() == 10 and report.scores.get(person=org.clerk).department_id is None
    (unit,) = report.department_scores.all()
    # everyone scores 12 + 8 = 20; the unit's nine people average 20
    assert (unit.department_id, str(unit.average), unit.rank, unit.people) == (
        org.department.pk,
        "20.00",
        1,
        9,
    )


@pytest.mark.parametrize(
    ("values", "ranks"),
    [
        ([], {}),
        ([(1, Decimal("5")), (2, Decimal("9")), (3, Decimal("7"))], {2: 1, 3: 2, 1: 3}),
        ([(1, Decimal("9")), (2, Decimal("9")), (3, Decimal("7"))], {1: 1, 2: 1, 3: 3}),
        (
            [(1, Decimal("9")), (2, Decimal("8")), (3, Decimal("8")), (4, Decimal("-1"))],
            {1: 1, 2: 2, 3: 2, 4: 4},
        ),
        ([(1, Decimal("3")), (2, Decimal("3")), (3, Decimal("3"))], {1: 1, 2: 1, 3: 1}),
    ],
)
def test_competition_ranking(values, ranks):
    from township.appraisal import _ranks

    assert _ranks(values) == ranks


def test_deductions_on_ratio_indicators_have_nothing_to_count_and_violations_with_a_weight_go_below_zero():
    row = _row(
        attendance={"working_days": 10, "absent": 0, "logs": 10},
        fieldwork={"village_days": 5, "prorated_target": 5, "reports": 1, "reports_target": 1},
        findings={"R-ATT-2": 4},
        violations=3,
    )
    row["fieldwork"] |= {"pairings": 1, "pairings_target": 1}
    inds = _indicators(
        attendance_rate=("10", "1"),
        work_logs=("10", "1"),
        village_days=("10", "1"),
        research_reports=("10", "1"),
        pairing=("10", "1"),
        violations=("10", "4"),
    )
    total, details = score_person(row, inds)
    # five ratios of 1 with nothing to deduct: 10 each; violations 10 - 4 * 3 = -2, not floored
    assert [d["score"] for d in details.values()] == ["10.00"] * 5 + ["-2.00"]
    assert total == Decimal("48.00")


def test_department_average_rounds_half_up(frozen):
    from township.findings import finding_raise
    from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory

    t = TownshipFactory()
    d = DepartmentFactory(township=t)
    a, b = (UserFactory(township=t, department=d, roles=[Role.STAFF]) for _ in range(2))
    AppraisalIndicator.objects.create(
        county=t.county, year=2026, code="late_early", weight=10, deduction="0.01"
    )
    for i in range(3):
        finding_raise(rule_id="R-ATT-2", township=t, person=b, detail="迟到", on_date=D(2026, 4, 7 + i))
    report = appraisal_compute(township_id=t.pk, year=2026, number=2)
    # a 10.00, b 10 - 0.01 * 3 = 9.97; the unit (10.00 + 9.97) / 2 = 9.985 -> 9.99 (half even: 9.98)
    assert {s.person_id: str(s.total) for s in report.scores.all()} == {a.pk: "10.00", b.pk: "9.97"}
    assert [(str(u.average), u.rank, u.people) for u in report.department_scores.all()] == [("9.99", 1, 2)]


def test_a_run_replaces_only_its_own_draft_and_numbers_versions_within_its_own_period(org, other_org, frozen):
    from township.appraisal import appraisal_publish
    from township.models.supervision import AppraisalReport

    def published_then_draft(township, year, number, period="quarter"):
        first = appraisal_compute(township_id=township.pk, year=year, number=number, period=period)
        appraisal_publish(
            actor=org.admin if township == org.township else other_org.admin, report_id=first.pk
        )
        appraisal_compute(township_id=township.pk, year=year, number=number, period=period)

    published_then_draft(org.township, 2026, 1)  # another quarter
    published_then_draft(org.township, 2026, 2, period="month")  # month 2 is not quarter 2
    published_then_draft(org.township, 2025, 2)  # last year's second quarter
    published_then_draft(other_org.township, 2026, 2)  # another township's
    before = set(AppraisalReport.objects.values_list("pk", flat=True))
    assert len(before) == 8
    first = appraisal_compute(township_id=org.township.pk, year=2026, number=2)
    again = appraisal_compute(township_id=org.township.pk, year=2026, number=2)
    assert (first.version, again.version) == (1, 1)
    assert set(AppraisalReport.objects.values_list("pk", flat=True)) == before | {again.pk}
