"""Every role signs in, in Chinese, and sees its home page (system Chromium via Playwright)."""

import pytest

from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_role_logs_in_in_chinese_and_sees_its_home(browser_page):
    from conftest import build_org

    org = build_org()
    page = browser_page
    expectations = [
        (org.staff, "首页"),
        (org.head, "等待我审批"),
        (org.leader, "等待我审批"),
        (org.principal, "等待我审批"),
        (org.inspector, "合规发现"),
        (org.admin, "政策设置"),
        (org.clerk, "首页"),
        (org.finance, "首页"),
    ]
    for user, text in expectations:
        browser_login(page, user.username)
        assert page.url.rstrip("/") == page.base_url.rstrip("/"), user.username
        assert user.full_name in page.content()
        assert text in page.content(), (user.username, text)
        page.context.clear_cookies()


def test_phone_sized_home_has_the_menu(phone_page):
    from conftest import build_org

    org = build_org()
    browser_login(phone_page, org.staff.username)
    assert phone_page.locator(".navbar-toggler").is_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
