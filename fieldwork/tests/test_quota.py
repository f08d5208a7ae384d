import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import pgettext

from fieldwork.rules import r_fld_1_targets
from fieldwork.selectors import fieldwork_days, fieldwork_summary, quota_rows
from fieldwork.services import quota_shortfalls_raise
from fieldwork.tasks import raise_year_end_shortfalls
from fieldwork.tests.factories import PairingFactory, ReportFactory, TopicFactory, VisitFactory
from township.exports import export_filename
from township.hooks import ask
from township.models import Finding, User
from township.policy import policy_set
from township.tests.factories import UserFactory, VillageFactory
from township.tests.test_exports import filename_of


def test_r_fld_1_targets_by_category_from_policy_pro_rated(org):
    year = 2025
    on = dt.date(2025, 7, 2)  # day 183 of 365
    rows = {r.person.pk: r for r in quota_rows(User.objects.filter(township=org.township), year=year, on=on)}
    leader = rows[org.leader.pk]
    assert leader.target == Decimal("120.0") and leader.due == Decimal("60.2")
    assert rows[org.staff.pk].target == Decimal("60.0")
    resident = UserFactory(township=org.township, category="village_resident")
    vcadre = UserFactory(township=org.township, category="village_cadre")
    rows = {
        r.person.pk: r
        for r in quota_rows(User.objects.filter(pk__in=[resident.pk, vcadre.pk]), year=year, on=on)
    }
    assert rows[resident.pk].target == Decimal("180.0")
    assert rows[vcadre.pk].target == Decimal("240.0")
    # The administrator changes the number for the year: no deploy.
    policy_set(actor=org.admin, key="R-FLD-1.other_cadre", year=2025, value="73", township=org.township)
    row = quota_rows(User.objects.filter(pk=org.staff.pk), year=year, on=on)[0]
    assert row.target == Decimal("73.0")


def test_r_fld_1_joined_during_the_year_owes_part_of_it():
    full, due = r_fld_1_targets(120, year=2025, on=dt.date(2025, 12, 31), joined_on=dt.date(2025, 7, 1))
    assert full == due == Decimal("60.5")
    assert r_fld_1_targets(120, year=2025, on=dt.date(2025, 3, 1), joined_on=dt.date(2025, 7, 1))[1] == 0


@time_machine.travel(dt.datetime(2026, 1, 3, 10, 0, tzinfo=dt.UTC), tick=False)
def test_r_fld_1_distinct_days_half_counts_half(org):
    """Two half days in two villages on one date make one day; a half day on 31 December of the
    year before does not count for this year (frozen on 3 January so both sides are seen)."""
    v1, v2 = VillageFactory(township=org.township), VillageFactory(township=org.township)
    d = dt.date(2026, 1, 1)
    VisitFactory(person=org.staff, village=v1, date=d, part="am")
    VisitFactory(person=org.staff, village=v2, date=d, part="pm")
    VisitFactory(person=org.staff, village=v1, date=d + dt.timedelta(days=1), part="pm")
    VisitFactory(person=org.staff, village=v1, date=d - dt.timedelta(days=1), part="pm")
    row = quota_rows(User.objects.filter(pk=org.staff.pk), year=2026, on=timezone.localdate())[0]
    assert row.days == Decimal("1.5")
    last_year = quota_rows(User.objects.filter(pk=org.staff.pk), year=2025, on=dt.date(2025, 12, 31))[0]
    assert last_year.days == Decimal("0.5")
    days = fieldwork_days(township_id=org.township.pk, start=d - dt.timedelta(days=1), end=d)
    assert days[(org.staff.pk, d)] == Decimal("1")
    assert days[(org.staff.pk, d - dt.timedelta(days=1))] == Decimal("0.5")


