"""Every Excel export: named for what it holds (the file and the sheet), a bold frozen header,
scores and amounts as numbers (never the text "-0.00")."""

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from township.exports import content_disposition, export_filename, sheet_title, xlsx_response

pytestmark = pytest.mark.django_db


def filename_of(response) -> str:
    """The file's name as the browser offers it: the UTF-8 filename* where there is one (Django's
    FileResponse gives an ASCII name as filename only)."""
    disposition = response["Content-Disposition"]
    if "filename*=" in disposition:
        return unquote(disposition.split("filename*=")[1].split("''", 1)[1])
    return disposition.split('filename="')[1].split('"')[0]


def test_file_and_sheet_are_named_for_what_they_hold():
    response = xlsx_response("考勤 党政办 2026-11.xlsx", ["姓名", "天数"], [["张三", 3]])
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "考勤 党政办 2026-11.xlsx"
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.title == "考勤 党政办 2026-11"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold
    assert sheet["B2"].value == 3


def test_sheet_titles_obey_excel():
    assert sheet_title("a/b:c?.xlsx") == "a b c"
    assert len(sheet_title("x" * 60 + ".xlsx")) == 31
    assert 'filename="__.xlsx"' in content_disposition("考勤.xlsx")


def test_appraisal_export_writes_scores_as_numbers(org, login):
    from township.models.supervision import AppraisalReport, AppraisalScore

    report = AppraisalReport.objects.create(
        township=org.township,
        period="quarter",
        year=2026,
        number=2,
        start="2026-04-01",
        end="2026-06-30",
        version=1,
        computed_at="2026-07-01T09:00:00+08:00",
        indicators=[
            {"code": "attendance_rate", "weight": "20", "deduction": "0"},
            {"code": "violations", "weight": "0", "deduction": "5"},
        ],
    )
    AppraisalScore.objects.create(
        report=report,
        person=org.staff,
        department=org.department,
        total=Decimal("18.50"),
        rank=1,
        details={
            "attendance_rate": {"value": "0.93", "score": "18.50"},
            "violations": {"value": "0", "score": "-0.00"},
        },
    )
    response = login(org.inspector).get(reverse("appraisal_xlsx", args=[report.pk]))
    assert org.township.name in unquote(response["Content-Disposition"])
    row = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))[0]
    assert row[3] == 18.5 and row[4] == 18.5
    assert row[5] == 0 and not isinstance(row[5], str)


def test_export_names_read_in_the_readers_language():
    assert (
        export_filename("考勤", "党政综合办公室", "2026-11", ext="xlsx") == "考勤-党政综合办公室-2026-11.xlsx"
    )
    assert (
        export_filename("attendance", "Party office", "2026-11", ext="xlsx")
        == "attendance-Party-office-2026-11.xlsx"
    )
    # what no file system takes is left out; dates ISO; empty parts skipped
    assert (
        export_filename("budget", 'a/b:c*?"<>|', None, "", dt.date(2026, 3, 1), ext="pdf")
        == "budget-a-b-c-2026-03-01.pdf"
    )
    assert export_filename("", ext="csv") == "export.csv"
    assert len(export_filename("x" * 300, ext="xlsx")) == 125


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_attendance_sheet_export_is_named_in_the_readers_language(org, login, language):
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import pgettext

    org.department.name = "Party office" if language == "en" else "党政综合办公室"
    org.department.save()
    client = login(org.head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/conduct/sheet/?month=2026-11&department={org.department.pk}&export=xlsx")
    assert response.status_code == 200
    with translation.override(language):
        title = pgettext("file name", "attendance")
    name = f"{title}-{'Party-office' if language == 'en' else '党政综合办公室'}-2026-11.xlsx"
    assert filename_of(response) == name
    if language == "en":
        assert name == "attendance-Party-office-2026-11.xlsx"
    assert load_workbook(io.BytesIO(response.content)).active.title == name[:-5][:31]


def test_pdf_names_carry_the_readers_language_too(org, login):
    from township.pdf import pdf_response

    response = pdf_response("值班表-2026-11.pdf", b"%PDF-1.4", inline=True)
    assert response["Content-Disposition"].startswith('inline; filename="')
    assert filename_of(response) == "值班表-2026-11.pdf"
