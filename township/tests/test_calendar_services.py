"""Work-calendar overrides are written by calendar_services only: checks first, one transaction,
and a past day that changes makes the apps recompute its statuses (asked, never imported)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from township import hooks
from township.calendar_services import calendar_override_remove, calendar_override_set
from township.models import CalendarOverride
from township.tests.factories import UserFactory
from township.workcalendar import is_working_day

TUESDAY = dt.date(2026, 3, 10)  # an ordinary working day
SATURDAY = dt.date(2026, 3, 14)


@pytest.fixture
def asked():
    calls = []

    def record(*, township_id, dates):
        calls.append((township_id, list(dates)))
        return len(dates)

    hooks.answer("day_statuses_recompute", record)
    yield calls
    hooks.ANSWERS["day_statuses_recompute"].remove(record)


@time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC), tick=False)
def test_a_past_day_made_a_rest_day_is_recomputed(org, asked):
    row = calendar_override_set(
        actor=org.admin,
        county_id=org.township.county_id,
        township=org.township,
        date=TUESDAY,
        is_working_day=False,
        note="  停电  ",
    )
    assert (row.is_working_day, row.note, row.township) == (False, "停电", org.township)
    assert not is_working_day(TUESDAY, township=org.township)
    assert asked == [(org.township.pk, [TUESDAY])]
    # The same again changes nothing: nothing to recompute; still one row.
    calendar_override_set(
        actor=org.admin,
        county_id=org.township.county_id,
        township=org.township,
        date=TUESDAY,
        is_working_day=False,
    )
    assert len(asked) == 1 and CalendarOverride.objects.count() == 1
    # Removed: the day is a working day again, and recomputed again.
    calendar_override_remove(actor=org.admin, override_id=row.pk)
    assert is_working_day(TUESDAY, township=org.township)
    assert asked[1:] == [(org.township.pk, [TUESDAY])] and not CalendarOverride.objects.exists()


@time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_a_future_day_is_not_recomputed(org, asked):
    calendar_override_set(
        actor=org.admin,
        county_id=org.township.county_id,
        township=org.township,
        date=SATURDAY,
        is_working_day=True,
    )
    assert is_working_day(SATURDAY, township=org.township) and asked == []


@time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC), tick=False)
def test_a_county_override_recomputes_every_township_it_changes(org, asked):
    from township.tests.factories import TownshipFactory

    second = TownshipFactory(county=org.township.county)
    county_admin = UserFactory(
        township=None, county=org.township.county, department=None, roles=["administrator"]
    )
    # The second township already keeps TUESDAY as a rest day of its own: it does not change.
    CalendarOverride.objects.create(county=second.county, township=second, date=TUESDAY, is_working_day=False)
    calendar_override_set(
        actor=county_admin,
        county_id=org.township.county_id,
        township=None,
        date=TUESDAY,
        is_working_day=False,
    )
    assert asked == [(org.township.pk, [TUESDAY])]


def test_only_administrators_of_the_place_change_the_calendar(org, other_org, asked):
    county = org.township.county_id
    with pytest.raises(ValidationError, match="Only administrators"):
        calendar_override_set(
            actor=org.inspector, county_id=county, township=org.township, date=TUESDAY, is_working_day=False
        )
    with pytest.raises(ValidationError, match="whole county"):
        calendar_override_set(
            actor=org.admin, county_id=county, township=None, date=TUESDAY, is_working_day=False
        )
    with pytest.raises(ValidationError, match="does not exist"):
        calendar_override_set(
            actor=org.admin,
            county_id=other_org.township.county_id,
            township=other_org.township,
            date=TUESDAY,
            is_working_day=False,
        )
    assert not CalendarOverride.objects.exists() and asked == []
    row = calendar_override_set(
        actor=org.admin, county_id=county, township=org.township, date=TUESDAY, is_working_day=False
    )
    with pytest.raises(ValidationError):
        calendar_override_remove(actor=other_org.admin, override_id=row.pk)
    assert CalendarOverride.objects.filter(pk=row.pk).exists()


def test_calendar_page_writes_through_the_service(org, login, asked):
    client = login(org.admin)
    r = client.post("/settings/calendar/", {"date": "2099-01-05", "is_working_day": "0", "note": "检修"})
    assert r.status_code == 302
    row = CalendarOverride.objects.get()
    assert (row.township, row.is_working_day, row.note) == (org.township, False, "检修")
    page = client.get("/settings/calendar/?year=2099")
    assert f'id="remove-override-{row.pk}"'.encode() in page.content
    assert client.post("/settings/calendar/", {"remove": row.pk}).status_code == 302
    assert not CalendarOverride.objects.exists()
    assert client.post("/settings/calendar/", {"remove": "junk"}).status_code == 404
