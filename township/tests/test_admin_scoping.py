"""Issue 14, finding 1: the admin's forms are scoped, not only its lists.

A township administrator manages the people (and departments, villages, rooms ...) of their own
township only: every choice an admin form offers and every value it saves stays in that township;
only a county-level account grants county roles or superuser.  The walk below goes through every
model of django.contrib.admin's registry, so a model registered tomorrow is walked too."""

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import ManyToManyField
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.forms.models import model_to_dict
from django.test import RequestFactory

from township.models import County, Department, Role, RoleGrant, Township, User, Village
from township.tests.factories import TownshipFactory, UserFactory, VillageFactory


@dataclass
class Foreign:
    """Rows the township administrator of ``org`` must never pick: another township of the
    county, a township of another county, their people, a county-level account, a county role."""

    by_model: dict


@pytest.fixture
def world(org, other_org):
    from conduct.reception.models import AllowanceType
    from meetings.models import Room

    far_county = County.objects.create(name="远方县")
    far_township = TownshipFactory(county=far_county)
    far_person = UserFactory(township=far_township, roles=[Role.STAFF])
    county_person = UserFactory(township=None, county=org.township.county, roles=[Role.INSPECTOR])
    county_role = Group.objects.create(name="county_auditor")
    for o in (org, other_org):
        VillageFactory(township=o.township)
        Room.objects.create(township=o.township, name="第一会议室")
        AllowanceType.objects.create(township=o.township, name="加班补助")
    other = other_org.township
    by_model = {
        Township: {other.pk, far_township.pk},
        County: {far_county.pk},
        User: {other_org.staff.pk, other_org.admin.pk, far_person.pk, county_person.pk},
        Group: {county_role.pk},
        Department: {other_org.department.pk},
        Village: set(Village.objects.filter(township=other).values_list("pk", flat=True)),
        Room: set(Room.objects.filter(township=other).values_list("pk", flat=True)),
    }
    return Foreign(by_model)


def foreign_ids(world, model) -> set:
    if model in world.by_model:
        return world.by_model[model]
    if any(f.name == "township" for f in model._meta.get_fields()):
        raise AssertionError(f"add {model.__name__} rows of another township to the world fixture")
    return set()


def _relation_fields(form):
    return {
        name: field
        for name, field in form.fields.items()
        if isinstance(field, (ModelChoiceField, ModelMultipleChoiceField)) and not field.disabled
    }


def _value(bound, field):
    value = bound.value()
    if isinstance(field, ModelMultipleChoiceField):
        return [str(v.pk if hasattr(v, "pk") else v) for v in value or []]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value.pk if hasattr(value, "pk") else value)


