import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from township.approvals import approvers_at_level
from township.hooks import ask
from township.models import Category


def test_r_org_1_every_cadre_has_one_category_and_quotas_depend_on_it(org):
    org.staff.category = "invented"
    with pytest.raises(ValidationError) as exc:
        org.staff.full_clean()
    assert "category" in exc.value.message_dict
    org.staff.category = Category.VILLAGE_CADRE
    org.staff.save()
    org.colleague.category = Category.OTHER_CADRE
    org.colleague.save()
    answers = ask("fieldwork_summary", township_id=org.township.pk, year=2026, on=dt.date(2026, 12, 31))
    if not answers:
        pytest.skip("the fieldwork app is not installed")
    summary = answers[0]
    # R-FLD-1 defaults: village cadres 240 days, other cadres 60.
    assert summary[org.staff.pk]["target"] > summary[org.colleague.pk]["target"]
    assert summary[org.staff.pk]["target"] == Decimal(240)


def test_r_org_2_leader_in_charge_and_principal_leaders_route_approvals(org):
    level, people = approvers_at_level(
        "leader_in_charge", township_id=org.township.pk, department=org.department, exclude=org.staff
    )
    assert (level, people) == ("leader_in_charge", [org.leader])
    level, people = approvers_at_level(
        "principal_leader", township_id=org.township.pk, department=org.department, exclude=org.staff
    )
    assert set(people) == {org.principal, org.principal2}
    # A department without a leader in charge escalates to the principal leaders.
    org.department.leader_in_charge = None
    org.department.save()
    level, people = approvers_at_level(
        "leader_in_charge", township_id=org.township.pk, department=org.department, exclude=org.staff
    )
    assert level == "principal_leader" and set(people) == {org.principal, org.principal2}
