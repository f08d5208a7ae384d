import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from township import supervision
from township.appraisal import appraisal_compute, appraisal_publish, indicator_set, previous_ranks
from township.findings import finding_raise
from township.hooks import ANSWERS, answer
from township.models import Finding, FindingStatus
from township.models.supervision import AppraisalReport, AppraisalScore, SurveyRound, Violation

DAY = dt.date(2026, 2, 10)


def test_r_sup_1_spot_checks_by_leaders_and_inspectors_only(org):
    check = supervision.spot_check_record(
        actor=org.inspector,
        township=org.township,
        on_date=DAY,
        scope="考勤抽查",
        findings="两人迟到",
        people=[org.staff],
    )
    assert list(check.people_checked.all()) == [org.staff]
    with pytest.raises(ValidationError, match="R-SUP-1"):
        supervision.spot_check_record(actor=org.staff, township=org.township, on_date=DAY, scope="x")


def test_r_sup_2_late_arrival_recorded_as_a_violation_from_its_finding(org):
    f = finding_raise(
        rule_id="R-ATT-2", township=org.township, person=org.staff, detail="late 09:10", on_date=DAY
    )
    v = supervision.finding_confirm(actor=org.inspector, finding_id=f.pk)
    assert v.type == "late" and v.person == org.staff and v.rule_id == "R-ATT-2"
    f.refresh_from_db()
    assert f.status == FindingStatus.CONFIRMED
    with pytest.raises(ValidationError, match="already been triaged"):
        supervision.finding_dismiss(actor=org.inspector, finding_id=f.pk, reason="x")


def test_r_sup_2_noon_drinking_and_gaming_are_violation_types(org):
    from django.utils import translation

    labels = {
        "noon_drinking": ("Drinking at noon on a working day", "工作日中午饮酒"),
        "chat_gaming": ("Chatting or gaming online at work", "上班时间上网聊天、玩游戏"),
    }
    for kind, (english, chinese) in labels.items():
        v = supervision.violation_record(
            actor=org.inspector,
            township=org.township,
            on_date=DAY,
            type=kind,
            evidence="现场发现",
            person=org.staff,
        )
        v.refresh_from_db()
        assert v.type == kind and v.department == org.department
        with translation.override("en"):
            assert v.get_type_display() == english
        with translation.override("zh-hans"):
            assert v.get_type_display() == chinese
    # Refused: staff record no violations; a type that is not on the list is not a violation.
    with pytest.raises(ValidationError, match="Only leaders"):
        supervision.violation_record(
            actor=org.staff,
            township=org.township,
            on_date=DAY,
            type="noon_drinking",
            evidence="x",
            person=org.colleague,
        )
    with pytest.raises(ValidationError, match="type"):
        supervision.violation_record(
            actor=org.inspector,
            township=org.township,
            on_date=DAY,
            type="karaoke",
            evidence="x",
            person=org.staff,
        )
    assert Violation.objects.count() == 2


def test_r_sup_4_handling_decided_by_inspector_or_principal_only(org):
    v = supervision.violation_record(
        actor=org.leader, township=org.township, on_date=DAY, type="late", evidence="x", person=org.staff
    )
    with pytest.raises(ValidationError):
        supervision.violation_decide(actor=org.leader, violation_id=v.pk, handling="talk")
    supervision.violation_decide(actor=org.principal, violation_id=v.pk, handling="talk")
    v.refresh_from_db()
    assert v.handling == "talk" and v.decided_by == org.principal
    # A unit can be held accountable too.
    unit = supervision.violation_record(
        actor=org.inspector,
        township=org.township,
        on_date=DAY,
        type="other",
        evidence="通报",
        department=org.department,
    )
    supervision.violation_decide(actor=org.inspector, violation_id=unit.pk, handling="notice")


