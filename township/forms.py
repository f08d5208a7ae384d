from django import forms
from django.utils.translation import gettext_lazy as _

from township.models import FindingStatus, User


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def add_error_from(self, exc):
        """Attach a service's ValidationError to the named fields, or to the form."""
        if hasattr(exc, "error_dict"):
            for key, errors in exc.error_dict.items():
                target = key if key in self.fields else None
                for e in errors:
                    self.add_error(target, e)
        else:
            for message in exc.messages:
                self.add_error(None, message)


class DecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("reject", _("Reject")),
            ("return", _("Return for changes")),
        ],
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HandoverForm(BootstrapMixin, forms.Form):
    to_user = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none())
    comment = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = User.objects.filter(
            township_id=township_id, is_active=True
        ).order_by("department__order", "full_name")


class FindingFilterForm(BootstrapMixin, forms.Form):
    township = forms.IntegerField(label=_("Township"), required=False, widget=forms.Select)
    rule = forms.CharField(label=_("Rule"), required=False)
    department = forms.IntegerField(label=_("Department"), required=False, widget=forms.Select)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + FindingStatus.choices
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, departments=(), townships=(), **kwargs):
        """``departments``: (id, label) pairs; ``townships``: the townships to filter by, when
        the reader reads more than one (else the field is left out)."""
        super().__init__(*args, **kwargs)
        self.fields["department"].widget.choices = [("", _("All")), *departments]
        if len(townships) > 1:
            self.fields["township"].widget.choices = [("", _("All"))] + [(t.pk, t.name) for t in townships]
        else:
            del self.fields["township"]


class CalendarOverrideForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.TypedChoiceField(
        label=_("This day is"),
        choices=[("1", _("a working day")), ("0", _("a rest day"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("File (xlsx or csv)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        name = f.name.lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return f


class AuditLogFilterForm(BootstrapMixin, forms.Form):
    """The security auditor's filters: the event kind (security log only), a person, a date range."""

    kind = forms.ChoiceField(label=_("Event"), required=False)
    person = forms.CharField(label=_("Person"), required=False, max_length=50)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is None:
            del self.fields["kind"]
        else:
            self.fields["kind"].choices = [("", _("All")), *kinds]
