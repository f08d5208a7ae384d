from django.contrib import admin

from meetings.models import Document, Meeting, MeetingRefusal, PressRequest, Room
from township.admin import ReadOnlyAdmin, ScopedAdmin


@admin.register(Room)
class RoomAdmin(ScopedAdmin):
    list_display = ["name", "location", "capacity", "is_active", "township"]
    list_filter = ["township", "is_active"]
    search_fields = ["name"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    """Meetings are written only through the services (caps, rooms, approval)."""

    list_display = ["date", "title", "meeting_type", "department", "status", "township"]
    list_filter = ["township", "meeting_type", "status"]
    search_fields = ["title"]
    date_hierarchy = "date"


@admin.register(MeetingRefusal)
class MeetingRefusalAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "title", "actor", "rule_ids", "township"]
    list_filter = ["township"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["issued_on", "title", "kind", "char_count", "department", "township"]
    list_filter = ["township", "kind"]
    search_fields = ["title"]


@admin.register(PressRequest)
class PressRequestAdmin(ReadOnlyAdmin):
    list_display = ["on_date", "title", "subject", "status", "township"]
    list_filter = ["township", "status", "year"]