def test_r_sup_8_ten_prohibitions_are_violation_types(org):
    """Each of the ten prohibitions is recorded as a violation of its own type and label (written out
    here from the rule's text, not read from the enum); anything else is refused."""
    from django.utils import translation

    ten = {
        "gifts": "Accepting gifts, cash or securities",
        "banquet": "Banquets or entertainment on public funds",
        "shift_costs": "Shifting costs to villages or enterprises",
        "drinking_on_duty": "Drinking on duty",
        "gambling": "Gambling",
        "public_car": "Private use of official vehicles",
        "travel_public_funds": "Sightseeing on public funds",
        "over_standard": "Offices, housing or reception above standard",
        "family_business": "Favouring relatives' business",
        "extravagant_events": "Extravagant weddings or funerals",
    }
    for code in ten:
        supervision.violation_record(
            actor=org.inspector, township=org.township, on_date=DAY, type=code, evidence="x", person=org.staff
        )
    recorded = Violation.objects.order_by("pk")
    assert [v.type for v in recorded] == list(ten)
    with translation.override("en"):
        assert [v.get_type_display() for v in recorded] == list(ten.values())
    with pytest.raises(ValidationError, match="type"):
        supervision.violation_record(
            actor=org.inspector,
            township=org.township,
            on_date=DAY,
            type="fishing",
            evidence="x",
            person=org.staff,
        )
    assert Violation.objects.count() == 10


def test_findings_dismissed_in_bulk_need_a_reason_and_are_all_or_nothing(org):
    ids = [
        finding_raise(rule_id="R-ATT-3", township=org.township, person=p, detail="absent", on_date=DAY).pk
        for p in (org.staff, org.colleague)
    ]
    with pytest.raises(ValidationError):
        supervision.findings_triage_bulk(actor=org.inspector, finding_ids=ids, action="dismiss", reason="")
    assert Finding.objects.filter(status=FindingStatus.OPEN).count() == 2
    supervision.findings_triage_bulk(actor=org.inspector, finding_ids=ids, action="dismiss", reason="出差")
    assert Finding.objects.filter(status=FindingStatus.DISMISSED).count() == 2


def test_r_sup_7_only_administrators_define_indicators(org):
    from township.models.supervision import AppraisalIndicator

    with pytest.raises(ValidationError, match="R-SUP-7"):
        indicator_set(
            actor=org.inspector,
            county=org.township.county,
            year=2026,
            code="late_early",
            weight=Decimal("10"),
            deduction=Decimal("1"),
        )
    assert not AppraisalIndicator.objects.filter(county=org.township.county, year=2026).exists()
    indicator_set(
        actor=org.admin,
        county=org.township.county,
        year=2026,
        code="late_early",
        weight=Decimal("10"),
        deduction=Decimal("2"),
    )
    saved = AppraisalIndicator.objects.get(county=org.township.county, year=2026, code="late_early")
    assert (saved.weight, saved.deduction, saved.changed_by) == (Decimal("10"), Decimal("2"), org.admin)
    with pytest.raises(ValidationError):
        indicator_set(
            actor=org.admin,
            county=org.township.county,
            year=2026,
            code="invented_ranking",
            weight=Decimal("10"),
            deduction=Decimal("0"),
        )


@pytest.fixture
def fake_attendance():
    def summary(*, township_id, start, end):
        return {}

    answer("attendance_summary", summary)
    yield
    ANSWERS["attendance_summary"].remove(summary)


