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
"""

from meetings.selectors import meeting_summary


def answer_meeting_summary(*, township_id, start, end) -> dict:
    return meeting_summary(township_id=township_id, start=start, end=end)
