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
import re
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

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


BOLD = Font(bold=True)


def _cell(ws, value, *, bold: bool = False):
    value = excel_value(value)
    if not bold and not is_formula_like(value):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if is_formula_like(value):
        cell.data_type = "s"  # openpyxl made it a formula ("f") when it starts with "="
        cell.quotePrefix = True
    if bold:
        cell.font = BOLD
    return cell


SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_title(filename: str) -> str:
    """A worksheet name from the file's name: Excel allows 31 characters and none of []:*?/\\."""
    stem = filename.rsplit(".", 1)[0].translate(SHEET_FORBIDDEN).strip() or "Sheet"
    return stem[:31]


# What Windows, macOS and Linux do not take in a file name (and control characters).
FILENAME_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def export_filename(title, *parts, ext: str | None) -> str:
    """The name of an exported file as its reader reads it: what it holds, in their language
    (the caller passes it translated: ``pgettext("file name", "attendance")``), then what says
    which (a department's or a township's name, a month, a number), joined by hyphens:
    ``考勤-党政综合办公室-2026-11.xlsx`` / ``attendance-Party-office-2026-11.xlsx``.  Spaces become
    hyphens; characters no file system takes are left out; dates are written ISO.  ``ext=None``
    gives the name without an extension (an upload's, to which ``upload_response`` adds the
    checked one)."""
    words = []
    for part in (title, *parts):
        if part is None or part == "":
            continue
        if isinstance(part, dt.date):
            part = part.isoformat()
        text = "-".join(FILENAME_FORBIDDEN.sub(" ", str(part)).split())
        if text:
            words.append(text)
    stem = "-".join(words).strip(".-")[:120] or "export"
    return f"{stem}.{ext}" if ext else stem


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """attachment (or inline) with the name as people read it (UTF-8, RFC 6266) and an ASCII
    fallback."""
    fallback = "".join(c if c.isascii() and c not in '"\\' else "_" for c in filename)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(filename: str, headers, rows, *, sheet: str | None = None) -> HttpResponse:
    """One sheet named for what it holds, a bold frozen header row, every cell formula-safe."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title(sheet or filename))
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, str(h), bold=True) for h in headers])
    for row in rows:
        ws.append([_cell(ws, v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(filename)
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
    response["Content-Disposition"] = content_disposition(filename)
    return response
