"""The petition rules (RULES.md R-PET-1..9) as small pure functions.

Day counts are calendar days (自然日), as the 2022 Regulations on Letters and Visits (信访工作条例)
count them: "15日内", "60日内", "延长不超过30日", "30日内".  The numbers are policy values
(petitions/policies.py); these functions take them as arguments.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


def id_number_check_char(first17: str) -> str:
    """GB 11643-1999: the check character of an 18-character citizen ID number."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_number_valid(value: str) -> bool:
    if not value:
        return False
    value = value.strip().upper()
    if not ID_SHAPE.match(value):
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900:
        return False
    return id_number_check_char(value[:17]) == value[17]


def validate_id_number(value: str) -> None:
    if value and not id_number_valid(value):
        raise ValidationError(
            _("This is not a valid 18-character ID number (check the digits and the last character)."),
            code="id_number",
        )


def is_collective(headcount: int, minimum: int) -> bool:
    """R-PET-1: a petition by ``minimum`` (five) or more people is a collective petition."""
    return headcount >= minimum


def acceptance_due(registered_on: dt.date, days: int) -> dt.date:
    """R-PET-2: the acceptance decision is due ``days`` calendar days after registration."""
    return registered_on + dt.timedelta(days=days)


def reply_due(accepted_on: dt.date, days: int, extension_days: int = 0) -> dt.date:
    """R-PET-3: the written reply is due ``days`` after acceptance, plus an approved extension."""
    return accepted_on + dt.timedelta(days=days + extension_days)


def extension_allowed(requested: int, maximum: int, already: str) -> tuple[bool, str]:
    """R-PET-3: one extension of at most ``maximum`` days.  ``already`` is the case's extension
    status ('' none, 'rejected' may ask again)."""
    if already in ("pending", "approved"):
        return False, "second"
    if requested < 1 or requested > maximum:
        return False, "too_long"
    return True, ""


def review_in_time(replied_on: dt.date, requested_on: dt.date, days: int) -> bool:
    """R-PET-4: a review may be requested within ``days`` of the reply."""
    return replied_on <= requested_on <= replied_on + dt.timedelta(days=days)


def is_backlog(registered_on: dt.date, today: dt.date, threshold_days: int) -> bool:
    """R-PET-5: an unresolved case open longer than the threshold is a backlog case (积案)."""
    return (today - registered_on).days > threshold_days


def on_time_rate(on_time: int, total: int) -> float | None:
    """R-PET-7: the share of replies given within their deadline."""
    return round(100.0 * on_time / total, 1) if total else None


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text or "")
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def matter_similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams: works for Chinese text without a tokenizer."""
    x, y = _bigrams(a), _bigrams(b)
    union = x | y
    return len(x & y) / len(union) if union else 0.0


def may_see_identity(
    *,
    user_id: int,
    is_inspector: bool,
    registered_by_id: int | None,
    leader_id: int | None,
    handler_ids,
    concerned_ids,
) -> bool:
    """R-PET-8: the registering clerk, the case's handlers and responsible leader, and inspectors
    see the petitioner's identity; the people the petition concerns never do, whatever else they
    are."""
    if user_id in set(concerned_ids):
        return False
    return is_inspector or user_id in {registered_by_id, leader_id} or user_id in set(handler_ids)
