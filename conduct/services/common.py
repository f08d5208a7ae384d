"""Helpers shared by the services: time windows, coverage of days by leave, trips and field
work (set-based, for whole townships), the person lock of R-LV-3 and status transitions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.models import HalfDay, LeaveRequest, TripRequest
from conduct.models.choices import ACTIVE, GRANTED, TRANSITIONS, RequestStatus
from township.hooks import ask
from township.models import User

ONE = Decimal("1")
HALF = Decimal("0.5")


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def aware(day: dt.date, t: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, t))


def days_between(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def leave_cover(*, township_id: int, start: dt.date, end: dt.date) -> dict[tuple[int, dt.date], str]:
    """(person, day) -> "full" / "am" / "pm" for granted leave (one query): the half on leave,
    so the other half is to be worked.  A leave begun at noon covers its first day's
    afternoon ("pm"), one ended at noon its last day's morning ("am") unless the person came
    back before that day."""
    rows = LeaveRequest.objects.filter(
        township_id=township_id, status__in=GRANTED, start_date__lte=end, end_date__gte=start
    ).values_list("person_id", "start_date", "end_date", "half_day", "start_half", "end_half", "returned_on")
    out: dict[tuple[int, dt.date], str] = {}
    for pid, s, e, half, start_half, end_half, back in rows:
        last = e
        if back is not None:
            e = min(e, back - dt.timedelta(days=1))
        for day in days_between(max(s, start), min(e, end)):
            if day == s and start_half == "pm":
                out[(pid, day)] = "pm"
            elif day == last and end_half == "am":
                out[(pid, day)] = "am"
            else:
                out[(pid, day)] = half
    return out


def half_day_span(
    start: dt.date,
    end: dt.date,
    half_day: str = HalfDay.FULL,
    start_half: str = HalfDay.FULL,
    end_half: str = HalfDay.FULL,
) -> tuple[int, int]:
    """A leave as a closed range of half days (morning 2n, afternoon 2n+1 of day ordinal n),
    so that Wednesday afternoon to Friday and Wednesday morning do not overlap (R-LV-3)."""
    lo = start.toordinal() * 2 + (1 if "pm" in (half_day, start_half) else 0)
    hi = end.toordinal() * 2 + (0 if "am" in (half_day, end_half) else 1)
    return lo, hi


def trip_cover(*, township_id: int, start: dt.date, end: dt.date) -> set[tuple[int, dt.date]]:
    """(person, day) on an approved trip, the requester and the companions (two queries)."""
    trips = list(
        TripRequest.objects.filter(
            township_id=township_id, status=RequestStatus.APPROVED, start_date__lte=end, end_date__gte=start
        ).values_list("pk", "person_id", "start_date", "end_date")
    )
    by_trip = {pk: (s, e) for pk, _p, s, e in trips}
    members = [(pk, pid) for pk, pid, _s, _e in trips]
    if trips:
        members += list(
            TripRequest.companions.through.objects.filter(triprequest_id__in=by_trip).values_list(
                "triprequest_id", "user_id"
            )
        )
    out: set[tuple[int, dt.date]] = set()
    for pk, pid in members:
        s, e = by_trip[pk]
        for day in days_between(max(s, start), min(e, end)):
            out.add((pid, day))
    return out


def fieldwork_days(*, township_id: int, start: dt.date, end: dt.date) -> dict[tuple[int, dt.date], Decimal]:
    """Field-work days answered by the fieldwork app through the core hook (none if no app
    answers); several answers are merged, the larger share of a day wins."""
    merged: dict[tuple[int, dt.date], Decimal] = {}
    for answer in ask("fieldwork_days", township_id=township_id, start=start, end=end):
        for key, share in (answer or {}).items():
            share = Decimal(str(share))
            if share > merged.get(key, Decimal(0)):
                merged[key] = min(share, ONE)
    return merged


def lock_people(person_ids) -> list[User]:
    """R-LV-3: a row lock on each person (in id order, so two requests cannot deadlock) makes
    the overlap check and the insert one step for that person."""
    return list(User.objects.select_for_update().filter(pk__in=sorted(set(person_ids))).order_by("pk"))


def overlapping(
    *,
    person_ids,
    start: dt.date,
    end: dt.date,
    half_day: str = HalfDay.FULL,
    start_half: str = HalfDay.FULL,
    end_half: str = HalfDay.FULL,
    exclude_leave=None,
    exclude_trip=None,
) -> list[str]:
    """Descriptions of the leaves and trips of these people that overlap [start, end] (leaves
    half day by half day: a morning and an afternoon do not overlap)."""
    lo, hi = half_day_span(start, end, half_day, start_half, end_half)
    found: list[str] = []
    leaves = (
        LeaveRequest.objects.filter(person_id__in=person_ids, status__in=ACTIVE, start_date__lte=end)
        .filter(
            Q(~Q(status=RequestStatus.REPORTED_BACK), end_date__gte=start)
            | Q(status=RequestStatus.REPORTED_BACK, returned_on__gt=start)
        )
        .select_related("person")
    )
    if exclude_leave:
        leaves = leaves.exclude(pk=exclude_leave)
    for leave in leaves:
        last, end_half_taken = leave.end_date, leave.end_half
        if leave.status == RequestStatus.REPORTED_BACK and leave.returned_on <= leave.end_date:
            last, end_half_taken = leave.returned_on - dt.timedelta(days=1), HalfDay.FULL
        other_lo, other_hi = half_day_span(
            leave.start_date, last, leave.half_day, leave.start_half, end_half_taken
        )
        if other_lo > hi or lo > other_hi:
            continue  # a morning and an afternoon of the same day do not overlap
        found.append(
            _("%(who)s: %(kind)s %(start)s to %(end)s")
            % {
                "who": leave.person,
                "kind": leave.get_kind_display(),
                "start": leave.start_date,
                "end": leave.end_date,
            }
        )
    trips = (
        TripRequest.objects.filter(
            Q(person_id__in=person_ids) | Q(companions__in=person_ids),
            status__in=[RequestStatus.PENDING, RequestStatus.APPROVED],
            start_date__lte=end,
            end_date__gte=start,
        )
        .distinct()
        .select_related("person")
    )
    if exclude_trip:
        trips = trips.exclude(pk=exclude_trip)
    for trip in trips:
        found.append(
            _("%(who)s: trip to %(where)s %(start)s to %(end)s")
            % {"who": trip.person, "where": trip.destination, "start": trip.start_date, "end": trip.end_date}
        )
    return found


def transition(obj, new_status: str, *, fields=()) -> None:
    """Move a request along its transitions table (the caller holds the row lock)."""
    if new_status not in TRANSITIONS[obj.status]:
        raise ValidationError(
            _("A request that is %(status)s cannot become %(new)s.")
            % {"status": obj.get_status_display(), "new": RequestStatus(new_status).label}
        )
    obj.status = new_status
    obj.full_clean()
    obj.save(update_fields=["status", *fields])


def on_commit_recompute(township_id: int, start: dt.date, end: dt.date) -> None:
    """Recompute past days' statuses after the transaction commits (a leave or trip approved
    afterwards, a correction, an import)."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    end = min(end, yesterday)
    if end < start:
        return
    from conduct.tasks import recompute_days
    from township.tasks import enqueue

    def now():  # Redis down: recompute here rather than leave the days wrong
        recompute_days(township_id, start.isoformat(), end.isoformat())

    transaction.on_commit(
        lambda: enqueue(recompute_days, township_id, start.isoformat(), end.isoformat(), fallback=now)
    )


def require_township(actor) -> int:
    if actor.township_id is None:
        raise ValidationError(_("Only people of a township can do this."))
    return actor.township_id
