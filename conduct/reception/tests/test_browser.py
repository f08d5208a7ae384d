"""The issue's browser test: the office clerk records a reception with its letter, is refused a
fourth accompanying person for eight guests, corrects it and downloads the list PDF; the public
disclosure page shows the published quarter."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "reception"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_clerk_records_a_reception_refused_fourth_companion_then_pdf_and_public_page(browser_page, tmp_path):
    from conduct.reception import services
    from conduct.reception.models import Budget, Expense, ReceptionRecord
    from conftest import build_org

    org = build_org()
    page = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    letter = tmp_path / "公函.pdf"
    letter.write_bytes(PDF)
    browser_login(page, org.clerk.username)
    page.goto(page.base_url + "/reception/")
    page.click("[data-testid=new-reception]")
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    page.fill("#id_visiting_unit", "县农业农村局")
    page.fill("#id_letter_reference", "县农函〔2026〕15号")
    page.set_input_files("#id_letter_scan", str(letter))
    page.fill("#id_purpose", "调研秋收生产")
    page.fill("#id_start_date", day)
    page.fill("#id_end_date", day)
    page.fill("#id_guest_count", "8")
    page.fill("#id_guest_list", "\n".join(f"客人{i} 科员" for i in range(8)))
    for i in range(4):
        page.check(f"#id_accompanying_staff_{i}")
    page.screenshot(path=str(SHOTS / "reception-form-desktop.png"), full_page=True)
    page.click("#reception-submit")
    page.wait_for_load_state("networkidle")
    error = page.locator(".invalid-feedback", has_text="R-REC-3")
    assert error.is_visible()
    assert "陪同" in error.inner_text()
    assert not ReceptionRecord.objects.exists()
    page.screenshot(path=str(SHOTS / "reception-refused-desktop.png"), full_page=True)
    # the clerk corrects it: three companions, the letter attached again
    page.uncheck("#id_accompanying_staff_3")
    page.set_input_files("#id_letter_scan", str(letter))
    page.click("#reception-submit")
    page.wait_for_load_state("networkidle")
    rec = ReceptionRecord.objects.get()
    assert rec.accompanying_staff.count() == 3
    assert page.url.endswith(f"/reception/receptions/{rec.pk}/")
    page.screenshot(path=str(SHOTS / "reception-detail-desktop.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#download-pdf")
    pdf = tmp_path / "list.pdf"
    info.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")

    # a published quarter appears on the public page, without signing in
    year, quarter = services.previous_quarter(timezone.localdate())
    start, _end = services.quarter_bounds(year, quarter)
    Budget.objects.create(
        township=org.township, year=year, category="reception", amount=Decimal("9000.00"), set_by=org.finance
    )
    e = services.expense_record(
        actor=org.finance, spent_on=start, category="reception", payee="机关食堂", amount=Decimal("860.00")
    )
    Expense.objects.filter(pk=e.pk).update(status="approved")
    report = services.disclosure_prepare(township_id=org.township.pk, year=year, quarter=quarter)
    services.disclosure_publish(actor=org.finance, report_id=report.pk)
    page.context.clear_cookies()
    page.goto(page.base_url + f"/reception/public/{org.township.code}/")
    assert "/accounts/login" not in page.url
    page.click(f"text={year}年第{quarter}季度")
    page.wait_for_load_state("networkidle")
    assert "860.00" in page.locator("[data-testid=three-public]").inner_text()
    page.screenshot(path=str(SHOTS / "public-report-desktop.png"), full_page=True)


def test_reception_pages_fit_a_phone(phone_page):
    import random

    from conduct.reception.demo import seed
    from conftest import build_org

    org = build_org()
    seed(township=org.township, size="normal", rng=random.Random(3), today=timezone.localdate())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = phone_page
    browser_login(page, org.finance.username)
    for name, url in [
        ("budget", "/reception/budget/"),
        ("receptions", "/reception/receptions/"),
        ("expenses", "/reception/expenses/"),
        ("vehicles", "/reception/vehicles/"),
        ("disclosure", "/reception/disclosure/"),
    ]:
        page.goto(page.base_url + url)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
