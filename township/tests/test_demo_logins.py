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
