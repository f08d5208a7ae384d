"""The numbered rules of meetings, documents and the press (RULES.md), as small pure functions.

Services read the numbers from policy and pass them in; these functions only decide."""

from __future__ import annotations

import re
from collections.abc import Iterable

from meetings.models import (
    ALLOWED_MEALS,
    FORBIDDEN_OUTSIDE,
    FRUGALITY_ITEMS,
    NOT_REPORTABLE,
    STATUTORY_TYPES,
    DocumentKind,
    MeetingType,
    VenueKind,
)


def r_mtg_1_approval_level(meeting_type: str, major_event: bool) -> str:
    """R-MTG-1: town-wide meetings, statutory meetings and major events go to a principal leader;
    special-topic meetings to the leader in charge of the organising department.  The seed (003 §5)
    names no approver for business meetings or for those a higher level arranges; they are the
    organising department's own business, so they go to its leader in charge as well."""
    if major_event or meeting_type == MeetingType.PLENARY or meeting_type in STATUTORY_TYPES:
        return "principal_leader"
    return "leader_in_charge"


def cap_rule(meeting_type: str) -> str | None:
    """R-MTG-2 / R-MTG-3: which monthly cap a meeting counts against.  R-MTG-4: meetings a
    higher-level department arranges count against none (they are still recorded)."""
    return {MeetingType.PLENARY: "R-MTG-2", MeetingType.BUSINESS: "R-MTG-3"}.get(meeting_type)


def r_mtg_2_3_within_cap(already: int, cap: int) -> bool:
    """``already`` counts the month's approved and pending meetings of the same kind."""
    return already < cap


def r_mtg_5_duration_ok(meeting_type: str, minutes: int, limit: int) -> bool:
    return meeting_type in STATUTORY_TYPES or minutes <= limit


def r_mtg_6_speakers_ok(speakers: Iterable[str], limit: int) -> bool:
    return len([s for s in speakers if s.strip()]) <= limit


def r_mtg_7_items_ticked(checklist: dict[str, bool]) -> list[str]:
    return [item for item in FRUGALITY_ITEMS if checklist.get(item)]


def r_mtg_8_problems(
    *, meals: str, alcohol: bool, cigarettes: bool, fruit: bool, retired_symposium: bool
) -> list[str]:
    """Codes of what is wrong: meal, alcohol, cigarettes, fruit."""
    problems = []
    if meals not in ALLOWED_MEALS:
        problems.append("meal")
    if alcohol:
        problems.append("alcohol")
    if cigarettes:
        problems.append("cigarettes")
    if fruit and not retired_symposium:
        problems.append("fruit")
    return problems


def r_mtg_9_venue_ok(venue_kind: str, outside_kind: str) -> bool:
    return venue_kind == VenueKind.ROOM or outside_kind not in FORBIDDEN_OUTSIDE


def r_mtg_11_subject_reportable(subject: str) -> bool:
    return subject not in NOT_REPORTABLE


def r_mtg_11_within_yearly_cap(already: int, cap: int) -> bool:
    return already < cap


_SPACE = re.compile(r"\s+")


def r_doc_1_char_count(text: str) -> int:
    """Characters as a clerk counts them in Word (字符数, 不计空格): every character except
    spaces, tabs and line breaks; a Chinese character and a punctuation mark count one each."""
    return len(_SPACE.sub("", text or ""))


def r_doc_1_policy_key(kind: str) -> str:
    return "R-DOC-1.report" if kind == DocumentKind.REPORT else "R-DOC-1.general"


def split_speakers(raw: str) -> list[str]:
    """Speakers typed in one box, separated by commas, 、 or line breaks."""
    return [s.strip() for s in re.split(r"[,，、;；\n]+", raw or "") if s.strip()]
