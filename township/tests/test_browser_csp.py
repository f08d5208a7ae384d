"""The strict Content Security Policy (no inline script or style) in a real browser: no page logs
a CSP violation, and the admin (django-unfold) works under the same policy."""

from __future__ import annotations

import pytest

from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APP_PAGES = [
    "/",
    "/conduct/",
    "/conduct/sheet/",
    "/reception/",
    "/reception/budget/",
    "/meetings/",
    "/meetings/calendar/",
    "/fieldwork/",
    "/fieldwork/quota/",
    "/petitions/",
    "/petitions/reception-days/",
    "/supervision/",
    "/findings/",
    "/people/",
    "/settings/policy/",
    "/approvals/",
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/township/user/",
    "/admin/township/user/{pk}/change/",
    "/admin/township/user/add/",
    "/admin/township/department/",
    "/admin/conduct/leaverequest/",
    "/admin/petitions/petitioncase/",
]


def _watch(page):
    """Collect console errors and CSP violation events of every page the tab opens."""
    problems = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{page.url}: {msg.text}")
            if msg.type == "error" or "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return problems


def _csp(problems):
    return [p for p in problems if "Content Security Policy" in p or "CSP violation" in p]


def test_no_page_of_any_app_logs_a_csp_violation(browser_page):
    from conftest import build_org

    org = build_org()
    page = browser_page
    problems = _watch(page)
    browser_login(page, org.admin.username)
    for path in APP_PAGES:
        response = page.goto(page.base_url + path)
        assert response.status < 400, (path, response.status)
        page.wait_for_load_state("networkidle")
    assert not _csp(problems), "\n".join(_csp(problems))
    assert not problems, "\n".join(problems)  # no script error either


def test_the_admin_works_under_the_strict_csp(browser_page):
    from conftest import build_org
    from township.signals import sync_role_permissions

    org = build_org()
    sync_role_permissions(None)  # the flush of a transactional test empties the groups' permissions
    page = browser_page
    problems = _watch(page)
    browser_login(page, org.admin.username)
    for path in ADMIN_PAGES:
        response = page.goto(page.base_url + path.format(pk=org.staff.pk))
        assert response.status < 400, (path, response.status)
        page.wait_for_load_state("load")
        # unfold's stylesheet applied (no unstyled page): the body is laid out with its font.
        assert page.evaluate("getComputedStyle(document.body).fontFamily") not in ("", "Times New Roman")
    # Its scripts run: ticking "select all" on a change list ticks every row.
    page.goto(page.base_url + "/admin/township/user/")
    page.locator("#action-toggle").check()
    assert (
        page.locator("input.action-select:checked").count() == page.locator("input.action-select").count() > 0
    )
    assert not _csp(problems), "\n".join(_csp(problems))


def test_only_the_admin_gets_the_relaxed_policy(client, django_user_model):
    """The relaxation (township.middleware.AdminCSPMiddleware) stops at /admin/."""
    admin = client.get("/admin/login/")["Content-Security-Policy"]
    site = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "'unsafe-eval'" in admin and "style-src 'self' 'unsafe-inline'" in admin
    assert "unsafe" not in site
    assert "object-src 'none'" in admin and "frame-ancestors 'none'" in admin
