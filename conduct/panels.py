"""Home-page panels: the big clock-in button and today's punches for everyone of a township;
today's attendance at a glance for leaders."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.hooks import Panel, home_panel
from township.models import Role


@home_panel(order=5)
def clock_in(request):
    user = request.user
    if user.township_id is None:
        return None
    from conduct.forms import PunchForm
    from conduct.models import DutyShift
    from conduct.selectors import punches_for

    today = timezone.localdate()
    shift = DutyShift.objects.filter(person=user, date=today, roster__status="published").first()
    return Panel(
        _("Clock in and out"),
        "conduct/panels/clock_in.html",
        {"punches": punches_for(user=user, day=today), "form": PunchForm(), "shift": shift, "today": today},
    )


@home_panel(order=30)
def today_attendance(request):
    user = request.user
    if user.township_id is None or not user.has_role(Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE):
        return None
    from conduct.selectors import daily_summary

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    summary = daily_summary(user=user, day=yesterday)
    return Panel(
        _("Attendance yesterday"),
        "conduct/panels/attendance.html",
        {"summary": summary, "day": yesterday},
    )
