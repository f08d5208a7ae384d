from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from meetings import policies  # noqa: F401
        from township.hooks import NavItem, nav

        nav(NavItem(_("Meetings"), "meetings:index", "people-fill", order=20))
