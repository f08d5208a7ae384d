"""Reads of the meetings app, scoped by who is asking (404 for out of scope, like missing).

Approved meetings are the township's shared calendar: everyone of the township sees them.  Requests
still waiting, refused or withdrawn are seen by their requester, the organising department's head
and leader in charge, the Party and Government Office (it coordinates meetings), principal leaders,
inspectors and administrators."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from meetings import rules
from meetings.models import (
    ACTIVE_STATUSES,
    CALENDAR_STATUSES,
    CalendarFeed,
    Document,
    Meeting,
    MeetingRefusal,
    MeetingStatus,
    MeetingType,
    PressRequest,
    Room,
)
from township.models import Department, Role, RuleOverride
from township.policy import policies
from township.scoping import department_ids_for, get_or_404, sees_whole_township, township_ids_for


def _wide(user) -> bool:
    return sees_whole_township(user) or user.has_role(Role.OFFICE_CLERK)


def meeting_visibility_q(user) -> Q:
    if _wide(user):
        return Q()
    q = Q(status__in=CALENDAR_STATUSES) | Q(requested_by=user)
    depts = department_ids_for(user)
    if depts:
        q |= Q(department_id__in=depts)
    return q


def meeting_list_for(
    *,
    user,
    status: str = "",
    meeting_type: str = "",
    department: int | None = None,
    month: dt.date | None = None,
    q: str = "",
    order: str = "-date",
    township: int | None = None,
) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(township_id__in=township_ids_for(user)).filter(meeting_visibility_q(user))
    if township:
        qs = qs.filter(township_id=township)
    if status:
        qs = qs.filter(status=status)
    if meeting_type:
        qs = qs.filter(meeting_type=meeting_type)
    if department:
        qs = qs.filter(department_id=department)
    if month:
        qs = qs.filter(date__year=month.year, date__month=month.month)
    if q:
        qs = qs.filter(title__icontains=q)
    allowed = {"date", "-date", "title", "-title", "status", "-status", "meeting_type", "-meeting_type"}
    order = order if order in allowed else "-date"
    return qs.select_related("department", "room", "requested_by", "township").order_by(
        order, "start_time", "pk"
    )


def meeting_get_for(*, user, pk: int) -> Meeting:
    qs = (
        Meeting.objects.filter(township_id__in=township_ids_for(user))
        .filter(meeting_visibility_q(user))
        .select_related("department", "room", "requested_by", "recorded_by", "township", "approval")
    )
    return get_or_404(qs, pk=pk)


def calendar_meetings(
    *, township_ids, start: dt.date, end: dt.date, department: int | None = None, user=None
) -> list[Meeting]:
    """Approved (and held) meetings between two dates, inclusive, for the month/week views; with
    ``user``, also the requests still waiting for approval that this person may see (the page
    marks them), so a room or a date is not planned twice."""
    statuses = Q(status__in=CALENDAR_STATUSES)
    if user is not None:
        statuses |= Q(status=MeetingStatus.PENDING) & meeting_visibility_q(user)
    qs = Meeting.objects.filter(statuses, township_id__in=township_ids, date__gte=start, date__lte=end)
    if department:
        qs = qs.filter(Q(department_id=department) | Q(audience_departments=department)).distinct()
    return list(qs.select_related("department", "room").order_by("date", "start_time", "pk"))


def merge_candidates(
    *, township_id: int, day: dt.date, department_ids, people_ids, exclude_pk=None
) -> list[Meeting]:
    """R-MTG-10: meetings within the policy window of ``day`` whose audience overlaps."""
    department_ids, people_ids = list(department_ids or []), list(people_ids or [])
    if not department_ids and not people_ids:
        return []
    window = policies(["R-MTG-10"], township=township_id, on=day)["R-MTG-10"]
    qs = Meeting.objects.filter(
        township_id=township_id,
        status__in=(MeetingStatus.PENDING, MeetingStatus.APPROVED),
        date__gte=max(day - dt.timedelta(days=window), timezone.localdate()),
        date__lte=day + dt.timedelta(days=window),
    ).filter(Q(audience_departments__in=department_ids) | Q(audience_people__in=people_ids))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs.distinct().select_related("department", "room").order_by("date", "start_time")[:5])


def feed_active_for(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(person=user, revoked_at__isnull=True).first()


def feed_meetings(*, token: str):
    """The person and the meetings they attend, for a live token; None for a wrong or revoked one."""
    feed = (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True, person__is_active=True)
        .select_related("person")
        .first()
    )
    if feed is None:
        return None
    person = feed.person
    since = timezone.localdate() - dt.timedelta(days=180)
    attend = Q(audience_people=person) | Q(requested_by=person)
    if person.department_id:
        attend |= Q(audience_departments=person.department_id)
    meetings = (
        Meeting.objects.filter(township_id=person.township_id, status__in=CALENDAR_STATUSES, date__gte=since)
        .filter(attend)
        .distinct()
        .select_related("room", "department")
        .prefetch_related("agenda")
        .order_by("starts_at")
    )
    return person, list(meetings)


def rooms_for(*, township_id: int) -> QuerySet[Room]:
    return Room.objects.filter(township_id=township_id, is_active=True).order_by("name")


def departments_for(*, township_id: int) -> QuerySet[Department]:
    return Department.objects.filter(township_id=township_id).order_by("order", "name")


def refusals_for(*, user, year: int) -> QuerySet[MeetingRefusal]:
    qs = MeetingRefusal.objects.filter(township_id__in=township_ids_for(user), created_at__year=year)
    if not _wide(user):
        qs = qs.filter(actor=user)
    return qs.select_related("actor")


# --- figures (the monthly chart page and the "meeting_summary" hook) ------------------------------


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, m = [], start.replace(day=1)
    while m <= end:
        months.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    return months


def meeting_summary(*, township_id: int, start: dt.date, end: dt.date) -> dict:
    """Meetings between two dates (inclusive) that took or take a slot (waiting, approved, held),
    set-based: a fixed handful of queries whatever the number of meetings.

    Returns ``{"months": [{"month": date, "counts": {type: n}, "caps": {"plenary": cap,
    "business": cap}, "over": [types over their cap]}], "totals": {type: n}, "average_minutes":
    float | None, "overrides": int, "refusals": int, "by_department": [{"department_id",
    "department", "count"}]}``.  Durations are the actual ones where recorded, else planned."""
    base = Meeting.objects.filter(
        township_id=township_id, status__in=ACTIVE_STATUSES, date__gte=start, date__lte=end
    )
    rows = base.annotate(month=TruncMonth("date")).values("month", "meeting_type").annotate(n=Count("pk"))
    per_month: dict[dt.date, dict[str, int]] = {}
    totals: dict[str, int] = {t: 0 for t in MeetingType.values}
    for r in rows:
        month = r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"]
        per_month.setdefault(month, {})[r["meeting_type"]] = r["n"]
        totals[r["meeting_type"]] += r["n"]
    held = base.filter(actual_start__isnull=False, actual_end__isnull=False).aggregate(
        avg=Avg(ExpressionWrapper(F("actual_end") - F("actual_start"), output_field=DurationField())),
        n=Count("pk"),
    )
    planned = base.filter(actual_start__isnull=True).aggregate(avg=Avg("planned_minutes"), n=Count("pk"))
    minutes_total = 0.0
    count = 0
    if held["n"]:
        minutes_total += held["avg"].total_seconds() / 60 * held["n"]
        count += held["n"]
    if planned["n"]:
        minutes_total += float(planned["avg"]) * planned["n"]
        count += planned["n"]
    from django.contrib.contenttypes.models import ContentType

    overrides = RuleOverride.objects.filter(
        township_id=township_id,
        rule_id__in=["R-MTG-2", "R-MTG-3"],
        target_type=ContentType.objects.get_for_model(Meeting),
        target_id__in=base.values("pk"),
    ).count()
    refusals = MeetingRefusal.objects.filter(township_id=township_id, date__gte=start, date__lte=end).count()
    by_dept = list(
        base.values("department_id", "department__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "department__name")
    )
    months = []
    caps_by_year: dict[int, dict] = {}  # policy values are yearly: one query per year
    for m in _months(start, end):
        if m.year not in caps_by_year:
            caps_by_year[m.year] = policies(["R-MTG-2", "R-MTG-3"], township=township_id, on=m)
        caps = caps_by_year[m.year]
        counts = {t: per_month.get(m, {}).get(t, 0) for t in MeetingType.values}
        cap_map = {MeetingType.PLENARY.value: caps["R-MTG-2"], MeetingType.BUSINESS.value: caps["R-MTG-3"]}
        months.append(
            {
                "month": m,
                "counts": counts,
                "caps": cap_map,
                "over": [t for t, c in cap_map.items() if counts[t] > c],
            }
        )
    return {
        "months": months,
        "totals": totals,
        "average_minutes": round(minutes_total / count, 1) if count else None,
        "overrides": overrides,
        "refusals": refusals,
        "by_department": [
            {"department_id": r["department_id"], "department": r["department__name"], "count": r["count"]}
            for r in by_dept
        ],
    }


def document_list_for(
    *, user, kind: str = "", year: int | None = None, q: str = "", order: str = "-issued_on"
):
    qs = Document.objects.filter(township_id__in=township_ids_for(user))
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(issued_on__year=year)
    if q:
        qs = qs.filter(title__icontains=q)
    order = (
        order
        if order in {"issued_on", "-issued_on", "char_count", "-char_count", "title", "-title"}
        else "-issued_on"
    )
    return qs.select_related("department", "registered_by").order_by(order, "-pk")


def document_get_for(*, user, pk: int) -> Document:
    return get_or_404(
        Document.objects.filter(township_id__in=township_ids_for(user)).select_related(
            "department", "registered_by"
        ),
        pk=pk,
    )


def press_list_for(*, user, year: int, status: str = ""):
    qs = PressRequest.objects.filter(township_id__in=township_ids_for(user), year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("department", "requested_by", "meeting").order_by("-on_date", "-pk")


def doc_limit(kind: str, *, township_id: int, on: dt.date) -> int:
    key = rules.r_doc_1_policy_key(kind)
    return policies([key], township=township_id, on=on)[key]
