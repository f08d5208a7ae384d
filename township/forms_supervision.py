from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.forms import BootstrapMixin, FindingFilterForm
from township.models import Department, User
from township.models.supervision import Indicator, ViolationType


def _people(user):
    return User.objects.filter(township_id=user.township_id, is_active=True).order_by(
        "department__order", "full_name"
    )


def _departments(user):
    return Department.objects.filter(township_id=user.township_id)


class ViolationForm(BootstrapMixin, forms.Form):
    on_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    type = forms.ChoiceField(label=_("Type"), choices=ViolationType.choices)
    person = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none(), required=False)
    department = forms.ModelChoiceField(label=_("Unit"), queryset=Department.objects.none(), required=False)
    rule_id = forms.CharField(label=_("Rule (if any)"), required=False, max_length=20)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people(user)
        self.fields["department"].queryset = _departments(user)
        self.initial.setdefault("on_date", timezone.localdate())


class SpotCheckForm(BootstrapMixin, forms.Form):
    on_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.CharField(label=_("Scope"), max_length=200)
    people = forms.ModelMultipleChoiceField(
        label=_("People checked"), queryset=User.objects.none(), required=False
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments checked"), queryset=Department.objects.none(), required=False
    )
    findings = forms.CharField(
        label=_("What was found"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = _people(user)
        self.fields["departments"].queryset = _departments(user)
        self.initial.setdefault("on_date", timezone.localdate())


class IndicatorForm(BootstrapMixin, forms.Form):
    code = forms.ChoiceField(label=_("Indicator"), choices=Indicator.choices)
    weight = forms.DecimalField(label=_("Weight (points)"), min_value=0, max_digits=5, decimal_places=2)
    deduction = forms.DecimalField(
        label=_("Points deducted per occurrence"), min_value=0, max_digits=5, decimal_places=2, initial=0
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)


class RatingForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("satisfaction", _("Satisfaction survey")), ("democratic", _("Democratic appraisal"))],
    )
    round_name = forms.CharField(label=_("Round"), max_length=100)
    department = forms.ModelChoiceField(
        label=_("Unit rated"), queryset=Department.objects.none(), required=False
    )
    person = forms.ModelChoiceField(label=_("Person rated"), queryset=User.objects.none(), required=False)
    rater_group = forms.CharField(label=_("Raters"), max_length=50, required=False)
    score = forms.DecimalField(label=_("Score (0-100)"), min_value=0, max_value=100, decimal_places=2)

    def __init__(self, *args, user, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments(user)
        self.fields["person"].queryset = _people(user)

    def clean(self):
        data = super().clean()
        if data.get("kind") == "satisfaction" and not data.get("department"):
            self.add_error("department", _("A satisfaction rating rates a unit."))
        if data.get("kind") == "democratic" and not data.get("person"):
            self.add_error("person", _("A democratic appraisal rates a person."))
        return data


class CrosscheckFilterForm(FindingFilterForm):
    """The cross-checks page: the findings filters, the rule chosen among R-XCK-1..8."""

    SORTS = {
        "-date": ("-on_date", "-pk"),
        "date": ("on_date", "pk"),
        "rule": ("rule_id", "-on_date", "-pk"),
        "person": ("person__full_name", "-on_date", "-pk"),
    }

    rule = forms.ChoiceField(label=_("Rule"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-date", _("Newest first")),
            ("date", _("Oldest first")),
            ("rule", _("Rule")),
            ("person", _("Person")),
        ],
    )

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("All"))] + [(r, r) for r in rules]
        self.order_fields(["township", "rule", "department", "status", "date_from", "date_to", "sort"])


class CrosscheckRunForm(BootstrapMixin, forms.Form):
    """A range of dates to check again now (at most a year)."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end comes before the start."))
            if (end - start).days > 366:
                raise forms.ValidationError(_("Check at most a year at a time."))
            if end > timezone.localdate():
                raise forms.ValidationError(_("The range cannot end in the future."))
        return data
