"""The BLOCK-rule machinery (township/rules.py): the refusal names the rule, every broken rule of a
submission is reported at once, and only an allowed role with a written reason sets a rule aside,
which is recorded with a finding."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from township import rules
from township.models import Finding, Role, RuleOverride, Village
from township.rules import (
    Checks,
    Override,
    OverrideUse,
    RuleBlocked,
    allow_override,
    enforce,
    overrides_record,
)
from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory


class Actor:
    """Stands for a user: enforce() only asks has_role."""

    def __init__(self, *roles):
        self.roles = set(roles)

    def has_role(self, *roles):
        return bool(self.roles.intersection(roles))


@pytest.fixture(autouse=True)
def own_roles(monkeypatch):
    monkeypatch.setattr(rules, "OVERRIDE_ROLES", {})
    allow_override("R-T-1")  # principal leaders by default
    allow_override("R-T-2", Role.DEPARTMENT_HEAD, Role.INSPECTOR)
    return rules.OVERRIDE_ROLES


def test_allow_override_defaults_to_principal_leaders(own_roles):
    assert own_roles == {
        "R-T-1": (Role.PRINCIPAL_LEADER,),
        "R-T-2": (Role.DEPARTMENT_HEAD, Role.INSPECTOR),
    }


def test_rule_blocked_names_the_rule_and_the_field():
    exc = RuleBlocked("R-T-1", "Too long")
    assert exc.rule_id == "R-T-1"
    assert exc.code == "R-T-1"
    assert len(exc.messages) == 1
    assert "Too long" in exc.messages[0] and "R-T-1" in exc.messages[0]
    on_field = RuleBlocked("R-T-1", "Too long", field="days")
    assert list(on_field.message_dict) == ["days"]
    assert len(on_field.message_dict["days"]) == 1
    assert "R-T-1" in on_field.message_dict["days"][0]
    assert "Too long" in on_field.message_dict["days"][0]
    assert not hasattr(exc, "error_dict")


def test_rule_blocked_text_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert RuleBlocked("R-T-1", "Too long").messages == ["Too long (rule R-T-1)"]
        assert RuleBlocked("R-T-1", "Too long", field="days").message_dict == {
            "days": ["Too long (rule R-T-1)"]
        }


def test_enforce_passes_a_kept_rule_even_with_an_override():
    assert enforce("R-T-1", True, "m") is None
    assert enforce("R-T-1", True, "m", override=Override(Actor(Role.PRINCIPAL_LEADER), "why")) is None


def test_enforce_refuses_a_broken_rule():
    with pytest.raises(RuleBlocked) as info:
        enforce("R-T-1", False, "Too long", field="days")
    assert info.value.rule_id == "R-T-1"
    assert list(info.value.message_dict) == ["days"]


def test_an_allowed_role_with_a_reason_sets_the_rule_aside():
    boss = Actor(Role.PRINCIPAL_LEADER)
    use = enforce("R-T-1", False, "Too long", override=Override(boss, "  urgent flood work  "))
    assert use == OverrideUse("R-T-1", boss, "urgent flood work", "Too long")
    head = Actor(Role.INSPECTOR)
    assert enforce("R-T-2", False, "m", override=Override(head, "r")) == OverrideUse("R-T-2", head, "r", "m")


@pytest.mark.parametrize(
    "rule_id, actor, reason",
    [
        ("R-T-1", Actor(Role.PRINCIPAL_LEADER), ""),  # no reason
        ("R-T-1", Actor(Role.PRINCIPAL_LEADER), "   "),  # blank reason
        ("R-T-1", Actor(Role.DEPARTMENT_HEAD), "why"),  # a role not allowed for this rule
        ("R-T-2", Actor(Role.PRINCIPAL_LEADER), "why"),
        ("R-T-3", Actor(Role.PRINCIPAL_LEADER, Role.ADMINISTRATOR), "why"),  # a rule nobody may set aside
    ],
)
def test_override_refused(rule_id, actor, reason):
    with pytest.raises(RuleBlocked):
        enforce(rule_id, False, "m", override=Override(actor, reason))


def test_checks_collect_every_broken_rule_by_field():
    checks = Checks()
    checks.enforce("R-T-1", True, "fine")
    assert checks.errors == {} and checks.used == []
    checks.raise_if_any()  # nothing broken: nothing raised
    checks.enforce("R-T-1", False, "Too long", field="days")
    checks.enforce("R-T-2", False, "Too many")
    checks.enforce("R-T-3", False, "Too late", field="days")
    assert list(checks.errors) == ["days", None]
    assert len(checks.errors["days"]) == 2
    assert "R-T-1" in checks.errors["days"][0] and "R-T-3" in checks.errors["days"][1]
    assert len(checks.errors[None]) == 1 and "R-T-2" in checks.errors[None][0]
    with pytest.raises(ValidationError) as info:
        checks.raise_if_any()
    assert set(info.value.message_dict) == {"days", "__all__"}
    assert info.value.message_dict["days"] == checks.errors["days"]
    assert info.value.message_dict["__all__"] == checks.errors[None]


def test_checks_with_only_non_field_errors_raise_a_plain_list():
    checks = Checks()
    checks.enforce("R-T-1", False, "One")
    checks.enforce("R-T-2", False, "Two")
    with pytest.raises(ValidationError) as info:
        checks.raise_if_any()
    assert not hasattr(info.value, "error_dict")
    assert len(info.value.messages) == 2
    assert "One" in info.value.messages[0] and "Two" in info.value.messages[1]


def test_checks_record_the_overrides_used_and_keep_refusing_the_others():
    boss = Actor(Role.PRINCIPAL_LEADER)
    checks = Checks(override=Override(boss, "storm"))
    checks.enforce("R-T-1", False, "Too long", field="days")
    checks.enforce("R-T-2", False, "Too many")
    assert checks.used == [OverrideUse("R-T-1", boss, "storm", "Too long")]
    assert list(checks.errors) == [None]
    checks.enforce("R-T-1", True, "fine")
    assert len(checks.used) == 1


def test_overrides_record_writes_the_override_and_a_finding(db):
    town = TownshipFactory()
    boss = UserFactory(
        township=town, department=DepartmentFactory(township=town), roles=[Role.PRINCIPAL_LEADER]
    )
    village = Village.objects.create(township=town, name="下村", code="v9")
    from django.utils import translation

    with translation.override("en"):
        overrides_record(
            [OverrideUse("R-T-1", boss, "storm", "m" * 600), OverrideUse("R-T-2", boss, "flood", "short")],
            target=village,
            township=town,
        )
    rows = {r.rule_id: r for r in RuleOverride.objects.all()}
    assert set(rows) == {"R-T-1", "R-T-2"}
    first = rows["R-T-1"]
    assert first.township_id == town.pk
    assert first.actor_id == boss.pk
    assert first.reason == "storm"
    assert first.target_type == ContentType.objects.get_for_model(Village)
    assert first.target_id == village.pk
    assert first.message == "m" * 500
    assert rows["R-T-2"].message == "short"
    findings = {f.rule_id: f for f in Finding.objects.all()}
    assert set(findings) == {"R-T-1", "R-T-2"}
    f = findings["R-T-1"]
    assert f.township_id == town.pk
    assert f.person_id == boss.pk
    assert f.target_id == village.pk
    assert f.subject_key == f"township.village:{village.pk}"
    assert f.detail == f"Rule set aside by {boss}: storm"
    assert f.message == {
        "id": "Rule set aside by %(who)s: %(reason)s",
        "params": {"who": str(boss), "reason": "storm"},
    }
    assert findings["R-T-2"].detail == f"Rule set aside by {boss}: flood"


def test_checks_file_an_all_fields_error_with_the_non_field_ones():
    checks = Checks()
    checks.enforce("R-T-1", False, "One", field="__all__")
    checks.enforce("R-T-2", False, "Two")
    assert list(checks.errors) == [None]
    assert len(checks.errors[None]) == 2
