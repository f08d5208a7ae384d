"""township/supervision.py, function by function: every refusal (role, township, state) word for
word, every field a service saves, and the R-SUP-5 / R-SUP-6 computations on small hand-made
worlds whose rankings and averages are worked out by hand in the comments.  Small and fast: the
mutation run (`make mutants MODULE=township/supervision.py`) reruns them for every mutant."""

import datetime as dt
import itertools
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from township import supervision
from township.findings import finding_raise
from township.models import Finding, FindingStatus
from township.models.supervision import SpotCheck, SurveyRating, SurveyRound, Violation
from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
TODAY = dt.date(2026, 3, 2)
DAY = dt.date(2026, 2, 10)
NOT_YOURS = ["This record does not exist."]
WITHDRAWN = "Withdrawn: the satisfaction ranking it rested on was reopened or corrected."
NAMES = itertools.count()


@pytest.fixture(autouse=True)
def frozen_english():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def refusal(call, **kw):
    """The messages of the ValidationError the call raises."""
    with pytest.raises(ValidationError) as exc:
        call(**kw)
    return exc.value


# --- spot checks (R-SUP-1) --------------------------------------------------------------------


def test_spot_check_saves_every_field_and_may_be_dated_today(org):
    unit = DepartmentFactory(township=org.township)
    check = supervision.spot_check_record(
        actor=org.leader,
        township=org.township,
        on_date=TODAY,  # today is not the future
        scope="午间饮酒抽查",
        findings="一人饮酒",
        people=[org.staff, org.colleague],
        departments=[org.department, unit],
    )
    check = SpotCheck.objects.get(pk=check.pk)
    assert (check.township, check.on_date, check.scope, check.findings, check.checked_by) == (
        org.township,
        TODAY,
        "午间饮酒抽查",
        "一人饮酒",
        org.leader,
    )
    assert set(check.people_checked.all()) == {org.staff, org.colleague}
    assert set(check.departments_checked.all()) == {org.department, unit}
    # Every supervisor records one; without findings, people or units the check says nothing found.
    for actor in (org.inspector, org.principal, org.admin):
        bare = supervision.spot_check_record(actor=actor, township=org.township, on_date=DAY, scope="考勤")
        bare = SpotCheck.objects.get(pk=bare.pk)
        assert (bare.checked_by, bare.findings) == (actor, "")
        assert not bare.people_checked.exists() and not bare.departments_checked.exists()


def test_spot_check_refusals(org, other_org):
    record = supervision.spot_check_record
    for actor in (org.staff, org.head, org.clerk):
        err = refusal(record, actor=actor, township=org.township, on_date=DAY, scope="x")
        assert err.messages == ["Only leaders and discipline inspectors record spot checks (R-SUP-1)."]
    err = refusal(record, actor=other_org.inspector, township=org.township, on_date=DAY, scope="x")
    assert err.messages == NOT_YOURS
    tomorrow = dt.date(2026, 3, 3)
    err = refusal(record, actor=org.inspector, township=org.township, on_date=tomorrow, scope="x")
    assert err.message_dict == {"on_date": ["A spot check cannot be dated in the future."]}
    err = refusal(record, actor=org.inspector, township=org.township, on_date=DAY, scope="")
    assert list(err.message_dict) == ["scope"]
    assert not SpotCheck.objects.exists()


# --- violations (R-SUP-2, R-SUP-4, R-SUP-8) -----------------------------------------------------


def test_violation_record_saves_every_field(org):
    spot = supervision.spot_check_record(
        actor=org.inspector, township=org.township, on_date=DAY, scope="抽查"
    )
    found = finding_raise(
        rule_id="R-ATT-2", township=org.township, person=org.staff, detail="late", on_date=DAY
    )
    v = supervision.violation_record(
        actor=org.principal,
        township=org.township,
        on_date=DAY,
        type="gifts",
        evidence="收受购物卡",
        person=org.staff,
        rule_id="R-SUP-8",
        finding=found,
        spot_check=spot,
    )
    v = Violation.objects.get(pk=v.pk)
    assert (v.township, v.on_date, v.type, v.evidence, v.person, v.department) == (
        org.township,
        DAY,
        "gifts",
        "收受购物卡",
        org.staff,
        org.department,  # the person's unit
    )
    assert (v.rule_id, v.finding, v.spot_check, v.recorded_by) == ("R-SUP-8", found, spot, org.principal)
    assert (v.handling, v.status, v.decided_by) == ("pending", "open", None)
    # A unit named beside the person is the one held; a unit alone is enough; the links default empty.
    unit = DepartmentFactory(township=org.township)
    both = supervision.violation_record(
        actor=org.leader,
        township=org.township,
        on_date=DAY,
        type="late",
        evidence="x",
        person=org.staff,
        department=unit,
    )
    alone = supervision.violation_record(
        actor=org.admin, township=org.township, on_date=DAY, type="other", evidence="通报", department=unit
    )
    both, alone = Violation.objects.get(pk=both.pk), Violation.objects.get(pk=alone.pk)
    assert (both.person, both.department) == (org.staff, unit)
    assert (alone.person, alone.department, alone.recorded_by) == (None, unit, org.admin)
    assert (alone.rule_id, alone.finding, alone.spot_check) == ("", None, None)


