"""Printable documents: the reception list (接待清单) that goes with the reimbursement, and the
published quarterly disclosure.  Both embed the vendored Chinese font (township.pdf)."""

from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from township.pdf import build_pdf, styles, table

from .models import ExpenseCategory


def _esc(value):
    return escape(str(value)) if value is not None else ""


def _yn(value: bool) -> str:
    return _("yes") if value else _("no")


def reception_list_pdf(rec) -> bytes:
    s = styles()
    staff = list(rec.accompanying_staff.all())
    rows = [
        [_("Item"), _("Detail")],
        [_("Visiting unit"), rec.visiting_unit],
        [_("Visitors are from"), rec.get_visitor_level_display()],
        [_("Official letter reference (公函文号)"), rec.letter_reference],
        [_("Purpose"), rec.purpose],
        [_("Dates"), f"{rec.start_date:%Y-%m-%d} — {rec.end_date:%Y-%m-%d}"],
        [_("Where the visit goes"), f"{rec.get_destination_display()} {rec.place}".strip()],
        [_("Number of guests"), rec.guest_count],
        [_("Accompanying staff"), "、".join(p.full_name for p in staff) or "—"],
        [
            _("Meals"),
            f"{rec.get_meal_display()} × {rec.meal_count}" if rec.meal_count else rec.get_meal_display(),
        ],
        [_("Meal cost (yuan)"), rec.meal_cost],
        [_("Meal fee paid by the guests (yuan)"), rec.guest_meal_fee],
        [_("Accommodation arranged"), _yn(rec.accommodation)],
        [_("Accommodation cost (yuan)"), rec.accommodation_cost],
        [_("Other costs (yuan)"), rec.other_cost],
        [_("Total (yuan)"), rec.total_cost],
        [_("Payment method"), rec.get_payment_method_display()],
        [_("What was provided"), rec.items_provided or "—"],
        [
            _("Declaration"),
            _("No alcohol, no high-end dishes, no gifts or local specialties were provided."),
        ],
        [_("Handler"), rec.handler.full_name],
        [
            _("Signed off"),
            timezone.localtime(rec.signed_at).strftime("%Y-%m-%d %H:%M")
            if rec.signed_at
            else _("not yet signed off"),
        ],
    ]
    guests = [[_("No."), _("Name"), pgettext("guest", "Title")]] + [
        [i, g.name, g.title] for i, g in enumerate(rec.guests.all(), start=1)
    ]
    rows = [[_esc(c) for c in row] for row in rows]
    guests = [[_esc(c) for c in row] for row in guests]
    return build_pdf(
        _("Official reception list (接待清单)"),
        [
            Paragraph(_esc(f"{rec.township.name} · {rec.get_status_display()}"), s["body"]),
            Spacer(1, 3 * mm),
            table(rows, col_widths=[55 * mm, 125 * mm]),
            Spacer(1, 5 * mm),
            Paragraph(_("Guests"), s["h2"]),
            table(guests, col_widths=[15 * mm, 60 * mm, 105 * mm]),
            Spacer(1, 12 * mm),
            Paragraph(_("Handler's signature: ____________    Date: ____________"), s["body"]),
        ],
    )


def disclosure_pdf(report, town) -> bytes:
    s = styles()
    data = report.data or {}
    labels = dict(ExpenseCategory.choices)
    head = [
        pgettext("expense", "Category"),
        _("Budget for the year"),
        _("Spent in the quarter"),
        _("Spent this year"),
        _("Remaining"),
    ]
    rows = [head] + [
        [labels.get(c["category"], c["category"]), c["budget"], c["quarter"], c["ytd"], c["remaining"]]
        for c in data.get("categories", [])
    ]
    total = data.get("total", {})
    rows.append([_("Total"), total.get("budget"), total.get("quarter"), total.get("ytd"), ""])
    three = data.get("three_public", {})
    three_rows = [head[:4]] + [
        [labels.get(c["category"], c["category"]), c["budget"], c["quarter"], c["ytd"]]
        for c in three.get("rows", [])
    ]
    t3 = three.get("total", {})
    three_rows.append([_("Total"), t3.get("budget"), t3.get("quarter"), t3.get("ytd")])
    flow = [
        Paragraph(
            _("%(town)s, %(year)d quarter %(q)d, version %(v)d, published %(when)s")
            % {
                "town": town.name,
                "year": report.year,
                "q": report.quarter,
                "v": report.version,
                "when": timezone.localtime(report.published_at).strftime("%Y-%m-%d")
                if report.published_at
                else "—",
            },
            s["body"],
        ),
    ]
    if report.replaces_id:
        flow.append(
            Paragraph(
                _("This version replaces version %(v)d: %(note)s")
                % {"v": report.replaces.version, "note": _esc(report.correction_note)},
                s["body"],
            )
        )
    flow += [
        Spacer(1, 3 * mm),
        Paragraph(_("Income in the quarter (yuan)") + f": {report.income}", s["body"]),
        Spacer(1, 3 * mm),
        Paragraph(_('"Three public" spending (yuan)'), s["h2"]),
        table(three_rows),
        Spacer(1, 4 * mm),
        Paragraph(_("Spending by category against the budget (yuan)"), s["h2"]),
        table(rows),
    ]
    if report.notes:
        flow += [Spacer(1, 3 * mm), Paragraph(_esc(report.notes), s["body"])]
    return build_pdf(_("Quarterly disclosure of income and spending"), flow)
