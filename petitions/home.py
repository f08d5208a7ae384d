"""Home-page panels of the petitions app ("what needs me today")."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.hooks import Panel, home_panel
from township.models import Role


@home_panel(order=30)
def backlog_cases(request):
    """R-PET-5: the backlog cases (积案) under the responsible leader."""
    from .selectors import backlog_for

    user = request.user
    if not user.has_role(Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE):
        return None
    today = timezone.localdate()
    cases = backlog_for(user=user, today=today)
    if not cases:
        return None
    for case in cases:
        case.age = (today - case.registered_on).days
    return Panel(_("Backlog petition cases under me"), "petitions/panels/backlog.html", {"cases": cases})


@home_panel(order=31)
def my_deadlines(request):
    """Open cases the user leads or handles, with the next deadline and days left."""
    from .selectors import my_open_cases

    user = request.user
    if user.township_id is None:
        return None
    today = timezone.localdate()
    cases = list(my_open_cases(user=user)[:8])
    if not cases:
        return None
    for case in cases:
        case.left = case.days_left(today)
    return Panel(
        _("My petition cases and their deadlines"), "petitions/panels/deadlines.html", {"cases": cases}
    )


@home_panel(order=32)
def clerk_queue(request):
    """The clerk's queue: cases to decide, replies whose satisfaction is to be asked."""
    from .models import PetitionCase, Status

    user = request.user
    if not user.has_role(Role.OFFICE_CLERK) or user.township_id is None:
        return None
    qs = PetitionCase.objects.filter(township_id=user.township_id)
    to_decide = qs.filter(status=Status.REGISTERED).count()
    to_assign = qs.filter(status=Status.ACCEPTED).count()
    to_ask = qs.filter(status=Status.REPLIED, satisfaction_prompted=True).count()
    if not (to_decide or to_assign or to_ask):
        return None
    return Panel(
        _("Petitions waiting for the clerk"),
        "petitions/panels/clerk.html",
        {"to_decide": to_decide, "to_assign": to_assign, "to_ask": to_ask},
    )
