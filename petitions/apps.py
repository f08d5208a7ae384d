from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self):
        from petitions import policies  # noqa: F401
        from township.hooks import NavItem, nav

        nav(NavItem(_("Petitions"), "petitions:index", "envelope-paper", order=40))
