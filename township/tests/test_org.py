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
    # The fieldwork app is installed: exactly one answer, or the appraisal has no quotas at all.
    answers = ask("fieldwork_summary", township_id=org.township.pk, year=2026, on=dt.date(2026, 12, 31))
    assert len(answers) == 1, "the fieldwork app does not answer fieldwork_summary"
    (summary,) = answers
    # R-FLD-1 defaults: village cadres 240 days, other cadres 60.
    assert summary[org.staff.pk]["target"] == Decimal(240)
    assert summary[org.colleague.pk]["target"] == Decimal(60)


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
