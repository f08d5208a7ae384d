"""R-SUP-5 (satisfaction survey: a unit last two years running -> admonishment talk due) on closed,
complete years only, and the survey rounds' life: open -> closed -> reopened with a reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from township import supervision
from township.models import Finding, FindingStatus
from township.models.supervision import SurveyRating, SurveyRound
from township.tests.factories import DepartmentFactory, UserFactory


@pytest.fixture
def units(org):
    """The township's three units: org.department (headed by org.head), B and C."""
    b = DepartmentFactory(township=org.township, name="B办")
    c = DepartmentFactory(township=org.township, name="C办")
    return org.department, b, c


def rate(org, year, scores, name="群众满意度"):
    """Enter one rating per unit into the year's round; returns the round."""
    rating = None
    for dept, score in scores.items():
        rating = supervision.survey_rating_enter(
            actor=org.inspector,
            township=org.township,
            year=year,
            round_name=name,
            kind="satisfaction",
            score=Decimal(score),
            department=dept,
        )
    return rating.round


def close(org, rnd):
    return supervision.survey_round_close(actor=org.inspector, round_id=rnd.pk)


def r_sup_5():
    return Finding.objects.filter(rule_id="R-SUP-5")


def test_r_sup_5_no_finding_from_a_half_entered_year(org, units):
    a, b, c = units
    close(org, rate(org, 2025, {a: 60, b: 90, c: 80}))  # a last in 2025
    # 2026: the first rating is a's (so a is "last" of one) -- nothing is due.
    rnd = rate(org, 2026, {a: 50})
    assert not r_sup_5().exists()
    rate(org, 2026, {b: 95})
    assert not r_sup_5().exists()
    # Closed with c never rated: the ranking is incomplete, still nothing.
    close(org, rnd)
    assert not r_sup_5().exists()
    assert supervision.satisfaction_last_units(township_id=org.township.pk, year=2026) is None


def test_r_sup_5_no_finding_while_another_round_of_the_year_is_open(org, units):
    a, b, c = units
    close(org, rate(org, 2025, {a: 60, b: 90, c: 80}))
    first = rate(org, 2026, {a: 50, b: 95, c: 70})
    second = rate(org, 2026, {a: 52}, name="第二轮")
    close(org, first)  # a is last of the closed round, but the year is not closed
    assert not r_sup_5().exists()
    close(org, second)  # a: (50 + 52) / 2 = 51 < c 70: last twice
    assert r_sup_5().get().department == a
    # A third round opened in the closed year: the year no longer counts, the finding is withdrawn.
    rate(org, 2026, {c: 10}, name="第三轮")
    assert r_sup_5().get().status == FindingStatus.DISMISSED


def test_r_sup_5_unit_last_in_two_consecutive_closed_years(org, units):
    a, b, c = units
    close(org, rate(org, 2025, {a: 60, b: 90, c: 80}))
    assert not r_sup_5().exists()  # one year is not two
    close(org, rate(org, 2026, {a: 55, b: 95, c: 70}))
    finding = r_sup_5().get()
    assert finding.department == a and finding.person == org.head
    assert finding.on_date == dt.date(2026, 12, 31)
    assert finding.status == FindingStatus.OPEN
    assert "2025" in finding.detail and "2026" in finding.detail
    # Checking again raises nothing twice.
    assert supervision.satisfaction_review(township_id=org.township.pk, year=2026) == [a]
    assert r_sup_5().count() == 1


def test_r_sup_5_years_must_be_consecutive(org, units):
    a, b, c = units
    close(org, rate(org, 2024, {a: 60, b: 90, c: 80}))
    close(org, rate(org, 2026, {a: 55, b: 95, c: 70}))
    assert not r_sup_5().exists()


def test_r_sup_5_closing_the_earlier_year_last_also_raises(org, units):
    a, b, c = units
    later = rate(org, 2026, {a: 55, b: 95, c: 70})
    close(org, later)
    assert not r_sup_5().exists()
    close(org, rate(org, 2025, {a: 60, b: 90, c: 80}))
    assert r_sup_5().get().on_date == dt.date(2026, 12, 31)


