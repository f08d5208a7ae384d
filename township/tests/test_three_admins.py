"""Separation of the three administrators (三员分立, 等保 2.0 level 3; issue 14).

- No account holds two of: system administrator, security administrator, security auditor —
  refused by the roles service, the admin's person form (on the roles field) and any other door;
  nothing is saved on refusal.
- The system administrator gives business roles only and keeps roles out of their reach as they
  are; the security administrator gives every township role and changes nothing else.
- Every add, change and delete in the admin is a security-log event (a stored message).
- The security auditor's pages: the security log and the role grants, filtered, paged,
  exported (the export itself logged), scoped to the auditor's township (county-level: all),
  with the chains' status; the auditor changes nothing, the system administrator reads none of it.
"""

import datetime as dt
import io

import pgtrigger
import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from township.audit import security_event_record
from township.models import Department, Role, RoleGrant, SecurityEvent, User, Village
from township.roles import person_roles_set
from township.tests.factories import TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db


def group(name):
    return Group.objects.get_or_create(name=name)[0]


@pytest.fixture
def sec(org):
    """The security administrator and the security auditor of ``org``'s township."""

    def person(role):
        return UserFactory(township=org.township, department=org.department, roles=[role], is_staff=True)

    class Sec:
        admin = person(Role.SECURITY_ADMIN)
        auditor = person(Role.SECURITY_AUDITOR)

    return Sec


def _roles(person):
    return set(person.groups.values_list("name", flat=True))


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _person_form(client, person, **changes):
    from township.tests.test_admin_scoping import _post_data

    data = _post_data(client.get(_url(User, "change", person.pk)))
    data.update(changes)
    return client.post(_url(User, "change", person.pk), data)


# --- no account holds two of the three ------------------------------------------------------------


def test_two_of_the_three_refused_by_the_roles_service_and_nothing_saved(org, sec):
    grants = RoleGrant.objects.count()
    with pytest.raises(ValidationError) as refused:
        person_roles_set(actor=sec.admin, person=org.admin, roles=[Role.ADMINISTRATOR, Role.SECURITY_AUDITOR])
    assert refused.value.code == "three_admins"
    assert "三员分立" in refused.value.messages[0]
    assert "System administrator" in refused.value.messages[0]
    assert _roles(org.admin) == {Role.ADMINISTRATOR, Role.STAFF}
    assert RoleGrant.objects.count() == grants


def test_one_of_the_three_allowed_recorded_as_the_security_administrators(org, sec):
    person_roles_set(actor=sec.admin, person=org.staff, roles=[Role.STAFF, Role.SECURITY_AUDITOR])
    org.staff.refresh_from_db()
    assert _roles(org.staff) == {Role.STAFF, Role.SECURITY_AUDITOR}
    assert org.staff.is_staff  # the auditor reads in the admin
    grant = RoleGrant.objects.get(person=org.staff, role=Role.SECURITY_AUDITOR)
    assert grant.action == RoleGrant.Action.GRANTED and grant.actor == sec.admin


@pytest.mark.parametrize("door", ["person", "group"])
def test_any_other_door_refuses_two_of_the_three_too(org, sec, door):
    grants = RoleGrant.objects.count()
    with pytest.raises(ValidationError), transaction.atomic():
        if door == "person":
            sec.auditor.groups.add(group(Role.SECURITY_ADMIN))
        else:
            group(Role.ADMINISTRATOR).user_set.add(sec.auditor)
    assert _roles(sec.auditor) == {Role.SECURITY_AUDITOR}
    assert RoleGrant.objects.count() == grants


def test_the_person_form_shows_the_rule_on_the_roles_field_and_saves_nothing(org, sec, login):
    client = login(sec.admin)
    ids = [str(group(r).pk) for r in (Role.STAFF, Role.ADMINISTRATOR, Role.SECURITY_AUDITOR)]
    response = _person_form(client, org.staff, groups=ids)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["groups"]
    assert "三员分立" in errors["groups"][0]
    assert _roles(org.staff) == {Role.STAFF}
    # One of them: saved.
    response = _person_form(client, org.staff, groups=ids[:2])
    assert response.status_code == 302
    assert _roles(org.staff) == {Role.STAFF, Role.ADMINISTRATOR}


# --- who gives which role -------------------------------------------------------------------------


