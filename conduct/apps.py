from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConductConfig(AppConfig):
    name = "conduct"
    verbose_name = _("Attendance and leave")

    def ready(self):
        from conduct import policies  # noqa: F401
        from township.hooks import NavItem, nav

        nav(NavItem(_("Attendance and leave"), "conduct:index", "clock", order=10))
