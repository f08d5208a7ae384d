"""Input shape only; the rules live in services."""

import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.forms import BootstrapMixin
from township.models import User

from .models import (
    LINKABLE_MODELS,
    AllowanceType,
    Destination,
    ExpenseCategory,
    ExpenseStatus,
    MealArrangement,
    PaymentMethod,
    ReceptionRecord,
    ReceptionStatus,
    Transport,
    Vehicle,
    VehicleUse,
    VisitorLevel,
)
from .validators import validate_scan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def money_field(label, required=False, initial="0.00", **kw):
    return forms.DecimalField(
        label=label, required=required, initial=initial, min_value=0, max_digits=12, decimal_places=2, **kw
    )


def parse_guests(text: str) -> list[tuple[str, str]]:
    """One guest per line: name, then title (separated by a space, comma or 、)."""
    guests = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        parts = re.split(r"[\s,，、]+", line, maxsplit=1)
        guests.append((parts[0][:50], (parts[1] if len(parts) > 1 else "")[:100]))
    return guests


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return (
            f"{obj.full_name}（{obj.position or obj.department or ''}）"
            if (obj.position or obj.department)
            else obj.full_name
        )


class _ReceptionFields(BootstrapMixin, forms.Form):
    guest_list = forms.CharField(
        label=_("Guests (one per line: name and title)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: 张三 科长"),
    )
    accompanying_staff = StaffChoiceField(
        label=_("Accompanying staff of the township"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    meal = forms.ChoiceField(label=_("Meals"), choices=MealArrangement.choices, initial=MealArrangement.NONE)
    meal_count = forms.IntegerField(label=_("Number of meals"), min_value=0, initial=0, required=False)
    meal_cost = money_field(_("Meal cost (yuan)"))
    guest_meal_fee = money_field(_("Meal fee paid by the guests (yuan)"))
    accommodation = forms.BooleanField(label=_("Accommodation arranged"), required=False)
    accommodation_cost = money_field(_("Accommodation cost (yuan)"))
    other_cost = money_field(_("Other costs (yuan)"))
    payment_method = forms.ChoiceField(
        label=_("Payment method"), choices=PaymentMethod.choices, initial=PaymentMethod.OFFICIAL_CARD
    )
    alcohol_served = forms.BooleanField(label=_("Alcohol was served"), required=False)
    high_end_dishes = forms.BooleanField(label=_("High-end dishes were served"), required=False)
    gifts_given = forms.BooleanField(label=_("Gifts or local specialties were given"), required=False)
    off_hours_reason = forms.CharField(
        label=ReceptionRecord._meta.get_field("off_hours_reason").verbose_name,
        help_text=ReceptionRecord._meta.get_field("off_hours_reason").help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    off_hours_reason.rule_id = "R-XCK-8"  # shown beside the label (reception/_form.html)

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accompanying_staff"].queryset = User.objects.filter(
            township_id=township_id, is_active=True
        ).order_by("department__order", "employee_no")

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["guests"] = parse_guests(data.pop("guest_list"))
        data["accompanying_staff"] = list(data["accompanying_staff"])
        data["meal_count"] = data.get("meal_count") or 0
        return data


class ReceptionForm(_ReceptionFields):
    field_order = [
        "visiting_unit",
        "visitor_level",
        "letter_reference",
        "letter_scan",
        "purpose",
        "destination",
        "place",
        "start_date",
        "end_date",
        "guest_count",
        "guest_list",
        "accompanying_staff",
        "handler",
    ]
    visiting_unit = forms.CharField(label=_("Visiting unit"), max_length=100)
    visitor_level = forms.ChoiceField(label=_("Visitors are from"), choices=VisitorLevel.choices)
    letter_reference = forms.CharField(
        label=_("Official letter reference (公函文号)"), max_length=100, required=False
    )
    letter_scan = forms.FileField(label=_("Scan of the official letter (PDF or image)"), required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    destination = forms.ChoiceField(label=_("Where the visit goes"), choices=Destination.choices)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    start_date = forms.DateField(label=_("From"), widget=DATE)
    end_date = forms.DateField(label=_("To"), widget=DATE)
    guest_count = forms.IntegerField(label=_("Number of guests"), min_value=1)
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, township_id=township_id, **kwargs)
        self.fields["handler"].queryset = self.fields["accompanying_staff"].queryset

    def clean_letter_scan(self):
        scan = self.cleaned_data.get("letter_scan")
        if scan:
            validate_scan(scan)
        return scan


class ReceptionListForm(_ReceptionFields):
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    items_provided = forms.CharField(
        label=_("What was provided"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    @classmethod
    def initial_for(cls, rec: ReceptionRecord) -> dict:
        fields = [
            "meal",
            "meal_count",
            "meal_cost",
            "guest_meal_fee",
            "accommodation",
            "accommodation_cost",
            "other_cost",
            "payment_method",
            "place",
            "items_provided",
            "off_hours_reason",
        ]
        initial = {f: getattr(rec, f) for f in fields}
        initial["guest_list"] = "\n".join(f"{g.name} {g.title}".strip() for g in rec.guests.all())
        initial["accompanying_staff"] = [u.pk for u in rec.accompanying_staff.all()]
        return initial


class ReceptionFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + ReceptionStatus.choices
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-date", _("Newest first")),
            ("date", _("Oldest first")),
            ("unit", _("Visiting unit")),
            ("guests", _("Most guests")),
            ("cost", _("Highest cost")),
        ],
    )


class ExpenseForm(BootstrapMixin, forms.Form):
    spent_on = forms.DateField(label=_("Date"), widget=DATE)
    category = forms.ChoiceField(label=pgettext_lazy("expense", "Category"), choices=ExpenseCategory.choices)
    allowance_type = forms.ModelChoiceField(
        label=_("Allowance type"),
        queryset=AllowanceType.objects.none(),
        required=False,
        help_text=_("Only for allowances: choose one of the listed types."),
    )
    payee = forms.CharField(label=_("Payee"), max_length=100)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"), choices=PaymentMethod.choices, initial=PaymentMethod.OFFICIAL_CARD
    )
    invoice = forms.FileField(label=_("Invoice scan (PDF or image)"))
    description = forms.CharField(label=_("What for"), max_length=300, required=False)
    reception = forms.ModelChoiceField(
        label=_("Pays for the reception"), queryset=ReceptionRecord.objects.none(), required=False
    )
    vehicle_use = forms.ModelChoiceField(
        label=_("Pays for the vehicle use"), queryset=VehicleUse.objects.none(), required=False
    )
    link_model = forms.ChoiceField(
        label=_("Or pays for a"),
        required=False,
        choices=[("", "—")] + [(k, v) for k, v in LINKABLE_MODELS.items()],
    )
    link_id = forms.IntegerField(label=_("Number of that trip or meeting"), required=False, min_value=1)
    is_fuel = forms.BooleanField(label=_("This is a fuel claim"), required=False)
    transport = forms.ChoiceField(label=_("Transport"), choices=Transport.choices, required=False)
    village_visit = forms.BooleanField(label=_("For a village visit"), required=False)
    request_excess_approval = forms.BooleanField(
        label=_("If over budget, ask a principal leader to approve the excess"), required=False
    )

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allowance_type"].queryset = AllowanceType.objects.filter(
            township_id=township_id, active=True
        )
        # The latest 200 of each as choices.  Not a sliced queryset: a ModelChoiceField looks the
        # chosen value up with .get(), which a slice refuses, so every choice came back invalid.
        receptions = ReceptionRecord.objects.filter(township_id=township_id).order_by("-start_date")
        self.fields["reception"].queryset = ReceptionRecord.objects.filter(
            pk__in=receptions.values("pk")[:200]
        ).order_by("-start_date")
        uses = VehicleUse.objects.filter(township_id=township_id).order_by("-departs_at")
        self.fields["vehicle_use"].queryset = (
            VehicleUse.objects.filter(pk__in=uses.values("pk")[:200])
            .select_related("vehicle")
            .order_by("-departs_at")
        )

    def clean_invoice(self):
        invoice = self.cleaned_data.get("invoice")
        if invoice:
            validate_scan(invoice)
        return invoice

    def clean_spent_on(self):
        day = self.cleaned_data["spent_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class ExpenseFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    category = forms.ChoiceField(
        label=pgettext_lazy("expense", "Category"),
        required=False,
        choices=[("", _("All"))] + ExpenseCategory.choices,
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + ExpenseStatus.choices
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-date", _("Newest first")),
            ("date", _("Oldest first")),
            ("-amount", _("Largest amount")),
            ("amount", _("Smallest amount")),
            ("payee", _("Payee")),
        ],
    )


class BudgetForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(label=pgettext_lazy("expense", "Category"), choices=ExpenseCategory.choices)
    amount = forms.DecimalField(label=_("Budget (yuan)"), max_digits=12, decimal_places=2, min_value=0)


class VehicleForm(BootstrapMixin, forms.Form):
    plate = forms.CharField(label=_("Plate number"), max_length=20)
    model_name = forms.CharField(label=_("Make and model"), max_length=100, required=False)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, initial=5)
    odometer = forms.IntegerField(label=_("Odometer (km)"), min_value=0, initial=0)


class VehicleUseForm(BootstrapMixin, forms.Form):
    vehicle = forms.ModelChoiceField(label=_("Vehicle"), queryset=Vehicle.objects.none())
    driver = forms.ModelChoiceField(label=_("Driver"), queryset=User.objects.none())
    passengers = forms.CharField(label=_("Passengers"), max_length=300, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    route = forms.CharField(label=_("Route"), max_length=300)
    departs_at = forms.DateTimeField(label=_("Departure"), widget=DATETIME)
    odometer_out = forms.IntegerField(label=_("Odometer out (km)"), min_value=0)

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = Vehicle.objects.filter(township_id=township_id, active=True)
        self.fields["driver"].queryset = User.objects.filter(
            township_id=township_id, is_active=True
        ).order_by("employee_no")


class VehicleReturnForm(BootstrapMixin, forms.Form):
    odometer_in = forms.IntegerField(label=_("Odometer in (km)"), min_value=0)
    returned_at = forms.DateTimeField(label=_("Returned at"), widget=DATETIME)
    fuel_litres = forms.DecimalField(
        label=_("Fuel (litres)"), max_digits=7, decimal_places=2, min_value=0, initial=0
    )
    fuel_cost = money_field(_("Fuel cost (yuan)"))


class DisclosureEditForm(BootstrapMixin, forms.Form):
    income = forms.DecimalField(
        label=_("Income in the quarter (yuan)"), max_digits=12, decimal_places=2, min_value=0
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    correction_note = forms.CharField(label=_("What this version corrects"), max_length=300, required=False)


class CorrectionForm(BootstrapMixin, forms.Form):
    correction_note = forms.CharField(label=_("What the correction is about"), max_length=300)
