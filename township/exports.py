"""Excel (and CSV) export for every list.

Every cell goes through ``excel_value``:
- text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
  return) is written as text: an inline string cell with Excel's "quote prefix" style, so it
  stays text even when someone edits the cell; the text itself is unchanged.  In CSV, which has
  no cell types, such text gets a leading apostrophe (OWASP's advice for CSV injection);
- aware datetimes become the township's local time without a zone (Excel has no time zones);
- numbers, dates and booleans stay what they are, so people can sum and sort them.
"""

import datetime as dt
import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What Excel, LibreOffice and Google Sheets start a formula (or DDE call) with.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def excel_value(value):
    """A value openpyxl can write: markup-safe strings as plain text, aware datetimes local."""
    if hasattr(value, "__html__"):
        value = str(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, dt.time) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _cell(ws, value):
    value = excel_value(value)
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # openpyxl made it a formula ("f") when it starts with "="
    cell.quotePrefix = True
    return cell


def xlsx_response(filename: str, headers, rows) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([_cell(ws, str(h)) for h in headers])
    for row in rows:
        ws.append([_cell(ws, v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_safe(value):
    value = excel_value(value)
    return "'" + value if is_formula_like(value) else value


def dataset_response(dataset, filename: str) -> HttpResponse:
    if filename.endswith(".xlsx"):
        return xlsx_response(filename, dataset.headers or [], dataset)
    import tablib

    safe = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        safe.append([_csv_safe(v) for v in row])
    body = "\ufeff" + safe.export("csv")  # Excel opens UTF-8 CSV with a BOM correctly
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
