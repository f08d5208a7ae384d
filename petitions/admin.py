"""Read-only admin: cases are written only through the services.  The petitioners' identity is
deliberately not registered here (R-PET-8: it is read only through the logged selector)."""

from django.contrib import admin

from township.admin import ReadOnlyAdmin

from .models import IdentityAccess, PetitionCase, ReceptionDay, ReceptionRecord


@admin.register(PetitionCase)
class PetitionCaseAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "registered_on",
        "channel",
        "category",
        "status",
        "responsible_leader",
        "next_due",
    ]
    list_filter = ["status", "channel", "category", "township"]
    search_fields = ["number", "matter"]
    exclude = ["concerned_people"]


@admin.register(IdentityAccess)
class IdentityAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "case", "via"]
    list_filter = ["via", "township"]


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ReadOnlyAdmin):
    list_display = ["weekday", "leader", "place", "active", "township"]


@admin.register(ReceptionRecord)
class ReceptionRecordAdmin(ReadOnlyAdmin):
    list_display = ["on_date", "leader", "place", "visitors", "township"]
