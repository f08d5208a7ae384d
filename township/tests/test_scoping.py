from township.findings import FindingSpec, finding_raise, findings_raise
from township.models import Finding
from township.scoping import people_for


def test_staff_requesting_another_persons_record_gets_404(org, login):
    client = login(org.staff)
    assert client.get(f"/people/{org.colleague.pk}/").status_code == 404
    assert client.get(f"/people/{org.staff.pk}/").status_code == 200


def test_scope_by_role(org):
    assert set(people_for(org.staff)) == {org.staff}
    assert org.colleague in people_for(org.head)
    assert org.colleague in people_for(org.leader)
    assert org.colleague in people_for(org.inspector)


def test_nothing_of_one_township_is_visible_to_another(org, other_org, login):
    finding_raise(rule_id="R-ATT-3", township=other_org.township, person=other_org.staff, detail="absent")
    for user in (org.admin, org.inspector, org.principal, org.head):
        client = login(user)
        assert client.get(f"/people/{other_org.staff.pk}/").status_code == 404
        listing = client.get("/people/")
        if listing.status_code == 200:
            assert other_org.staff.full_name not in listing.content.decode()
    findings = login(org.inspector).get("/findings/")
    assert "absent" not in findings.content.decode()
    assert set(people_for(org.admin)).isdisjoint(set(people_for(other_org.admin)))


def test_county_inspector_reads_across_townships(org, other_org, login):
    from township.models import Role
    from township.tests.factories import UserFactory

    county_inspector = UserFactory(township=None, county=org.township.county, roles=[Role.INSPECTOR])
    seen = set(people_for(county_inspector))
    assert org.staff in seen and other_org.staff in seen
    assert login(county_inspector).get(f"/people/{other_org.staff.pk}/").status_code == 200


def test_findings_are_idempotent_per_rule_subject_and_date(org):
    import datetime as dt

    day = dt.date(2026, 3, 2)
    for _ in range(2):
        finding_raise(
            rule_id="R-ATT-3", township=org.township, person=org.staff, detail="absent", on_date=day
        )
        findings_raise(
            [
                FindingSpec("R-ATT-2", org.township.pk, "late", on_date=day, person_id=org.colleague.pk),
                FindingSpec("R-ATT-2", org.township.pk, "late", on_date=day, person_id=org.staff.pk),
            ]
        )
    assert Finding.objects.count() == 3
    assert Finding.objects.get(rule_id="R-ATT-3").department == org.department


def test_finding_list_filters_and_keeps_a_query_budget(org, login, django_assert_max_num_queries):
    import datetime as dt

    def make(n):
        findings_raise(
            [
                FindingSpec(
                    "R-ATT-2",
                    org.township.pk,
                    f"late {i}",
                    on_date=dt.date(2026, 1, 1) + dt.timedelta(days=i),
                    person_id=org.staff.pk,
                    department_id=org.department.pk,
                )
                for i in range(n)
            ]
        )

    client = login(org.inspector)
    make(3)
    with django_assert_max_num_queries(14):
        assert client.get("/findings/?rule=R-ATT-2").status_code == 200
    make(30)
    with django_assert_max_num_queries(14):
        page = client.get("/findings/?rule=R-ATT-2&status=open")
    assert page.status_code == 200 and "late 29" in page.content.decode()
    assert login(org.staff).get("/findings/").status_code == 403
    export = login(org.inspector).get("/findings/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
