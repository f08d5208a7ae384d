import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import pgettext
from openpyxl import Workbook

from conduct.reception.models import Expense
from township.exports import export_filename
from township.models import Finding
from township.tests.test_exports import filename_of

from .factories import allowance_type, budget

HEADER = ["date", "category", "payee", "amount", "payment_method", "description", "allowance_type"]


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("ledger.xlsx", buf.getvalue())


def test_ledger_import_preview_then_confirm(org, login):
    budget(org, amount="5000.00")
    budget(org, category="allowance", amount="5000.00")
    kind = allowance_type(org)
    day = timezone.localdate().replace(day=1)
    client = login(org.finance)
    good = _xlsx(
        [
            HEADER,
            [day, "office", "文具店", 320.5, "official_card", "打印纸", ""],
            [day.isoformat(), "津补贴", "全体干部", "1500", "现金", "", kind.name],
        ]
    )
    preview = client.post("/reception/expenses/import/", {"file": good})
    assert preview.status_code == 200
    assert preview.context["outcome"].ok
    assert not Expense.objects.exists()  # a preview saves nothing
    token = preview.context["token"]
    done = client.post("/reception/expenses/import/", {"token": token, "confirm": "1"})
    assert done.status_code == 302
    rows = list(Expense.objects.order_by("amount"))
    assert [r.amount for r in rows] == [Decimal("320.50"), Decimal("1500.00")]
    assert all(r.status == "approved" and r.from_ledger for r in rows)
    assert rows[1].allowance_type == kind
    # the same findings as an expense typed in (R-EXP-2: cash above the limit)
    assert Finding.objects.filter(rule_id="R-EXP-2", target_id=rows[1].pk).exists()


def test_ledger_import_with_bad_rows_imports_nothing(org, login):
    budget(org, amount="1000.00")
    day = timezone.localdate().replace(day=1)
    client = login(org.finance)
    bad = _xlsx(
        [
            HEADER,
            [day, "office", "文具店", 300, "official_card", "", ""],
            [day, "allowance", "全体干部", 100, "official_card", "", "过节费"],  # R-EXP-5
            [day, "office", "文具店", 900, "official_card", "", ""],  # R-EXP-1: over budget
            [day, "宴请", "饭店", 100, "official_card", "", ""],  # not a category
        ]
    )
    response = client.post("/reception/expenses/import/", {"file": bad})
    outcome = response.context["outcome"]
    assert [n for n, _msgs in outcome.errors] == [2, 3, 4]
    text = " ".join(" ".join(m) for _n, m in outcome.errors)
    assert "R-EXP-5" in text and "R-EXP-1" in text
    assert response.context["token"] is None
    assert not Expense.objects.exists()


def test_ledger_template_and_permission(org, login):
    template = login(org.finance).get("/reception/expenses/import/?template=1")
    assert filename_of(template) == export_filename(pgettext("file name", "expense ledger"), ext="xlsx")
    assert login(org.clerk).get("/reception/expenses/import/").status_code == 403
