"""The poor households register from xlsx/csv (township.imports: preview, row errors, all rows or
none).  Rows are saved through services.household_save, so an import cannot skip what the pages
check; the village is looked up by name within the importer's township."""

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from fieldwork.models import HouseholdStatus, PoorHousehold
from fieldwork.services import household_save
from township.imports import SavepointRowsMixin
from township.models import Village


class VillageByName(widgets.ForeignKeyWidget):
    def __init__(self, actor):
        super().__init__(Village, field="name")
        self.actor = actor

    def get_queryset(self, value, row, *args, **kwargs):
        return Village.objects.filter(township_id=self.actor.township_id)

    def clean(self, value, row=None, **kwargs):
        value = str(value).strip() if value is not None else ""
        if not value:
            raise ValueError(_("The village is missing."))
        try:
            return super().clean(value, row, **kwargs)
        except Village.DoesNotExist:
            raise ValueError(_("No village named %(name)s in this township.") % {"name": value}) from None


class HouseholdResource(SavepointRowsMixin, resources.ModelResource):
    class Meta:
        model = PoorHousehold
        fields = ("village", "household_no", "head_name", "members", "cause", "note")
        import_id_fields = ("household_no",)
        clean_model_instances = True
        skip_unchanged = False

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.fields["village"] = fields.Field(
            column_name="village", attribute="village", widget=VillageByName(actor)
        )

    def get_queryset(self):
        return PoorHousehold.objects.filter(township_id=self.actor.township_id)

    def get_instance(self, instance_loader, row):
        number = str(row.get("household_no") or "").strip()
        return self.get_queryset().filter(household_no=number).first() if number else None

    def init_instance(self, row=None):
        return PoorHousehold(township_id=self.actor.township_id, status=HouseholdStatus.ACTIVE)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.township_id = self.actor.township_id
        if not instance.status:
            instance.status = HouseholdStatus.ACTIVE

    def save_instance(self, instance, is_create, row, **kwargs):
        household_save(actor=self.actor, household=instance)
