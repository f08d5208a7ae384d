from django import template

from township.models import Role

register = template.Library()


@register.inclusion_tag("conduct/_subnav.html", takes_context=True)
def conduct_subnav(context, active=""):
    user = context["request"].user
    return {
        "active": active,
        "perms_sheet": user.has_role(
            Role.DEPARTMENT_HEAD,
            Role.LEADER_IN_CHARGE,
            Role.PRINCIPAL_LEADER,
            Role.INSPECTOR,
            Role.ADMINISTRATOR,
        ),
        "perms_summary": user.has_role(
            Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE, Role.INSPECTOR, Role.ADMINISTRATOR
        ),
        "perms_import": user.has_role(Role.OFFICE_CLERK, Role.ADMINISTRATOR),
        # A county-level reader has no attendance, leave or roster of their own: only the reading tabs.
        "own": user.township_id is not None,
    }
