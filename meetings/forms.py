"""Input shape only; every rule lives in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import (
    DocumentKind,
    MealKind,
    MeetingFormat,
    MeetingStatus,
    MeetingType,
    OutsideKind,
    PressStatus,
    PressSubject,
    VenueKind,
)
from meetings.rules import split_speakers
from meetings.services import MeetingDraft
from township.forms import BootstrapMixin
from township.models import Department, Role, User
from township.scoping import reads_many_townships, township_ids_for, townships_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingRequestForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    department = forms.ModelChoiceField(label=_("Organising department"), queryset=Department.objects.none())
    meeting_type = forms.ChoiceField(label=_("Type"), choices=MeetingType.choices)
    major_event = forms.BooleanField(label=_("This is a major event"), required=False)
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Start"), widget=TIME)
    planned_minutes = forms.IntegerField(label=_("Planned duration (minutes)"), min_value=1, max_value=1440)
    venue_kind = forms.ChoiceField(label=_("Venue"), choices=VenueKind.choices, widget=forms.RadioSelect)
    room = forms.ModelChoiceField(label=_("Meeting room"), queryset=None, required=False)
    outside_place = forms.CharField(label=_("Outside place"), max_length=200, required=False)
    outside_kind = forms.ChoiceField(
        label=_("Kind of place"), choices=[("", "—")] + OutsideKind.choices, required=False
    )
    format = forms.ChoiceField(label=_("Meeting format"), choices=MeetingFormat.choices)
    audience_departments = forms.ModelMultipleChoiceField(
        label=_("Departments attending"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_people = forms.ModelMultipleChoiceField(
        label=_("Other people attending"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    meals = forms.ChoiceField(label=_("Meals"), choices=MealKind.choices)
    alcohol = forms.BooleanField(label=_("Alcohol"), required=False)
    cigarettes = forms.BooleanField(label=_("Cigarettes"), required=False)
    fruit = forms.BooleanField(label=_("Fruit"), required=False)
    retired_cadres_symposium = forms.BooleanField(
        label=_("This is a retired cadres' symposium"), required=False
    )
    backdrop = forms.BooleanField(label=_("Backdrop"), required=False)
    carpet = forms.BooleanField(label=_("Carpet"), required=False)
    flowers = forms.BooleanField(label=_("Flowers"), required=False)
    tablecloth = forms.BooleanField(label=_("Tablecloth"), required=False)
    banners = forms.BooleanField(label=_("Banners"), required=False)
    override_reason = forms.CharField(
        label=_("Reason for exceeding the monthly cap (principal leaders only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Leave empty unless the monthly cap must be set aside; the reason is recorded for inspectors."
        ),
    )

    # Error keys the services use that are not fields of this form are shown at the agenda.
    agenda_errors: list

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from meetings.selectors import departments_for, rooms_for

        tid = user.township_id
        self.fields["department"].queryset = departments_for(township_id=tid)
        self.fields["audience_departments"].queryset = departments_for(township_id=tid)
        self.fields["room"].queryset = rooms_for(township_id=tid)
        self.fields["audience_people"].queryset = User.objects.filter(
            township_id=tid, is_active=True
        ).order_by("department__order", "full_name")
        self.fields["audience_departments"].widget.attrs["class"] = "form-check-input"
        self.fields["venue_kind"].widget.attrs["class"] = "form-check-input"
        if not user.has_role(Role.PRINCIPAL_LEADER):
            del self.fields["override_reason"]
        self.agenda_errors = []
        if not self.is_bound and user.department_id:
            self.initial.setdefault("department", user.department_id)
        self.initial.setdefault("venue_kind", VenueKind.ROOM)
        self.initial.setdefault("planned_minutes", 60)

    def add_error_from(self, exc):
        """As the mixin's, but R-MTG-6 errors (key "agenda") go next to the agenda table."""
        if hasattr(exc, "error_dict"):
            for key, errors in exc.error_dict.items():
                if key == "agenda":
                    self.agenda_errors.extend(m for e in errors for m in e.messages)
                else:
                    for e in errors:
                        self.add_error(key if key in self.fields else None, e)
        else:
            super().add_error_from(exc)

    def draft(self, agenda) -> MeetingDraft:
        d = self.cleaned_data
        return MeetingDraft(
            title=d["title"],
            department=d["department"],
            meeting_type=d["meeting_type"],
            major_event=d["major_event"],
            date=d["date"],
            start_time=d["start_time"],
            planned_minutes=d["planned_minutes"],
            agenda=agenda,
            venue_kind=d["venue_kind"],
            room=d["room"],
            outside_place=d["outside_place"],
            outside_kind=d["outside_kind"],
            format=d["format"],
            audience_departments=list(d["audience_departments"]),
            audience_people=list(d["audience_people"]),
            meals=d["meals"],
            alcohol=d["alcohol"],
            cigarettes=d["cigarettes"],
            fruit=d["fruit"],
            retired_cadres_symposium=d["retired_cadres_symposium"],
            backdrop=d["backdrop"],
            carpet=d["carpet"],
            flowers=d["flowers"],
            tablecloth=d["tablecloth"],
            banners=d["banners"],
        )


class AgendaItemForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200, required=False)
    speakers = forms.CharField(
        label=_("Speakers"),
        max_length=300,
        required=False,
        help_text=_("Separate names with 、 or commas."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the rows sit in a table under column heads: each input still needs its own name
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label


AgendaFormSet = forms.formset_factory(AgendaItemForm, extra=5, max_num=20)


def agenda_from(formset) -> list[tuple[str, list[str]]]:
    return [
        (f.cleaned_data.get("title", "").strip(), split_speakers(f.cleaned_data.get("speakers", "")))
        for f in formset.forms
        if f.cleaned_data.get("title", "").strip()
    ]


class MeetingFilterForm(BootstrapMixin, forms.Form):
    township = forms.TypedChoiceField(label=_("Township"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Title contains"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + MeetingStatus.choices
    )
    meeting_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All"))] + MeetingType.choices
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.none()
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, user, **kwargs):
        """The departments of every township the user reads; a reader of several townships (a
        county-level inspector) also filters by township and sees "township · department"."""
        super().__init__(*args, **kwargs)
        townships = townships_for(user) if reads_many_townships(user) else []
        self.fields["department"].queryset = (
            Department.objects.filter(township_id__in=township_ids_for(user))
            .select_related("township")
            .order_by("township__name", "order", "name")
        )
        self.fields["department"].empty_label = _("All")
        if townships:
            self.fields["department"].label_from_instance = lambda d: f"{d.township.name} · {d.name}"
            self.fields["township"].choices = [("", _("All"))] + [(t.pk, t.name) for t in townships]
        else:
            del self.fields["township"]


class MeetingRecordForm(BootstrapMixin, forms.Form):
    actual_start = forms.DateTimeField(
        label=_("Actual start"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    actual_end = forms.DateTimeField(
        label=_("Actual end"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    attendance = forms.IntegerField(label=_("People present"), min_value=0, max_value=5000)
    absentees = forms.CharField(
        label=_("Absent (and why)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes_text = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    minutes_file = forms.FileField(label=_("Minutes file"), required=False)

    def clean_minutes_file(self):
        f = self.cleaned_data.get("minutes_file")
        if f and f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return f


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


class DocumentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    department = forms.ModelChoiceField(label=_("Drafting department"), queryset=Department.objects.none())
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    docx = forms.FileField(label=_("Or upload the .docx file"), required=False)
    override_reason = forms.CharField(
        label=_("Reason for exceeding the length limit (principal leaders only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from meetings.selectors import departments_for

        self.fields["department"].queryset = departments_for(township_id=user.township_id)
        if not user.has_role(Role.PRINCIPAL_LEADER):
            del self.fields["override_reason"]
        if user.department_id:
            self.initial.setdefault("department", user.department_id)

    def clean_docx(self):
        f = self.cleaned_data.get("docx")
        if f and f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return f


class PressRequestForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    subject = forms.ChoiceField(label=_("What is to be reported"), choices=PressSubject.choices)
    on_date = forms.DateField(label=_("Date of the coverage"), widget=DATE)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    meeting = forms.ModelChoiceField(label=_("Meeting (if any)"), queryset=None, required=False)
    note = forms.CharField(
        label=_("Why it deserves coverage"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from meetings.models import CALENDAR_STATUSES, Meeting
        from meetings.selectors import departments_for

        self.fields["department"].queryset = departments_for(township_id=user.township_id)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            township_id=user.township_id, status__in=CALENDAR_STATUSES
        ).order_by("-date")
        if user.department_id:
            self.initial.setdefault("department", user.department_id)


class PressFilterForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + PressStatus.choices
    )
