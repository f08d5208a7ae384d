"""The findings service (township/findings.py): what a finding is about, its date, and that raising
it again changes nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from township.findings import FindingSpec, finding_raise, findings_raise
from township.models import Finding, Village
from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 01:30 in Shanghai on 15 March 2025 is still 14 March in UTC: the finding is dated the 15th.
EARLY_MORNING = dt.datetime(2025, 3, 15, 1, 30, tzinfo=SHANGHAI)


@pytest.fixture
def world(db):
    town = TownshipFactory()
    dept = DepartmentFactory(township=town)
    other_dept = DepartmentFactory(township=town)
    person = UserFactory(township=town, department=dept)
    village = Village.objects.create(township=town, name="上村", code="v1")
    return town, dept, other_dept, person, village


def test_finding_about_a_person_takes_their_department_and_todays_local_date(world):
    town, dept, _other, person, _village = world
    with time_machine.travel(EARLY_MORNING, tick=False):
        f = finding_raise(rule_id="R-ATT-2", township=town, person=person, detail="late twice")
    f.refresh_from_db()
    assert f.on_date == dt.date(2025, 3, 15)
    assert f.township_id == town.pk
    assert f.rule_id == "R-ATT-2"
    assert f.person_id == person.pk
    assert f.department_id == dept.pk
    assert f.subject_key == f"person:{person.pk}"
    assert f.target_type_id is None and f.target_id is None
    assert f.detail == "late twice"


def test_finding_about_a_target_names_it_by_model_and_pk(world):
    town, _dept, _other, person, village = world
    f = finding_raise(
        rule_id="R-FLD-4",
        township=town.pk,
        target=village,
        person=person.pk,
        detail="x",
        on_date=dt.date(2025, 5, 6),
    )
    f.refresh_from_db()
    assert f.subject_key == f"township.village:{village.pk}"
    assert f.target_type == ContentType.objects.get_for_model(Village)
    assert f.target_id == village.pk
    assert f.on_date == dt.date(2025, 5, 6)
    assert f.person_id == person.pk
    assert f.department_id is None  # a person given by id brings no department


def test_an_explicit_department_wins_over_the_persons(world):
    town, _dept, other_dept, person, _village = world
    f = finding_raise(rule_id="R-X-1", township=town, person=person, department=other_dept, detail="d")
    assert Finding.objects.get(pk=f.pk).department_id == other_dept.pk
    g = finding_raise(rule_id="R-X-2", township=town, department=other_dept.pk, detail="d")
    g.refresh_from_db()
    assert g.department_id == other_dept.pk
    assert g.person_id is None
    assert g.subject_key == f"department:{other_dept.pk}"


def test_subject_key_order_key_then_target_then_person_then_department(world):
    town, dept, _other, person, village = world
    day = dt.date(2025, 5, 6)
    a = finding_raise(
        rule_id="R-A", township=town, detail="d", on_date=day, key="k:1", target=village, person=person
    )
    b = finding_raise(rule_id="R-B", township=town, detail="d", on_date=day, target=village, person=person)
    c = finding_raise(rule_id="R-C", township=town, detail="d", on_date=day, person=person, department=dept)
    assert [a.subject_key, b.subject_key, c.subject_key] == [
        "k:1",
        f"township.village:{village.pk}",
        f"person:{person.pk}",
    ]


def test_a_finding_about_nothing_is_refused(world):
    town = world[0]
    with pytest.raises(ValueError, match=r"^a finding needs a target, a person, a department or a key$"):
        finding_raise(rule_id="R-A", township=town, detail="d")
    with pytest.raises(ValueError):
        findings_raise([FindingSpec("R-A", town.pk, "d")])
    assert Finding.objects.count() == 0


def test_raising_again_keeps_the_first_row_and_its_detail(world):
    town, _dept, _other, person, _village = world
    day = dt.date(2025, 5, 6)
    first = finding_raise(rule_id="R-A", township=town, person=person, detail="first", on_date=day)
    again = finding_raise(rule_id="R-A", township=town, person=person, detail="second", on_date=day)
    assert again.pk == first.pk
    assert again.detail == "first"
    # Another date, rule or subject is another finding.
    finding_raise(rule_id="R-A", township=town, person=person, detail="d", on_date=day + dt.timedelta(days=1))
    finding_raise(rule_id="R-B", township=town, person=person, detail="d", on_date=day)
    finding_raise(rule_id="R-A", township=town, detail="d", on_date=day, key="other")
    assert Finding.objects.count() == 4


def test_detail_is_cut_to_500_characters(world):
    town, _dept, _other, person, _village = world
    f = finding_raise(
        rule_id="R-A", township=town, person=person, detail="字" * 600, on_date=dt.date(2025, 1, 2)
    )
    f.refresh_from_db()
    assert f.detail == "字" * 500
    findings_raise([FindingSpec("R-B", town.pk, "字" * 501, on_date=dt.date(2025, 1, 2), key="k")])
    assert Finding.objects.get(rule_id="R-B").detail == "字" * 500


def test_findings_raise_in_bulk_ignores_those_already_raised(world):
    town, dept, _other, person, village = world
    day = dt.date(2025, 5, 6)
    specs = [
        FindingSpec("R-ATT-2", town.pk, "late", on_date=day, person_id=person.pk, department_id=dept.pk),
        FindingSpec("R-FLD-4", town.pk, "visit", on_date=day, target=village),
    ]
    findings_raise(specs)
    findings_raise(specs)  # the nightly job ran twice
    rows = {f.rule_id: f for f in Finding.objects.all()}
    assert set(rows) == {"R-ATT-2", "R-FLD-4"}
    assert rows["R-ATT-2"].subject_key == f"person:{person.pk}"
    assert rows["R-ATT-2"].department_id == dept.pk
    assert rows["R-ATT-2"].person_id == person.pk
    assert rows["R-FLD-4"].subject_key == f"township.village:{village.pk}"
    assert rows["R-FLD-4"].target_id == village.pk
    assert rows["R-FLD-4"].target_type == ContentType.objects.get_for_model(Village)


def test_findings_raise_dates_today_when_no_date_is_given(world):
    town, _dept, _other, person, _village = world
    with time_machine.travel(EARLY_MORNING, tick=False):
        findings_raise([FindingSpec("R-A", town.pk, "d", person_id=person.pk)])
    assert Finding.objects.get().on_date == dt.date(2025, 3, 15)


def test_nothing_to_raise_costs_no_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        findings_raise([])


@pytest.mark.any_message_id
def test_a_message_detail_is_stored_as_its_id_and_parameters(world):
    from django.utils import translation

    from township.messages import msg

    town, _dept, _other, person, _village = world
    text = msg("%(name)s arrived %(n)d min late", name="张三", n=31)  # an id nobody translates
    with translation.override("en"):
        f = finding_raise(
            rule_id="R-A", township=town, person=person, detail=text, on_date=dt.date(2025, 1, 2)
        )
        findings_raise([FindingSpec("R-B", town.pk, text, on_date=dt.date(2025, 1, 2), key="k")])
    f.refresh_from_db()
    stored = {"id": "%(name)s arrived %(n)d min late", "params": {"name": "张三", "n": 31}}
    assert f.message == stored
    assert f.detail == "张三 arrived 31 min late"
    bulk = Finding.objects.get(rule_id="R-B")
    assert bulk.message == stored
    assert bulk.detail == "张三 arrived 31 min late"
    # Plain text keeps no message.
    plain = finding_raise(
        rule_id="R-C", township=town, person=person, detail="typed", on_date=dt.date(2025, 1, 2)
    )
    plain.refresh_from_db()
    assert plain.message is None
