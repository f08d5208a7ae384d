"""Printable documents: the written reply to the petitioner and the monthly report."""

from __future__ import annotations

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from township.pdf import build_pdf, styles, table
from township.policy import policy


def _p(text, style="body"):
    from xml.sax.saxutils import escape

    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), styles()[style])


def reply_pdf(case, petitioners) -> bytes:
    """信访事项处理意见书.  ``petitioners`` is None for a reader who may not see the identity
    (R-PET-8): the addressee is then left out."""
    names = "、".join(p.name for p in petitioners) if petitioners else _("(identity withheld)")
    rows = [
        [_("Case number"), case.number, _("Registered on"), case.registered_on.isoformat()],
        [_("Petitioner"), names, _("Channel"), case.get_channel_display()],
        [
            _("Accepted on"),
            case.accepted_on.isoformat() if case.accepted_on else "",
            _("Replied on"),
            case.replied_on.isoformat(),
        ],
        [
            _("Responsible leader"),
            str(case.responsible_leader or ""),
            _("Handling department"),
            str(case.handling_department or ""),
        ],
    ]
    flow = [
        table(rows, col_widths=[28 * mm, 62 * mm, 28 * mm, 62 * mm], header=False),
        Spacer(1, 6 * mm),
        _p(_("The matter"), "h2"),
        _p(case.matter),
        Spacer(1, 4 * mm),
        _p(_("Reply"), "h2"),
        _p(case.reply_text),
        Spacer(1, 6 * mm),
        _p(
            _(
                "If you do not agree with this reply, you may ask for a review within %(d)d days of "
                "receiving it (Regulations on Letters and Visits, art. 35)."
            )
            % {"d": policy("R-PET-4", township=case.township_id, on=case.replied_on)},
            "small",
        ),
        Spacer(1, 12 * mm),
        _p(f"{case.township}　{case.replied_on.year}年{case.replied_on.month}月{case.replied_on.day}日"),
    ]
    return build_pdf(_("Written reply to a petition"), flow)


def monthly_report_pdf(*, township, month, stats, labels, names) -> bytes:
    total = stats["total"]
    keys = list(labels)
    flow = [
        _p(
            _("%(township)s, %(month)s: petitions received, handled and replied.")
            % {"township": township, "month": month}
        ),
        Spacer(1, 4 * mm),
        table([[str(labels[k]) for k in keys[:6]], [total[k] for k in keys[:6]]]),
        Spacer(1, 2 * mm),
        table([[str(labels[k]) for k in keys[6:]], [total[k] for k in keys[6:]]]),
        Spacer(1, 2 * mm),
        _p(
            _("On-time rate: %(r)s%%")
            % {"r": total["on_time_rate"] if total["on_time_rate"] is not None else "—"}
        ),
    ]
    short = ["received", "accepted", "resolved", "replied", "on_time", "overdue", "satisfied"]
    for key in ("by_category", "by_village", "by_leader", "by_department"):
        rows = stats[key]
        if not rows:
            continue
        flow += [Spacer(1, 5 * mm), _p(names[key], "h2")]
        flow.append(
            table(
                [[""] + [str(labels[k]) for k in short]]
                + [[r["label"]] + [r[k] for k in short] for r in rows]
            )
        )
    return build_pdf(_("Monthly petition report for the party committee"), flow)
