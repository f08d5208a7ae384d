"""Home-page panels ("what needs me today") of the reception app."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.hooks import Panel, home_panel
from township.models import Role

from .models import DisclosureReport, DisclosureStatus, ReceptionRecord, ReceptionStatus


@home_panel(order=40)
def receptions_to_list(request):
    user = request.user
    if not user.has_role(Role.OFFICE_CLERK) or user.township_id is None:
        return None
    items = list(
        ReceptionRecord.objects.filter(
            township_id=user.township_id, status=ReceptionStatus.PLANNED, start_date__lte=timezone.localdate()
        ).order_by("start_date")[:6]
    )
    signed = list(
        ReceptionRecord.objects.filter(
            township_id=user.township_id, status=ReceptionStatus.LISTED, handler=user
        )[:6]
    )
    if not items and not signed:
        return None
    return Panel(
        _("Reception lists to fill in"),
        "reception/panels/receptions.html",
        {"items": items, "signed": signed},
    )


@home_panel(order=41)
def disclosure_drafts(request):
    user = request.user
    if not user.has_role(Role.FINANCE_CLERK) or user.township_id is None:
        return None
    drafts = list(
        DisclosureReport.objects.filter(township_id=user.township_id, status=DisclosureStatus.DRAFT)
    )
    if not drafts:
        return None
    return Panel(_("Quarterly reports to review"), "reception/panels/disclosures.html", {"drafts": drafts})
