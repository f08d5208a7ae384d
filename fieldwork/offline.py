"""A village visit recorded on the phone without signal (issue 18, township.offline): saved
through the live page's form and ``services.visit_log``, photos included (the phone resizes them
before storing), so R-FLD-4/5/7 and every other check apply as on the live page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fieldwork import selectors, services
from fieldwork.forms import VisitForm
from township.offline import OfflineKind, form_errors, register_offline_kind


def save_visit(*, actor, submission):
    villages = selectors.village_list_for(user=actor).filter(township_id=actor.township_id)
    form = VisitForm(submission.data, submission.files, user=actor, villages=villages)
    if not form.is_valid():
        raise form_errors(form)
    return services.visit_log(actor=actor, **form.visit_log_kwargs())


def register() -> None:
    register_offline_kind(
        OfflineKind(
            "visit",
            _("Village visit"),
            "fieldwork:visit_create",
            save_visit,
            # Read in the village without signal: my villages' page, the households I pair with, my quota.
            keep=("fieldwork:index", "fieldwork:household_list", "fieldwork:quota"),
        )
    )
