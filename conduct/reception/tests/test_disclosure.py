import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import InternalError, ProgrammingError, transaction
from django.utils import timezone

from conduct.reception import services
from conduct.reception.models import DisclosureReport, Expense
from conduct.reception.tasks import prepare_quarter_disclosures

from .factories import budget, record_expense, record_reception


def _quarter_with_spending(org):
    """Approved spending in the previous quarter; returns (year, quarter)."""
    year, quarter = services.previous_quarter(timezone.localdate())
    start, _end = services.quarter_bounds(year, quarter)
    budget(org, category="reception", amount="20000.00", year=year)
    budget(org, category="office", amount="5000.00", year=year)
    for category, amount in (("reception", "1200.00"), ("office", "300.00")):
        e = record_expense(
            org, category=category, amount=Decimal(amount), spent_on=start + dt.timedelta(days=10)
        )
        Expense.objects.filter(pk=e.pk).update(status="approved")
    return year, quarter


def test_r_exp_4_quarter_end_task_prepares_the_draft_once(org):
    year, quarter = _quarter_with_spending(org)
    prepare_quarter_disclosures()
    prepare_quarter_disclosures()  # idempotent
    report = DisclosureReport.objects.get(township=org.township, year=year, quarter=quarter)
    assert report.status == "draft"
    three = report.data["three_public"]
    assert three["total"]["quarter"] == "1200.00"
    office = next(c for c in report.data["categories"] if c["category"] == "office")
    assert office["quarter"] == "300.00" and office["remaining"] == "4700.00"
    # the 合计 row's remaining budget: 20,000 + 5,000 budgeted - 1,500 spent
    assert report.data["total"]["remaining"] == "23500.00"


def test_r_exp_4_beat_schedule_registered():
    from township.celery import app

    entry = app.conf.beat_schedule["reception-prepare-quarter-disclosures"]
    assert entry["task"] == "conduct.reception.tasks.prepare_quarter_disclosures"
    # The name resolves to a task the worker knows (a typo here would be silently never run).
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert app.tasks[entry["task"]].name == entry["task"]
    # 01:30 on the first day of each quarter, whatever the weekday.
    schedule = entry["schedule"]
    assert schedule.minute == {30}
    assert schedule.hour == {1}
    assert schedule.day_of_month == {1}
    assert schedule.month_of_year == {1, 4, 7, 10}
    assert schedule.day_of_week == set(range(7))


def test_r_exp_4_published_report_is_immutable_and_corrected_by_a_new_version(org):
    year, quarter = _quarter_with_spending(org)
    draft = services.disclosure_prepare(township_id=org.township.pk, year=year, quarter=quarter)
    services.disclosure_update(actor=org.finance, report_id=draft.pk, income="50000.00", notes="")
    published = services.disclosure_publish(actor=org.finance, report_id=draft.pk)
    assert published.status == "published"
    with pytest.raises(ValidationError):
        services.disclosure_update(actor=org.finance, report_id=published.pk, income="1.00")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        DisclosureReport.objects.filter(pk=published.pk).update(income=Decimal("1.00"))
    # the beat task leaves a published quarter alone
    assert services.disclosure_prepare(township_id=org.township.pk, year=year, quarter=quarter) is None
    with pytest.raises(ValidationError):
        services.disclosure_correct(actor=org.finance, report_id=published.pk, correction_note=" ")
    correction = services.disclosure_correct(
        actor=org.finance, report_id=published.pk, correction_note="补录一笔接待费"
    )
    assert correction.version == 2 and correction.replaces == published and correction.status == "draft"
    services.disclosure_publish(actor=org.finance, report_id=correction.pk)
    published.refresh_from_db()
    assert published.income == Decimal("50000.00")


def test_r_exp_4_only_finance_publishes(org):
    year, quarter = _quarter_with_spending(org)
    draft = services.disclosure_prepare(township_id=org.township.pk, year=year, quarter=quarter)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.disclosure_publish(actor=org.clerk, report_id=draft.pk)


def test_r_exp_3_public_page_without_login_shows_only_published(org, client):
    year, quarter = _quarter_with_spending(org)
    draft = services.disclosure_prepare(township_id=org.township.pk, year=year, quarter=quarter)
    code = org.township.code
    response = client.get(f"/reception/public/{code}/")
    assert response.status_code == 200
    assert f"/reception/public/{code}/{draft.pk}/" not in response.content.decode()
    assert client.get(f"/reception/public/{code}/{draft.pk}/").status_code == 404
    services.disclosure_publish(actor=org.finance, report_id=draft.pk)
    response = client.get(f"/reception/public/{code}/")
    assert f"/reception/public/{code}/{draft.pk}/" in response.content.decode()
    page = client.get(f"/reception/public/{code}/{draft.pk}/")
    assert page.status_code == 200
    assert "1,200.00" in page.content.decode()  # grouped by thousands (R-EXP-3 public page)
    pdf = client.get(f"/reception/public/{code}/{draft.pk}/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and b"WenQuanYiMicroHei" in pdf.content
    xlsx = client.get(f"/reception/public/{code}/{draft.pk}/?format=xlsx")
    assert '.xlsx"' in xlsx["Content-Disposition"]


def test_r_exp_3_reception_costs_disclosed_internally_not_publicly(org, client, login):
    year, quarter = _quarter_with_spending(org)
    start, _end = services.quarter_bounds(year, quarter)
    rec = record_reception(org, start_date=timezone.localdate() + dt.timedelta(days=2))
    from conduct.reception.models import ReceptionRecord

    ReceptionRecord.objects.filter(pk=rec.pk).update(start_date=start, end_date=start)
    report = services.disclosure_prepare(township_id=org.township.pk, year=year, quarter=quarter)
    services.disclosure_publish(actor=org.finance, report_id=report.pk)
    internal = login(org.finance).get(f"/reception/disclosure/{report.pk}/").content.decode()
    assert "县农业农村局" in internal
    client.logout()
    public = client.get(f"/reception/public/{org.township.code}/{report.pk}/").content.decode()
    assert "县农业农村局" not in public


@pytest.mark.parametrize("n", [3, 30])
def test_disclosure_pages_query_budget(org, login, client, django_assert_max_num_queries, n):
    year, quarter = _quarter_with_spending(org)
    first = Expense.objects.filter(township=org.township).first()
    Expense.objects.bulk_create(
        [
            Expense(
                **{
                    **{f.attname: getattr(first, f.attname) for f in Expense._meta.concrete_fields},
                    "id": None,
                }
            )
            for _ in range(n)
        ]
    )
    report = services.disclosure_prepare(township_id=org.township.pk, year=year, quarter=quarter)
    with django_assert_max_num_queries(20):
        services.disclosure_prepare(township_id=org.township.pk, year=year, quarter=quarter)
    services.disclosure_publish(actor=org.finance, report_id=report.pk)
    with django_assert_max_num_queries(6):
        assert client.get(f"/reception/public/{org.township.code}/{report.pk}/").status_code == 200
    finance = login(org.finance)
    with django_assert_max_num_queries(14):
        assert finance.get(f"/reception/disclosure/{report.pk}/").status_code == 200


def test_finance_clerk_reviews_and_publishes_on_the_page(org, login):
    year, quarter = _quarter_with_spending(org)
    client = login(org.finance)
    response = client.post("/reception/disclosure/", {"year": year, "quarter": quarter})
    report = DisclosureReport.objects.get()
    assert response.status_code == 302
    response = client.post(
        f"/reception/disclosure/{report.pk}/", {"income": "30000.00", "notes": "本季度收支", "publish": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "published" and report.income == Decimal("30000.00")
