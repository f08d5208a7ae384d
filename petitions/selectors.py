"""Every read of the petitions app, scoped by who asks.

Cases are visible to the people of their township (county-level readers: their county), but the
petitioners' identity only through ``identity_for`` (R-PET-8), which logs each view.  Statistics are
set-based: one grouped query per breakdown, whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from township.models import Role
from township.policy import policy
from township.scoping import get_or_404, township_ids_for

from . import rules
from .models import (
    CLOCK_RUNNING,
    UNRESOLVED,
    IdentityAccess,
    PetitionCase,
    Petitioner,
    ReceptionDay,
    ReceptionRecord,
)

SORTS = {
    "number": ("-year", "-seq"),
    "oldest": ("year", "seq"),
    "due": (F("next_due").asc(nulls_last=True), "-seq"),
    "registered": ("-registered_on", "-seq"),
}


def case_list_for(
    *,
    user,
    q: str = "",
    status: str = "",
    channel: str = "",
    category: str = "",
    village: int | None = None,
    leader: int | None = None,
    year: int | None = None,
    overdue: bool = False,
    mine: bool = False,
    sort: str = "number",
    township: int | None = None,
) -> QuerySet[PetitionCase]:
    qs = PetitionCase.objects.filter(township_id__in=township_ids_for(user))
    if township:
        qs = qs.filter(township_id=township)
    if q:
        # No identity fields here: searching by a petitioner's name would reveal who petitioned.
        qs = qs.filter(Q(number__icontains=q) | Q(matter__icontains=q) | Q(concerns__icontains=q))
    if status == "open":
        qs = qs.filter(status__in=UNRESOLVED)
    elif status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if category:
        qs = qs.filter(category=category)
    if village:
        qs = qs.filter(village_id=village)
    if leader:
        qs = qs.filter(responsible_leader_id=leader)
    if year:
        qs = qs.filter(year=year)
    if overdue:
        qs = qs.filter(status__in=CLOCK_RUNNING, next_due__lt=timezone.localdate())
    if mine:
        qs = qs.filter(Q(responsible_leader=user) | Q(handlers=user) | Q(registered_by=user)).distinct()
    return qs.select_related("village", "responsible_leader", "handling_department", "township").order_by(
        *SORTS.get(sort, SORTS["number"])
    )


def case_get_for(*, user, pk: int) -> PetitionCase:
    return get_or_404(
        PetitionCase.objects.filter(township_id__in=township_ids_for(user)).select_related(
            "village", "responsible_leader", "handling_department", "registered_by", "replied_by", "township"
        ),
        pk=pk,
    )


def can_see_identity(*, user, case: PetitionCase) -> bool:
    """R-PET-8 for one user and one case."""
    if not user.is_authenticated or case.township_id not in township_ids_for(user):
        return False
    return rules.may_see_identity(
        user_id=user.pk,
        is_inspector=user.has_role(Role.INSPECTOR),
        registered_by_id=case.registered_by_id,
        leader_id=case.responsible_leader_id,
        handler_ids=case.handlers.values_list("pk", flat=True),
        concerned_ids=case.concerned_people.values_list("pk", flat=True),
    )


def identity_for(*, user, case: PetitionCase, via: str = "page") -> list[Petitioner] | None:
    """The petitioners of ``case`` if ``user`` may see them (and the view is logged), else None."""
    if not can_see_identity(user=user, case=case):
        return None
    from .services import identity_access_record

    identity_access_record(user=user, case=case, via=via)
    return list(case.petitioners.all())


def access_log_for(*, user, case: PetitionCase | None = None) -> QuerySet[IdentityAccess]:
    """R-PET-8: inspectors read who looked at whose identity; so does the security auditor."""
    if not user.has_role(Role.INSPECTOR, Role.SECURITY_AUDITOR):
        return IdentityAccess.objects.none()
    qs = IdentityAccess.objects.filter(township_id__in=township_ids_for(user))
    if case is not None:
        qs = qs.filter(case=case)
    return qs.select_related("user", "case")


def backlog_for(*, user, today: dt.date | None = None) -> list[PetitionCase]:
    """R-PET-5: the user's unresolved cases older than the backlog threshold (积案)."""
    if user.township_id is None:
        return []
    today = today or timezone.localdate()
    days = policy("R-PET-5.backlog_days", township=user.township_id, on=today)
    return list(
        PetitionCase.objects.filter(
            responsible_leader=user,
            status__in=UNRESOLVED,
            registered_on__lt=today - dt.timedelta(days=days),
        )
        .select_related("village")
        .order_by("registered_on")
    )


def my_open_cases(*, user) -> QuerySet[PetitionCase]:
    return (
        PetitionCase.objects.filter(
            Q(responsible_leader=user) | Q(handlers=user),
            status__in=CLOCK_RUNNING,
            township_id=user.township_id,
        )
        .distinct()
        .order_by(F("next_due").asc(nulls_last=True))
    )


