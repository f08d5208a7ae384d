"""conduct answers ``day_statuses_recompute``: a past day an administrator turns into a rest day
(township.calendar_services) is recomputed, and the absences it held are withdrawn."""

import datetime as dt

import pytest
import time_machine

from conduct.models import AttendanceDay, DayStatus
from conduct.services import attendance_compute_day
from conduct.tests.factories import MON, TUE
from township.calendar_services import calendar_override_set
from township.models import Finding, FindingStatus

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False)
def test_a_past_working_day_made_a_rest_day_recomputes_statuses_and_findings(org):
    attendance_compute_day(township_id=org.township.pk, day=MON)
    assert AttendanceDay.objects.get(person=org.staff, date=MON).status == DayStatus.ABSENT
    absence = Finding.objects.get(rule_id="R-ATT-3", person=org.staff, on_date=MON)
    assert absence.status == FindingStatus.OPEN

    calendar_override_set(
        actor=org.admin,
        county_id=org.township.county_id,
        township=org.township,
        date=MON,
        is_working_day=False,
    )
    assert AttendanceDay.objects.get(person=org.staff, date=MON).status == DayStatus.REST
    absence.refresh_from_db()
    assert absence.status == FindingStatus.DISMISSED

    # A past day that was never computed stays uncomputed (the nightly job's business).
    calendar_override_set(
        actor=org.admin,
        county_id=org.township.county_id,
        township=org.township,
        date=TUE,
        is_working_day=False,
    )
    assert not AttendanceDay.objects.filter(date=TUE).exists()