def test_r_sup_5_units_tied_for_last_are_all_last(org, units):
    a, b, c = units
    b.head = UserFactory(township=org.township, department=b)
    b.save()
    close(org, rate(org, 2025, {a: 60, b: 60, c: 80}))
    close(org, rate(org, 2026, {a: 70, b: 70, c: 90}))
    assert {(f.department, f.person) for f in r_sup_5()} == {(a, org.head), (b, b.head)}
    ranking = supervision.satisfaction_ranking(township_id=org.township.pk, year=2026)
    assert [(d, r) for d, _avg, r in ranking] == [(c.pk, 1), (a.pk, 2), (b.pk, 2)]


def test_r_sup_5_reopening_withdraws_and_a_correction_keeps_it_withdrawn(org, units):
    a, b, c = units
    close(org, rate(org, 2025, {a: 60, b: 90, c: 80}))
    rnd = rate(org, 2026, {a: 55, b: 95, c: 70})
    close(org, rnd)
    finding = r_sup_5().get()

    # Refused: no reason, or not an inspector -- nothing changes.
    with pytest.raises(ValidationError, match="why"):
        supervision.survey_round_reopen(actor=org.inspector, round_id=rnd.pk, reason="  ")
    with pytest.raises(ValidationError, match="inspectors"):
        supervision.survey_round_reopen(actor=org.head, round_id=rnd.pk, reason="改分")
    rnd.refresh_from_db()
    finding.refresh_from_db()
    assert rnd.status == "closed" and finding.status == FindingStatus.OPEN

    supervision.survey_round_reopen(actor=org.inspector, round_id=rnd.pk, reason="c办评分录入有误")
    rnd.refresh_from_db()
    finding.refresh_from_db()
    assert rnd.status == "open" and rnd.reopen_reason == "c办评分录入有误" and rnd.closed_at is None
    assert finding.status == FindingStatus.DISMISSED and finding.resolved_by is None
    assert "Withdrawn" in finding.resolution or "撤回" in finding.resolution

    # The correction: c's real score is lower than a's -> c is last in 2026, a no longer twice.
    supervision.survey_rating_add(actor=org.inspector, round=rnd, department=c, score=Decimal(10))
    close(org, rnd)  # c: (70 + 10) / 2 = 40 < a 55
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED
    assert r_sup_5().count() == 1


def test_r_sup_5_reclosed_unchanged_reopens_the_withdrawn_finding(org, units):
    a, b, c = units
    close(org, rate(org, 2025, {a: 60, b: 90, c: 80}))
    rnd = rate(org, 2026, {a: 55, b: 95, c: 70})
    close(org, rnd)
    supervision.survey_round_reopen(actor=org.inspector, round_id=rnd.pk, reason="复核")
    assert r_sup_5().get().status == FindingStatus.DISMISSED
    close(org, rnd)
    finding = r_sup_5().get()
    assert finding.status == FindingStatus.OPEN and finding.resolution == "" and finding.resolved_at is None


def test_r_sup_5_reopening_the_earlier_year_withdraws_the_later_finding(org, units):
    a, b, c = units
    earlier = rate(org, 2025, {a: 60, b: 90, c: 80})
    close(org, earlier)
    close(org, rate(org, 2026, {a: 55, b: 95, c: 70}))
    supervision.survey_round_reopen(actor=org.inspector, round_id=earlier.pk, reason="2025年数据复核")
    assert r_sup_5().get().status == FindingStatus.DISMISSED


