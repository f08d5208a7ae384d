from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from meetings import hooks, kinds, panels, policies, seed  # noqa: F401 - registrations
        from meetings.hooks import answer_meeting_summary
        from township.hooks import NavItem, answer, nav

        nav(NavItem(_("Meetings"), "meetings:index", "people-fill", order=20))
        nav(NavItem(_("Meeting calendar"), "meetings:calendar", "calendar3", order=21))
        answer("meeting_summary", answer_meeting_summary)
        answer("xck_day_records", hooks.xck_day_records)
        answer("xck_meals", hooks.xck_meals)