def test_system_administrator_cannot_grant_the_security_roles_or_their_own(org, sec, login):
    for role in (Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR, Role.ADMINISTRATOR):
        with pytest.raises(ValidationError) as refused:
            person_roles_set(actor=org.admin, person=org.staff, roles=[Role.STAFF, role])
        assert refused.value.code == "role_not_grantable"
    assert _roles(org.staff) == {Role.STAFF}
    client = login(org.admin)
    form = client.get(_url(User, "change", org.staff.pk)).context["adminform"].form
    offered = set(form.fields["groups"].queryset.values_list("name", flat=True))
    assert offered.isdisjoint({Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR, Role.ADMINISTRATOR})
    assert Role.OFFICE_CLERK in offered
    response = _person_form(client, org.staff, groups=[str(group(Role.SECURITY_AUDITOR).pk)])
    assert response.status_code == 200 and "groups" in response.context["adminform"].form.errors
    assert _roles(org.staff) == {Role.STAFF}


def test_system_administrator_editing_a_security_administrator_keeps_their_role(org, sec, login):
    client = login(org.admin)
    response = _person_form(client, sec.admin, mobile="13911112222", groups=[str(group(Role.STAFF).pk)])
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    sec.admin.refresh_from_db()
    assert sec.admin.mobile == "13911112222"
    assert _roles(sec.admin) == {Role.SECURITY_ADMIN, Role.STAFF}
    assert not RoleGrant.objects.filter(person=sec.admin, action=RoleGrant.Action.REVOKED).exists()


def test_security_administrator_changes_roles_only(org, sec, login):
    client = login(sec.admin)
    form = client.get(_url(User, "change", org.staff.pk)).context["adminform"].form
    assert {name for name, field in form.fields.items() if not field.disabled} == {"groups"}
    before = (org.staff.full_name, org.staff.mobile, org.staff.township_id)
    response = _person_form(
        client, org.staff, full_name="改名", mobile="13900000000", groups=[str(group(Role.STAFF).pk)]
    )
    assert response.status_code == 302
    org.staff.refresh_from_db()
    assert (org.staff.full_name, org.staff.mobile, org.staff.township_id) == before
    assert client.get(_url(User, "add")).status_code == 403
    assert client.post(_url(User, "delete", org.staff.pk), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=org.staff.pk).exists()


def test_security_administrator_cannot_change_business_records_in_the_admin(org, sec, login):
    from django.test import RequestFactory

    client = login(sec.admin)
    request = RequestFactory().get("/admin/")
    request.user = sec.admin
    VillageFactory(township=org.township)
    changeable = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_module_permission(request):
            continue
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if model_admin.has_add_permission(request):
            changeable.append(f"add {model.__name__}")
        if obj is not None and model_admin.has_change_permission(request, obj):
            changeable.append(f"change {model.__name__}")
        if obj is not None and model_admin.has_delete_permission(request, obj):
            changeable.append(f"delete {model.__name__}")
    # The person's roles, and unlocking (deleting a lockout): nothing else.
    assert changeable == ["change User"] or set(changeable) <= {"change User"}
    village = Village.objects.filter(township=org.township).first()
    response = client.post(
        _url(Village, "change", village.pk), {"name": "改了", "kind": "village", "code": "x"}
    )
    assert response.status_code == 403
    village.refresh_from_db()
    assert village.name != "改了"


def test_security_administrator_ends_sessions_the_system_administrator_does_not(org, sec, login):
    url = reverse("person_sessions_end", args=[org.staff.pk])
    assert login(org.admin).post(url).status_code == 403
    assert login(sec.admin).post(url).status_code == 302
    assert SecurityEvent.objects.filter(kind="sessions_ended", person_id=org.staff.pk).count() == 1
    other = UserFactory(township=TownshipFactory(county=org.township.county))
    assert login(sec.admin).post(reverse("person_sessions_end", args=[other.pk])).status_code == 404


def test_roster_import_cannot_grant_the_security_roles(org):
    from township.resources import PersonResource

    row = {
        "employee_no": org.staff.employee_no,
        "full_name": org.staff.full_name,
        "mobile": org.staff.mobile,
        "roles": "staff,security_auditor",
    }
    resource = PersonResource(actor=org.admin)
    with pytest.raises(ValidationError, match="You may not grant"):
        resource.after_save_instance(org.staff, row)
    assert _roles(org.staff) == {Role.STAFF}


# --- every action of the three is in the auditor's log -----------------------------------------------


