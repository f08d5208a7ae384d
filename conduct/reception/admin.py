"""Admin: allowance types are the administrators' list (R-EXP-5); every other record is written
through the services and shown read-only here."""

from django.contrib import admin

from township.admin import ReadOnlyAdmin, ScopedAdmin

from .models import AllowanceType, Budget, DisclosureReport, Expense, ReceptionRecord, Vehicle, VehicleUse


@admin.register(AllowanceType)
class AllowanceTypeAdmin(ScopedAdmin):
    list_display = ["name", "basis", "active", "township"]
    list_filter = ["active"]
    search_fields = ["name"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if request.user.township_id and "township" in form.base_fields:
            form.base_fields["township"].initial = request.user.township_id
            form.base_fields["township"].queryset = form.base_fields["township"].queryset.filter(
                pk=request.user.township_id
            )
        return form


@admin.register(ReceptionRecord)
class ReceptionRecordAdmin(ReadOnlyAdmin):
    list_display = ["visiting_unit", "letter_reference", "start_date", "guest_count", "is_major", "status"]
    list_filter = ["status", "is_major"]
    search_fields = ["visiting_unit", "letter_reference", "off_hours_reason"]


@admin.register(Expense)
class ExpenseAdmin(ReadOnlyAdmin):
    list_display = ["spent_on", "category", "payee", "amount", "payment_method", "status"]
    list_filter = ["category", "status", "payment_method"]
    search_fields = ["payee", "description"]


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    list_display = ["year", "category", "amount", "set_by"]
    list_filter = ["year", "category"]


@admin.register(Vehicle)
class VehicleAdmin(ReadOnlyAdmin):
    list_display = ["plate", "model_name", "odometer", "active"]


@admin.register(VehicleUse)
class VehicleUseAdmin(ReadOnlyAdmin):
    list_display = ["vehicle", "driver", "departs_at", "purpose", "odometer_out", "odometer_in", "rest_day"]
    list_filter = ["rest_day"]


@admin.register(DisclosureReport)
class DisclosureReportAdmin(ReadOnlyAdmin):
    list_display = ["year", "quarter", "version", "status", "published_at"]
    list_filter = ["status", "year"]
