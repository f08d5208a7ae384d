"""Issue 8: an inspector computes the quarter's appraisal from the dashboard, watches the
progress, opens the report, downloads the PDF and the xlsx, confirms a finding as a violation."""

import datetime as dt

import pytest

from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inspector_appraisal_and_triage_in_the_browser(browser_page, tmp_path):
    from conftest import build_org
    from township.findings import finding_raise
    from township.models import Violation

    org = build_org()
    finding = finding_raise(
        rule_id="R-ATT-3",
        township=org.township,
        person=org.staff,
        detail="无故缺勤一天",
        on_date=dt.date(2026, 2, 3),
    )
    page = browser_page
    browser_login(page, org.inspector.username)
    page.goto(page.base_url + "/supervision/?from=2026-01-01&to=2026-12-31")
    page.fill("#ap-year", "2026")
    page.select_option("#ap-q", "1")
    page.click("#start-appraisal")
    page.wait_for_selector("[data-testid=appraisal-progress]")
    page.wait_for_selector("text=2026 年第 1 季度计算完成")  # the finished line; polling then stops
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    page.click("#latest-report")
    assert "2026 年第 1 季度考核" in page.content()
    with page.expect_download() as pdf:
        page.click("#download-pdf")
    assert pdf.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as xlsx:
        page.click("#download-xlsx")
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    page.goto(page.base_url + "/findings/?status=open")
    page.check(f"[data-testid=finding-{finding.pk}]")
    page.fill("input[name=reason]", "门卫记录证实")
    page.on("dialog", lambda d: d.accept())
    page.click("#triage-submit")
    page.wait_for_load_state("networkidle")
    violation = Violation.objects.get()
    assert violation.person == org.staff and violation.rule_id == "R-ATT-3"