def test_admin_add_change_delete_are_security_events_with_stored_messages(org, sec, login):
    client = login(org.admin)
    dept = org.department
    response = client.post(
        _url(Department, "change", dept.pk),
        {"name": "新名称", "township": str(org.township.pk), "order": "3"},
    )
    assert response.status_code == 302
    changed = SecurityEvent.objects.get(kind="admin_changed", person_id=org.admin.pk)
    message = changed.detail["message"]
    assert message["id"] == "Changed %(model)s “%(object)s” in the admin: %(fields)s"
    assert message["params"]["object"] == "新名称"
    assert "Name" in message["params"]["fields"]
    assert changed.detail["model"] == "township.department" and changed.detail["object_id"] == str(dept.pk)
    assert changed.township_id == org.township.pk
    villages = [VillageFactory(township=org.township) for _ in range(2)]
    response = client.post(
        reverse("admin:township_village_changelist"),
        {"action": "delete_selected", "_selected_action": [str(v.pk) for v in villages], "post": "yes"},
    )
    assert response.status_code == 302
    assert SecurityEvent.objects.filter(kind="admin_deleted", person_id=org.admin.pk).count() == 2
    # The security administrator's role change too.
    _person_form(
        login(sec.admin), org.staff, groups=[str(group(Role.STAFF).pk), str(group(Role.OFFICE_CLERK).pk)]
    )
    assert SecurityEvent.objects.filter(kind="admin_changed", person_id=sec.admin.pk).exists()


def test_role_permissions_split_the_three(org):
    def perms(name):
        return set(
            Permission.objects.filter(group__name=name).values_list("content_type__app_label", "codename")
        )

    system, security, auditor = (
        perms(Role.ADMINISTRATOR),
        perms(Role.SECURITY_ADMIN),
        perms(Role.SECURITY_AUDITOR),
    )
    for audit in [
        ("township", "view_securityevent"),
        ("township", "view_rolegrant"),
        ("petitions", "view_identityaccess"),
        ("township", "view_userevent"),
    ]:
        assert audit not in system
    assert ("township", "change_department") in system
    assert ("township", "view_securityevent") in auditor and ("petitions", "view_identityaccess") in auditor
    assert not [c for _, c in auditor if not c.startswith("view_")]
    assert ("township", "change_user") in security and ("axes", "delete_accessattempt") in security
    assert not [p for p in security if p[0] not in ("township", "axes") or "department" in p[1]]


# --- the auditor's pages -------------------------------------------------------------------------------


@pytest.fixture
def events(org, other_org):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        security_event_record(kind="login", user=org.staff)
        security_event_record(kind="login_failed", username="nobody")
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        security_event_record(kind="login", user=org.clerk)
        security_event_record(kind="login", user=other_org.staff)


def _rows(response):
    return [(e.kind, e.username) for e in response.context["page_obj"]]


def test_township_auditor_reads_their_townships_events_filtered(org, other_org, sec, events, login):
    client = login(sec.auditor)
    url = reverse("security_log")
    rows = _rows(client.get(url))
    assert ("login", org.staff.username) in rows and ("login", org.clerk.username) in rows
    assert ("login", other_org.staff.username) not in rows
    assert ("login_failed", "nobody") not in rows  # no township: the county's auditor reads it
    march = {"kind": "login", "date_from": "2026-03-04", "date_to": "2026-03-31"}
    assert _rows(client.get(url, march)) == [("login", org.clerk.username)]
    assert _rows(client.get(url, {"date_to": "2026-03-02", "kind": "login"})) == [
        ("login", org.staff.username)
    ]
    assert _rows(client.get(url, {"person": org.clerk.full_name})) == [("login", org.clerk.username)]


def test_county_auditor_reads_every_event(org, other_org, events, login):
    county_auditor = UserFactory(township=None, county=org.township.county, roles=[Role.SECURITY_AUDITOR])
    rows = _rows(login(county_auditor).get(reverse("security_log"), {"date_to": "2026-03-31"}))
    assert set(rows) == {
        ("login", org.staff.username),
        ("login_failed", "nobody"),
        ("login", org.clerk.username),
        ("login", other_org.staff.username),
    }


