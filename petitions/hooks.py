"""The answers this app gives to other apps' questions (township.hooks.answer), registered in
PetitionsConfig.ready().

``reception_days`` — asked by the fieldwork app's public village pages::

    ask("reception_days", township_id=7)
    -> [[{"weekday": "星期二", "place": "镇信访接待室", "leader_name": "王伟"}, ...]]

  One list per answering app; each dict is a published leader reception day (R-PET-6), ordered
  by weekday; ``weekday`` is the translated weekday name.  Public information: no login needed.

``petition_summary`` — asked by the appraisal and the dashboard::

    ask("petition_summary", township_id=7, start=date(2026, 1, 1), end=date(2026, 12, 31))
    -> [{"received": 42, "accepted": 40, "on_time": 35, "overdue": 2, "satisfied": 30,
         "by_leader": {user_id: {same five counts}, ...},
         "by_department": {department_id: {same five counts}, ...}}]

  Counts cover the cases REGISTERED between start and end (inclusive).  ``accepted``: cases
  accepted; ``on_time``: replied no later than the reply deadline (extension included, R-PET-3);
  ``overdue``: replied late, or still open past the current deadline; ``satisfied``: the
  petitioner said the matter was resolved.  Computed set-based (a fixed number of queries).
"""

from __future__ import annotations

import datetime as dt


def reception_days(*, township_id: int) -> list[dict]:
    from .selectors import reception_days_answer

    return reception_days_answer(township_id=township_id)


def petition_summary(*, township_id: int, start: dt.date, end: dt.date) -> dict:
    from .selectors import petition_summary as summary

    return summary(township_id=township_id, start=start, end=end)


def register() -> None:
    from township.hooks import answer

    answer("reception_days", reception_days)
    answer("petition_summary", petition_summary)
