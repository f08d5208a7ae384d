from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "fieldwork"
    verbose_name = _("Village work")

    def ready(self):
        from fieldwork import policies  # noqa: F401
        from township.hooks import NavItem, nav

        nav(NavItem(_("Village work"), "fieldwork:index", "geo-alt", order=30))