def test_security_log_pages_and_exports_and_the_export_is_logged(org, sec, login):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(55):
            security_event_record(kind="login", user=org.staff)
    day = {"kind": "login", "date_from": "2026-03-02", "date_to": "2026-03-02"}
    client = login(sec.auditor)
    first = client.get(reverse("security_log"), day)
    assert len(first.context["page_obj"]) == 50 and first.context["page_obj"].paginator.count == 55
    response = client.get(reverse("security_log"), {**day, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 56  # the header and 55 events
    assert sheet.cell(2, 3).value == org.staff.username
    exported = SecurityEvent.objects.get(kind="exported")
    assert exported.person_id == sec.auditor.pk and exported.detail["rows"] == 55


def test_role_grant_page_lists_the_townships_grants_and_exports(org, other_org, sec, login):
    person_roles_set(actor=sec.admin, person=org.staff, roles=[Role.STAFF, Role.OFFICE_CLERK])
    client = login(sec.auditor)
    page = client.get(reverse("role_grant_list"), {"person": org.staff.full_name})
    assert [(g.role, g.action, g.actor_id) for g in page.context["page_obj"]][0] == (
        Role.OFFICE_CLERK,
        "granted",
        sec.admin.pk,
    )
    everything = client.get(reverse("role_grant_list")).context["page_obj"].paginator.object_list
    assert not everything.filter(township_id=other_org.township.pk).exists()
    response = client.get(reverse("role_grant_list"), {"person": org.staff.full_name, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 5).value and sheet.max_row >= 2


def test_chain_status_is_shown_and_a_broken_row_named(org, sec, login):
    events = [security_event_record(kind="login", user=org.staff) for _ in range(3)]
    client = login(sec.auditor)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("security_log")).content.decode()
    assert 'data-chain="security_events"' in page and 'data-chain-status="intact"' in page
    with pgtrigger.ignore("township.SecurityEvent:security_event_append_only"), connection.cursor() as cursor:
        cursor.execute("UPDATE township_securityevent SET username = 'x' WHERE id = %s", [events[1].pk])
    page = client.get(reverse("security_log")).content.decode()
    assert 'data-chain-status="broken"' in page and f"Broken at row {events[1].pk}" in page


def test_auditor_changes_nothing(org, sec, login):
    """403 on every admin add and change of every model, and on the settings pages' writes."""

    client = login(sec.auditor)
    VillageFactory(township=org.township)
    wrong = []
    for model in admin.site._registry:
        if client.post(_url(model, "add"), {}).status_code != 403:
            wrong.append(f"add {model.__name__}")
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            if client.post(_url(model, "change", obj.pk), {}).status_code not in (403, 302):
                wrong.append(f"change {model.__name__}")
            if client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code not in (403, 302):
                wrong.append(f"delete {model.__name__}")
    assert not wrong
    for name, args in [
        ("policy_settings", []),
        ("work_calendar", []),
        ("roster_import", []),
        ("person_sessions_end", [org.staff.pk]),
    ]:
        assert client.post(reverse(name, args=args), {}).status_code == 403, name
    assert client.get(reverse("petitions:access_log")).status_code == 200


def test_system_administrator_reads_none_of_the_audit_records(org, login):
    client = login(org.admin)
    for name in ("security_log", "role_grant_list", "petitions:access_log"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("admin:petitions_identityaccess_changelist")).status_code == 403
    client.cookies["django_language"] = "en"
    assert 'id="role-grants"' not in client.get(f"/people/{org.staff.pk}/").content.decode()


def test_roster_import_refuses_a_row_with_two_of_the_three_and_saves_nothing(org, login):
    """Through the roster import page (preview): the row is named with the rule; no person, no
    role grant is kept."""
    from township.tests.test_imports import HEADER, _xlsx

    client = login(org.admin)
    rows = [
        ["N201", "新干部甲", "n201", "13900000201", "", org.department.name, "other_cadre", "staff"],
        [
            "N202",
            "越权",
            "n202",
            "13900000202",
            "",
            org.department.name,
            "other_cadre",
            "staff,security_admin",
        ],
    ]
    grants = RoleGrant.objects.count()
    response = client.post(
        "/settings/roster/",
        {"kind": "people", "file": _xlsx([HEADER, *rows])},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    outcome = response.context["outcome"]
    assert not outcome.ok and response.context["token"] is None
    assert [n for n, _ in outcome.errors] == [2]
    assert "You may not grant" in str(outcome.errors[0][1])
    assert not User.objects.filter(employee_no__in=["N201", "N202"]).exists()
    assert RoleGrant.objects.count() == grants


def _database_today() -> str:
    """The local date by the database's clock, which stamps pghistory's events (NOW() in the
    trigger): the Python clock may be moved (make test-on-date), the database's is not."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date")
        return cur.fetchone()[0].isoformat()


def test_audit_trail_shows_the_townships_changes_and_exports(org, other_org, sec, login):
    """The record changes (pghistory events) made by the township's people; a county auditor
    reads every change; the system administrator none."""
    import pghistory

    # Made before any request: the test client's requests leave pghistory's context on the
    # test's one database connection.
    county_auditor = UserFactory(township=None, county=org.township.county, roles=[Role.SECURITY_AUDITOR])
    # The events' times are the database's (NOW() in the trigger): today, whatever the clock says.
    with pghistory.context(user=org.admin.pk):
        org.department.name = "改名的办公室"
        org.department.save()
    with pghistory.context(user=other_org.admin.pk):
        other_org.department.name = "别处的办公室"
        other_org.department.save()
    today = _database_today()
    day = {"date_from": today, "date_to": today}

    def seen(user):
        page = login(user).get(reverse("audit_trail"), day).context["page_obj"]
        return {(e.pgh_obj_model, e.pgh_obj_id, e.actor) for e in page}

    assert seen(sec.auditor) == {("township.Department", str(org.department.pk), org.admin.full_name)}
    assert {  # every change, the system's (no one signed in: the fixtures) too
        ("township.Department", str(org.department.pk), org.admin.full_name),
        ("township.Department", str(other_org.department.pk), other_org.admin.full_name),
    } <= seen(county_auditor)
    response = login(sec.auditor).get(reverse("audit_trail"), {**day, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 2 and sheet.cell(2, 2).value == org.admin.full_name
    assert "name" in sheet.cell(2, 6).value
    assert SecurityEvent.objects.filter(kind="exported", person_id=sec.auditor.pk).count() == 1
    assert login(org.admin).get(reverse("audit_trail")).status_code == 403


@pytest.mark.parametrize("url_name", ["security_log", "role_grant_list", "audit_trail"])
def test_auditor_pages_queries_do_not_grow_with_the_rows(org, sec, login, url_name):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    client = login(sec.auditor)
    client.get(reverse(url_name))  # the first request of a session loads it and the user's roles

    def queries(n):
        for _ in range(n):
            security_event_record(kind="login", user=org.staff)
            person_roles_set(actor=sec.admin, person=org.colleague, roles=[Role.STAFF, Role.OFFICE_CLERK])
            person_roles_set(actor=sec.admin, person=org.colleague, roles=[Role.STAFF])
        with CaptureQueriesContext(conn) as ctx:
            assert client.get(reverse(url_name)).status_code == 200
        return len(ctx.captured_queries)

    assert queries(3) == queries(27)


def test_security_administrator_sees_and_lifts_their_townships_lockouts_only(org, other_org, sec, login):
    from axes.models import AccessAttempt

    def attempt(username):
        return AccessAttempt.objects.create(
            username=username,
            ip_address="10.0.0.9",
            user_agent="test",
            http_accept="*/*",
            path_info="/accounts/login/",
            get_data="",
            post_data="",
            failures_since_start=5,
        )

    mine, theirs = attempt(org.staff.username), attempt(other_org.staff.username)
    client = login(sec.admin)
    listed = client.get(reverse("admin:axes_accessattempt_changelist")).context["cl"].result_list
    assert [a.pk for a in listed] == [mine.pk]
    assert client.post(
        reverse("admin:axes_accessattempt_delete", args=[theirs.pk]), {"post": "yes"}
    ).status_code in (
        302,
        404,
    )
    assert AccessAttempt.objects.filter(pk=theirs.pk).exists()
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[mine.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(pk=mine.pk).exists()
    assert SecurityEvent.objects.filter(kind="admin_deleted", person_id=sec.admin.pk).count() == 1
    # The system administrator and the auditor do not handle lockouts.
    for user in (org.admin, sec.auditor):
        assert login(user).get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_system_administrators_settings_changes_are_in_the_auditors_audit_trail(org, sec, login):
    """Outside the admin, the system administrator's writes (here the work calendar) are record
    changes the auditor reads in the audit trail, by name."""

    response = login(org.admin).post(
        reverse("work_calendar"), {"date": "2026-10-10", "is_working_day": "0", "note": "调休"}
    )
    assert response.status_code == 302
    today = _database_today()
    page = login(sec.auditor).get(reverse("audit_trail"), {"date_from": today, "person": org.admin.full_name})
    rows = {(e.pgh_obj_model, e.pgh_label, e.actor) for e in page.context["page_obj"]}
    assert ("township.CalendarOverride", "insert", org.admin.full_name) in rows
