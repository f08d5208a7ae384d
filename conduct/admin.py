"""Read-only admin: every write goes through the services (pages, imports, tasks)."""

from django.contrib import admin

from conduct.models import (
    AttendanceDay,
    DutyRoster,
    DutyShift,
    DutySwap,
    LeaveRequest,
    LeavingRegistration,
    Punch,
    PunchCorrection,
    StudySession,
    TripRequest,
    WorkLog,
)
from township.admin import ReadOnlyAdmin


@admin.register(Punch)
class PunchAdmin(ReadOnlyAdmin):
    list_display = ["person", "at", "source", "device", "outside_radius"]
    list_filter = ["source", "outside_radius"]
    search_fields = ["person__full_name", "person__employee_no"]
    date_hierarchy = "at"
    list_select_related = ["person"]


@admin.register(AttendanceDay)
class AttendanceDayAdmin(ReadOnlyAdmin):
    list_display = ["person", "date", "status", "late_minutes", "early_minutes", "leave_days"]
    list_filter = ["status"]
    search_fields = ["person__full_name"]
    date_hierarchy = "date"
    list_select_related = ["person"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ReadOnlyAdmin):
    list_display = ["person", "kind", "start_date", "end_date", "days", "status", "returned_on"]
    list_filter = ["kind", "status"]
    search_fields = ["person__full_name"]
    list_select_related = ["person"]


@admin.register(TripRequest)
class TripRequestAdmin(ReadOnlyAdmin):
    list_display = ["person", "kind", "destination", "start_date", "end_date", "budget", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["person__full_name", "destination"]
    list_select_related = ["person"]


@admin.register(PunchCorrection)
class PunchCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["person", "date", "direction", "time", "status"]
    list_filter = ["status"]
    list_select_related = ["person"]


for model, fields in [
    (LeavingRegistration, ["person", "destination", "start_date", "end_date", "phone"]),
    (DutyRoster, ["township", "month", "status", "published_at"]),
    (DutyShift, ["date", "person", "checked_in_at"]),
    (DutySwap, ["shift", "requester", "to_person", "status"]),
    (WorkLog, ["person", "date", "commented_by"]),
    (StudySession, ["department", "date", "topic", "minutes"]),
]:
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": fields}))