# --- statistics (R-PET-9, R-PET-7) ---------------------------------------------------------------------


def _metrics(today: dt.date) -> dict:
    late_open = Q(status__in=CLOCK_RUNNING, next_due__lt=today)
    return {
        "received": Count("pk"),
        "accepted": Count("pk", filter=Q(accepted_on__isnull=False)),
        "not_accepted": Count("pk", filter=Q(status="not_accepted")),
        "facts_clarified": Count("pk", filter=Q(facts_clarified=True)),
        "coordinated": Count("pk", filter=Q(coordinated=True)),
        "resolved": Count("pk", filter=Q(resolved=True)),
        "replied": Count("pk", filter=Q(replied_on__isnull=False)),
        "on_time": Count("pk", filter=Q(replied_on__isnull=False, replied_on__lte=F("reply_due"))),
        "overdue": Count("pk", filter=Q(replied_on__gt=F("reply_due")) | late_open),
        "satisfied": Count("pk", filter=Q(satisfied=True)),
        "collective": Count("pk", filter=Q(is_collective=True)),
        "repeat": Count("pk", filter=Q(is_repeat=True)),
    }


METRICS = (
    "received",
    "accepted",
    "not_accepted",
    "facts_clarified",
    "coordinated",
    "resolved",
    "replied",
    "on_time",
    "overdue",
    "satisfied",
    "collective",
    "repeat",
)


def _cases_between(township_ids, start: dt.date, end: dt.date) -> QuerySet[PetitionCase]:
    return PetitionCase.objects.filter(
        township_id__in=township_ids, registered_on__gte=start, registered_on__lte=end
    ).order_by()


def _with_rate(row: dict) -> dict:
    row["on_time_rate"] = rules.on_time_rate(row["on_time"], row["replied"])
    return row


def statistics(*, township_ids, start: dt.date, end: dt.date, today: dt.date | None = None) -> dict:
    """Totals and breakdowns by month, channel, village, category, leader and department."""
    today = today or timezone.localdate()
    metrics = _metrics(today)
    base = _cases_between(township_ids, start, end)
    total = _with_rate(base.aggregate(**metrics))

    def grouped(*keys, order=None):
        rows = base.values(*keys).annotate(**metrics).order_by(*(order or keys))
        return [_with_rate(dict(r)) for r in rows]

    months = [
        _with_rate(dict(r))
        for r in base.annotate(month=TruncMonth("registered_on"))
        .values("month")
        .annotate(**metrics)
        .order_by("month")
    ]
    return {
        "total": total,
        "by_month": months,
        "by_channel": grouped("channel"),
        "by_category": grouped("category"),
        "by_village": grouped("village__name", order=["village__name"]),
        "by_leader": grouped(
            "responsible_leader_id", "responsible_leader__full_name", order=["responsible_leader__full_name"]
        ),
        "by_department": grouped(
            "handling_department_id", "handling_department__name", order=["handling_department__name"]
        ),
    }


def petition_summary(*, township_id: int, start: dt.date, end: dt.date) -> dict:
    """The answer to the hook question "petition_summary" (see petitions/hooks.py): only the three
    aggregates it returns (total, by leader, by department), not every breakdown of the page."""
    keys = ("received", "accepted", "on_time", "overdue", "satisfied")
    metrics = {k: v for k, v in _metrics(timezone.localdate()).items() if k in keys}
    base = _cases_between([township_id], start, end)

    def grouped(key):
        return {
            r[key]: {k: r[k] for k in keys}
            for r in base.values(key).annotate(**metrics).order_by(key)
            if r[key]
        }

    total = base.aggregate(**metrics)
    return {
        **{k: total[k] or 0 for k in keys},
        "by_leader": grouped("responsible_leader_id"),
        "by_department": grouped("handling_department_id"),
    }


# --- reception days (R-PET-6) ---------------------------------------------------------------------


def reception_days_published(*, township_id: int) -> QuerySet[ReceptionDay]:
    return (
        ReceptionDay.objects.filter(township_id=township_id, active=True)
        .select_related("leader")
        .order_by("weekday", "leader__full_name")
    )


def reception_days_answer(*, township_id: int) -> list[dict]:
    """The answer to the hook question "reception_days" (see petitions/hooks.py)."""
    return [
        {"weekday": str(d.get_weekday_display()), "place": d.place, "leader_name": d.leader.full_name}
        for d in reception_days_published(township_id=township_id)
    ]


def reception_records_for(*, user) -> QuerySet[ReceptionRecord]:
    qs = ReceptionRecord.objects.filter(township_id__in=township_ids_for(user))
    if not user.has_role(Role.OFFICE_CLERK, Role.PRINCIPAL_LEADER, Role.INSPECTOR, Role.ADMINISTRATOR):
        qs = qs.filter(leader=user)
    return qs.select_related("leader").annotate(n_cases=Count("cases"))
