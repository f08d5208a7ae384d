"""The issue's browser test (system Chromium via Playwright), plus screenshots of the main pages at
desktop and phone width for a person to look at (written to $PETITION_SCREENSHOTS if set)."""

import os
from pathlib import Path

import pytest

from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("PETITION_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_r_pet_8_clerk_registers_accepts_assigns_outsider_sees_no_identity_leader_logged(browser_page):
    from conftest import build_org
    from petitions.models import IdentityAccess, PetitionCase
    from petitions.tests.factories import ID_A
    from township.tests.factories import VillageFactory

    org = build_org()
    VillageFactory(township=org.township, name="东河村")
    page = browser_page
    browser_login(page, org.clerk.username)
    page.goto(page.base_url + "/petitions/")
    page.click("#register-case")
    page.select_option("#id_channel", "visit")
    page.select_option("#id_category", "land")
    page.fill("#id_matter", "征地补偿款至今未发放，请求尽快落实")
    page.fill("#id_p-0-name", "张三")
    page.fill("#id_p-0-id_number", ID_A)
    page.fill("#id_p-0-phone", "13800000000")
    page.fill("#id_p-0-address", "东河村3组")
    _shot(page, "register-desktop")
    with page.expect_navigation():
        page.click("#register-submit")
    case = PetitionCase.objects.get()
    assert case.number in page.content()
    # accept
    page.click("#open-accept")
    # wait until Bootstrap's collapse has finished opening: a click during
    # the height transition can land beside the moving button
    page.wait_for_selector("#form-accept.show:not(.collapsing)")
    page.wait_for_selector("#submit-accept", state="visible")
    with page.expect_navigation():
        page.click("#submit-accept")
    assert "已受理" in page.inner_text("[data-testid=case-status]")
    # assign the responsible leader
    page.click("#open-assign")
    # wait until Bootstrap's collapse has finished opening: a click during
    # the height transition can land beside the moving button
    page.wait_for_selector("#form-assign.show:not(.collapsing)")
    page.wait_for_selector("#submit-assign", state="visible")
    page.select_option("#id_assign-leader", str(org.leader.pk))
    page.select_option("#id_assign-department", str(org.department.pk))
    with page.expect_navigation():
        page.click("#submit-assign")
    assert "办理中" in page.inner_text("[data-testid=case-status]")
    assert org.leader.full_name in page.inner_text("[data-testid=responsible-leader]")
    _shot(page, "case-clerk-desktop")
    page.context.clear_cookies()

    # a staff member who is not on the case: the case, but no identity
    browser_login(page, org.colleague.username)
    page.goto(page.base_url + case.get_absolute_url())
    card = page.inner_text("[data-testid=identity-card]")
    assert "张三" not in page.content() and ID_A not in page.content()
    assert "仅向" in card
    _shot(page, "case-outsider-desktop")
    assert not IdentityAccess.objects.filter(user=org.colleague).exists()
    page.context.clear_cookies()

    # the responsible leader sees it, and the view is logged
    browser_login(page, org.leader.username)
    page.goto(page.base_url + case.get_absolute_url())
    assert "张三" in page.inner_text("[data-testid=identity]")
    assert IdentityAccess.objects.filter(user=org.leader, case=case).count() == 1
    page.context.clear_cookies()

    # an inspector reads the log
    browser_login(page, org.inspector.username)
    page.goto(page.base_url + "/petitions/access-log/")
    assert org.leader.full_name in page.inner_text("[data-testid=access-log]")


def test_phone_pages_fit_and_public_reception_days(phone_page):
    from conftest import build_org
    from petitions import services
    from petitions.tests.factories import in_progress, replied

    org = build_org()
    services.reception_day_save(actor=org.clerk, weekday=1, place="镇信访接待室", leader=org.principal)
    case = in_progress(org)
    replied(org)
    page = phone_page
    page.goto(page.base_url + f"/petitions/public/{org.township.code}/reception-days/")
    assert org.principal.full_name in page.inner_text("[data-testid=public-reception-days]")
    _shot(page, "public-reception-phone")
    browser_login(page, org.principal.username)
    for url, name in (
        ("/petitions/", "list-phone"),
        (case.get_absolute_url(), "case-phone"),
        ("/petitions/statistics/", "statistics-phone"),
    ):
        page.goto(page.base_url + url)
        page.wait_for_load_state("networkidle")
        _shot(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= 392, url
