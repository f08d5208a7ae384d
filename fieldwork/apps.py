from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "fieldwork"
    verbose_name = _("Village work")

    def ready(self):
        from celery.schedules import crontab

        from fieldwork import demo, home, hooks, offline, policies, services  # noqa: F401
        from township.celery import app
        from township.hooks import NavItem, nav
        from township.models import Role

        hooks.register()
        offline.register()
        services.register_approval_kinds()
        readers = (
            Role.DEPARTMENT_HEAD,
            Role.LEADER_IN_CHARGE,
            Role.PRINCIPAL_LEADER,
            Role.INSPECTOR,
            Role.ADMINISTRATOR,
        )
        nav(
            NavItem(_("Village work"), "fieldwork:index", "geo-alt", order=30),
            NavItem(_("Village-day quotas"), "fieldwork:quota", "bar-chart", roles=readers, order=31),
        )
        # Year-end shortfall findings (R-FLD-1/2/3/6), early on 1 January for the year just ended.
        app.conf.beat_schedule["fieldwork-year-end-shortfalls"] = {
            "task": "fieldwork.tasks.raise_year_end_shortfalls",
            "schedule": crontab(minute=30, hour=2, day_of_month=1, month_of_year=1),
        }
