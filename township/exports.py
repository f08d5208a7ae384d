"""Excel export for every list."""

import io

from django.http import HttpResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, headers, rows) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([str(h) for h in headers])
    for row in rows:
        ws.append([str(v) if hasattr(v, "__html__") else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def dataset_response(dataset, filename: str) -> HttpResponse:
    fmt = "xlsx" if filename.endswith(".xlsx") else "csv"
    body = dataset.export(fmt)
    if fmt == "csv":
        body = "\ufeff" + body  # Excel opens UTF-8 CSV with a BOM correctly
    response = HttpResponse(body, content_type=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