def test_violation_record_refusals(org, other_org):
    def record(actor, **kw):
        base = {"township": org.township, "on_date": DAY, "type": "late", "evidence": "x"}
        return supervision.violation_record(actor=actor, **{**base, **kw})

    for actor in (org.staff, org.head, org.clerk):
        assert refusal(record, actor=actor, person=org.staff).messages == [
            "Only leaders and discipline inspectors record violations."
        ]
    assert refusal(record, actor=other_org.inspector, person=org.staff).messages == NOT_YOURS
    assert refusal(record, actor=org.inspector).message_dict == {"person": ["Name the person or the unit."]}
    assert refusal(record, actor=org.inspector, person=other_org.staff).messages == NOT_YOURS
    assert refusal(record, actor=org.inspector, department=other_org.department).messages == NOT_YOURS
    assert refusal(
        record, actor=org.inspector, person=org.staff, department=other_org.department
    ).messages == (NOT_YOURS)
    assert not Violation.objects.exists()


def test_violation_decide_fields_and_refusals(org, other_org):
    v = supervision.violation_record(
        actor=org.inspector, township=org.township, on_date=DAY, type="late", evidence="x", person=org.staff
    )
    decide = supervision.violation_decide
    for actor in (org.leader, org.admin, org.staff):
        assert refusal(decide, actor=actor, violation_id=v.pk, handling="talk").messages == [
            "Only discipline inspectors and principal leaders decide the handling."
        ]
    for handling in ("pending", "karaoke"):
        assert refusal(decide, actor=org.inspector, violation_id=v.pk, handling=handling).message_dict == {
            "handling": ["Choose how the violation is handled."]
        }
    assert (
        refusal(decide, actor=other_org.inspector, violation_id=v.pk, handling="talk").messages == NOT_YOURS
    )
    v.refresh_from_db()
    assert (v.handling, v.decided_by, v.decided_at, v.status) == ("pending", None, None, "open")

    supervision.violation_decide(actor=org.inspector, violation_id=v.pk, handling="criticism")
    v.refresh_from_db()
    assert (v.handling, v.decided_by, v.decided_at, v.status) == ("criticism", org.inspector, NOW, "decided")
    # A decided violation may be decided again (by a principal leader); a closed one may not.
    supervision.violation_decide(actor=org.principal, violation_id=v.pk, handling="sanction")
    v.refresh_from_db()
    assert (v.handling, v.decided_by) == ("sanction", org.principal)
    Violation.objects.filter(pk=v.pk).update(status="closed")
    assert refusal(decide, actor=org.inspector, violation_id=v.pk, handling="talk").messages == [
        "This violation is closed."
    ]
    v.refresh_from_db()
    assert (v.handling, v.status) == ("sanction", "closed")


# --- findings triage -----------------------------------------------------------------------------


def raise_(org, rule_id, day=DAY, person=None, department=None, detail="detail"):
    person = org.staff if person is None and department is None else person
    return finding_raise(
        rule_id=rule_id,
        township=org.township,
        person=person,
        department=department,
        detail=detail,
        on_date=day,
    )


