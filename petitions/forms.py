"""Input shape only; the rules live in the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.forms import BootstrapMixin
from township.models import Department, Role, User, Village

from .models import Category, Channel, Status, Weekday
from .rules import validate_id_number


def _date(label, required=False):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _leaders(township_id):
    return (
        User.objects.filter(
            township_id=township_id,
            is_active=True,
            groups__name__in=[Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE],
        )
        .distinct()
        .order_by("full_name")
    )


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name}（{obj.position or obj.department or ''}）"


class CaseForm(BootstrapMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    category = forms.ChoiceField(label=pgettext_lazy("petition", "Category"), choices=Category.choices)
    village = forms.ModelChoiceField(
        label=_("Village/community"), queryset=Village.objects.none(), required=False
    )
    matter = forms.CharField(label=_("The matter"), widget=forms.Textarea(attrs={"rows": 4}))
    concerns = forms.CharField(
        label=_("Persons or units concerned"),
        required=False,
        max_length=300,
        help_text=_("As the petitioner names them."),
    )
    concerned_people = PersonChoice(
        label=_("Cadres the petition concerns"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("They will never see who petitioned (R-PET-8)."),
    )
    headcount = forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        required=False,
        help_text=_("Five or more people make a collective petition; leave empty to count the petitioners."),
    )
    registered_on = _date(_("Registered on"))
    attachment = forms.FileField(label=_("Attachment (letter, photo)"), required=False)

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.filter(township_id=township_id)
        self.fields["concerned_people"].queryset = (
            User.objects.filter(township_id=township_id, is_active=True)
            .select_related("department")
            .order_by("full_name")
        )
        self.fields["concerned_people"].widget.attrs["size"] = 4
        if not self.is_bound:
            self.initial.setdefault("registered_on", timezone.localdate())


class PetitionerForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("petition", "Name"), max_length=50, required=False)
    id_number = forms.CharField(
        label=_("ID number"), max_length=18, required=False, validators=[validate_id_number]
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def clean_id_number(self):
        return (self.cleaned_data.get("id_number") or "").strip().upper()


PetitionerFormSet = forms.formset_factory(PetitionerForm, extra=3, max_num=30)


class AcceptForm(BootstrapMixin, forms.Form):
    on = _date(_("Decided on"))
    notice_text = forms.CharField(
        label=_("Notice to the petitioner"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefuseForm(BootstrapMixin, forms.Form):
    on = _date(_("Decided on"))
    reason = forms.CharField(label=_("Reason for not accepting"), widget=forms.Textarea(attrs={"rows": 2}))
    notice_text = forms.CharField(
        label=_("Notice to the petitioner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the petitioner can turn instead; the reason is used when left empty."),
    )


class AssignForm(BootstrapMixin, forms.Form):
    leader = forms.ModelChoiceField(label=_("Responsible leader"), queryset=User.objects.none())
    department = forms.ModelChoiceField(label=_("Handling department"), queryset=Department.objects.none())
    handlers = PersonChoice(label=_("Handlers"), queryset=User.objects.none(), required=False)
    on = _date(_("Assigned on"))

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _leaders(township_id)
        self.fields["department"].queryset = Department.objects.filter(township_id=township_id)
        self.fields["handlers"].queryset = (
            User.objects.filter(township_id=township_id, is_active=True)
            .select_related("department")
            .order_by("full_name")
        )
        self.fields["handlers"].widget.attrs["size"] = 4


class ReassignForm(AssignForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["on"]


class ReplyForm(BootstrapMixin, forms.Form):
    on = _date(_("Replied on"))
    text = forms.CharField(label=_("Written reply"), widget=forms.Textarea(attrs={"rows": 6}))
    facts_clarified = forms.BooleanField(label=_("Facts clarified"), required=False)
    coordinated = forms.BooleanField(label=_("Coordinated with other units"), required=False)
    resolved = forms.BooleanField(label=_("Matter resolved"), required=False)


class SatisfactionForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("What the petitioner said"), required=False, max_length=300)
    on = _date(_("Asked on"))


class ReviewRequestForm(BootstrapMixin, forms.Form):
    on = _date(_("Review requested on"))
    reason = forms.CharField(label=_("Reason for the review"), widget=forms.Textarea(attrs={"rows": 2}))


class ReviewReplyForm(BootstrapMixin, forms.Form):
    on = _date(_("Review replied on"))
    text = forms.CharField(label=_("Review reply"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(BootstrapMixin, forms.Form):
    on = _date(_("Closed on"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ExtendForm(BootstrapMixin, forms.Form):
    days = forms.IntegerField(label=_("Days of extension"), min_value=1)
    reason = forms.CharField(label=_("Reason for the extension"), max_length=300)


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("File"))


class CaseFilterForm(BootstrapMixin, forms.Form):
    township = forms.TypedChoiceField(label=_("Township"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Not resolved yet")), *Status.choices],
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    category = forms.ChoiceField(
        label=pgettext_lazy("petition", "Category"),
        required=False,
        choices=[("", _("All")), *Category.choices],
    )
    village = forms.ModelChoiceField(label=_("Village"), queryset=Village.objects.none(), required=False)
    leader = forms.ModelChoiceField(
        label=_("Responsible leader"), queryset=User.objects.none(), required=False
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    overdue = forms.BooleanField(label=pgettext_lazy("petition", "Overdue only"), required=False)
    mine = forms.BooleanField(label=_("My cases"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("number", _("Newest number")),
            ("oldest", _("Oldest number")),
            ("due", _("Next deadline")),
            ("registered", _("Registration date")),
        ],
    )

    def __init__(self, *args, township_ids=(), townships=(), **kwargs):
        """``townships``: those to filter by, when the reader reads more than one (a county-level
        inspector); else the field is left out."""
        super().__init__(*args, **kwargs)
        if len(townships) > 1:
            self.fields["township"].choices = [("", _("All"))] + [(t.pk, t.name) for t in townships]
        else:
            del self.fields["township"]
        self.fields["village"].queryset = Village.objects.filter(township_id__in=township_ids)
        self.fields["leader"].queryset = (
            User.objects.filter(
                township_id__in=township_ids, groups__name__in=[Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE]
            )
            .distinct()
            .order_by("full_name")
        )


class StatsForm(BootstrapMixin, forms.Form):
    start = _date(_("From"))
    end = _date(_("To"))


class ReceptionDayForm(BootstrapMixin, forms.Form):
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    place = forms.CharField(label=_("Place"), max_length=100)
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=User.objects.none())
    active = forms.BooleanField(label=pgettext_lazy("petition", "Published"), required=False, initial=True)

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _leaders(township_id)


class ReceptionRecordForm(BootstrapMixin, forms.Form):
    on_date = _date(_("Date"), required=True)
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=User.objects.none())
    place = forms.CharField(label=_("Place"), max_length=100)
    visitors = forms.IntegerField(label=_("People received"), min_value=0)
    summary = forms.CharField(
        label=_("What was raised"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _leaders(township_id)
        if not self.is_bound:
            self.initial.setdefault("on_date", timezone.localdate())


STEP_FORMS = {
    "accept": AcceptForm,
    "refuse": RefuseForm,
    "assign": AssignForm,
    "reassign": ReassignForm,
    "reply": ReplyForm,
    "satisfied": SatisfactionForm,
    "dissatisfied": SatisfactionForm,
    "request_review": ReviewRequestForm,
    "reply_review": ReviewReplyForm,
    "close": CloseForm,
}
