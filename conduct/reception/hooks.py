"""What the reception app answers through township.hooks (registered in apps.ReceptionConfig.ready).

``ask("spending_summary", township_id=..., year=..., quarter=None)`` -> one dict per answering app;
this app's dict (selectors.spending_summary), for appraisal and the dashboard:

    {
        "township_id": int, "year": int, "quarter": int | None,
        "categories": {code: {"label": str, "budget": Decimal, "spent": Decimal}, ...},  # every category
        "three_public": {"budget": Decimal, "spent": Decimal},             # reception+vehicle+abroad
        "over_budget": [code, ...],                                        # spent above budget
    }

"spent" counts approved expenses only, of the whole year or (with ``quarter``) of that quarter;
"budget" is always the year's.  Computed set-based in two queries, whatever the number of rows.
"""

from .selectors import spending_summary

__all__ = ["spending_summary"]