def test_finding_confirm_makes_the_violation_of_its_rule(org):
    late = raise_(org, "R-ATT-2", detail="迟到 09:10")
    v = supervision.finding_confirm(actor=org.admin, finding_id=late.pk)  # no evidence: the finding's detail
    v = Violation.objects.get(pk=v.pk)
    assert (v.township, v.on_date, v.type, v.evidence, v.person, v.department, v.rule_id, v.finding) == (
        org.township,
        DAY,
        "late",
        "迟到 09:10",
        org.staff,
        org.department,
        "R-ATT-2",
        late,
    )
    assert v.recorded_by == org.admin
    late.refresh_from_db()
    assert (late.status, late.resolved_by, late.resolved_at, late.resolution) == (
        FindingStatus.CONFIRMED,
        org.admin,
        NOW,
        "",
    )

    absent = raise_(org, "R-ATT-3", person=org.colleague)
    long = "缺" * 600
    v = supervision.finding_confirm(actor=org.inspector, finding_id=absent.pk, evidence=long)
    assert (v.type, v.evidence, v.person) == ("absent", long, org.colleague)  # the violation keeps it all
    absent.refresh_from_db()
    assert absent.resolution == "缺" * 500  # the finding's resolution holds 500

    unit = DepartmentFactory(township=org.township)
    other = raise_(org, "R-MTG-2", department=unit, detail="超过会议数")
    v = supervision.finding_confirm(actor=org.inspector, finding_id=other.pk, evidence="会议记录")
    assert (v.type, v.person, v.department, v.evidence, v.rule_id) == (
        "rule",
        None,
        unit,
        "会议记录",
        "R-MTG-2",
    )


def test_finding_confirm_reads_the_finding_with_its_person_and_unit(org, django_assert_num_queries):
    f = raise_(org, "R-ATT-2")
    inspector = type(org.inspector).objects.get(pk=org.inspector.pk)
    # 19 = the inspector's roles, SAVEPOINT, the finding with its person and unit (one SELECT ... FOR
    # UPDATE), its UPDATE, its township, full_clean's 6 existence checks (township, person, unit,
    # finding, recorder, one violation per finding) and 2 constraint checks (SAVEPOINT, SELECT,
    # RELEASE each: 6), the INSERT, RELEASE.  Reading the person or the unit apart adds one each.
    with django_assert_num_queries(19):
        supervision.finding_confirm(actor=inspector, finding_id=f.pk)


def test_finding_confirm_refusals(org, other_org):
    f = raise_(org, "R-ATT-2")
    confirm = supervision.finding_confirm
    for actor in (org.principal, org.leader):
        assert refusal(confirm, actor=actor, finding_id=f.pk).messages == [
            "Only discipline inspectors triage findings."
        ]
    assert refusal(confirm, actor=other_org.inspector, finding_id=f.pk).messages == NOT_YOURS
    f.refresh_from_db()
    assert f.status == FindingStatus.OPEN and not Violation.objects.exists()
    supervision.finding_confirm(actor=org.inspector, finding_id=f.pk)
    assert refusal(confirm, actor=org.inspector, finding_id=f.pk).messages == [
        "This finding has already been triaged."
    ]
    dismissed = raise_(org, "R-ATT-3")
    supervision.finding_dismiss(actor=org.inspector, finding_id=dismissed.pk, reason="出差")
    assert refusal(confirm, actor=org.inspector, finding_id=dismissed.pk).messages == [
        "This finding has already been triaged."
    ]
    assert Violation.objects.count() == 1


def test_finding_dismiss_fields_and_refusals(org, other_org):
    f = raise_(org, "R-ATT-2")
    dismiss = supervision.finding_dismiss
    assert refusal(dismiss, actor=org.principal, finding_id=f.pk, reason="x").messages == [
        "Only discipline inspectors triage findings."
    ]
    assert refusal(dismiss, actor=org.inspector, finding_id=f.pk, reason=" \n ").message_dict == {
        "reason": ["Say why the finding is dismissed."]
    }
    assert refusal(dismiss, actor=other_org.inspector, finding_id=f.pk, reason="x").messages == NOT_YOURS
    f.refresh_from_db()
    assert (f.status, f.resolved_by) == (FindingStatus.OPEN, None)

    supervision.finding_dismiss(actor=org.admin, finding_id=f.pk, reason="  出差  ")
    f.refresh_from_db()
    assert (f.status, f.resolved_by, f.resolved_at, f.resolution) == (
        FindingStatus.DISMISSED,
        org.admin,
        NOW,
        "出差",
    )
    assert refusal(dismiss, actor=org.inspector, finding_id=f.pk, reason="x").messages == [
        "This finding has already been triaged."
    ]
    g = raise_(org, "R-ATT-3")
    supervision.finding_dismiss(actor=org.inspector, finding_id=g.pk, reason=" " + "长" * 600)
    g.refresh_from_db()
    assert g.resolution == "长" * 500  # stripped, then cut to the field's 500