@time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC), tick=False)
def test_r_fld_1_behind_warning_on_home_page(org, login):
    # 15 June: 60 x 166/365 = 27.3 days due, none done: more than 10 days behind.
    today = timezone.localdate()
    response = login(org.staff).get("/")
    assert response.status_code == 200
    assert 'data-testid="fieldwork-behind"' in response.content.decode()
    policy_set(
        actor=org.admin, key="R-FLD-1.warning_days", year=today.year, value="400", township=org.township
    )
    assert 'data-testid="fieldwork-behind"' not in login(org.staff).get("/").content.decode()


@time_machine.travel(dt.datetime(2026, 1, 20, 10, 0, tzinfo=dt.UTC), tick=False)
def test_r_fld_1_no_behind_warning_early_in_the_year(org, login):
    # 20 January: 60 x 20/365 = 3.3 days due: not 10 days behind.
    response = login(org.staff).get("/")
    assert response.status_code == 200
    assert 'data-testid="fieldwork-behind"' not in response.content.decode()


def test_hooks_answer_days_and_summary(org):
    d = timezone.localdate() - dt.timedelta(days=1)
    VisitFactory(person=org.staff, village=VillageFactory(township=org.township), date=d)
    [days] = ask("fieldwork_days", township_id=org.township.pk, start=d, end=d)
    assert days == {(org.staff.pk, d): Decimal("1")}
    [summary] = ask("fieldwork_summary", township_id=org.township.pk, year=d.year, on=d)
    assert summary[org.staff.pk]["village_days"] == Decimal("1")
    assert set(summary[org.staff.pk]) >= {
        "village_days",
        "target",
        "prorated_target",
        "topics",
        "reports",
        "pairings",
    }
    assert summary[org.leader.pk]["target"] == Decimal("120.0")


def _people(org, n):
    village = VillageFactory(township=org.township)
    d = timezone.localdate() - dt.timedelta(days=1)
    for i in range(n):
        p = UserFactory(
            township=org.township,
            department=org.department,
            category=["section_leader", "other_cadre"][i % 2],
        )
        VisitFactory(person=p, village=village, date=d)
        TopicFactory(person=p)
        ReportFactory(person=p, status="submitted", submitted_at=timezone.now())
        PairingFactory(cadre=p)


@pytest.mark.parametrize("n", [3, 30])
def test_quota_summary_is_one_aggregate_whatever_the_number_of_people(org, n, django_assert_max_num_queries):
    _people(org, n)
    today = timezone.localdate()
    with django_assert_max_num_queries(3):
        summary = fieldwork_summary(township_id=org.township.pk, year=today.year, on=today)
    assert len(summary) >= n
    assert (
        sum(1 for s in summary.values() if s["topics"] == 1 and s["reports"] == 1 and s["pairings"] == 1) == n
    )


@pytest.mark.parametrize("n", [3, 30])
def test_quota_page_query_budget(org, login, n, django_assert_max_num_queries):
    _people(org, n)
    client = login(org.principal)
    client.get("/fieldwork/quota/")  # warm the session and caches
    with django_assert_max_num_queries(14):
        response = client.get("/fieldwork/quota/")
    assert response.status_code == 200
    assert 'data-testid="quota-table"' in response.content.decode()


def test_quota_page_sorted_by_how_far_behind_and_staff_see_only_themselves(org, login):
    village = VillageFactory(township=org.township)
    for k in range(20):
        VisitFactory(person=org.colleague, village=village, date=dt.date(2025, 1, 1) + dt.timedelta(days=k))
    response = login(org.principal).get("/fieldwork/quota/?year=2025")
    rows = response.context["page_obj"].object_list
    behind = [r.behind for r in rows]
    assert behind == sorted(behind, reverse=True)
    assert rows[-1].person != org.leader  # a section leader owes 120 and did nothing
    assert login(org.staff).get("/fieldwork/quota/").status_code == 302
    assert login(org.staff).get(f"/fieldwork/progress/{org.colleague.pk}/").status_code == 404
    assert login(org.staff).get(f"/fieldwork/progress/{org.staff.pk}/").status_code == 200
    export = login(org.principal).get("/fieldwork/quota/?year=2025&export=xlsx")
    assert filename_of(export) == export_filename(pgettext("file name", "village days"), 2025, ext="xlsx")


