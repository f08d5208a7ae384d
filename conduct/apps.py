from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConductConfig(AppConfig):
    name = "conduct"
    verbose_name = _("Attendance and leave")

    def ready(self):
        from celery.schedules import crontab

        from conduct import hooks, kinds, offline, panels, policies, seed  # noqa: F401
        from township.celery import app
        from township.hooks import NavItem, nav
        from township.models import Role

        kinds.register()
        hooks.register()
        offline.register()
        nav(
            NavItem(_("Attendance and leave"), "conduct:index", "clock", order=10),
            NavItem(
                _("Attendance summary"),
                "conduct:daily_summary",
                "bar-chart",
                roles=(Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE, Role.INSPECTOR, Role.ADMINISTRATOR),
                order=11,
            ),
        )
        app.conf.beat_schedule["conduct-nightly-attendance"] = {
            "task": "conduct.tasks.nightly_attendance",
            "schedule": crontab(hour=1, minute=10),
        }
        app.conf.beat_schedule["conduct-weekly-study"] = {
            "task": "conduct.tasks.weekly_study_check",
            "schedule": crontab(hour=2, minute=0, day_of_week=1),
        }
        app.conf.beat_schedule["conduct-monthly-worklog"] = {
            "task": "conduct.tasks.monthly_worklog_check",
            "schedule": crontab(hour=2, minute=30, day_of_month=2),
        }