def test_findings_triage_bulk(org):
    ids = [raise_(org, "R-ATT-2", person=p).pk for p in (org.staff, org.colleague)]
    assert (
        supervision.findings_triage_bulk(
            actor=org.inspector, finding_ids=ids, action="confirm", reason="抽查属实"
        )
        == 2
    )
    assert sorted(Violation.objects.values_list("evidence", "type")) == [("抽查属实", "late")] * 2
    assert set(Finding.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        FindingStatus.CONFIRMED
    }

    fresh = raise_(org, "R-ATT-3").pk
    err = refusal(
        supervision.findings_triage_bulk,
        actor=org.inspector,
        finding_ids=[fresh],
        action="archive",
        reason="x",
    )
    assert err.messages == ["Unknown action."]
    # All or none: the second is already triaged, so the first stays open.
    err = refusal(
        supervision.findings_triage_bulk,
        actor=org.inspector,
        finding_ids=[fresh, ids[0]],
        action="dismiss",
        reason="x",
    )
    assert err.messages == ["This finding has already been triaged."]
    assert Finding.objects.get(pk=fresh).status == FindingStatus.OPEN
    assert (
        supervision.findings_triage_bulk(
            actor=org.inspector, finding_ids=[fresh], action="dismiss", reason="请假"
        )
        == 1
    )
    f = Finding.objects.get(pk=fresh)
    assert (f.status, f.resolution) == (FindingStatus.DISMISSED, "请假")
    # Confirmed without a reason: each violation's evidence is its finding's detail.
    quiet = raise_(org, "R-ATT-2", person=org.head, detail="迟到 08:40").pk
    assert supervision.findings_triage_bulk(actor=org.inspector, finding_ids=[quiet], action="confirm") == 1
    assert Violation.objects.get(finding_id=quiet).evidence == "迟到 08:40"


# --- survey ratings and rounds -------------------------------------------------------------------


def round_(township, year, kind="satisfaction", status="closed"):
    return SurveyRound.objects.create(
        township=township, year=year, kind=kind, status=status, name=f"轮{next(NAMES)}"
    )


def rate(rnd, scores):
    """Ratings straight into a round: {department or person: score}."""
    for who, score in scores.items():
        field = "department" if who.__class__.__name__ == "Department" else "person"
        SurveyRating.objects.create(round=rnd, score=Decimal(score), **{field: who})


def test_survey_rating_add_saves_and_refuses(org, other_org):
    rnd = SurveyRound.objects.create(township=org.township, year=2026, name="群众满意度")
    add = supervision.survey_rating_add
    r = add(
        actor=org.admin, round=rnd, score=Decimal("87.5"), department=org.department, rater_group="村代表"
    )
    r = SurveyRating.objects.get(pk=r.pk)
    assert (r.round, r.department, r.person, r.rater_group, r.score) == (
        rnd,
        org.department,
        None,
        "村代表",
        Decimal("87.5"),
    )
    p = add(actor=org.inspector, round=rnd, score=Decimal(60), person=org.head)
    p = SurveyRating.objects.get(pk=p.pk)
    assert (p.person, p.department, p.rater_group) == (org.head, None, "")

    kw = {"round": rnd, "score": Decimal(50), "department": org.department}
    for actor in (org.principal, org.head):
        assert refusal(add, actor=actor, **kw).messages == [
            "Only discipline inspectors and administrators enter ratings."
        ]
    assert refusal(add, actor=other_org.inspector, **kw).messages == NOT_YOURS
    assert refusal(
        add, actor=org.inspector, round=rnd, score=Decimal(50), department=other_org.department
    ).messages == (NOT_YOURS)
    assert (
        refusal(add, actor=org.inspector, round=rnd, score=Decimal(50), person=other_org.staff).messages
        == NOT_YOURS
    )
    SurveyRound.objects.filter(pk=rnd.pk).update(status="closed")
    assert refusal(add, actor=org.inspector, **kw).messages == [
        "The round 2026 群众满意度 is closed: reopen it (with a reason) to correct its ratings."
    ]
    assert SurveyRating.objects.count() == 2


