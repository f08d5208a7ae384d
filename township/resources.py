"""Roster import/export (people, departments, villages) with django-import-export.

Rows are always put in the importing administrator's township; people are validated by the
model (R-ORG-4: a mobile number is required) and roles are given by code."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from township.imports import SavepointRowsMixin
from township.models import Category, Department, Role, User, Village


class TownshipResource(SavepointRowsMixin, resources.ModelResource):
    def __init__(self, *, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor

    def get_queryset(self):
        return super().get_queryset().filter(township_id=self.actor.township_id)

    def before_save_instance(self, instance, row, **kwargs):
        instance.township_id = self.actor.township_id


class DepartmentResource(TownshipResource):
    class Meta:
        model = Department
        fields = ("name", "order")
        import_id_fields = ("name",)
        clean_model_instances = True

    def get_instance(self, instance_loader, row):
        return self.get_queryset().filter(name=row.get("name")).first()

    def before_import_row(self, row, **kwargs):
        row["township"] = self.actor.township_id

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.township_id = self.actor.township_id


class VillageResource(TownshipResource):
    class Meta:
        model = Village
        fields = ("name", "kind", "code")
        import_id_fields = ("code",)
        clean_model_instances = True

    def get_instance(self, instance_loader, row):
        return self.get_queryset().filter(code=row.get("code")).first()

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.township_id = self.actor.township_id


class DepartmentByName(widgets.ForeignKeyWidget):
    def __init__(self, actor):
        super().__init__(Department, field="name")
        self.actor = actor

    def get_queryset(self, value, row, *args, **kwargs):
        return Department.objects.filter(township_id=self.actor.township_id)

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        try:
            return super().clean(value, row, **kwargs)
        except Department.DoesNotExist:
            raise ValueError(_("No department named %(name)s.") % {"name": value}) from None


class PersonResource(TownshipResource):
    roles = fields.Field(column_name="roles", attribute=None)

    class Meta:
        model = User
        fields = (
            "employee_no",
            "full_name",
            "username",
            "mobile",
            "email",
            "department",
            "category",
            "position",
            "first_employed_on",
            "joined_on",
        )
        import_id_fields = ("employee_no",)
        clean_model_instances = True

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(actor=actor, **kwargs)
        self.fields["department"] = fields.Field(
            column_name="department", attribute="department", widget=DepartmentByName(actor)
        )

    def get_instance(self, instance_loader, row):
        return self.get_queryset().filter(employee_no=row.get("employee_no")).first()

    def dehydrate_roles(self, person):
        return ",".join(sorted(person.role_codes))

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.township_id = self.actor.township_id
        instance.county_id = self.actor.county_id
        if not instance.username:
            instance.username = row.get("employee_no") or ""
        category = row.get("category") or Category.OTHER_CADRE
        labels = {str(label): code for code, label in Category.choices}
        instance.category = labels.get(category, category)
        if not instance.pk:
            instance.set_unusable_password()

    def after_save_instance(self, instance, row, **kwargs):
        codes = [c.strip() for c in str(row.get("roles") or "").replace("，", ",").split(",") if c.strip()]
        valid = set(Role.values)
        bad = [c for c in codes if c not in valid]
        if bad:
            raise ValidationError(_("Unknown roles: %(roles)s") % {"roles": ", ".join(bad)})
        if codes:
            # Through the roles service: the actor's reach and the separation of the three
            # administrators (三员分立) are checked, and the grants recorded as theirs.
            from township.roles import person_roles_set

            person_roles_set(actor=self.actor, person=instance, roles=codes)


RESOURCES = {"people": PersonResource, "departments": DepartmentResource, "villages": VillageResource}
