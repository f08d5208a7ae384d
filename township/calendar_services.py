"""Writes to the work calendar (R-ATT-1): administrators' overrides of the national calendar.

The page and the admin both go through these services, so the checks and the consequences are
the same whichever door is used: the override is saved in one transaction with its checks first,
and when a past day changes between working and rest, the day statuses already computed for it
are recomputed by whichever app keeps them (the core asks ``day_statuses_recompute``; conduct
answers), in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.hooks import ask
from township.models import CalendarOverride, Role, Township
from township.workcalendar import is_working_day


def _check(actor, county_id: int, township: Township | None) -> None:
    if not actor.has_role(Role.ADMINISTRATOR):
        raise ValidationError(_("Only administrators change the work calendar."))
    if actor.county_id != county_id:
        raise ValidationError(_("This record does not exist."))
    if township is None:
        if actor.township_id is not None:
            raise ValidationError(_("Only county administrators change the calendar of the whole county."))
    elif township.county_id != county_id or actor.township_id not in (None, township.pk):
        raise ValidationError(_("This record does not exist."))


def _affected(county_id: int, township: Township | None) -> list[int]:
    if township is not None:
        return [township.pk]
    return list(Township.objects.filter(county_id=county_id).order_by("pk").values_list("pk", flat=True))


def _working_by_township(day: dt.date, township_ids: list[int]) -> dict[int, bool]:
    return {tid: is_working_day(day, township=tid) for tid in township_ids}


def _recompute_changed(day: dt.date, before: dict[int, bool]) -> list[int]:
    """Ask for the statuses of a past day to be recomputed in the townships where it changed."""
    after = _working_by_township(day, list(before))
    changed = [tid for tid in before if before[tid] != after[tid]]
    if day < timezone.localdate():
        for tid in changed:
            ask("day_statuses_recompute", township_id=tid, dates=[day])
    return changed


def calendar_override_set(
    *,
    actor,
    county_id: int,
    township: Township | None,
    date: dt.date,
    is_working_day: bool,
    note: str = "",
) -> CalendarOverride:
    """Make ``date`` a working or a rest day for one township (or, ``township`` None, the whole
    county); a second override of the same date replaces the first."""
    _check(actor, county_id, township)
    with transaction.atomic():
        affected = _affected(county_id, township)
        row = (
            CalendarOverride.objects.select_for_update()
            .filter(county_id=county_id, township=township, date=date)
            .first()
        )
        before = _working_by_township(date, affected)
        if row is None:
            row = CalendarOverride(county_id=county_id, township=township, date=date)
        row.is_working_day, row.note = is_working_day, note.strip()
        row.full_clean()
        row.save()
        _recompute_changed(date, before)
    return row


def calendar_override_remove(*, actor, override_id: int) -> None:
    """Drop an override: the date follows the national calendar (or the county's override) again."""
    with transaction.atomic():
        row = (
            CalendarOverride.objects.select_for_update(of=("self",))
            .select_related("township")
            .get(pk=override_id)
        )
        _check(actor, row.county_id, row.township)
        affected = _affected(row.county_id, row.township)
        before = _working_by_township(row.date, affected)
        row.delete()
        _recompute_changed(row.date, before)