def test_survey_rating_enter_finds_its_round_by_township_year_kind_and_name(org, other_org):
    def enter(
        township=org.township, year=2026, name="群众满意度", kind="satisfaction", actor=org.inspector, **kw
    ):
        return supervision.survey_rating_enter(
            actor=actor, township=township, year=year, round_name=name, kind=kind, score=Decimal(70), **kw
        )

    first = enter(department=org.department, rater_group="党员代表").round
    first = SurveyRound.objects.get(pk=first.pk)
    assert (first.township, first.year, first.kind, first.name, first.status) == (
        org.township,
        2026,
        "satisfaction",
        "群众满意度",
        "open",
    )
    assert enter(department=org.department).round == first  # found again by its name
    others = [
        enter(year=2025, department=org.department).round,
        enter(kind="democratic", person=org.head).round,
        enter(name="第二轮", department=org.department).round,
        enter(township=other_org.township, actor=other_org.inspector, department=other_org.department).round,
    ]
    assert len({first.pk, *(r.pk for r in others)}) == 5
    assert first.ratings.count() == 2
    assert sorted(first.ratings.values_list("rater_group", flat=True)) == ["", "党员代表"]
    # Refused: not an inspector, another township.
    assert refusal(enter, actor=org.principal, department=org.department).messages == [
        "Only discipline inspectors and administrators enter ratings."
    ]
    assert refusal(enter, actor=other_org.inspector, department=org.department).messages == NOT_YOURS


def last_twice(org):
    """a last in 2025 (60 < 80 < 90) and in 2026 (55 < 70 < 95), both years closed: a's finding is due."""
    a = org.department
    b = DepartmentFactory(township=org.township, name="B办")
    c = DepartmentFactory(township=org.township, name="C办")
    rate(round_(org.township, 2025), {a: 60, b: 90, c: 80})
    rate(round_(org.township, 2026), {a: 55, b: 95, c: 70})
    supervision.satisfaction_review(township_id=org.township.pk, year=2026)
    finding = Finding.objects.get(rule_id="R-SUP-5")
    assert (finding.department, finding.status) == (a, FindingStatus.OPEN)
    return a, b, c, finding


def test_opening_a_round_reviews_its_year_and_the_next_only(org):
    a, b, c, finding = last_twice(org)

    def enter(year, kind):
        supervision.survey_rating_enter(
            actor=org.inspector,
            township=org.township,
            year=year,
            round_name="补充轮",
            kind=kind,
            score=Decimal(80),
            department=a if kind == "satisfaction" else None,
            person=org.head if kind == "democratic" else None,
        )
        finding.refresh_from_db()
        return finding.status

    assert enter(2026, "democratic") == FindingStatus.OPEN  # a democratic round is not R-SUP-5's
    assert enter(2027, "satisfaction") == FindingStatus.OPEN  # 2027 and 2028 are reviewed, not 2026
    assert enter(2025, "satisfaction") == FindingStatus.DISMISSED  # 2025 open again: 2026 no longer holds


def test_round_close_and_reopen_refusals_and_fields(org, other_org):
    rnd = SurveyRound.objects.create(township=org.township, year=2026, name="群众满意度")
    close, reopen = supervision.survey_round_close, supervision.survey_round_reopen
    only = ["Only discipline inspectors and administrators close or reopen survey rounds."]
    assert refusal(close, actor=org.principal, round_id=rnd.pk).messages == only
    assert refusal(close, actor=other_org.inspector, round_id=rnd.pk).messages == NOT_YOURS
    assert refusal(close, actor=org.inspector, round_id=rnd.pk).messages == [
        "A round without ratings cannot be closed."
    ]
    assert refusal(reopen, actor=org.inspector, round_id=rnd.pk, reason="x").messages == [
        "This survey round is open."
    ]
    rnd.refresh_from_db()
    assert (rnd.status, rnd.closed_at, rnd.closed_by) == ("open", None, None)

    rate(rnd, {org.department: 80})
    supervision.survey_round_close(actor=org.admin, round_id=rnd.pk)
    rnd.refresh_from_db()
    assert (rnd.status, rnd.closed_at, rnd.closed_by) == ("closed", NOW, org.admin)
    assert refusal(close, actor=org.inspector, round_id=rnd.pk).messages == [
        "This survey round is already closed."
    ]
    assert refusal(reopen, actor=org.principal, round_id=rnd.pk, reason="x").messages == only
    assert refusal(reopen, actor=other_org.inspector, round_id=rnd.pk, reason="x").messages == NOT_YOURS
    assert refusal(reopen, actor=org.inspector, round_id=rnd.pk, reason="  ").message_dict == {
        "reason": ["Say why the round is reopened."]
    }
    rnd.refresh_from_db()
    assert rnd.status == "closed"

    supervision.survey_round_reopen(actor=org.inspector, round_id=rnd.pk, reason="  补录  ")
    rnd.refresh_from_db()
    assert (rnd.status, rnd.closed_at, rnd.closed_by, rnd.reopen_reason) == ("open", None, None, "补录")
    supervision.survey_round_close(actor=org.inspector, round_id=rnd.pk)
    supervision.survey_round_reopen(actor=org.inspector, round_id=rnd.pk, reason="改" * 600)
    rnd.refresh_from_db()
    assert rnd.reopen_reason == "改" * 500