def _post_data(response) -> dict:
    """The change form as the browser would send it back unchanged (inlines included)."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = _value(form[name], field)
        if value != "":
            data[form.add_prefix(name)] = value
    for inline in response.context["inline_admin_formsets"]:
        fs = inline.formset
        for name in fs.management_form.fields:
            data[fs.management_form.add_prefix(name)] = fs.management_form[name].value()
        for sub in fs.forms:
            for name, field in sub.fields.items():
                value = _value(sub[name], field)
                if value != "":
                    data[sub.add_prefix(name)] = value
    return data


def _snapshot(obj):
    obj = type(obj)._base_manager.get(pk=obj.pk)
    data = model_to_dict(obj)
    for f in obj._meta.get_fields():
        if isinstance(f, ManyToManyField):
            data[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    data.pop("password", None)
    return data


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _url(model, view, *args):
    from django.urls import reverse

    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


SECURITY_ROLES = {"security_admin": Role.SECURITY_ADMIN, "security_auditor": Role.SECURITY_AUDITOR}


@pytest.mark.parametrize("role", ["admin", "inspector", "security_admin", "security_auditor"])
def test_every_admin_form_offers_and_saves_only_the_own_township(world, org, login, role):
    """As each of the three administrators (三员分立) and the inspector."""
    if role in SECURITY_ROLES:
        user = UserFactory(township=org.township, roles=[SECURITY_ROLES[role]], is_staff=True)
    else:
        user = getattr(org, role)
    client = login(user)
    request = _request(user)
    walked = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_module_permission(request) and not model_admin.has_view_permission(request):
            continue
        if model_admin.has_add_permission(request):
            response = client.get(_url(model, "add"))
            assert response.status_code == 200, model
            for name, field in _relation_fields(response.context["adminform"].form).items():
                offered = set(field.queryset.values_list("pk", flat=True))
                leak = offered & foreign_ids(world, field.queryset.model)
                assert not leak, f"{model.__name__} add form offers {name}={leak}"
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is None or not model_admin.has_change_permission(request, obj):
            continue
        response = client.get(_url(model, "change", obj.pk))
        assert response.status_code == 200, model
        fields = _relation_fields(response.context["adminform"].form)
        data = _post_data(response)
        before = _snapshot(obj)
        unchanged = client.post(_url(model, "change", obj.pk), data)
        assert unchanged.status_code == 302, (
            model,
            unchanged.context and unchanged.context["adminform"].form.errors,
        )
        assert _snapshot(obj) == before
        for name, field in fields.items():
            offered = set(field.queryset.values_list("pk", flat=True))
            foreign = foreign_ids(world, field.queryset.model)
            assert not offered & foreign, f"{model.__name__} change form offers {name}={offered & foreign}"
            for pk in sorted(foreign):
                bad = dict(data)
                bad[name] = (
                    [*data.get(name, []), str(pk)] if isinstance(field, ModelMultipleChoiceField) else str(pk)
                )
                response = client.post(_url(model, "change", obj.pk), bad)
                assert response.status_code in (200, 403, 404), (model, name, pk)
                if response.status_code == 200:
                    assert name in response.context["adminform"].form.errors, (model, name, pk)
                assert _snapshot(obj) == before, (model, name, pk)
            walked.append(f"{model.__name__}.{name}")
    # The walk really went through the forms that matter (the security administrator changes
    # people's roles only; the auditor and the inspector change nothing).
    expected = {
        "admin": ["User.township", "User.department", "User.villages", "User.groups", "Department.head"],
        "security_admin": ["User.groups"],
    }.get(role, [])
    for name in expected:
        assert name in walked, walked
    if role == "security_admin":
        assert {w.split(".")[0] for w in walked} == {"User"}, walked
    if role in ("inspector", "security_auditor"):
        assert walked == [], walked


def test_other_townships_people_are_out_of_reach_in_the_admin(world, org, other_org, login):
    client = login(org.admin)
    before = _snapshot(other_org.staff)
    assert client.get(_url(User, "change", other_org.staff.pk)).status_code in (302, 404)
    client.post(_url(User, "change", other_org.staff.pk), {"full_name": "改了", "is_superuser": "on"})
    assert _snapshot(other_org.staff) == before
    listed = client.get(_url(User, "changelist")).context["cl"].result_list
    assert {p.township_id for p in listed} == {org.township.pk}


def _change(client, person, **changes):
    response = client.get(_url(User, "change", person.pk))
    data = _post_data(response)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return client.post(_url(User, "change", person.pk), data)


def test_township_administrator_cannot_make_a_county_wide_superuser(world, org, login):
    client = login(org.admin)
    response = _change(client, org.staff, township="", is_superuser="on", is_staff="on")
    org.staff.refresh_from_db()
    assert org.staff.township_id == org.township.pk
    assert not org.staff.is_superuser and not org.staff.is_staff
    assert response.status_code == 200  # the empty township is a form error
    # Superuser and staff are not even offered.
    form = client.get(_url(User, "change", org.staff.pk)).context["adminform"].form
    assert "is_superuser" not in form.fields and "is_staff" not in form.fields


def test_staff_flag_follows_the_role(world, org, login):
    client = login(org.admin)
    inspector = Group.objects.get(name=Role.INSPECTOR)
    staff = Group.objects.get(name=Role.STAFF)
    assert _change(client, org.staff, groups=[str(staff.pk), str(inspector.pk)]).status_code == 302
    org.staff.refresh_from_db()
    assert org.staff.is_staff  # inspectors use the admin
    assert _change(client, org.staff, groups=[str(staff.pk)]).status_code == 302
    org.staff.refresh_from_db()
    assert not org.staff.is_staff


def test_township_administrator_cannot_add_a_person_to_another_township(world, org, other_org, login):
    client = login(org.admin)
    count = User.objects.count()
    data = {
        "username": "outsider",
        "password1": "Xy7-long-enough-pass",
        "password2": "Xy7-long-enough-pass",
        "full_name": "外人",
        "employee_no": "X001",
        "mobile": "13900000077",
        "county": str(org.township.county_id),
        "township": str(other_org.township.pk),
        "department": str(org.department.pk),
        "category": "other_cadre",
    }
    response = client.post(_url(User, "add"), data)
    assert response.status_code == 200 and "township" in response.context["adminform"].form.errors
    assert User.objects.count() == count
    data["township"] = str(org.township.pk)
    data["department"] = str(other_org.department.pk)
    response = client.post(_url(User, "add"), data)
    assert response.status_code == 200 and "department" in response.context["adminform"].form.errors
    assert User.objects.count() == count
    data["department"] = str(org.department.pk)
    response = client.post(_url(User, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors  # own township: fine
    added = User.objects.get(username="outsider")
    assert added.township == org.township and not added.is_staff and not added.is_superuser


def test_township_administrator_cannot_add_or_rename_counties_and_townships(world, org, login):
    client = login(org.admin)
    request = _request(org.admin)
    assert not admin.site._registry[County].has_add_permission(request)
    assert not admin.site._registry[County].has_change_permission(request, org.township.county)
    assert not admin.site._registry[Township].has_add_permission(request)
    assert client.post(_url(County, "add"), {"name": "新县"}).status_code == 403
    assert not County.objects.filter(name="新县").exists()


def test_county_level_administrator_grants_county_roles_and_superuser(world, org, login):
    county_admin = UserFactory(
        township=None, county=org.township.county, roles=[Role.ADMINISTRATOR, Role.STAFF], is_staff=True
    )
    client = login(county_admin)
    county_role = Group.objects.get(name="county_auditor")
    response = _change(client, org.staff, groups=[str(county_role.pk)], is_superuser="on")
    assert response.status_code == 302
    org.staff.refresh_from_db()
    assert org.staff.is_superuser and org.staff.has_role("county_auditor")


def test_role_grants_and_revocations_are_recorded_and_shown(world, org, login):
    """Recorded as the system administrator's; shown to readers of the role grants (the
    inspector, the security auditor), not to the system administrator (三员分立)."""
    client = login(org.admin)
    staff = Group.objects.get(name=Role.STAFF)
    clerk = Group.objects.get(name=Role.OFFICE_CLERK)
    assert _change(client, org.staff, groups=[str(staff.pk), str(clerk.pk)]).status_code == 302
    grant = RoleGrant.objects.get(person=org.staff, role=Role.OFFICE_CLERK)
    assert grant.action == RoleGrant.Action.GRANTED and grant.actor == org.admin
    assert grant.township_id == org.township.pk
    assert _change(client, org.staff, groups=[str(clerk.pk)]).status_code == 302
    revoked = RoleGrant.objects.get(person=org.staff, role=Role.STAFF, action=RoleGrant.Action.REVOKED)
    assert revoked.actor == org.admin
    # Not on the system administrator's pages of the person ...
    client.cookies["django_language"] = "en"
    assert 'id="role-grants"' not in client.get(f"/people/{org.staff.pk}/").content.decode()
    assert "role-grants" not in client.get(_url(User, "change", org.staff.pk)).content.decode()
    # ... but on the inspector's (the person's page and the admin's).
    client = login(org.inspector)
    client.cookies["django_language"] = "en"
    page = client.get(f"/people/{org.staff.pk}/").content.decode()
    assert 'id="role-grants"' in page and "Party and Government Office clerk" in page
    admin_page = client.get(_url(User, "change", org.staff.pk)).content.decode()
    assert "role-grants" in admin_page or "rolegrant" in admin_page.lower()


def test_role_grant_records_cannot_be_changed_or_deleted(world, org):
    from django.db import DatabaseError, transaction

    org.staff.groups.add(Group.objects.get(name=Role.OFFICE_CLERK))
    grant = RoleGrant.objects.filter(person=org.staff).latest("pk")
    with pytest.raises(DatabaseError), transaction.atomic():
        RoleGrant.objects.filter(pk=grant.pk).update(role=Role.ADMINISTRATOR)
    with pytest.raises(DatabaseError), transaction.atomic():
        RoleGrant.objects.filter(pk=grant.pk).delete()
