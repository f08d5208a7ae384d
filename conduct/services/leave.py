"""Leave and report-back (R-LV-1..4, R-LV-6), trips (R-TRIP-1, R-TRIP-2) and leaving-the-township
registrations (R-LV-5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.models import HalfDay, LeaveKind, LeaveRequest, LeavingRegistration, TripRequest
from conduct.models.choices import ACTIVE, RequestStatus
from conduct.rules import LV4_KEYS, r_lv_4_entitlement, years_of_service
from township.approvals import approval_cancel, approval_submit
from township.messages import msg
from township.models import User
from township.policy import policies
from township.rules import Checks, Override, overrides_record
from township.uploads import SCANS, check_upload, stored_name
from township.workcalendar import count_working_days, working_days

from .common import HALF, lock_people, on_commit_recompute, overlapping, require_township, transition

LEAVE_KIND = "conduct.leave"
TRIP_KIND = "conduct.trip"


@dataclass
class Balance:
    year: int
    years_of_service: int
    entitled: int
    used: Decimal

    @property
    def remaining(self) -> Decimal:
        return Decimal(self.entitled) - self.used


def leave_balance(*, person: User, year: int, exclude_leave: int | None = None) -> Balance:
    """R-LV-4: annual paid leave by years of service at the start of the year, less what is
    asked, approved or used (reported back: only the days really taken)."""
    new_year = dt.date(year, 1, 1)
    pol = policies(LV4_KEYS, township=person.township_id, on=new_year)
    years = years_of_service(person.first_employed_on, new_year)
    qs = LeaveRequest.objects.filter(
        person=person, kind=LeaveKind.ANNUAL, status__in=ACTIVE, start_date__year=year
    )
    if exclude_leave:
        qs = qs.exclude(pk=exclude_leave)
    used = qs.aggregate(n=Sum(Coalesce("days_used", "days")))["n"] or Decimal(0)
    return Balance(year, years, r_lv_4_entitlement(years, pol), used)


@dataclass(frozen=True)
class LeaveHalves:
    """Which halves a leave takes: ``half_day`` for a one-day leave ("am"/"pm"), or for a leave
    of several days ``start_half`` ("pm": it begins at noon) and ``end_half`` ("am": it ends at
    noon)."""

    half_day: str = HalfDay.FULL
    start_half: str = HalfDay.FULL
    end_half: str = HalfDay.FULL


def leave_halves(
    *, start: dt.date, end: dt.date, half_day: str, start_half: str, end_half: str
) -> LeaveHalves:
    """The halves asked for, in the form the record keeps them; ValidationError on the field
    for a combination that says nothing sensible."""
    if start_half not in (HalfDay.FULL, HalfDay.PM):
        raise ValidationError({"start_half": [_("The first day is whole or begins in the afternoon.")]})
    if end_half not in (HalfDay.FULL, HalfDay.AM):
        raise ValidationError({"end_half": [_("The last day is whole or ends at noon.")]})
    if start != end:
        if half_day != HalfDay.FULL:
            raise ValidationError(
                {"half_day": [_("For a leave of several days, choose the half of its first or last day.")]}
            )
        return LeaveHalves(HalfDay.FULL, start_half, end_half)
    asked = {half_day} - {HalfDay.FULL}
    asked |= {HalfDay.PM} if start_half == HalfDay.PM else set()
    asked |= {HalfDay.AM} if end_half == HalfDay.AM else set()
    if len(asked) > 1:
        raise ValidationError(
            {
                "end_half": [
                    _(
                        "A one-day leave takes the morning or the afternoon, not both halves; ask for the whole day."
                    )
                ]
            }
        )
    return LeaveHalves(asked.pop() if asked else HalfDay.FULL)


def leave_length(
    *,
    township_id: int,
    start: dt.date,
    end: dt.date,
    half_day: str,
    start_half: str = HalfDay.FULL,
    end_half: str = HalfDay.FULL,
) -> Decimal:
    """Working days of a leave from the work calendar: half a day for a half-day leave, and
    half a day less for a first day begun at noon or a last day ended at noon (Wednesday
    afternoon to Friday: 2.5; a public holiday in between counts nothing); ValidationError on
    the field for dates a clerk would not accept."""
    if end < start:
        raise ValidationError({"end_date": [_("The last day is before the first day.")]})

    def rest_day(day: dt.date, field: str) -> ValidationError:
        return ValidationError(
            {
                field: [
                    _("%(date)s is a rest day; a half day of leave must be on a working day.") % {"date": day}
                ]
            }
        )

    halves = leave_halves(start=start, end=end, half_day=half_day, start_half=start_half, end_half=end_half)
    if halves.half_day != HalfDay.FULL:
        if not working_days(start, start, township=township_id):
            field = (
                "half_day"
                if half_day != HalfDay.FULL
                else ("start_half" if start_half == HalfDay.PM else "end_half")
            )
            raise rest_day(start, field)
        return HALF
    days = Decimal(count_working_days(start, end, township=township_id))
    if halves.start_half == HalfDay.PM:
        if not working_days(start, start, township=township_id):
            raise rest_day(start, "start_half")
        days -= HALF
    if halves.end_half == HalfDay.AM:
        if not working_days(end, end, township=township_id):
            raise rest_day(end, "end_half")
        days -= HALF
    if days == 0:
        raise ValidationError(
            {
                "end_date": [
                    _(
                        "These dates contain no working day, so no leave is needed; register leaving the "
                        "township instead if you go away."
                    )
                ]
            }
        )
    return days


def leave_submit(
    *,
    actor: User,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    half_day: str = HalfDay.FULL,
    start_half: str = HalfDay.FULL,
    end_half: str = HalfDay.FULL,
    reason: str,
    destination: str = "",
    override: Override | None = None,
) -> LeaveRequest:
    """请假: checked (R-LV-3 overlap under the person's row lock, R-LV-4 balance) and routed by
    length (R-LV-1; leading cadres to a principal leader, R-LV-6).  A one-day leave may take
    one half (``half_day``, or ``start_half="pm"`` / ``end_half="am"``); a longer one may begin
    in the afternoon of its first day and end at noon on its last."""
    township_id = require_township(actor)
    days = leave_length(
        township_id=township_id,
        start=start_date,
        end=end_date,
        half_day=half_day,
        start_half=start_half,
        end_half=end_half,
    )
    halves = leave_halves(
        start=start_date, end=end_date, half_day=half_day, start_half=start_half, end_half=end_half
    )
    with transaction.atomic():
        lock_people([actor.pk])
        checks = Checks(override=override)
        clash = overlapping(
            person_ids=[actor.pk],
            start=start_date,
            end=end_date,
            half_day=halves.half_day,
            start_half=halves.start_half,
            end_half=halves.end_half,
        )
        checks.enforce(
            "R-LV-3",
            not clash,
            _("These dates overlap another leave or trip: %(list)s") % {"list": "; ".join(clash)},
            field="start_date",
        )
        if kind == LeaveKind.ANNUAL:
            bal = leave_balance(person=actor, year=start_date.year)
            checks.enforce(
                "R-LV-4",
                days <= bal.remaining,
                _("You ask for %(days)s days of annual leave but have %(left)s left of %(total)d this year.")
                % {"days": days, "left": bal.remaining, "total": bal.entitled},
                field="end_date",
            )
        checks.raise_if_any()
        leave = LeaveRequest(
            township_id=township_id,
            person=actor,
            kind=kind,
            start_date=start_date,
            end_date=end_date,
            half_day=halves.half_day,
            start_half=halves.start_half,
            end_half=halves.end_half,
            days=days,
            reason=reason.strip(),
            destination=destination.strip(),
        )
        leave.full_clean()
        leave.save()
        leave.approval = approval_submit(
            actor=actor,
            kind=LEAVE_KIND,
            target=leave,
            summary=msg(
                gettext_noop("%(kind)s: %(who)s, %(start)s to %(end)s (%(days)s days)"),
                kind=LeaveKind(leave.kind).label,
                who=actor,
                start=start_date,
                end=end_date,
                days=days,
            ),
        )
        leave.save(update_fields=["approval"])
        overrides_record(checks.used, target=leave, township=actor.township)
    return leave


def leave_decided(leave: LeaveRequest, status: str) -> None:
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    transition(leave, status)
    if status == RequestStatus.APPROVED:
        # Approved afterwards for days already past: their statuses change (R-ATT-3).
        on_commit_recompute(leave.township_id, leave.start_date, leave.end_date)


def leave_cancel(*, actor: User, leave_id: int) -> LeaveRequest:
    """Withdraw a request, or cancel an approved leave before its first day."""
    with transaction.atomic():
        leave = LeaveRequest.objects.select_for_update().get(pk=leave_id)
        if leave.person_id != actor.pk:
            raise ValidationError(_("Only the person on leave can cancel it."))
        if leave.status == RequestStatus.PENDING and leave.approval_id:
            approval_cancel(actor=actor, request_id=leave.approval_id)
            leave.refresh_from_db()
        elif leave.status == RequestStatus.APPROVED and leave.start_date > timezone.localdate():
            transition(leave, RequestStatus.CANCELLED)
        else:
            raise ValidationError(
                _("Only a leave that has not started yet can be cancelled; report back instead.")
            )
    return leave


def leave_report_back(*, actor: User, leave_id: int, returned_on: dt.date) -> LeaveRequest:
    """销假: back at work on ``returned_on``; unused days return to the balance."""
    with transaction.atomic():
        leave = LeaveRequest.objects.select_for_update().get(pk=leave_id)
        if leave.person_id != actor.pk:
            raise ValidationError(_("Only the person on leave can report back."))
        if leave.status != RequestStatus.APPROVED:
            raise ValidationError(
                _("Only an approved leave can be reported back (this one is %(status)s).")
                % {"status": leave.get_status_display()}
            )
        if returned_on < leave.start_date:
            raise ValidationError(
                {
                    "returned_on": [
                        _("You cannot be back before the leave began (%(date)s).")
                        % {"date": leave.start_date}
                    ]
                }
            )
        if returned_on > timezone.localdate():
            raise ValidationError(
                {"returned_on": [_("Report back on the day you are back, not in advance.")]}
            )
        if leave.half_day != HalfDay.FULL:
            used = leave.days
        else:
            last = min(leave.end_date, returned_on - dt.timedelta(days=1))
            used = Decimal(count_working_days(leave.start_date, last, township=leave.township_id))
            if last >= leave.start_date:
                # the half days at either end were never taken as whole days
                if leave.start_half == HalfDay.PM and working_days(
                    leave.start_date, leave.start_date, township=leave.township_id
                ):
                    used -= HALF
                if leave.end_half == HalfDay.AM and last == leave.end_date:
                    used -= HALF
        leave.returned_on = returned_on
        leave.days_used = min(used, leave.days)
        leave.reported_at = timezone.now()
        transition(leave, RequestStatus.REPORTED_BACK, fields=["returned_on", "days_used", "reported_at"])
        if returned_on <= leave.end_date:
            on_commit_recompute(leave.township_id, returned_on, leave.end_date)
    return leave


# --- trips --------------------------------------------------------------------------------------


def trip_submit(
    *,
    actor: User,
    kind: str,
    purpose: str,
    destination: str,
    start_date: dt.date,
    end_date: dt.date,
    budget: Decimal,
    companions=(),
    outside_county: bool = False,
    county_reference: str = "",
    county_scan=None,
    declaration: bool = False,
) -> TripRequest:
    """R-TRIP-1: principal-leader approval, the county's approval recorded when the trip leaves
    the county, and the declaration; R-LV-3 for the traveller and every companion."""
    township_id = require_township(actor)
    if end_date < start_date:
        raise ValidationError({"end_date": [_("The return is before the departure.")]})
    companions = [c for c in companions if c.pk != actor.pk]
    if any(c.township_id != township_id for c in companions):
        raise ValidationError({"companions": [_("Companions must be colleagues of this township.")]})
    checks = Checks()
    checks.enforce(
        "R-TRIP-1",
        declaration,
        _(
            "Trips may not include scenic-area visits, unrelated training, forums or seminars; confirm the declaration."
        ),
        field="declaration",
    )
    checks.enforce(
        "R-TRIP-1",
        not outside_county or bool(county_reference.strip() or county_scan),
        _("A trip out of the county needs the county's approval: give its reference or attach the scan."),
        field="county_reference",
    )
    with transaction.atomic():
        lock_people([actor.pk, *[c.pk for c in companions]])
        clash = overlapping(
            person_ids=[actor.pk, *[c.pk for c in companions]], start=start_date, end=end_date
        )
        checks.enforce(
            "R-LV-3",
            not clash,
            _("These dates overlap another leave or trip: %(list)s") % {"list": "; ".join(clash)},
            field="start_date",
        )
        checks.raise_if_any()
        trip = TripRequest(
            township_id=township_id,
            person=actor,
            kind=kind,
            purpose=purpose.strip(),
            destination=destination.strip(),
            start_date=start_date,
            end_date=end_date,
            budget=budget,
            outside_county=outside_county,
            county_reference=county_reference.strip(),
            declaration=declaration,
        )
        if county_scan:
            county_scan.name = stored_name(check_upload(county_scan, kinds=SCANS, field="county_scan"))
            trip.county_scan = county_scan
        trip.full_clean()
        trip.save()
        trip.companions.set(companions)
        trip.approval = approval_submit(
            actor=actor,
            kind=TRIP_KIND,
            target=trip,
            summary=msg(
                gettext_noop("Trip: %(who)s to %(where)s, %(start)s to %(end)s (%(purpose)s)"),
                who=actor,
                where=trip.destination,
                start=start_date,
                end=end_date,
                purpose=trip.purpose,
            ),
        )
        trip.save(update_fields=["approval"])
    return trip


def trip_decided(trip: TripRequest, status: str) -> None:
    trip = TripRequest.objects.select_for_update().get(pk=trip.pk)
    transition(trip, status)
    if status == RequestStatus.APPROVED:
        on_commit_recompute(trip.township_id, trip.start_date, trip.end_date)


def trip_cancel(*, actor: User, trip_id: int) -> TripRequest:
    with transaction.atomic():
        trip = TripRequest.objects.select_for_update().get(pk=trip_id)
        if trip.person_id != actor.pk:
            raise ValidationError(_("Only the traveller can cancel the trip."))
        if trip.status == RequestStatus.PENDING and trip.approval_id:
            approval_cancel(actor=actor, request_id=trip.approval_id)
            trip.refresh_from_db()
        elif trip.status == RequestStatus.APPROVED and trip.start_date > timezone.localdate():
            transition(trip, RequestStatus.CANCELLED)
        else:
            raise ValidationError(_("Only a trip that has not started yet can be cancelled."))
    return trip


def trip_report_submit(*, actor: User, trip_id: int, report: str) -> TripRequest:
    """R-TRIP-2: the trip report, after the return."""
    with transaction.atomic():
        trip = TripRequest.objects.select_for_update().get(pk=trip_id)
        if trip.person_id != actor.pk:
            raise ValidationError(_("Only the traveller writes the trip report."))
        if trip.status != RequestStatus.APPROVED:
            raise ValidationError(_("Only an approved trip has a report."))
        if trip.report_submitted_at is not None:
            raise ValidationError(_("The report has already been submitted."))
        if timezone.localdate() < trip.end_date:
            raise ValidationError(
                {"report": [_("Write the report after the return (%(date)s).") % {"date": trip.end_date}]}
            )
        if not report.strip():
            raise ValidationError({"report": [_("Write what was done and learnt.")]})
        trip.report = report.strip()
        trip.report_submitted_at = timezone.now()
        trip.full_clean()
        trip.save(update_fields=["report", "report_submitted_at"])
    return trip


# --- leaving the township (离镇报备) ------------------------------------------------------------


def registration_submit(
    *, actor: User, destination: str, start_date: dt.date, end_date: dt.date, phone: str, reason: str
) -> LeavingRegistration:
    """R-LV-5: recorded for rest days and working days alike."""
    township_id = require_township(actor)
    if end_date < start_date:
        raise ValidationError({"end_date": [_("The day back is before the day of leaving.")]})
    reg = LeavingRegistration(
        township_id=township_id,
        person=actor,
        destination=destination.strip(),
        start_date=start_date,
        end_date=end_date,
        phone=(phone or actor.mobile).strip(),
        reason=reason.strip(),
    )
    reg.full_clean()
    reg.save()
    return reg
