"""This app's answers to the core's questions (township.hooks), registered in MeetingsConfig.ready().

``meeting_summary`` (for appraisal and the dashboard)::

    township.hooks.ask("meeting_summary", township_id=1, start=date(2026, 1, 1), end=date(2026, 12, 31))

answers (one dict per installed app that answers; this app's) with the meetings between the two
dates, inclusive, that took or take a slot (waiting, approved or held):

- ``months``: one entry per calendar month: ``{"month": date (first day), "counts": {meeting
  type: n}, "caps": {"plenary": R-MTG-2 cap, "business": R-MTG-3 cap}, "over": [types above cap]}``;
- ``totals``: ``{meeting type: n}`` over the range (types: meetings.models.MeetingType);
- ``average_minutes``: average length (actual where recorded, else planned), or None;
- ``overrides``: caps set aside by a principal leader (R-MTG-2/3 RuleOverride rows);
- ``refusals``: requests the rules refused (dated in the range);
- ``by_department``: ``[{"department_id", "department", "count"}]`` by organising department.

It runs a fixed number of queries whatever the number of meetings (set-based aggregates).

The cross-record checks (township.crosschecks) ask ``xck_day_records``: the people invited by name
to a meeting held in the range, unless the minutes name them among the absent (R-XCK-4), and
``xck_meals``: approved or held meetings with a meal, with their end (actual, else planned) and
whether they were held in the agency's rooms, whose canteen serves the meal, and the reason stated
for a meal off working days or hours (R-XCK-8).  Two queries and one query, whatever the size.
"""

from __future__ import annotations

import datetime as dt

from meetings.selectors import meeting_summary
from township.hooks import DayRecordFact, MealFact


def _url_pattern() -> str:
    from django.urls import reverse

    return reverse("meetings:detail", args=[987654321]).replace("987654321", "{}")


def xck_day_records(*, township_id: int, start: dt.date, end: dt.date) -> list[DayRecordFact]:
    from meetings.models import Meeting, MeetingStatus

    meetings = {
        pk: (day, title, absentees)
        for pk, day, title, absentees in Meeting.objects.filter(
            township_id=township_id, status=MeetingStatus.HELD, date__range=(start, end)
        )
        .values_list("pk", "date", "title", "absentees")
        .order_by()
    }
    if not meetings:
        return []
    url = _url_pattern()
    rows = (
        Meeting.audience_people.through.objects.filter(meeting_id__in=list(meetings))
        .values_list("meeting_id", "user_id", "user__full_name")
        .order_by()
    )
    out: list[DayRecordFact] = []
    for pk, pid, name in rows:
        day, title, absentees = meetings[pk]
        if name and name in absentees:
            continue
        out.append(
            {
                "kind": "meeting",
                "id": pk,
                "person_id": pid,
                "date": day,
                "label": title,
                "url": url.format(pk),
            }
        )
    return out


def xck_meals(*, township_id: int, start: dt.date, end: dt.date) -> list[MealFact]:
    from meetings.models import CALENDAR_STATUSES, MealKind, Meeting, VenueKind

    url = _url_pattern()
    rows = (
        Meeting.objects.filter(
            township_id=township_id, status__in=CALENDAR_STATUSES, date__range=(start, end)
        )
        .exclude(meals=MealKind.NONE)
        .values_list(
            "pk",
            "requested_by_id",
            "date",
            "ends_at",
            "actual_end",
            "venue_kind",
            "title",
            "off_hours_reason",
        )
        .order_by()
    )
    return [
        {
            "kind": "meeting",
            "id": pk,
            "person_id": pid,
            "start_date": day,
            "end_date": day,
            "ends_at": actual or planned,
            # R-MTG-8 allows canteen working meals only: outside the agency's rooms, not its canteen
            "in_canteen": venue == VenueKind.ROOM,
            "visiting_unit": "",
            "label": title,
            "url": url.format(pk),
            "off_hours_reason": reason,
        }
        for pk, pid, day, planned, actual, venue, title, reason in rows
    ]


def answer_meeting_summary(*, township_id, start, end) -> dict:
    return meeting_summary(township_id=township_id, start=start, end=end)
