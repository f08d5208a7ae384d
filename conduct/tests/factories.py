"""Test data for the conduct app, built on township.tests.factories."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from conduct.models import LeaveRequest, Punch, PunchSource
from conduct.services.common import aware
from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory  # noqa: F401

# A week of November 2026 with plain working days (Monday 16th .. Friday 20th); winter hours.
MON = dt.date(2026, 11, 16)
TUE = dt.date(2026, 11, 17)
WED = dt.date(2026, 11, 18)
SAT = dt.date(2026, 11, 21)
NATIONAL_DAY = dt.date(2026, 10, 1)


def punch(person, day, hhmm, source=PunchSource.DEVICE):
    h, m = map(int, hhmm.split(":"))
    return Punch.objects.create(
        township_id=person.township_id, person=person, at=aware(day, dt.time(h, m)), source=source
    )


def granted_leave(
    person,
    start,
    end,
    *,
    kind="personal",
    half_day="full",
    status="approved",
    start_half="full",
    end_half="full",
):
    """A leave already decided (for status tests that do not exercise the approval); a longer
    leave may start in the afternoon (start_half="pm") or end at noon (end_half="am")."""
    from township.workcalendar import count_working_days

    days = (
        Decimal("0.5")
        if half_day != "full"
        else Decimal(count_working_days(start, end, township=person.township_id))
        - Decimal("0.5") * ((start_half == "pm") + (end_half == "am"))
    )
    return LeaveRequest.objects.create(
        township_id=person.township_id,
        person=person,
        kind=kind,
        start_date=start,
        end_date=end,
        half_day=half_day,
        start_half=start_half,
        end_half=end_half,
        days=days,
        reason="test",
        status=status,
    )


def future_working_day(n=3, township=None):
    from township.workcalendar import add_working_days

    return add_working_days(timezone.localdate(), n, township=township)
