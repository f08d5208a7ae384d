from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TownshipConfig(AppConfig):
    name = "township"
    verbose_name = _("Township")

    def ready(self):
        from django.db.models.signals import post_migrate

        from township import checks, demo, home, policies, security, signals  # noqa: F401

        # Every app's post_migrate, not only the core's: the sync waits for the last app's
        # (by then every app has its permissions; see signals.sync_role_permissions).
        post_migrate.connect(signals.sync_role_permissions, dispatch_uid="township.sync_role_permissions")
        from township.hooks import NavItem, nav
        from township.models import Role

        nav(
            NavItem(_("Home"), "home", "house", order=0),
            NavItem(
                _("Approvals"),
                "approval_inbox",
                "inbox",
                order=5,
                badge=_inbox_badge,
            ),
            NavItem(
                _("Supervision"),
                "supervision_dashboard",
                "speedometer2",
                roles=(Role.INSPECTOR, Role.ADMINISTRATOR, Role.PRINCIPAL_LEADER),
                group="supervision",
                order=78,
            ),
            NavItem(
                _("Findings"),
                "finding_list",
                "flag",
                roles=(Role.INSPECTOR, Role.ADMINISTRATOR, Role.PRINCIPAL_LEADER),
                group="supervision",
                order=80,
            ),
            NavItem(
                _("Cross-checks"),
                "crosscheck_list",
                "intersect",
                roles=(Role.INSPECTOR, Role.ADMINISTRATOR, Role.PRINCIPAL_LEADER),
                group="supervision",
                order=80,
            ),
            NavItem(
                _("Violations"),
                "violation_list",
                "exclamation-octagon",
                roles=(Role.INSPECTOR, Role.ADMINISTRATOR, Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE),
                group="supervision",
                order=81,
            ),
            NavItem(
                _("Spot checks"),
                "spot_check_list",
                "search",
                roles=(Role.INSPECTOR, Role.ADMINISTRATOR, Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE),
                group="supervision",
                order=82,
            ),
            NavItem(
                _("Appraisal reports"),
                "appraisal_list",
                "clipboard-data",
                roles=(Role.INSPECTOR, Role.ADMINISTRATOR, Role.PRINCIPAL_LEADER),
                group="supervision",
                order=83,
            ),
            NavItem(
                _("Surveys"),
                "survey_list",
                "star-half",
                roles=(Role.INSPECTOR, Role.ADMINISTRATOR, Role.PRINCIPAL_LEADER),
                group="supervision",
                order=84,
            ),
            NavItem(
                _("Appraisal indicators"),
                "indicator_settings",
                "list-check",
                roles=(Role.ADMINISTRATOR, Role.INSPECTOR),
                order=89,
                section="admin",
            ),
            NavItem(
                _("People"),
                "person_list",
                "people",
                roles=(
                    Role.ADMINISTRATOR,
                    Role.INSPECTOR,
                    Role.PRINCIPAL_LEADER,
                    Role.LEADER_IN_CHARGE,
                    Role.DEPARTMENT_HEAD,
                ),
                order=85,
                section="admin",
            ),
            NavItem(
                _("Policy settings"),
                "policy_settings",
                "sliders",
                roles=(Role.ADMINISTRATOR, Role.INSPECTOR),
                order=90,
                section="admin",
            ),
            NavItem(
                _("Work calendar"),
                "work_calendar",
                "calendar3",
                roles=(Role.ADMINISTRATOR,),
                order=91,
                section="admin",
            ),
            NavItem(
                _("Security log"),
                "security_log",
                "shield-check",
                roles=(Role.SECURITY_AUDITOR,),
                order=93,
                section="admin",
            ),
            NavItem(
                _("Roster import"),
                "roster_import",
                "upload",
                roles=(Role.ADMINISTRATOR,),
                order=92,
                section="admin",
            ),
        )


def _inbox_badge(user):
    from township.approvals import approval_pending_count

    return approval_pending_count(user=user)
