"""The core's panels on the home page ("what needs me today")."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.approvals import approval_inbox_for, kind_label
from township.hooks import Panel, home_panel
from township.models import FindingStatus, Role
from township.scoping import township_ids_for
from township.workcalendar import unsupported_years


@home_panel(order=10)
def pending_approvals(request):
    items = list(approval_inbox_for(user=request.user)[:6])
    if not items and not request.user.has_role(
        Role.DEPARTMENT_HEAD, Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER
    ):
        return None
    for req in items:
        req.kind_label = kind_label(req.kind)
    return Panel(_("Waiting for my approval"), "township/panels/approvals.html", {"items": items})


@home_panel(order=90)
def open_findings(request):
    user = request.user
    if not user.has_role(Role.INSPECTOR, Role.ADMINISTRATOR):
        return None
    from township.models import Finding

    counts = (
        Finding.objects.filter(township_id__in=township_ids_for(user), status=FindingStatus.OPEN)
        .values_list("rule_id")
        .order_by("rule_id")
    )
    from django.db.models import Count

    by_rule = list(counts.annotate(n=Count("pk")).values_list("rule_id", "n"))
    return Panel(_("Open findings by rule"), "township/panels/findings.html", {"by_rule": by_rule})


@home_panel(order=95)
def calendar_warning(request):
    if not request.user.has_role(Role.ADMINISTRATOR):
        return None
    year = timezone.localdate().year
    missing = unsupported_years([year, year + 1])
    if not missing:
        return None
    return Panel(_("Work calendar"), "township/panels/calendar_warning.html", {"years": missing})
