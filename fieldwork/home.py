"""The fieldwork panel on the home page: a warning when the person is behind the pro-rated
village-day line by more than the policy margin (R-FLD-1), and their open follow-ups."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.hooks import Panel, home_panel


@home_panel(order=40)
def village_work(request):
    from fieldwork.models import FollowUp, FollowUpStatus
    from fieldwork.selectors import QUOTA_READERS, quota_people_for, quota_rows
    from township.models import User

    user = request.user
    if user.township_id is None:
        return None
    today = timezone.localdate()
    rows = quota_rows(User.objects.filter(pk=user.pk), year=today.year, on=today)
    row = rows[0] if rows else None
    open_items = list(
        FollowUp.objects.filter(owner=user, status=FollowUpStatus.OPEN)
        .select_related("village")
        .order_by("due_on")[:5]
    )
    team_behind = None
    if user.has_role(*QUOTA_READERS):
        team_behind = sum(
            1 for r in quota_rows(quota_people_for(user=user), year=today.year, on=today) if r.is_behind
        )
    behind = row is not None and row.is_behind
    if not behind and not open_items and not team_behind:
        return None
    return Panel(
        _("Village work"),
        "fieldwork/panels/village_work.html",
        {"row": row, "behind": behind, "open_items": open_items, "team_behind": team_behind, "today": today},
    )
