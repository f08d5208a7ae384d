from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    """Official receptions, expenses and budgets, vehicles and the quarterly disclosure: part of
    conduct/, a Django app of its own so its records and migrations stand apart from attendance."""

    name = "conduct.reception"
    label = "reception"
    verbose_name = _("Reception and expenses")

    def ready(self):
        from celery.schedules import crontab

        from conduct.reception import approval_kinds, demo, panels, policies  # noqa: F401
        from conduct.reception import hooks as reception_hooks
        from conduct.reception.hooks import spending_summary
        from township import hooks
        from township.celery import app
        from township.hooks import NavItem, nav
        from township.models import Role

        nav(NavItem(_("Reception and expenses"), "reception:index", "cup-hot", order=15))
        nav(
            NavItem(
                _("Budgets"),
                "reception:budget",
                "pie-chart",
                roles=(Role.FINANCE_CLERK, Role.ADMINISTRATOR, Role.PRINCIPAL_LEADER, Role.INSPECTOR),
                order=16,
            )
        )
        hooks.answer("spending_summary", spending_summary)
        for question in ("xck_day_records", "xck_expenses", "xck_vehicle_uses", "xck_meals"):
            hooks.answer(question, getattr(reception_hooks, question))
        # Quarter end (R-EXP-4): the first day of each quarter prepares the draft of the last.
        app.conf.beat_schedule["reception-prepare-quarter-disclosures"] = {
            "task": "conduct.reception.tasks.prepare_quarter_disclosures",
            "schedule": crontab(minute=30, hour=1, day_of_month=1, month_of_year="1,4,7,10"),
        }
