from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self):
        from celery.schedules import crontab

        from petitions import (  # noqa: F401
            approval_kinds,
            demo,  # noqa: F401
            home,
            hooks,
            policies,
        )
        from township.celery import app
        from township.hooks import NavItem, nav
        from township.models import Role

        hooks.register()
        nav(
            NavItem(_("Petitions"), "petitions:index", "envelope-paper", order=40),
            NavItem(
                _("Petition statistics"),
                "petitions:statistics",
                "bar-chart",
                roles=(Role.OFFICE_CLERK, Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE, Role.INSPECTOR),
                order=41,
                section="admin",
            ),
            NavItem(
                _("Reception days"),
                "petitions:reception_days",
                "calendar-week",
                order=42,
                section="admin",
            ),
        )
        app.conf.beat_schedule["petitions-clocks-daily"] = {
            "task": "petitions.tasks.petition_clocks_daily",
            "schedule": crontab(hour=6, minute=30),
        }
        app.conf.beat_schedule["petitions-on-time-quota-monthly"] = {
            "task": "petitions.tasks.petition_on_time_quota_monthly",
            "schedule": crontab(day_of_month=1, hour=7, minute=0),
        }
