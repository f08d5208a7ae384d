"""The page shell fits the screen: the widest menu (every role at once, English) at a 1366-wide
desktop keeps the bell, the user menu and the language switch on screen; nothing overflows."""

from pathlib import Path

import pytest

from conftest import browser_login

SCREENS = Path(__file__).resolve().parents[2] / ".data" / "screens"
SCREENS.mkdir(parents=True, exist_ok=True)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _set_english(page):
    page.locator("button[name=language][value=en]").first.click()
    page.wait_for_load_state("networkidle")


def test_widest_english_menu_fits_a_1366_desktop(browser_page):
    from conftest import build_org
    from township.models import Role
    from township.tests.factories import UserFactory

    org = build_org()
    # every role one account may hold: the business roles and one of the three administrators
    # (三员分立; their pages share the one "Manage" menu)
    roles = [r.value for r in Role if r not in (Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR)]
    user = UserFactory(township=org.township, department=org.department, roles=roles, full_name="Everyone")
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, user.username)
    _set_english(page)
    for url in ("/", "/findings/", "/supervision/"):
        page.goto(page.base_url + url)
        page.screenshot(path=str(SCREENS / f"menu-1366-en{url.strip('/').replace('/', '-') or '-home'}.png"))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (url, overflow)
        for selector in (
            ".nav-user .bi-bell",
            ".nav-user .dropdown-toggle",
            ".nav-user button[name=language]",
        ):
            box = page.locator(selector).first.bounding_box()
            assert box and box["x"] + box["width"] <= 1366, (url, selector, box)
