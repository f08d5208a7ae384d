"""Home-page panel: the meetings I attend in the coming week."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import CALENDAR_STATUSES, Meeting
from township.hooks import Panel, home_panel


@home_panel(order=30)
def my_meetings(request):
    user = request.user
    if user.township_id is None:
        return None
    today = timezone.localdate()
    attend = Q(audience_people=user) | Q(requested_by=user)
    if user.department_id:
        attend |= Q(audience_departments=user.department_id)
    items = list(
        Meeting.objects.filter(
            township_id=user.township_id,
            status__in=CALENDAR_STATUSES,
            date__gte=today,
            date__lte=today + dt.timedelta(days=7),
        )
        .filter(attend)
        .distinct()
        .select_related("room")
        .order_by("date", "start_time")[:6]
    )
    if not items:
        return None
    return Panel(_("My meetings this week"), "meetings/panels/my_meetings.html", {"items": items})
