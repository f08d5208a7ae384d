"""Test data of the reception app (reuses township.tests.factories)."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conduct.reception import services
from conduct.reception.models import AllowanceType, Budget, Vehicle

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scan(name="letter.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def reception_kwargs(org, **over):
    today = timezone.localdate()
    data = {
        "visiting_unit": "县农业农村局",
        "visitor_level": "upper",
        "letter_reference": "县农函〔2026〕12号",
        "letter_scan": scan(),
        "purpose": "调研春耕生产",
        "destination": "township",
        "place": "镇政府会议室",
        "start_date": today + dt.timedelta(days=3),
        "end_date": today + dt.timedelta(days=3),
        "guest_count": 3,
        "guests": [("张三", "科长"), ("李四", "科员"), ("王五", "科员")],
        "accompanying_staff": [org.staff, org.colleague],
        "meal": "canteen",
        "meal_count": 1,
        "meal_cost": Decimal("150.00"),
        "payment_method": "official_card",
    }
    data.update(over)
    return data


def record_reception(org, actor=None, **over):
    return services.reception_record(actor=actor or org.clerk, **reception_kwargs(org, **over))


def budget(org, category="office", amount="10000.00", year=None):
    return Budget.objects.update_or_create(
        township=org.township,
        year=year or timezone.localdate().year,
        category=category,
        defaults={"amount": Decimal(amount), "set_by": org.finance},
    )[0]


def allowance_type(org, name="乡镇工作补贴"):
    return AllowanceType.objects.get_or_create(township=org.township, name=name)[0]


def expense_kwargs(**over):
    data = {
        "spent_on": timezone.localdate(),
        "category": "office",
        "payee": "文具店",
        "amount": Decimal("500.00"),
        "payment_method": "official_card",
        "invoice": scan("invoice.pdf"),
        "description": "打印纸",
    }
    data.update(over)
    return data


def record_expense(org, actor=None, **over):
    return services.expense_record(actor=actor or org.finance, **expense_kwargs(**over))


def vehicle(org, plate="川A12345", odometer=1000):
    return Vehicle.objects.create(township=org.township, plate=plate, odometer=odometer)
