"""PDFs for every app (ReportLab) with an embedded Chinese font, vendored in township/fonts/ so a
printed list or report reads the same on any machine."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from django.http import HttpResponse
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from township.exports import content_disposition

FONT_PATH = Path(__file__).parent / "fonts" / "wqy-microhei.ttc"
FONT = "WenQuanYiMicroHei"


@lru_cache(maxsize=1)
def register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=font, fontSize=16, leading=22),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=font, fontSize=12, leading=16),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=font, fontSize=10, leading=15),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=font, fontSize=8, leading=11),
    }


def table(rows, col_widths=None, header=True) -> Table:
    font = register_font()
    s = styles()["small"]
    data = [[Paragraph(str(c if c is not None else ""), s) for c in row] for row in rows]
    t = Table(data, colWidths=col_widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    t.setStyle(TableStyle(style))
    return t


def build_pdf(title: str, flowables: list) -> bytes:
    """A4 document: the title, then the given flowables (Paragraph, table(), Spacer ...)."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
    )
    doc.build([Paragraph(title, styles()["title"]), Spacer(1, 4 * mm), *flowables])
    return buf.getvalue()


def pdf_response(filename: str, content: bytes, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, "inline" if inline else "attachment")
    return response