def test_r_sup_5_an_inspectors_dismissal_is_not_undone(org, units):
    a, b, c = units
    close(org, rate(org, 2025, {a: 60, b: 90, c: 80}))
    rnd = rate(org, 2026, {a: 55, b: 95, c: 70})
    close(org, rnd)
    supervision.finding_dismiss(actor=org.inspector, finding_id=r_sup_5().get().pk, reason="已谈话")
    supervision.survey_round_reopen(actor=org.inspector, round_id=rnd.pk, reason="复核")
    close(org, rnd)
    finding = r_sup_5().get()
    assert finding.status == FindingStatus.DISMISSED and finding.resolution == "已谈话"


def test_ratings_of_a_closed_round_are_refused_and_nothing_saved(org, units):
    a, b, c = units
    rnd = rate(org, 2026, {a: 55, b: 95, c: 70})
    close(org, rnd)
    with pytest.raises(ValidationError, match="closed"):
        supervision.survey_rating_add(actor=org.inspector, round=rnd, department=a, score=Decimal(99))
    with pytest.raises(ValidationError, match="closed"):
        rate(org, 2026, {a: 99})
    assert SurveyRating.objects.count() == 3
    # Reopened, it takes ratings again.
    supervision.survey_round_reopen(actor=org.inspector, round_id=rnd.pk, reason="补录")
    rate(org, 2026, {a: 99})
    assert SurveyRating.objects.count() == 4


def test_a_refused_rating_leaves_no_round_behind(org, units, other_org):
    a, b, c = units
    with pytest.raises(ValidationError, match="inspectors"):
        supervision.survey_rating_enter(
            actor=org.head,
            township=org.township,
            year=2026,
            round_name="x",
            kind="satisfaction",
            score=Decimal(50),
            department=a,
        )
    with pytest.raises(ValidationError, match="does not exist"):
        rate(org, 2026, {other_org.department: 50})
    with pytest.raises(ValidationError):
        rate(org, 2026, {a: 101})
    assert not SurveyRound.objects.exists() and not SurveyRating.objects.exists()


def test_closing_a_round_is_for_inspectors_and_happens_once(org, units):
    a, b, c = units
    rnd = rate(org, 2026, {a: 55})
    with pytest.raises(ValidationError, match="inspectors"):
        supervision.survey_round_close(actor=org.principal, round_id=rnd.pk)
    rnd.refresh_from_db()
    assert rnd.status == "open" and rnd.closed_by is None
    close(org, rnd)
    rnd.refresh_from_db()
    assert rnd.status == "closed" and rnd.closed_by == org.inspector and rnd.closed_at is not None
    with pytest.raises(ValidationError, match="already closed"):
        close(org, rnd)
    empty = SurveyRound.objects.create(township=org.township, year=2026, name="空轮")
    with pytest.raises(ValidationError, match="without ratings"):
        close(org, empty)
    empty.refresh_from_db()
    assert empty.status == "open"


def test_surveys_page_closes_and_reopens_a_round(org, units, login):
    a, b, c = units
    client = login(org.inspector)
    data = {"kind": "satisfaction", "round_name": "群众满意度", "department": a.pk, "score": "60"}
    assert client.post("/supervision/surveys/?year=2026", data).status_code == 302
    rnd = SurveyRound.objects.get()
    page = client.get("/supervision/surveys/?year=2026")
    assert f'id="close-round-{rnd.pk}"'.encode() in page.content
    assert client.post(f"/supervision/surveys/{rnd.pk}/close/").status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == "closed"
    refused = client.post("/supervision/surveys/?year=2026", {**data, "score": "70"})
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assert SurveyRating.objects.count() == 1
    # Reopening needs a reason.
    client.post(f"/supervision/surveys/{rnd.pk}/reopen/", {"reason": ""})
    rnd.refresh_from_db()
    assert rnd.status == "closed"
    client.post(f"/supervision/surveys/{rnd.pk}/reopen/", {"reason": "补录"})
    rnd.refresh_from_db()
    assert rnd.status == "open"
    # A principal leader sees the page but closes nothing.
    assert login(org.principal).post(f"/supervision/surveys/{rnd.pk}/close/").status_code == 403
