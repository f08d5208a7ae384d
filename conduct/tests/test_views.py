import datetime as dt

import pytest
import tablib
from django.urls import reverse

from conduct.models import LeaveRequest, Punch
from conduct.services import attendance_compute_day
from conduct.tests.factories import MON, granted_leave, punch
from township.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "conduct:index",
    "conduct:leave_list",
    "conduct:leave_new",
    "conduct:trip_list",
    "conduct:trip_new",
    "conduct:registration_list",
    "conduct:correction_list",
    "conduct:roster",
    "conduct:worklog_list",
    "conduct:study_list",
]


def test_every_page_renders_for_staff_and_leaders(org, login):
    client = login(org.staff)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("conduct:department_sheet")).status_code == 403
    client = login(org.principal)
    for name in [*PAGES, "conduct:department_sheet", "conduct:daily_summary", "conduct:worklog_report"]:
        assert client.get(reverse(name)).status_code == 200, name
    assert login(org.clerk).get(reverse("conduct:punch_import")).status_code == 200
    home = login(org.staff).get("/")
    assert b'data-testid="clock-in"' in home.content


def test_clock_in_from_the_page(org, login):
    client = login(org.staff)
    r = client.post(
        reverse("conduct:punch"), {"latitude": "32.353100", "longitude": "106.843900", "next": "/"}
    )
    assert r.status_code == 302 and r.url == "/"
    assert Punch.objects.get(person=org.staff).source == "browser"


def test_r_xck_2_a_browser_punch_names_its_browser_by_a_lasting_token(org, login):
    """The punch keeps the browser's token (a cookie set on the first punch), so that two
    people punching from one browser can be seen (R-XCK-2); a forged cookie is replaced."""
    import time_machine

    client = login(org.staff)
    with time_machine.travel(dt.datetime(2026, 11, 16, 0, 30, tzinfo=dt.UTC), tick=False):
        r = client.post(reverse("conduct:punch"), {"next": "/"})
    token = r.cookies["punch_device"].value
    assert len(token) == 16 and r.cookies["punch_device"]["httponly"]
    assert Punch.objects.get(person=org.staff).device == f"browser:{token}"
    other = login(org.colleague)  # the same browser (the same client and cookie), another person
    with time_machine.travel(dt.datetime(2026, 11, 16, 0, 30, 20, tzinfo=dt.UTC), tick=False):
        other.post(reverse("conduct:punch"), {"next": "/"})
    assert Punch.objects.get(person=org.colleague).device == f"browser:{token}"
    client.cookies["punch_device"] = "not-a-token"
    with time_machine.travel(dt.datetime(2026, 11, 16, 0, 32, tzinfo=dt.UTC), tick=False):
        r = client.post(reverse("conduct:punch"), {"next": "/"})
    assert r.status_code == 302
    assert r.cookies["punch_device"].value not in ("not-a-token", token)
    assert Punch.objects.filter(person=org.colleague).latest("at").device.startswith("browser:")


def test_leave_form_shows_the_rule_on_the_field(org, login):
    client = login(org.staff)
    r = client.post(
        reverse("conduct:leave_new"),
        {
            "kind": "personal",
            "start_date": "2026-11-17",
            "end_date": "2026-11-16",
            "half_day": "full",
            "reason": "r",
        },
    )
    assert r.status_code == 200 and not LeaveRequest.objects.exists()
    assert "end_date" in r.context["form"].errors


def test_someone_elses_leave_is_404(org, other_org, login):
    leave = granted_leave(org.colleague, MON, MON)
    assert login(org.staff).get(leave.get_absolute_url()).status_code == 404
    assert login(other_org.principal).get(leave.get_absolute_url()).status_code == 404
    assert login(org.head).get(leave.get_absolute_url()).status_code == 200


def _sheet_with(org, n, login, django_assert_max_num_queries):
    while org.department.members.count() < n:
        UserFactory(township=org.township, department=org.department)
    for p in org.department.members.all()[:n]:
        punch(p, MON, "08:40")
    attendance_compute_day(township_id=org.township.pk, day=MON)
    client = login(org.head)
    url = reverse("conduct:department_sheet") + "?month=2026-11"
    with django_assert_max_num_queries(16):
        r = client.get(url)
    assert r.status_code == 200
    client = login(org.principal)
    with django_assert_max_num_queries(16):
        r = client.get(reverse("conduct:daily_summary") + "?date=2026-11-16")
    assert r.status_code == 200
    return r


@pytest.mark.parametrize("n", [3, 30])
def test_department_sheet_and_daily_summary_keep_a_query_budget(org, login, django_assert_max_num_queries, n):
    _sheet_with(org, n, login, django_assert_max_num_queries)


def test_department_sheet_exports_xlsx(org, login):
    punch(org.staff, MON, "08:50")
    punch(org.staff, MON, "18:05")
    attendance_compute_day(township_id=org.township.pk, day=MON)
    r = login(org.head).get(reverse("conduct:department_sheet") + "?month=2026-11&export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    data = tablib.Dataset().load(r.content, format="xlsx")
    row = next(x for x in data if x[1] == org.staff.full_name)
    assert row[1 + 16] == "迟"


def test_punch_import_page_preview_and_confirm(org, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = login(org.clerk)
    body = f"工号,打卡时间,设备\n{org.staff.employee_no},2026-11-16 08:21:00,M1\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(reverse("conduct:punch_import"), {"file": SimpleUploadedFile("p.csv", body)})
    assert r.status_code == 200 and r.context["outcome"].ok and not Punch.objects.exists()
    r = client.post(reverse("conduct:punch_import"), {"confirm": "1", "token": r.context["token"]})
    assert r.status_code == 302 and Punch.objects.count() == 1
    assert dt.date(2026, 11, 16) == Punch.objects.get().at.date()
