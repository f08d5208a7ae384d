"""The README's demo logins form one approval chain: a newcomer can ask as ganbu1 (leave), the
office clerk (meeting) or the finance clerk (expense) and approve as kezhang1, fenguan1 and shuji."""

import random

import pytest

from township.approvals import route_by_level
from township.management.commands.seed_demo import DEPARTMENTS, build_township
from township.models import County, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("requester", ["ganbu1", "dangzhengban", "caizheng"])
def test_demo_requesters_are_approved_by_listed_logins(requester):
    county = County.objects.create(name="南江县")
    town = build_township(
        county,
        "青山镇",
        "qingshan",
        random.Random(2026),
        people=60,
        villages=12,
        departments=DEPARTMENTS,
        demo_logins=True,
    )
    person = User.objects.get(username=requester)

    def approvers(level):
        (step,) = route_by_level(level, township_id=town.pk, department=person.department, requester=person)
        return sorted(u.username for u in step.approvers)

    assert approvers("department_head") == ["kezhang1"]  # leave <= 1 day, small expenses
    assert approvers("leader_in_charge") == ["fenguan1"]  # leave <= 3 days, special-topic meetings
    assert approvers("principal_leader") == ["shuji", "zhenzhang"]  # longer leave, plenary meetings


def test_the_three_administrators_are_three_demo_logins_and_no_superuser_works_daily():
    """三员分立: xitong, anquan and shenji each hold one of the three; demo_logins prints them
    with their role; no demo account is a superuser."""
    from io import StringIO

    from django.core.management import call_command

    from township.models import Role

    county = County.objects.create(name="南江县")
    build_township(
        county,
        "青山镇",
        "qingshan",
        random.Random(2026),
        people=60,
        villages=12,
        departments=DEPARTMENTS,
        demo_logins=True,
    )
    three = {Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR}
    for username, role in [
        ("xitong", Role.ADMINISTRATOR),
        ("anquan", Role.SECURITY_ADMIN),
        ("shenji", Role.SECURITY_AUDITOR),
    ]:
        person = User.objects.get(username=username)
        assert set(person.groups.values_list("name", flat=True)) & three == {role}
        assert person.is_staff and not person.is_superuser
    assert not User.objects.filter(is_superuser=True).exists()
    out = StringIO()
    call_command("demo_logins", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines() if line.startswith("  ")}
    from django.utils import translation

    with translation.override("zh-hans"):  # demo_logins prints in Chinese
        for username, role in [("xitong", Role.ADMINISTRATOR), ("anquan", Role.SECURITY_ADMIN)]:
            assert str(Role(role).label) in lines[username]
        assert str(Role.SECURITY_AUDITOR.label) in lines["shenji"]
