"""Hostile files for import tests, shared by every app's tests (imports nothing of the apps)."""

import io
import zipfile

from openpyxl import Workbook


def bomb_xlsx(rows: int) -> bytes:
    """A valid workbook whose one sheet holds ``rows`` rows of repeated cells: tiny compressed,
    tens of megabytes once unpacked."""
    wb = Workbook()
    wb.active.append(["employee_no", "full_name"])
    buf = io.BytesIO()
    wb.save(buf)
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>y</t></is></c></row>'
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, _, tail = data.partition(b"<sheetData>")
                _, _, tail = tail.partition(b"</sheetData>")
                data = head + b"<sheetData>" + row * rows + b"</sheetData>" + tail
            dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()
