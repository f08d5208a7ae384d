"""One policy-settings mechanism for every app.

Every number of RULES.md is declared here or in an app's ``policies.py`` as a ``PolicyDef`` with its
rule id, default and description; code reads it through ``policy(key, township=..., on=date)`` and
never from a constant.  Keys are the rule id, or the rule id and a part for rules with several
numbers (``R-FLD-1.section_leader``).  Administrators change values per year on the settings page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PolicyDef:
    key: str
    default: Any
    label: Any  # lazy translated text
    kind: str = "int"  # int | decimal | time | text | bool | weekdays
    minimum: Any = None
    maximum: Any = None

    @property
    def rule_id(self) -> str:
        return self.key.split(".", 1)[0]

    def to_python(self, raw):
        if raw is None:
            return None
        if self.kind == "int":
            return int(raw)
        if self.kind == "decimal":
            return Decimal(str(raw))
        if self.kind == "time":
            if isinstance(raw, dt.time):
                return raw
            return dt.time.fromisoformat(str(raw))
        if self.kind == "bool":
            return bool(raw)
        return raw

    def to_json(self, value):
        if self.kind == "decimal":
            return str(Decimal(str(value)).quantize(Decimal("0.01")))
        if self.kind == "time":
            return value.strftime("%H:%M") if isinstance(value, dt.time) else str(value)
        return value

    def clean(self, raw):
        """Parse a value typed by an administrator; raise ValidationError in plain words."""
        try:
            value = self.to_python(raw.strip() if isinstance(raw, str) else raw)
        except (ValueError, ArithmeticError):
            raise ValidationError(
                _("%(value)s is not a valid value for this setting."), params={"value": raw}
            ) from None
        if self.minimum is not None and value < self.to_python(self.minimum):
            raise ValidationError(_("The value must be at least %(min)s."), params={"min": self.minimum})
        if self.maximum is not None and value > self.to_python(self.maximum):
            raise ValidationError(_("The value must be at most %(max)s."), params={"max": self.maximum})
        return value


REGISTRY: dict[str, PolicyDef] = {}


def register(*defs: PolicyDef) -> None:
    for d in defs:
        REGISTRY[d.key] = d


def definition(key: str) -> PolicyDef:
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(f"unknown policy key {key!r}: declare it in a policies.py") from None


def _township_and_county(township):
    from township.models import Township

    if isinstance(township, Township):
        return township.pk, township.county_id
    return township, Township.objects.values_list("county_id", flat=True).get(pk=township)


def policy(key: str, *, township, on: dt.date | None = None):
    """The value of a rule's setting for a township on a date.

    Precedence: the township's own value, else the county's, each from the latest year not after
    ``on``'s year; else the declared default."""
    return policies([key], township=township, on=on)[key]


def policies(keys, *, township, on: dt.date | None = None) -> dict[str, Any]:
    """Several settings in one query (for nightly jobs and reports)."""
    from township.models import PolicyValue

    defs = {k: definition(k) for k in keys}
    year = (on or timezone.localdate()).year
    township_id, county_id = _township_and_county(township)
    rows = (
        PolicyValue.objects.filter(key__in=list(defs), county_id=county_id, year__lte=year)
        .filter(models.Q(township_id=township_id) | models.Q(township__isnull=True))
        .order_by("key", "township_id", "-year")
        .values_list("key", "township_id", "value")
    )
    found: dict[str, Any] = {}
    # Township rows sort before the county's (NULL last); the first per key wins.
    for key, _tid, value in rows:
        found.setdefault(key, value)
    return {k: d.to_python(found.get(k, d.default)) for k, d in defs.items()}


def policy_set(*, actor, key: str, year: int, value, township=None, county=None, reason: str = ""):
    """Set one yearly value (administrators only).  Audited by pghistory with the actor."""
    from township.models import PolicyValue, Role

    if not actor.has_role(Role.ADMINISTRATOR):
        raise ValidationError(_("Only administrators can change policy settings (R-SUP-7)."))
    d = definition(key)
    cleaned = d.clean(value)
    if township is not None:
        county = township.county
        if actor.township_id not in (None, township.pk):
            raise ValidationError(_("You can only change the settings of your own township."))
    elif actor.township_id is not None:
        raise ValidationError(_("Only county administrators can change the county's defaults."))
    county = county or actor.county
    with transaction.atomic():
        obj, _created = PolicyValue.objects.update_or_create(
            key=key,
            year=year,
            county=county,
            township=township,
            defaults={"value": d.to_json(cleaned), "changed_by": actor, "reason": reason},
        )
    return obj


def policy_history(*, county_id: int, township_id: int | None, year: int) -> dict[str, list[dict]]:
    """Every recorded value of the year's settings that apply to a township (the county's defaults
    and the township's own), newest first, by key: what the policy page shows under each setting.
    One query (the audit trail's snapshots) whatever the number of settings or changes."""
    from django.apps import apps
    from django.db.models import Q

    events = apps.get_model("township", "PolicyValueEvent")
    where = Q(township__isnull=True)
    if township_id:
        where |= Q(township_id=township_id)
    out: dict[str, list[dict]] = {}
    rows = (
        events.objects.filter(where, county_id=county_id, year=year)
        .select_related("changed_by")
        .order_by("-pgh_created_at", "-pgh_id")
    )
    for e in rows:
        out.setdefault(e.key, []).append(
            {
                "at": e.pgh_created_at,
                "value": e.value,
                "by": e.changed_by,
                "reason": e.reason,
                "county_default": e.township_id is None,
            }
        )
    return out


def grouped_definitions() -> dict[str, list[PolicyDef]]:
    groups: dict[str, list[PolicyDef]] = {}
    for key in sorted(REGISTRY, key=_rule_sort_key):
        d = REGISTRY[key]
        groups.setdefault(d.rule_id, []).append(d)
    return groups


def _rule_sort_key(key: str):
    rule = key.split(".", 1)[0]
    prefix, _sep, num = rule.rpartition("-")
    return (prefix, int(num) if num.isdigit() else 0, key)
