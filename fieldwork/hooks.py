"""What the fieldwork app answers through township.hooks (registered in FieldworkConfig.ready).

``fieldwork_days(*, township_id, start, end)``
    Who was in the villages on which days, for the attendance app's day status ("in the
    villages"): ``{(person_id, date): Decimal("1") | Decimal("0.5")}``.  A full-day visit counts
    1, a half-day visit 0.5; a person's value for one date is never more than 1 (a morning and an
    afternoon visit make 1).  One query.

``fieldwork_summary(*, township_id, year, on)``
    Each active person's field-work figures of ``year`` up to the date ``on`` (the quota table,
    the appraisal, the dashboard): ``{person_id: {"village_days": Decimal, "target": Decimal,
    "prorated_target": Decimal, "topics": int, "reports": int, "pairings": int, "topics_target":
    int, "reports_target": int, "pairings_target": int}}``.  ``target`` is the R-FLD-1 village-day
    quota of the person's category for the year (pro-rated when they joined during the year),
    ``prorated_target`` the part of it due by ``on``; ``topics`` counts key research topics
    (R-FLD-2), ``reports`` reports submitted or accepted (R-FLD-3), ``pairings`` distinct poor
    households paired (R-FLD-6).  Set-based: one aggregate statement and one policy read, however
    many people.

``xck_visits(*, township_id, start, end)``
    Every visit of the range for the cross-record checks (township.hooks.VisitFact): id, person,
    date, half ("full", "am", "pm"), transport, village name and page.  One query.
"""

from fieldwork.selectors import fieldwork_days, fieldwork_summary, xck_visits


def register() -> None:
    from township.hooks import answer

    answer("fieldwork_days", fieldwork_days)
    answer("fieldwork_summary", fieldwork_summary)
    answer("xck_visits", xck_visits)
