"""Input shapes only; the rules live in services."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fieldwork.models import (
    AssistanceKind,
    DayPart,
    FollowUpStatus,
    HouseholdStatus,
    Meal,
    PoorHousehold,
    Purpose,
    ReportKind,
    ReportStatus,
    Transport,
)
from township.forms import BootstrapMixin
from township.models import Category, User


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; the service checks type and size of each."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class VisitForm(BootstrapMixin, forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    part = forms.ChoiceField(label=_("Half or full day"), choices=DayPart.choices, widget=forms.RadioSelect)
    purposes = forms.MultipleChoiceField(
        label=_("Purposes (tick all that apply)"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    transport = forms.ChoiceField(label=_("Transport"), choices=Transport.choices)
    vehicle_use_ref = forms.CharField(
        label=_("Vehicle use record number"),
        required=False,
        max_length=60,
        help_text=_("Only for an official vehicle."),
    )
    meal = forms.ChoiceField(label=_("Meals"), choices=Meal.choices, widget=forms.RadioSelect)
    meal_fee = forms.DecimalField(
        label=_("Meal fee paid (yuan)"), required=False, min_value=0, max_digits=8, decimal_places=2
    )
    no_alcohol = forms.BooleanField(label=_("I declare: no alcohol was drunk"), required=False, initial=True)
    no_cigarettes = forms.BooleanField(
        label=_("I declare: no cigarettes were accepted"), required=False, initial=True
    )
    no_special_dishes = forms.BooleanField(
        label=_("I declare: no special dishes were cooked"), required=False, initial=True
    )
    people_met = forms.CharField(
        label=_("People met"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    problem_1 = forms.CharField(label=_("Problem raised"), required=False, max_length=500)
    owner_1 = forms.ModelChoiceField(label=_("Follow-up owner"), queryset=None, required=False)
    due_1 = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    problem_2 = forms.CharField(label=_("Another problem"), required=False, max_length=500)
    owner_2 = forms.ModelChoiceField(label=_("Follow-up owner"), queryset=None, required=False)
    due_2 = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    photos = MultiplePhotoField(label=_("Photos"), required=False)
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)

    FOLLOW_UP_SLOTS = (1, 2)

    def __init__(self, *args, user, villages, **kwargs):
        super().__init__(*args, **kwargs)
        covered = list(user.villages.values_list("pk", flat=True))
        self.fields["village"].queryset = villages
        # The villages the cadre covers come first.
        choices = [(v.pk, v.name) for v in villages]
        choices.sort(key=lambda c: (c[0] not in covered, c[1]))
        self.fields["village"].choices = [("", "---------"), *choices]
        colleagues = User.objects.filter(township_id=user.township_id, is_active=True).order_by("full_name")
        for n in self.FOLLOW_UP_SLOTS:
            self.fields[f"owner_{n}"].queryset = colleagues
            self.fields[f"owner_{n}"].widget.attrs["class"] = "form-select"
        for name in ("part", "meal", "purposes"):
            self.fields[name].widget.attrs["class"] = "btn-check"
        today = timezone.localdate()
        self.initial.setdefault("date", today)
        self.initial.setdefault("part", DayPart.FULL)
        self.initial.setdefault("meal", Meal.NONE)
        self.initial.setdefault("transport", Transport.BUS)
        if covered:
            self.initial.setdefault("village", covered[0])
        for n in self.FOLLOW_UP_SLOTS:
            self.initial.setdefault(f"owner_{n}", user.pk)
            self.initial.setdefault(f"due_{n}", today + dt.timedelta(days=14))

    def clean(self):
        data = super().clean()
        for n in self.FOLLOW_UP_SLOTS:
            if data.get(f"problem_{n}"):
                if not data.get(f"owner_{n}"):
                    self.add_error(f"owner_{n}", _("Who follows this up?"))
                if not data.get(f"due_{n}"):
                    self.add_error(f"due_{n}", _("By when?"))
        return data

    def visit_log_kwargs(self) -> dict:
        """The cleaned form as services.visit_log's arguments (the live page and the phone's
        offline records, fieldwork.offline, pass the same)."""
        data = self.cleaned_data
        names = (
            "village", "date", "part", "purposes", "transport", "vehicle_use_ref", "meal", "meal_fee",
            "no_alcohol", "no_cigarettes", "no_special_dishes", "people_met", "summary", "photos",
            "latitude", "longitude",
        )  # fmt: skip
        return {**{n: data[n] for n in names}, "follow_ups": self.follow_ups()}

    def follow_ups(self):
        from fieldwork.services import FollowUpInput

        return [
            FollowUpInput(
                problem=self.cleaned_data[f"problem_{n}"],
                owner=self.cleaned_data[f"owner_{n}"],
                due_on=self.cleaned_data[f"due_{n}"],
            )
            for n in self.FOLLOW_UP_SLOTS
            if self.cleaned_data.get(f"problem_{n}")
        ]

    def add_error_from(self, exc):
        # The follow-up errors belong to the first problem field.
        if hasattr(exc, "error_dict") and "follow_ups" in exc.error_dict:
            for e in exc.error_dict.pop("follow_ups"):
                self.add_error("problem_1", e)
        super().add_error_from(exc)


class VisitFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Cadre"), required=False)
    village = forms.ModelChoiceField(label=_("Village"), queryset=None, required=False)
    purpose = forms.ChoiceField(
        label=_("Purpose"), required=False, choices=[("", _("All")), *Purpose.choices]
    )
    transport = forms.ChoiceField(
        label=_("Transport"), required=False, choices=[("", _("All")), *Transport.choices]
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class FollowUpCloseForm(BootstrapMixin, forms.Form):
    outcome = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpFilterForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *FollowUpStatus.choices]
    )
    mine = forms.BooleanField(label=_("Mine only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    village = forms.ModelChoiceField(label=_("Village"), queryset=None, required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class QuotaFilterForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    department = forms.IntegerField(label=_("Department"), required=False, widget=forms.Select)
    behind = forms.BooleanField(label=_("Behind only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("behind", _("Furthest behind first")),
            ("days", _("Fewest days first")),
            ("name", _("Name")),
        ],
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].widget.choices = [("", _("All"))] + [(d.pk, d.name) for d in departments]


class TopicForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    is_key = forms.BooleanField(label=_("Key topic (counts toward R-FLD-2)"), required=False, initial=True)
    description = forms.CharField(
        label=_("Aims and plan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    topic = forms.ModelChoiceField(label=_("Research topic"), queryset=None, required=False)
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    file = forms.FileField(label=_("Or attach a file (PDF, Word)"), required=False)

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and not f.name.lower().endswith((".pdf", ".doc", ".docx", ".wps", ".txt", ".odt")):
            raise forms.ValidationError(_("Attach a PDF, Word or text file."))
        return f


class ReportFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *ReportKind.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ReportStatus.choices]
    )


class HouseholdForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PoorHousehold
        fields = ["village", "household_no", "head_name", "members", "cause", "status", "note"]

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["status"].choices = HouseholdStatus.choices


class PairingForm(BootstrapMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("Cadre"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, township_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = User.objects.filter(township_id=township_id, is_active=True).order_by(
            "full_name"
        )
        self.initial.setdefault("year", timezone.localdate().year)


class AssistanceForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=AssistanceKind.choices)
    description = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.DecimalField(label=_("Value (yuan)"), required=False, min_value=0, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
