"""Import of the finance office's expense ledger (xlsx or csv): preview, row errors, all or none
(township.imports.run_import).  Each row is saved through services.expense_record, so the ledger
cannot book what the pages would refuse (R-EXP-1 budget, R-EXP-5 allowance types) and raises the
same findings (R-EXP-2 cash, R-FLD-4)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import resources

from township.imports import SavepointRowsMixin

from . import services
from .models import AllowanceType, Expense, ExpenseCategory, PaymentMethod

LEDGER_HEADERS = ["date", "category", "payee", "amount", "payment_method", "description", "allowance_type"]
ALIASES = {
    "date": ("date", "日期"),
    "category": ("category", "类别", "科目"),
    "payee": ("payee", "收款方", "收款人"),
    "amount": ("amount", "金额"),
    "payment_method": ("payment_method", "支付方式"),
    "description": ("description", "用途", "摘要"),
    "allowance_type": ("allowance_type", "津补贴类型"),
}


def _choice_lookup(choices) -> dict[str, str]:
    """Codes and labels in both languages -> code."""
    out = {}
    for code, label in choices:
        out[code.lower()] = code
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                out[str(label).lower()] = code
    return out


class ExpenseLedgerResource(SavepointRowsMixin, resources.ModelResource):
    class Meta:
        model = Expense
        fields = ()
        clean_model_instances = False
        skip_diff = True

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.categories = _choice_lookup(ExpenseCategory.choices)
        self.methods = _choice_lookup(PaymentMethod.choices)

    def get_import_id_fields(self):
        return []

    def get_instance(self, instance_loader, row):
        return None  # a ledger only adds expenses

    def _get(self, row, key):
        for name in ALIASES[key]:
            if name in row and row[name] not in (None, ""):
                return row[name]
        return None

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        raw_date = self._get(row, "date")
        day = None
        if isinstance(raw_date, dt.datetime):
            day = raw_date.date()
        elif isinstance(raw_date, dt.date):
            day = raw_date
        else:
            try:
                day = dt.date.fromisoformat(str(raw_date or "").strip()[:10])
            except ValueError:
                errors["spent_on"] = [_("Enter the date as YYYY-MM-DD.")]
        category = self.categories.get(str(self._get(row, "category") or "").strip().lower())
        if category is None:
            errors["category"] = [_("Unknown category; use one of the fixed categories.")]
        method = self.methods.get(str(self._get(row, "payment_method") or "official_card").strip().lower())
        if method is None:
            errors["payment_method"] = [_("Unknown payment method.")]
        try:
            amount = Decimal(str(self._get(row, "amount") or "").strip())
        except InvalidOperation:
            errors["amount"] = [_("Enter the amount as a number of yuan.")]
            amount = None
        allowance = None
        name = str(self._get(row, "allowance_type") or "").strip()
        if name:
            allowance = AllowanceType.objects.filter(township_id=self.actor.township_id, name=name).first()
            if allowance is None:
                errors["allowance_type"] = [
                    _("%(name)s is not a listed allowance type (rule R-EXP-5).") % {"name": name}
                ]
        if errors:
            raise ValidationError(errors)
        instance._ledger = {
            "spent_on": day,
            "category": category,
            "payee": str(self._get(row, "payee") or "").strip(),
            "amount": amount,
            "payment_method": method,
            "description": str(self._get(row, "description") or "").strip()[:300],
            "allowance_type": allowance,
        }

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def do_instance_save(self, instance, is_create):
        data = instance._ledger
        if not data["payee"]:
            raise ValidationError({"payee": [_("Enter the payee.")]})
        saved = services.expense_record(actor=self.actor, from_ledger=True, **data)
        instance.pk = saved.pk

    def save_m2m(self, instance, row, **kwargs):
        pass
