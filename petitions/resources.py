"""Historical petition cases from the township's old xlsx ledger (preview, row errors, all rows
or none through township.imports.run_import).  Each row goes through
``services.petition_case_import``: the same ID-number check, numbering and date order as the
pages."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import resources

from township.imports import SavepointRowsMixin
from township.models import Department, Role, User, Village

from . import services
from .models import Category, Channel, PetitionCase


def _label_map(choices):
    out = {}
    for code, label in choices:
        out[str(code)] = code
        out[str(label)] = code
    return out


class HistoricalCaseResource(SavepointRowsMixin, resources.ModelResource):
    COLUMNS = [
        "registered_on",
        "channel",
        "category",
        "village",
        "matter",
        "petitioner_name",
        "id_number",
        "phone",
        "address",
        "headcount",
        "accepted_on",
        "not_accepted_reason",
        "responsible_leader",
        "department",
        "replied_on",
        "reply_text",
        "satisfied",
    ]
    EXAMPLE = [
        "2024-03-05",
        "visit",
        "infrastructure",
        "东河村",
        "村道损坏请求维修",
        "张三",
        "11010519491231002X",
        "13800000000",
        "东河村3组",
        1,
        "2024-03-08",
        "",
        "",
        "",
        "",
        "",
        "",
    ]

    class Meta:
        model = PetitionCase
        fields = ()
        skip_diff = True
        use_transactions = False

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor

    def get_or_init_instance(self, instance_loader, row):
        return PetitionCase(), True

    def import_instance(self, instance, row, **kwargs):
        pass

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        pass

    def save_m2m(self, instance, row, **kwargs):
        pass

    # -- row parsing ---------------------------------------------------------------------------

    def _date(self, row, key, errors, required=False):
        raw = row.get(key)
        if raw in (None, ""):
            if required:
                errors[key] = [_("Required.")]
            return None
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw).strip()[:10])
        except ValueError:
            errors[key] = [_("Write the date as YYYY-MM-DD.")]
            return None

    def _choice(self, row, key, choices, errors):
        raw = str(row.get(key) or "").strip()
        code = _label_map(choices).get(raw)
        if code is None:
            errors[key] = [_("Unknown value %(v)s.") % {"v": raw or "—"}]
        return code

    def _person(self, row, key, errors):
        name = str(row.get(key) or "").strip()
        if not name:
            return None
        person = (
            User.objects.filter(
                township_id=self.actor.township_id,
                full_name=name,
                groups__name__in=[Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE],
            )
            .distinct()
            .first()
        )
        if person is None:
            errors[key] = [_("No leader named %(name)s.") % {"name": name}]
        return person

    def save_instance(self, instance, is_create, row, **kwargs):
        errors: dict[str, list] = {}
        registered_on = self._date(row, "registered_on", errors, required=True)
        accepted_on = self._date(row, "accepted_on", errors)
        replied_on = self._date(row, "replied_on", errors)
        channel = self._choice(row, "channel", Channel.choices, errors)
        category = self._choice(row, "category", Category.choices, errors)
        village = None
        if str(row.get("village") or "").strip():
            village = Village.objects.filter(
                township_id=self.actor.township_id, name=str(row["village"]).strip()
            ).first()
            if village is None:
                errors["village"] = [_("No village named %(name)s.") % {"name": row["village"]}]
        department = None
        if str(row.get("department") or "").strip():
            department = Department.objects.filter(
                township_id=self.actor.township_id, name=str(row["department"]).strip()
            ).first()
            if department is None:
                errors["department"] = [_("No department named %(name)s.") % {"name": row["department"]}]
        leader = self._person(row, "responsible_leader", errors)
        satisfied_raw = str(row.get("satisfied") or "").strip().lower()
        satisfied = {
            "": None,
            "yes": True,
            "是": True,
            "满意": True,
            "1": True,
            "no": False,
            "否": False,
        }.get(satisfied_raw, None)
        headcount = row.get("headcount")
        try:
            headcount = int(headcount) if headcount not in (None, "") else None
        except ValueError:
            errors["headcount"] = [_("Enter a whole number.")]
        if errors:
            raise ValidationError(errors)
        try:
            case = self._import(
                row,
                registered_on,
                channel,
                category,
                village,
                headcount,
                accepted_on,
                leader,
                department,
                replied_on,
                satisfied,
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            # name the file's column where there is one; otherwise the message says what is wrong
            raise ValidationError(
                [
                    f"{k}: {m}" if k in self.COLUMNS else m
                    for k, msgs in exc.message_dict.items()
                    for m in msgs
                ]
            ) from None
        instance.pk = case.pk

    def _import(
        self,
        row,
        registered_on,
        channel,
        category,
        village,
        headcount,
        accepted_on,
        leader,
        department,
        replied_on,
        satisfied,
    ):
        return services.petition_case_import(
            actor=self.actor,
            registered_on=registered_on,
            channel=channel,
            category=category,
            matter=str(row.get("matter") or ""),
            village=village,
            headcount=headcount,
            petitioners=[
                {
                    "name": str(row.get("petitioner_name") or ""),
                    "id_number": str(row.get("id_number") or ""),
                    "phone": str(row.get("phone") or ""),
                    "address": str(row.get("address") or ""),
                }
            ],
            accepted_on=accepted_on,
            not_accepted_reason=str(row.get("not_accepted_reason") or ""),
            leader=leader,
            department=department,
            replied_on=replied_on,
            reply_text=str(row.get("reply_text") or ""),
            satisfied=satisfied,
        )
