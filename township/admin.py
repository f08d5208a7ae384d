from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from unfold.admin import ModelAdmin
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from township.models import (
    ApprovalRequest,
    CalendarOverride,
    County,
    Department,
    Finding,
    PolicyValue,
    RuleOverride,
    Township,
    User,
    Village,
)
from township.scoping import township_ids_for


class ScopedAdmin(ModelAdmin):
    """Admin lists are scoped to the user's townships like every page."""

    township_path = "township_id"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser and request.user.township_id is None:
            return qs
        return qs.filter(**{f"{self.township_path}__in": township_ids_for(request.user)})


class ReadOnlyAdmin(ScopedAdmin):
    """Records written only through services: the admin shows them and their history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(County)
class CountyAdmin(ModelAdmin):
    search_fields = ["name"]


@admin.register(Township)
class TownshipAdmin(ScopedAdmin):
    township_path = "id"
    list_display = ["name", "code", "county"]


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["name", "township", "head", "leader_in_charge", "order"]
    list_filter = ["township"]


@admin.register(Village)
class VillageAdmin(ScopedAdmin):
    list_display = ["name", "kind", "code", "township"]
    list_filter = ["township", "kind"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, ImportExportModelAdmin, ScopedAdmin):
    import_form_class = ImportForm
    export_form_class = ExportForm
    list_display = ["employee_no", "full_name", "department", "category", "mobile", "is_active"]
    list_filter = ["township", "category", "is_active", "groups"]
    search_fields = ["full_name", "employee_no", "mobile", "username"]
    ordering = ["township", "employee_no"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {
                "fields": (
                    "full_name",
                    "employee_no",
                    "mobile",
                    "email",
                    "county",
                    "township",
                    "department",
                    "category",
                    "position",
                    "first_employed_on",
                    "joined_on",
                    "villages",
                )
            },
        ),
        (_("Roles and access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "password1",
                    "password2",
                    "full_name",
                    "employee_no",
                    "mobile",
                    "county",
                    "township",
                    "department",
                    "category",
                )
            },
        ),
    )
    filter_horizontal = ["groups", "villages"]
    actions = ["end_sessions"]

    @admin.action(
        description=_("End the sessions of the selected people (sign them out)"), permissions=["change"]
    )
    def end_sessions(self, request, queryset):
        from township.security import sessions_end

        n = sum(sessions_end(user=person, actor=request.user) for person in queryset)
        self.message_user(request, _("%(n)d sessions ended.") % {"n": n})

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"actor": request.user}

    def get_resource_classes(self, request):
        from township.resources import PersonResource

        return [PersonResource]


@admin.register(PolicyValue)
class PolicyValueAdmin(ReadOnlyAdmin):
    """Changed on the settings page (policy_set checks the role and audits); shown here."""

    township_path = "county__township"
    list_display = ["key", "year", "township", "value", "changed_by", "changed_at"]
    list_filter = ["year", "key"]

    def get_queryset(self, request):
        return ModelAdmin.get_queryset(self, request).filter(county_id=request.user.county_id)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyAdmin):
    """Changed on the work-calendar page (calendar_override_set checks the role and recomputes the
    statuses of a past day that changed); shown here."""

    list_display = ["date", "is_working_day", "township", "note"]

    def get_queryset(self, request):
        return ModelAdmin.get_queryset(self, request).filter(county_id=request.user.county_id)


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ["summary", "kind", "requester", "status", "submitted_at", "decided_at"]
    list_filter = ["kind", "status"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["rule_id", "on_date", "person", "department", "detail", "status"]
    list_filter = ["rule_id", "status"]
    search_fields = ["detail"]


@admin.register(RuleOverride)
class RuleOverrideAdmin(ReadOnlyAdmin):
    list_display = ["rule_id", "actor", "reason", "created_at"]
    list_filter = ["rule_id"]
