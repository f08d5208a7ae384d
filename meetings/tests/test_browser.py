"""The issue's browser scenario (system Chromium via Playwright), plus screenshots of the main pages."""

import os

import pytest

from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("MEETINGS_SCREENSHOTS", "")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def fill_request(page, *, title, meeting_type, day, room):
    page.fill("#id_title", title)
    page.select_option("#id_meeting_type", meeting_type)
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", "09:00")
    page.fill("#id_planned_minutes", "60")
    page.select_option("#id_room", str(room.pk))
    page.fill("#id_agenda-0-title", "部署冬季防火工作")
    page.fill("#id_agenda-0-speakers", "张三")


def test_clerk_refused_by_cap_and_banner_then_principal_approves_and_calendar_shows_it(browser_page):
    from conftest import build_org
    from meetings.tests.factories import RoomFactory, approve, next_month_day, submit

    org = build_org()
    # The Party and Government Office is in the principal leader's own charge here, so its
    # business meetings go to the principal leader (R-MTG-1: the leader in charge approves).
    org.department.leader_in_charge = org.principal
    org.department.save()
    for _ in range(2):
        approve(submit(org, meeting_type="plenary"), org.principal)
    room = RoomFactory(township=org.township, name="一楼大会议室")
    day = next_month_day(12)
    page = browser_page

    browser_login(page, org.clerk.username)
    page.goto(page.base_url + "/meetings/new/")
    fill_request(page, title="全镇冬季防火大会", meeting_type="plenary", day=day, room=room)
    page.check("#id_audience_departments_0")
    # R-MTG-10: the form shows the meetings to merge with as soon as date and audience are known.
    page.wait_for_selector("#merge-box [data-testid=merge-candidates]", timeout=5000)
    page.click("#submit-meeting")
    page.wait_for_load_state("networkidle")
    assert "R-MTG-2" in page.content() and "全体性会议" in page.content()
    shot(page, "refused_cap")

    page.select_option("#id_meeting_type", "business")
    page.fill("#id_title", "冬季防火业务会")
    page.check("#id_banners")
    page.click("#submit-meeting")
    page.wait_for_load_state("networkidle")
    assert "R-MTG-7" in page.content() and "横幅" in page.content()

    page.uncheck("#id_banners")
    page.click("#submit-meeting")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=meeting-status]").inner_text() == "待审批"
    shot(page, "meeting_detail")
    page.context.clear_cookies()

    browser_login(page, org.principal.username)
    page.goto(page.base_url + "/approvals/")
    page.click("text=冬季防火业务会")
    page.select_option("#id_decision", "approve")
    page.click("form:has(#id_decision) button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(page.base_url + f"/meetings/calendar/?month={day:%Y-%m}")
    assert page.locator("a.cal-event", has_text="冬季防火业务会").count() == 1
    shot(page, "calendar_month")
    page.goto(page.base_url + f"/meetings/figures/?year={day.year}")
    shot(page, "figures")


def test_phone_request_form_and_calendar_fit_390(phone_page):
    from conftest import build_org
    from meetings.tests.factories import RoomFactory, approve, next_month_day, submit

    org = build_org()
    RoomFactory(township=org.township)
    approve(submit(org, title="手机上看到的会议"), org.leader)
    page = phone_page
    browser_login(page, org.clerk.username)
    for url, name in [
        ("/meetings/new/", "phone_form"),
        (f"/meetings/calendar/?month={next_month_day():%Y-%m}", "phone_calendar"),
        ("/meetings/", "phone_list"),
    ]:
        page.goto(page.base_url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        shot(page, name)
    page.goto(page.base_url + f"/meetings/calendar/?month={next_month_day():%Y-%m}")
    assert "手机上看到的会议" in page.content()
