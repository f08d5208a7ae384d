"""BLOCK rules: a refusal that names the rule, and the explicit, recorded override.

A service checks a rule with ``enforce(...)``.  When the rule is broken it raises ``RuleBlocked``
(a ValidationError whose message names the rule in plain words, attached to the form field when
given) unless an ``Override`` by a user with a role allowed for that rule and a written reason is
passed; then the override is returned so the service can record it once the record is saved
(``overrides_record``), which also raises a finding for inspectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from township.messages import Message, message_json, msg
from township.models import Role

# Who may set a BLOCK rule aside.  Rules not listed cannot be overridden.
OVERRIDE_ROLES: dict[str, tuple[str, ...]] = {}


def allow_override(rule_id: str, *roles: str) -> None:
    OVERRIDE_ROLES[rule_id] = roles or (Role.PRINCIPAL_LEADER,)


class RuleBlocked(ValidationError):
    def __init__(self, rule_id: str, message: str | Message, *, field: str | None = None):
        self.rule_id = rule_id
        text = _("%(message)s (rule %(rule)s)") % {"message": message, "rule": rule_id}
        super().__init__({field: [text]} if field else text, code=rule_id)


@dataclass
class Override:
    actor: object
    reason: str


@dataclass
class OverrideUse:
    rule_id: str
    actor: object
    reason: str
    message: str | Message  # a Message for a rule that may be set aside (stored, shown in each language)


@dataclass
class Checks:
    """Collects every broken rule of one submission, so the clerk sees all of them at once."""

    override: Override | None = None
    errors: dict[str | None, list[str]] = field(default_factory=dict)
    used: list[OverrideUse] = field(default_factory=list)

    def enforce(self, rule_id: str, ok: bool, message: str, *, field: str | None = None):
        if ok:
            return
        try:
            use = enforce(rule_id, ok, message, field=field, override=self.override)
        except RuleBlocked as exc:
            for key, msgs in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
            ):
                self.errors.setdefault(None if key == "__all__" else key, []).extend(msgs)
        else:
            if use:
                self.used.append(use)

    def raise_if_any(self):
        if self.errors:
            if list(self.errors) == [None]:
                raise ValidationError(self.errors[None])
            raise ValidationError({k or "__all__": v for k, v in self.errors.items()})


def enforce(
    rule_id: str,
    ok: bool,
    message: str | Message,
    *,
    field: str | None = None,
    override: Override | None = None,
) -> OverrideUse | None:
    if ok:
        return None
    if override is not None and override.reason.strip():
        roles = OVERRIDE_ROLES.get(rule_id)
        if roles and override.actor.has_role(*roles):
            return OverrideUse(rule_id, override.actor, override.reason.strip(), message)
    raise RuleBlocked(rule_id, message, field=field)


def overrides_record(uses: list[OverrideUse], *, target, township) -> None:
    """Record each override and raise a finding so inspectors see it."""
    from django.contrib.contenttypes.models import ContentType

    from township.findings import finding_raise
    from township.models import RuleOverride

    ct = ContentType.objects.get_for_model(target)
    for use in uses:
        RuleOverride.objects.create(
            township=township,
            rule_id=use.rule_id,
            actor=use.actor,
            reason=use.reason,
            target_type=ct,
            target_id=target.pk,
            message=str(use.message)[:500],
            stored_message=message_json(use.message),
        )
        finding_raise(
            rule_id=use.rule_id,
            township=township,
            target=target,
            person=use.actor,
            detail=msg(
                gettext_noop("Rule set aside by %(who)s: %(reason)s"), who=use.actor, reason=use.reason
            ),
        )