def test_r_fld_1_year_end_shortfalls_are_findings_once(org):
    village = VillageFactory(township=org.township)
    for k in range(61):
        VisitFactory(person=org.staff, village=village, date=dt.date(2025, 2, 1) + dt.timedelta(days=k))
    raise_year_end_shortfalls.delay(2025)
    raise_year_end_shortfalls.delay(2025)  # idempotent
    found = Finding.objects.filter(township=org.township, rule_id="R-FLD-1")
    people = set(found.values_list("person_id", flat=True))
    assert org.leader.pk in people and org.staff.pk not in people
    assert found.filter(person=org.leader).count() == 1
    assert found.get(person=org.leader).on_date == dt.date(2025, 12, 31)


def test_r_fld_2_section_leaders_key_topics(org):
    TopicFactory(person=org.leader, year=2025)
    TopicFactory(person=org.leader, year=2025, is_key=False)
    row = quota_rows(User.objects.filter(pk=org.leader.pk), year=2025, on=dt.date(2025, 12, 31))[0]
    assert (row.topics, row.topics_target) == (1, 2)
    staff = quota_rows(User.objects.filter(pk=org.staff.pk), year=2025, on=dt.date(2025, 12, 31))[0]
    assert staff.topics_target == 0
    quota_shortfalls_raise(township_id=org.township.pk, year=2025)
    assert Finding.objects.filter(rule_id="R-FLD-2", person=org.leader).exists()
    assert not Finding.objects.filter(rule_id="R-FLD-2", person=org.staff).exists()
    TopicFactory(person=org.leader, year=2025)
    row = quota_rows(User.objects.filter(pk=org.leader.pk), year=2025, on=dt.date(2025, 12, 31))[0]
    assert row.topics == 2


def test_r_fld_3_reports_by_category_count_submitted_and_accepted(org):
    end = dt.date(2025, 12, 31)
    for status in ["draft", "returned", "submitted", "accepted"]:
        ReportFactory(
            person=org.leader,
            year=2025,
            status=status,
            submitted_at=None if status == "draft" else timezone.now(),
            reviewed_by=org.principal if status in ("accepted", "returned") else None,
        )
    ReportFactory(person=org.staff, year=2025, status="submitted", submitted_at=timezone.now())
    rows = {r.person.pk: r for r in quota_rows(User.objects.filter(township=org.township), year=2025, on=end)}
    assert (rows[org.leader.pk].reports, rows[org.leader.pk].reports_target) == (2, 4)
    assert (rows[org.staff.pk].reports, rows[org.staff.pk].reports_target) == (1, 1)
    quota_shortfalls_raise(township_id=org.township.pk, year=2025)
    assert Finding.objects.filter(rule_id="R-FLD-3", person=org.leader).exists()
    assert not Finding.objects.filter(rule_id="R-FLD-3", person=org.staff).exists()


def test_r_fld_6_pairings_by_category(org):
    PairingFactory(cadre=org.leader, year=2025)
    PairingFactory(cadre=org.staff, year=2025)
    rows = {
        r.person.pk: r
        for r in quota_rows(User.objects.filter(township=org.township), year=2025, on=dt.date(2025, 12, 31))
    }
    assert (rows[org.leader.pk].pairings, rows[org.leader.pk].pairings_target) == (1, 2)
    assert (rows[org.staff.pk].pairings, rows[org.staff.pk].pairings_target) == (1, 1)
    quota_shortfalls_raise(township_id=org.township.pk, year=2025)
    assert Finding.objects.filter(rule_id="R-FLD-6", person=org.leader).exists()
    assert not Finding.objects.filter(rule_id="R-FLD-6", person=org.staff).exists()
