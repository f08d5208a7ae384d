"""The office duty roster (R-DUTY-1): generated fairly, edited by the office clerk, published;
swaps approved by the head; a duty check-in; missed shifts are found by the nightly checks."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.models import DutyRoster, DutyShift, DutySwap, RosterStatus
from conduct.models.choices import RequestStatus
from conduct.rules import r_duty_1_round_robin
from township.approvals import approval_submit
from township.messages import msg
from township.models import Category, Role, User
from township.notify import notify

from .common import days_between, leave_cover, month_bounds, require_township, transition, trip_cover

SWAP_KIND = "conduct.duty_swap"
ROSTER_ROLES = (Role.OFFICE_CLERK, Role.ADMINISTRATOR)


def _require_clerk(actor):
    if not actor.has_role(*ROSTER_ROLES):
        raise ValidationError(_("Only the Party and Government Office clerk manages the duty roster."))


def duty_eligible(township_id: int):
    """Everyone of the township's offices takes turns; village cadres keep their villages' duty."""
    return User.objects.filter(township_id=township_id, is_active=True).exclude(
        category=Category.VILLAGE_CADRE
    )


def roster_generate(*, actor: User, month: dt.date) -> DutyRoster:
    """Round-robin over eligible people, fewest shifts in the past year first, skipping anyone
    on leave or a trip that day.  Replaces a draft; a published roster changes only by swaps."""
    township_id = require_township(actor)
    _require_clerk(actor)
    first, last = month_bounds(month)
    with transaction.atomic():
        roster, _created = DutyRoster.objects.select_for_update().get_or_create(
            township_id=township_id, month=first
        )
        if roster.status == RosterStatus.PUBLISHED:
            raise ValidationError(_("This month's roster is published; change it by swaps."))
        people = list(
            duty_eligible(township_id)
            .annotate(
                past=Count(
                    "duty_shifts",
                    filter=Q(
                        duty_shifts__date__lt=first, duty_shifts__date__gte=first - dt.timedelta(days=366)
                    ),
                )
            )
            .order_by("past", "pk")
            .values_list("pk", flat=True)
        )
        away: dict[dt.date, set[int]] = {}
        for pid, day in leave_cover(township_id=township_id, start=first, end=last):
            away.setdefault(day, set()).add(pid)
        for pid, day in trip_cover(township_id=township_id, start=first, end=last):
            away.setdefault(day, set()).add(pid)
        plan = r_duty_1_round_robin(list(days_between(first, last)), people, away)
        if any(pid is None for pid in plan.values()):
            raise ValidationError(_("Nobody is available on some days; check who is eligible."))
        roster.shifts.all().delete()
        DutyShift.objects.bulk_create(
            [
                DutyShift(township_id=township_id, roster=roster, date=day, person_id=pid)
                for day, pid in plan.items()
            ]
        )
    return roster


def _locked_shift(shift_id) -> DutyShift:
    """The shift, locked; a clear error for an id that names no shift (never a 500)."""
    shift = DutyShift.objects.select_for_update().select_related("roster").filter(pk=shift_id).first()
    if shift is None:
        raise ValidationError(_("This shift does not exist."))
    return shift


def roster_assign(*, actor: User, shift_id: int, person: User) -> DutyShift:
    _require_clerk(actor)
    with transaction.atomic():
        shift = _locked_shift(shift_id)
        if shift.township_id != actor.township_id:
            raise ValidationError(_("This shift is not of your township."))
        if shift.roster.status != RosterStatus.DRAFT:
            raise ValidationError(_("This month's roster is published; change it by swaps."))
        if person.township_id != shift.township_id:
            raise ValidationError({"person": [_("Choose a colleague of this township.")]})
        shift.person = person
        shift.full_clean()
        shift.save(update_fields=["person"])
    return shift


def roster_publish(*, actor: User, roster_id: int) -> DutyRoster:
    """R-DUTY-1: published only when every day of the month has someone on duty."""
    _require_clerk(actor)
    with transaction.atomic():
        roster = (
            DutyRoster.objects.select_for_update().filter(pk=roster_id, township_id=actor.township_id).first()
        )
        if roster is None:
            raise ValidationError(_("This roster does not exist."))
        if roster.status == RosterStatus.PUBLISHED:
            raise ValidationError(_("This roster is already published."))
        first, last = month_bounds(roster.month)
        covered = set(roster.shifts.values_list("date", flat=True))
        gaps = [d for d in days_between(first, last) if d not in covered]
        if gaps:
            raise ValidationError(
                _("Nobody is on duty on %(days)s (rule R-DUTY-1).")
                % {"days": ", ".join(f"{d:%m-%d}" for d in gaps)}
            )
        roster.status = RosterStatus.PUBLISHED
        roster.published_at = timezone.now()
        roster.published_by = actor
        roster.full_clean()
        roster.save(update_fields=["status", "published_at", "published_by"])
        counts = Counter(roster.shifts.values_list("person_id", flat=True))
        people = User.objects.in_bulk(list(counts))
        for pid, n in counts.items():
            notify(
                people[pid],
                msg(
                    gettext_noop("The duty roster of %(month)s is published: you are on duty %(n)d times."),
                    month=f"{roster.month:%Y-%m}",
                    n=n,
                ),
                roster.get_absolute_url(),
            )
    return roster


def swap_request(*, actor: User, shift_id: int, to_person: User, reason: str) -> DutySwap:
    with transaction.atomic():
        shift = _locked_shift(shift_id)
        if shift.person_id != actor.pk:
            raise ValidationError(_("Only the person on duty can ask to swap the shift."))
        if shift.roster.status != RosterStatus.PUBLISHED:
            raise ValidationError(_("The roster is still a draft; ask the office clerk to change it."))
        if shift.date < timezone.localdate():
            raise ValidationError(_("This shift is already past."))
        if to_person.pk == actor.pk or to_person.township_id != shift.township_id or not to_person.is_active:
            raise ValidationError({"to_person": [_("Choose another active colleague of this township.")]})
        swap = DutySwap(
            township_id=shift.township_id,
            shift=shift,
            requester=actor,
            to_person=to_person,
            reason=reason.strip(),
        )
        swap.full_clean()
        swap.save()
        swap.approval = approval_submit(
            actor=actor,
            kind=SWAP_KIND,
            target=swap,
            summary=msg(
                gettext_noop("Duty swap: %(date)s from %(who)s to %(to)s"),
                date=shift.date,
                who=actor,
                to=to_person,
            ),
        )
        swap.save(update_fields=["approval"])
    return swap


def swap_decided(swap: DutySwap, status: str) -> None:
    swap = DutySwap.objects.select_for_update().get(pk=swap.pk)
    transition(swap, status)
    if status == RequestStatus.APPROVED:
        shift = DutyShift.objects.select_for_update().get(pk=swap.shift_id)
        shift.person_id = swap.to_person_id
        shift.save(update_fields=["person"])
        notify(
            swap.to_person,
            msg(gettext_noop("You are on duty on %(date)s (swap approved)."), date=shift.date),
            swap.get_absolute_url(),
        )


def duty_check_in(*, actor: User, shift_id: int) -> DutyShift:
    with transaction.atomic():
        shift = _locked_shift(shift_id)
        if shift.person_id != actor.pk:
            raise ValidationError(_("This is not your shift."))
        if shift.date != timezone.localdate():
            raise ValidationError(_("Check in on the day of the shift."))
        if shift.checked_in_at is None:
            shift.checked_in_at = timezone.now()
            shift.save(update_fields=["checked_in_at"])
    return shift