def test_r_sup_3_quarterly_appraisal_ranks_and_replaces_its_draft(org, fake_attendance):
    indicator_set(
        actor=org.admin,
        county=org.township.county,
        year=2026,
        code="late_early",
        weight=Decimal("10"),
        deduction=Decimal("2"),
    )
    for day in (DAY, DAY + dt.timedelta(days=1)):
        finding_raise(rule_id="R-ATT-2", township=org.township, person=org.staff, detail="late", on_date=day)
    report = appraisal_compute(township_id=org.township.pk, year=2026, number=1)
    scores = {s.person_id: s for s in report.scores.all()}
    assert scores[org.staff.pk].total == Decimal("6.00")
    assert scores[org.colleague.pk].total == Decimal("10.00")
    assert scores[org.colleague.pk].rank == 1 and scores[org.staff.pk].rank > 1
    # Running again replaces the draft: never two drafts, never duplicated scores.
    again = appraisal_compute(township_id=org.township.pk, year=2026, number=1)
    assert AppraisalReport.objects.filter(year=2026, number=1).count() == 1
    assert AppraisalScore.objects.count() == again.scores.count()
    appraisal_publish(actor=org.inspector, report_id=again.pk)
    third = appraisal_compute(township_id=org.township.pk, year=2026, number=1)
    assert third.version == 2 and third.status == "draft"
    assert AppraisalReport.objects.filter(year=2026, number=1, status="published").count() == 1
    q2 = appraisal_compute(township_id=org.township.pk, year=2026, number=2)
    assert previous_ranks(q2)[org.staff.pk] == scores[org.staff.pk].rank


def test_r_sup_3_published_report_is_frozen(org, fake_attendance):
    from django.db import ProgrammingError, transaction

    report = appraisal_compute(township_id=org.township.pk, year=2026, number=1)
    appraisal_publish(actor=org.inspector, report_id=report.pk)
    with pytest.raises(ProgrammingError), transaction.atomic():
        AppraisalReport.objects.filter(pk=report.pk).update(version=9)


# R-SUP-5 (satisfaction surveys on closed years only): township/tests/test_surveys.py


def test_r_sup_6_democratic_appraisal_averages_ratings_per_person(org):
    rnd = SurveyRound.objects.create(township=org.township, year=2026, name="年终民主测评", kind="democratic")
    for score, group in ((Decimal(90), "村代表"), (Decimal(80), "党员代表")):
        supervision.survey_rating_add(
            actor=org.inspector, round=rnd, person=org.head, score=score, rater_group=group
        )
    assert supervision.democratic_appraisal(township_id=org.township.pk, year=2026)[org.head.pk] == Decimal(
        85
    )


def test_dashboard_keeps_a_query_budget(org, login, django_assert_max_num_queries):
    client = login(org.inspector)

    def make(n, start):
        for i in range(n):
            finding_raise(
                rule_id="R-ATT-2",
                township=org.township,
                person=org.staff,
                detail=f"late {i}",
                on_date=dt.date(2026, 1, 1) + dt.timedelta(days=start + i),
            )

    make(3, 0)
    with django_assert_max_num_queries(40) as small:
        assert client.get("/supervision/?from=2026-01-01&to=2026-12-31").status_code == 200
    make(30, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/supervision/?from=2026-01-01&to=2026-12-31").status_code == 200


def test_violation_and_spot_check_pages(org, login):
    client = login(org.inspector)
    r = client.post(
        "/supervision/violations/",
        {"on_date": "2026-02-10", "type": "late", "person": org.staff.pk, "evidence": "抽查迟到"},
    )
    assert r.status_code == 302 and Violation.objects.count() == 1
    assert client.get("/supervision/violations/").status_code == 200
    r = client.post("/supervision/spot-checks/", {"on_date": "2026-02-10", "scope": "午间饮酒抽查"})
    assert r.status_code == 302
    assert login(org.staff).get("/supervision/violations/").status_code == 403


def test_appraisal_report_pdf_and_xlsx(org, login, fake_attendance):
    report = appraisal_compute(township_id=org.township.pk, year=2026, number=1)
    client = login(org.inspector)
    assert client.get(f"/supervision/appraisal/{report.pk}/").status_code == 200
    pdf = client.get(f"/supervision/appraisal/{report.pk}/pdf/")
    assert pdf.content.startswith(b"%PDF") and b"WenQuanYiMicroHei" in pdf.content
    xlsx = client.get(f"/supervision/appraisal/{report.pk}/xlsx/")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