def test_closing_or_reopening_a_democratic_round_reviews_nothing(org):
    a, b, c, finding = last_twice(org)
    rnd = round_(org.township, 2026, kind="democratic", status="open")
    rate(rnd, {org.head: 90})
    # A stale R-SUP-5 finding of c for 2026 (c is not last): only a satisfaction review withdraws it.
    stale = finding_raise(
        rule_id="R-SUP-5",
        township=org.township,
        department=c,
        key="stale",
        detail="x",
        on_date=dt.date(2026, 12, 31),
    )
    supervision.survey_round_close(actor=org.inspector, round_id=rnd.pk)
    supervision.survey_round_reopen(actor=org.inspector, round_id=rnd.pk, reason="复核")
    stale.refresh_from_db()
    assert stale.status == FindingStatus.OPEN
    # The satisfaction round of 2025 reopened: 2026 (its next year) is reviewed, both withdrawn.
    r2025 = SurveyRound.objects.get(township=org.township, year=2025, kind="satisfaction")
    supervision.survey_round_reopen(actor=org.inspector, round_id=r2025.pk, reason="复核")
    stale.refresh_from_db()
    finding.refresh_from_db()
    assert (stale.status, finding.status) == (FindingStatus.DISMISSED, FindingStatus.DISMISSED)
    # Closed again: a is due again (reopened), c's stale one stays withdrawn.
    supervision.survey_round_close(actor=org.inspector, round_id=r2025.pk)
    stale.refresh_from_db()
    finding.refresh_from_db()
    assert (stale.status, finding.status) == (FindingStatus.DISMISSED, FindingStatus.OPEN)


# --- R-SUP-5: ranking, last units, review ------------------------------------------------------


def test_satisfaction_ranking_averages_and_shared_ranks(org, other_org):
    a = org.department
    b, c, d = (DepartmentFactory(township=org.township) for _ in range(3))
    first, second = round_(org.township, 2026), round_(org.township, 2026, status="open")
    rate(first, {a: 80, b: 70, c: 85, d: 60})
    rate(second, {a: 90, d: 61, org.head: 0})  # a person's rating is not a unit's
    # Not counted: another year, a democratic round, another township.
    rate(round_(org.township, 2025), {b: 100})
    rate(round_(org.township, 2026, kind="democratic"), {b: 100, org.head: 100})
    rate(round_(other_org.township, 2026), {other_org.department: 100})
    ranking = supervision.satisfaction_ranking(township_id=org.township.pk, year=2026)
    # a (80 + 90) / 2 = 85 and c 85 share rank 1 (a first: lower id); b 70 is 3rd; d (60 + 61) / 2 = 60.5 4th.
    assert ranking == [
        (a.pk, Decimal("85"), 1),
        (c.pk, Decimal("85"), 1),
        (b.pk, Decimal("70"), 3),
        (d.pk, Decimal("60.5"), 4),
    ]
    # 2027: 90, 70, 70, 50 -> 1, 2, 2, 4 (the tied pair by id); 2028: all 50 -> all first; 2029: nothing.
    rate(round_(org.township, 2027), {d: 90, c: 70, b: 70, a: 50})
    assert supervision.satisfaction_ranking(township_id=org.township.pk, year=2027) == [
        (d.pk, Decimal(90), 1),
        (b.pk, Decimal(70), 2),
        (c.pk, Decimal(70), 2),
        (a.pk, Decimal(50), 4),
    ]
    rate(round_(org.township, 2028), {c: 50, a: 50, d: 50, b: 50})
    assert supervision.satisfaction_ranking(township_id=org.township.pk, year=2028) == [
        (a.pk, Decimal(50), 1),
        (b.pk, Decimal(50), 1),
        (c.pk, Decimal(50), 1),
        (d.pk, Decimal(50), 1),
    ]
    assert supervision.satisfaction_ranking(township_id=org.township.pk, year=2029) == []


