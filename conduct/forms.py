"""Input shape only; the services hold the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conduct.models import HalfDay, LeaveKind, PunchDirection, TripKind
from conduct.models.choices import RequestStatus
from conduct.models.leave import END_HALVES, START_HALVES
from township.forms import BootstrapMixin
from township.models import Department, User

DATE = {"type": "date"}


def colleagues(township_id):
    return User.objects.filter(township_id=township_id, is_active=True).order_by(
        "department__order", "full_name"
    )


class PunchForm(BootstrapMixin, forms.Form):
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)


class LeaveForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type of leave"), choices=LeaveKind.choices)
    start_date = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs=DATE))
    end_date = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs=DATE))
    # A half day at either end (R-LV-1): a one-day leave takes its morning ("Until noon") or
    # its afternoon ("From the afternoon"); a longer one may begin at noon and end at noon.
    start_half = forms.ChoiceField(
        label=_("On the first day"), choices=START_HALVES, initial=HalfDay.FULL, required=False
    )
    end_half = forms.ChoiceField(
        label=_("On the last day"), choices=END_HALVES, initial=HalfDay.FULL, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    destination = forms.CharField(label=_("Where you will be"), max_length=100, required=False)

    field_order = ["kind", "start_date", "start_half", "end_date", "end_half", "reason", "destination"]

    def clean_start_half(self):
        return self.cleaned_data.get("start_half") or HalfDay.FULL  # not given: the whole day

    def clean_end_half(self):
        return self.cleaned_data.get("end_half") or HalfDay.FULL


class ReportBackForm(BootstrapMixin, forms.Form):
    returned_on = forms.DateField(
        label=_("Back at work on"), widget=forms.DateInput(attrs=DATE), initial=timezone.localdate
    )


class CorrectionForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE))
    direction = forms.ChoiceField(label=_("Missed punch"), choices=PunchDirection.choices)
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RegistrationForm(BootstrapMixin, forms.Form):
    destination = forms.CharField(label=_("Destination"), max_length=100)
    start_date = forms.DateField(label=_("Leaving on"), widget=forms.DateInput(attrs=DATE))
    end_date = forms.DateField(label=_("Back on"), widget=forms.DateInput(attrs=DATE))
    phone = forms.CharField(label=_("Reachable phone"), max_length=11)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class TripForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of trip"), choices=TripKind.choices)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    destination = forms.CharField(label=_("Destination"), max_length=100)
    start_date = forms.DateField(label=_("Departure"), widget=forms.DateInput(attrs=DATE))
    end_date = forms.DateField(label=_("Return"), widget=forms.DateInput(attrs=DATE))
    budget = forms.DecimalField(label=_("Budget (yuan)"), max_digits=10, decimal_places=2, min_value=0)
    companions = forms.ModelMultipleChoiceField(
        label=_("Companions"), queryset=User.objects.none(), required=False
    )
    outside_county = forms.BooleanField(label=_("The trip leaves the county"), required=False)
    county_reference = forms.CharField(label=_("County approval reference"), max_length=100, required=False)
    county_scan = forms.FileField(label=_("County approval scan"), required=False)
    declaration = forms.BooleanField(
        label=_("I declare that no scenic-area visit, unrelated training, forum or seminar is included"),
        required=False,
    )

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["companions"].queryset = colleagues(township_id)


class TripReportForm(BootstrapMixin, forms.Form):
    report = forms.CharField(label=_("Trip report"), widget=forms.Textarea(attrs={"rows": 6}))


class ListFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Name"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + RequestStatus.choices
    )
    kind = forms.ChoiceField(label=_("Type"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs=DATE))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs=DATE))
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-start", _("Newest first")),
            ("start", _("Oldest first")),
            ("person", _("Name")),
            ("status", _("Status")),
        ],
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All"))] + list(kinds)
        if not kinds:
            del self.fields["kind"]


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Punch file (xlsx or csv: employee number, timestamp, device)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if f.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return f


class ShiftAssignForm(BootstrapMixin, forms.Form):
    shift = forms.IntegerField(widget=forms.HiddenInput)
    person = forms.ModelChoiceField(label=_("On duty"), queryset=User.objects.none())

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = colleagues(township_id)


class SwapForm(BootstrapMixin, forms.Form):
    shift = forms.IntegerField(widget=forms.HiddenInput)
    to_person = forms.ModelChoiceField(label=_("Take over by"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_person"].queryset = colleagues(township_id)


class WorkLogForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE), initial=timezone.localdate)
    content = forms.CharField(label=_("What I did"), widget=forms.Textarea(attrs={"rows": 4}))


class CommentForm(BootstrapMixin, forms.Form):
    log = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), max_length=1000)


class StudyForm(BootstrapMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE), initial=timezone.localdate)
    topic = forms.CharField(label=pgettext_lazy("study", "Topic"), max_length=200)
    minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600, initial=60)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendance"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, departments=None, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["attendees"].queryset = colleagues(township_id)
        self.fields["attendees"].widget.attrs["class"] = "form-check-input"
