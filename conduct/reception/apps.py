from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    """Official receptions, expenses and budgets, vehicles and the quarterly disclosure: part of
    conduct/, a Django app of its own so its records and migrations stand apart from attendance."""

    name = "conduct.reception"
    label = "reception"
    verbose_name = _("Reception and expenses")

    def ready(self):
        from conduct.reception import policies  # noqa: F401
        from township.hooks import NavItem, nav

        nav(NavItem(_("Reception and expenses"), "reception:index", "cup-hot", order=15))