def test_satisfaction_ranking_orders_tied_units_by_id_whatever_the_query_plan(org):
    """Without sorting for the grouping PostgreSQL groups by hash, in no useful order: the ranking
    still lists tied units by id."""
    units = [org.department, *(DepartmentFactory(township=org.township) for _ in range(9))]
    rate(round_(org.township, 2026), dict.fromkeys(reversed(units), 50))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # this test's transaction only
    # Ten units at 50: all first, by id.
    assert supervision.satisfaction_ranking(township_id=org.township.pk, year=2026) == [
        (u.pk, Decimal(50), 1) for u in sorted(units, key=lambda u: u.pk)
    ]


def test_satisfaction_last_units_counts_closed_complete_years_only(org, other_org):
    a = org.department
    b, c = DepartmentFactory(township=org.township), DepartmentFactory(township=org.township)

    def last(year, township=org.township):
        return supervision.satisfaction_last_units(township_id=township.pk, year=year)

    assert last(2026) is None  # no round at all
    rnd = round_(org.township, 2026)
    rate(rnd, {a: 60, b: 80})
    assert last(2026) is None  # c never rated
    rate(rnd, {c: 60})
    # a 60 and c 60 tie for last below b 80; rounds of other kinds, years and townships do not matter.
    round_(org.township, 2026, kind="democratic", status="open")
    round_(org.township, 2025, status="open")
    round_(other_org.township, 2026, status="open")
    assert last(2026) == {a.pk, c.pk}
    second = round_(org.township, 2026, status="open")
    rate(second, {b: 10})
    assert last(2026) is None  # a round of the year still open
    SurveyRound.objects.filter(pk=second.pk).update(status="closed")
    assert last(2026) == {b.pk}  # b (80 + 10) / 2 = 45 < 60
    # A township without units whose closed round rated only a person: no ranking, no last unit.
    empty = TownshipFactory()
    rate(round_(empty, 2026), {UserFactory(township=empty): 50})
    assert last(2026, township=empty) is None


def test_satisfaction_review_raises_the_finding_word_for_word(org):
    a, b, c, finding = last_twice(org)
    assert (finding.township, finding.person, finding.on_date, finding.subject_key) == (
        org.township,
        org.head,
        dt.date(2026, 12, 31),
        f"department:{a.pk}:2026",
    )
    detail = f"{a.name} ranked last in the satisfaction survey in 2025 and 2026: an admonishment talk with its head is due."
    assert finding.detail == detail
    assert finding.message == {
        "id": "%(unit)s ranked last in the satisfaction survey in %(prev)s and %(year)s: an admonishment talk "
        "with its head is due.",
        "params": {"unit": a.name, "prev": 2025, "year": 2026},
    }
    # Reviewed again: the same unit, the same one finding, still open.
    assert supervision.satisfaction_review(township_id=org.township.pk, year=2026) == [a]
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and Finding.objects.count() == 1


def test_satisfaction_review_queries(org, django_assert_num_queries):
    """A year that does not count is one query to tell, the year before is not asked, and the
    withdrawal is one UPDATE (nothing is due: no unit is read, nothing is reopened); a year that
    counts reads the units due with their heads at once."""
    with django_assert_num_queries(2):
        assert supervision.satisfaction_review(township_id=org.township.pk, year=2026) == []
    a, b, c, finding = last_twice(org)
    # 10 = per counted year (2026, then 2025) its rounds' statuses, its ranking and its units (6);
    # the withdrawal UPDATE; the units due with their heads (one SELECT, not one per head); a's
    # finding found again (no INSERT); the reopening UPDATE.
    with django_assert_num_queries(10):
        assert supervision.satisfaction_review(township_id=org.township.pk, year=2026) == [a]


def test_satisfaction_review_needs_the_same_unit_last_two_counted_years(org):
    a = org.department
    b = DepartmentFactory(township=org.township)
    rate(round_(org.township, 2024), {a: 50, b: 90})  # a last in 2024
    rate(round_(org.township, 2025), {a: 90, b: 50})  # b last in 2025
    rate(round_(org.township, 2026), {a: 50, b: 90})  # a last in 2026
    for year in (2025, 2026):  # a, b then b, a: nobody twice running
        assert supervision.satisfaction_review(township_id=org.township.pk, year=year) == []
    rate(round_(org.township, 2027), {a: 40, b: 90})  # a last in 2026 and 2027
    rate(round_(org.township, 2028, status="open"), {a: 40, b: 90})  # 2028 does not count yet
    assert supervision.satisfaction_review(township_id=org.township.pk, year=2028) == []
    assert supervision.satisfaction_review(township_id=org.township.pk, year=2027) == [a]
    rate(
        round_(org.township, 2023, status="open"), {a: 10, b: 90}
    )  # 2023 does not count: 2024 raises nothing
    assert supervision.satisfaction_review(township_id=org.township.pk, year=2024) == []
    assert list(Finding.objects.values_list("department", "on_date")) == [(a.pk, dt.date(2027, 12, 31))]


