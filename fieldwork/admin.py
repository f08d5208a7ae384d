"""Field-work records are written through services (pages, imports); the admin shows them."""

from django.contrib import admin

from fieldwork.models import (
    AssistanceRecord,
    FollowUp,
    Pairing,
    PoorHousehold,
    ResearchReport,
    ResearchTopic,
    VillageVisit,
)
from township.admin import ReadOnlyAdmin


@admin.register(VillageVisit)
class VillageVisitAdmin(ReadOnlyAdmin):
    list_display = ["date", "part", "person", "village", "transport", "meal"]
    list_filter = ["part", "transport", "meal"]
    search_fields = ["person__full_name", "village__name", "summary"]
    date_hierarchy = "date"


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["problem", "village", "owner", "due_on", "status"]
    list_filter = ["status"]
    search_fields = ["problem", "outcome"]


@admin.register(ResearchTopic)
class ResearchTopicAdmin(ReadOnlyAdmin):
    list_display = ["title", "person", "year", "is_key"]
    list_filter = ["year", "is_key"]
    search_fields = ["title"]


@admin.register(ResearchReport)
class ResearchReportAdmin(ReadOnlyAdmin):
    list_display = ["title", "person", "year", "kind", "status"]
    list_filter = ["year", "kind", "status"]
    search_fields = ["title", "body"]


@admin.register(PoorHousehold)
class PoorHouseholdAdmin(ReadOnlyAdmin):
    list_display = ["household_no", "head_name", "village", "members", "status"]
    list_filter = ["status"]
    search_fields = ["head_name", "household_no"]


@admin.register(Pairing)
class PairingAdmin(ReadOnlyAdmin):
    list_display = ["household", "cadre", "year"]
    list_filter = ["year"]


@admin.register(AssistanceRecord)
class AssistanceRecordAdmin(ReadOnlyAdmin):
    list_display = ["household", "person", "date", "kind", "amount"]
    list_filter = ["kind"]
