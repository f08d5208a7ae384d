"""The heaviest pages run an exact number of queries, the same with 3 rows as with 30, the cache
cold (as Zulip's ``assert_database_query_count``): one more query, or one per row, fails.

Each page gets its rows through the apps' factories and services; every row carries a marker
(``qcrow00``, ``qcrow01``, ...) in a name, title or text the page shows, and the test checks the
page shows them all (or a full first page), so a count cannot pass on an empty page.  The clock is
frozen: what "this month" or "due soon" means does not move with the day the suite runs.

When a page's count changes on purpose, write the new number here (and say why in the commit).
"""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from conftest import clear_cache

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)  # a Wednesday with plain working days around it
MARK = re.compile(r"qcrow\d\d")


def mark(i):
    return f"qcrow{i:02d}"


def _people(township, department, n, **kw):
    from township.tests.factories import UserFactory

    return [UserFactory(township=township, department=department, full_name=mark(i), **kw) for i in range(n)]


def _bare_township(n):
    """A township whose only people are the n rows (and a viewer who is not a row)."""
    from township.models import Role
    from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory

    township = TownshipFactory()
    department = DepartmentFactory(township=township)
    rows = _people(township, department, n)
    viewer = UserFactory(
        township=township,
        department=None,
        full_name="viewer",
        roles=[Role.PRINCIPAL_LEADER, Role.INSPECTOR, Role.STAFF],
        is_staff=True,
    )
    return township, department, rows, viewer


# --- the pages: each builds n rows and returns (viewer, url) ---------------------------------------


def home(org, n):
    """The home page of a department head with n leave requests waiting for him."""
    _leave_requests(org, n)
    return org.head, "/"


def _leave_requests(org, n):
    from conduct.services import leave_submit
    from township.workcalendar import add_working_days

    day = add_working_days(NOW.date(), 3, township=org.township.pk)
    for person in _people(org.township, org.department, n):
        leave_submit(actor=person, kind="personal", start_date=day, end_date=day, reason="家中有事")


def leave_list(org, n):
    _leave_requests(org, n)
    return org.head, "/conduct/leave/"


def findings(org, n):
    _findings(org, n)
    return org.inspector, "/findings/"


def _findings(org, n):
    from township.findings import FindingSpec, findings_raise

    findings_raise(
        [
            FindingSpec(
                "R-ATT-2",
                org.township.pk,
                f"late {mark(i)}",
                on_date=dt.date(2026, 11, 2) + dt.timedelta(days=i % 20),
                person_id=person.pk,
                department_id=org.department.pk,
            )
            for i, person in enumerate(_people(org.township, org.department, n))
        ]
    )


def supervision_dashboard(org, n):
    _findings(org, n)
    return org.inspector, "/supervision/?from=2026-01-01&to=2026-12-31"


def department_sheet(org, n):
    from conduct.services import attendance_compute_day
    from conduct.tests.factories import MON, punch

    township, department, rows, viewer = _bare_township(n)
    for person in rows:
        punch(person, MON, "08:40")
        punch(person, MON, "17:50")
    attendance_compute_day(township_id=township.pk, day=MON)
    return viewer, f"/conduct/sheet/?department={department.pk}&month=2026-11"


def meetings_calendar(org, n):
    from meetings.tests.test_views import bulk_meetings

    for i, meeting in enumerate(bulk_meetings(org, n, dt.date(2026, 12, 1))):
        meeting.title = mark(i)
        meeting.save(update_fields=["title"])
    return org.staff, "/meetings/calendar/?month=2026-12"


def fieldwork_quota(org, n):
    from fieldwork.tests.factories import PairingFactory, ReportFactory, TopicFactory, VisitFactory
    from township.tests.factories import VillageFactory

    township, _department, rows, viewer = _bare_township(n)
    village = VillageFactory(township=township)
    for person in rows:
        VisitFactory(person=person, village=village, date=dt.date(2026, 11, 3))
        TopicFactory(person=person)
        ReportFactory(person=person, status="submitted", submitted_at=NOW)
        PairingFactory(cadre=person)
    return viewer, "/fieldwork/quota/"


def visit_list(org, n):
    from fieldwork.tests.factories import VisitFactory
    from township.tests.factories import VillageFactory

    village = VillageFactory(township=org.township)
    for i, person in enumerate(_people(org.township, org.department, n)):
        VisitFactory(person=person, village=village, date=dt.date(2026, 11, 2) + dt.timedelta(days=i % 20))
    return org.principal, "/fieldwork/visits/"


def petition_list(org, n):
    from petitions.tests.factories import in_progress

    for i in range(n):
        in_progress(org, matter=f"村道损坏，请求维修 {mark(i)}")
    return org.principal, "/petitions/"


def reception_list(org, n):
    from conduct.reception.models import ReceptionGuest, ReceptionRecord
    from conduct.reception.tests.factories import record_reception

    base = record_reception(org, visiting_unit=mark(0))
    for i in range(1, n):
        copy = ReceptionRecord.objects.get(pk=base.pk)
        copy.pk = None
        copy.visiting_unit = mark(i)
        copy.letter_reference = f"函{i}"
        copy.save()
        ReceptionGuest.objects.create(reception=copy, name="客", title="")
    return org.clerk, "/reception/receptions/"


def appraisal_report(org, n):
    from township.appraisal import appraisal_compute

    township, _department, _rows, viewer = _bare_township(n)
    report = appraisal_compute(township_id=township.pk, year=2026, number=3)
    return viewer, f"/supervision/appraisal/{report.pk}/"


# page -> (queries, rows shown of 30, build).  Of 30 rows a list shows its first page (25), the
# home panel its first 6 and the quota table 29 (30 a page, the viewer among them).
PAGES = {
    "home": (28, 6, home),
    "leave_list": (12, 25, leave_list),
    "findings": (12, 25, findings),
    "supervision_dashboard": (34, None, supervision_dashboard),
    "department_sheet": (14, 30, department_sheet),
    "meetings_calendar": (12, 30, meetings_calendar),
    "fieldwork_quota": (14, 29, fieldwork_quota),
    "visit_list": (12, 25, visit_list),
    "petition_list": (13, 25, petition_list),
    "reception_list": (11, 25, reception_list),
    "appraisal_report": (14, 30, appraisal_report),
}


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("page", list(PAGES))
def test_heavy_page_runs_the_same_exact_number_of_queries_with_3_and_30_rows(
    page, n, org, client, django_assert_num_queries
):
    queries, shown_of_30, build = PAGES[page]
    with time_machine.travel(NOW):
        viewer, url = build(org, n)
        client.force_login(viewer)
        clear_cache()  # cold: nothing the building or the login cached
        ContentType.objects.clear_cache()
        with django_assert_num_queries(queries):
            response = client.get(url)
    assert response.status_code == 200
    if shown_of_30 is not None:
        assert len(set(MARK.findall(response.content.decode()))) == min(n, shown_of_30)