def test_satisfaction_review_units_tied_for_last_in_id_order(org):
    a = org.department
    b, c = DepartmentFactory(township=org.township), DepartmentFactory(township=org.township)
    rate(round_(org.township, 2025), {c: 50, b: 50, a: 50})  # all three last
    rate(round_(org.township, 2026), {c: 90, b: 60, a: 60})  # a and b last
    assert supervision.satisfaction_review(township_id=org.township.pk, year=2026) == [a, b]
    assert set(Finding.objects.values_list("department", "person")) == {(a.pk, org.head.pk), (b.pk, None)}


def test_satisfaction_review_withdraws_only_its_own_open_findings_that_no_longer_hold(org, other_org):
    a, b, c, finding = last_twice(org)
    end = dt.date(2026, 12, 31)

    def raised(rule_id="R-SUP-5", township=org.township, department=c, on_date=end, key="k"):
        return finding_raise(
            rule_id=rule_id, township=township, department=department, key=key, detail="x", on_date=on_date
        )

    stale = raised()  # c is not last: withdrawn, naming no one (even if the row named someone)
    Finding.objects.filter(pk=stale.pk).update(resolved_by=org.inspector)
    untouched = [
        raised(on_date=dt.date(2025, 12, 31)),  # another year's
        raised(rule_id="R-MTG-2"),  # another rule's
        raised(township=other_org.township, department=other_org.department),  # another township's
    ]
    # a's finding was withdrawn earlier (no inspector named), so it opens again; a's other one dismissed
    # by an inspector and a's of another year withdrawn earlier stay as they are.
    Finding.objects.filter(pk=finding.pk).update(
        status=FindingStatus.DISMISSED, resolved_at=NOW, resolution="old", resolution_message={"id": "x"}
    )
    by_inspector = raised(department=a, key="inspector")
    Finding.objects.filter(pk=by_inspector.pk).update(
        status=FindingStatus.DISMISSED, resolved_by=org.inspector
    )
    old = raised(department=a, on_date=dt.date(2025, 12, 31), key="old")
    Finding.objects.filter(pk=old.pk).update(status=FindingStatus.DISMISSED)

    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        assert supervision.satisfaction_review(township_id=org.township.pk, year=2026) == [a]
    stale.refresh_from_db()
    assert (stale.status, stale.resolved_by, stale.resolved_at, stale.resolution) == (
        FindingStatus.DISMISSED,
        None,
        NOW + dt.timedelta(hours=1),
        WITHDRAWN,
    )
    assert stale.resolution_message == {"id": WITHDRAWN, "params": {}}
    for f in untouched:
        f.refresh_from_db()
        assert (f.status, f.resolved_at, f.resolution) == (FindingStatus.OPEN, None, "")
    finding.refresh_from_db()
    assert (finding.status, finding.resolved_at, finding.resolution, finding.resolution_message) == (
        FindingStatus.OPEN,
        None,
        "",
        None,
    )
    by_inspector.refresh_from_db()
    old.refresh_from_db()
    assert (by_inspector.status, old.status) == (FindingStatus.DISMISSED, FindingStatus.DISMISSED)


# --- R-SUP-6 -----------------------------------------------------------------------------------


def test_democratic_appraisal_averages_per_person_of_the_year(org, other_org):
    rnd = round_(org.township, 2026, kind="democratic", status="open")
    second = round_(org.township, 2026, kind="democratic")
    rate(rnd, {org.head: 90, org.principal: 70, org.department: 10})  # a unit's rating is not a person's
    rate(second, {org.head: 80})
    # Not counted: another year, a satisfaction round, another township.
    rate(round_(org.township, 2025, kind="democratic"), {org.head: 0})
    rate(round_(org.township, 2026), {org.head: 0})
    rate(round_(other_org.township, 2026, kind="democratic"), {other_org.head: 50})
    # head (90 + 80) / 2 = 85, principal 70.
    assert supervision.democratic_appraisal(township_id=org.township.pk, year=2026) == {
        org.head.pk: Decimal(85),
        org.principal.pk: Decimal(70),
    }
    assert supervision.democratic_appraisal(township_id=org.township.pk, year=2027) == {}
