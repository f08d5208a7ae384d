"""The issue's browser story: a staff member clocks in on a phone, asks for two days' leave, the
head approves it from the inbox, the staff member reports back; the calendar shows it."""

import os

import pytest

from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CONDUCT_SCREENSHOTS")  # a folder: save screenshots to look at the pages


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_clock_in_leave_approval_report_back_and_calendar_on_a_phone(phone_page):
    from django.utils import timezone

    from conduct.models import LeaveRequest, Punch
    from conftest import build_org
    from township.policy import policy_set
    from township.workcalendar import previous_working_day

    org = build_org()
    # this township lets department heads approve up to two days (R-LV-1 is a policy)
    policy_set(
        actor=org.admin,
        key="R-LV-1.head_max_days",
        year=timezone.localdate().year,
        value="2",
        township=org.township,
    )
    today = timezone.localdate()
    end = previous_working_day(today, township=org.township)
    start = previous_working_day(end, township=org.township)
    page = phone_page

    browser_login(page, org.staff.username)
    page.click("[data-testid=clock-in]")
    page.wait_for_load_state("networkidle")
    assert Punch.objects.filter(person=org.staff).count() == 1
    assert (
        "打卡成功" in page.content()
        or "已打卡" in page.content()
        or page.locator("[data-testid=today-punches] .badge").count() == 1
    )
    shot(page, "phone-home")

    page.goto(page.base_url + "/conduct/leave/new/")
    page.select_option("#id_kind", "personal")
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", end.isoformat())
    page.fill("#id_reason", "家中有事")
    shot(page, "phone-leave-form")
    page.click("#leave-submit")
    page.wait_for_load_state("networkidle")
    leave = LeaveRequest.objects.get(person=org.staff)
    assert leave.days == 2 and leave.status == "pending"
    assert "待审批" in page.locator("[data-testid=leave-status]").inner_text()
    page.context.clear_cookies()

    browser_login(page, org.head.username)
    page.goto(page.base_url + "/approvals/")
    page.click(f"a[href='/approvals/{leave.approval_id}/']")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_decision", "approve")
    page.locator("form:has(#id_decision) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    leave.refresh_from_db()
    assert leave.status == "approved"
    page.context.clear_cookies()

    browser_login(page, org.staff.username)
    page.goto(page.base_url + leave.get_absolute_url())
    page.fill("#id_returned_on", today.isoformat())
    page.click("#report-back")
    page.wait_for_load_state("networkidle")
    leave.refresh_from_db()
    assert leave.status == "reported_back" and leave.days_used == 2
    assert "已销假" in page.locator("[data-testid=leave-status]").inner_text()

    page.goto(page.base_url + f"/conduct/?month={start:%Y-%m}")
    cell = page.locator(f"[data-date='{start.isoformat()}']")
    assert cell.get_attribute("data-status") == "leave"
    assert "请假" in cell.inner_text()
    shot(page, "phone-calendar")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_leaders_pages_look_right_on_desktop(browser_page):
    """Screenshots of the sheet and the summary (set CONDUCT_SCREENSHOTS to keep them)."""

    from conduct.services import attendance_compute_day
    from conduct.tests.factories import MON, punch
    from conftest import build_org

    org = build_org()
    punch(org.staff, MON, "08:50")
    punch(org.staff, MON, "18:05")
    attendance_compute_day(township_id=org.township.pk, day=MON)
    page = browser_page
    browser_login(page, org.principal.username)
    page.goto(page.base_url + "/conduct/sheet/?month=2026-11")
    assert page.locator("[data-testid=sheet]").is_visible()
    shot(page, "desktop-sheet")
    page.goto(page.base_url + f"/conduct/summary/?date={MON.isoformat()}")
    assert page.locator("[data-testid=summary]").is_visible()
    shot(page, "desktop-summary")
    page.goto(page.base_url + "/conduct/roster/")
    shot(page, "desktop-roster")
