"""Each record's audit trail (django-pghistory events), with the acting user's name, shown in the
reader's language: what happened ("Created", "Changed"), the field's own label and a choice's
label rather than the stored code (a stored message rendered, not its JSON)."""

import pghistory.models
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from township.messages import render_text
from township.models import User

EVENT_LABELS = {
    "insert": _("Created"),
    "update": _("Changed"),
    "delete": _("Deleted"),
    "snapshot": _("Changed"),
}
YES_NO = {True: _("Yes"), False: _("No")}


def _shown(value, field=None):
    """A stored message (a finding's, a summary's) in the reader's language, not its JSON; a
    choice by its label, a yes/no as a word."""
    if isinstance(value, dict) and "id" in value and "params" in value:
        return render_text(value, "")
    if isinstance(value, bool):
        return YES_NO[value]
    if field is not None and field.choices and value is not None:
        return dict(field.flatchoices).get(value, value)
    return value


def _field(model, name):
    for candidate in (name, name[:-3] if name.endswith("_id") else None):
        if not candidate:
            continue
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None


def history_for(obj, limit: int = 50) -> list:
    events = list(pghistory.models.Events.objects.tracks(obj).order_by("-pgh_created_at")[:limit])
    user_ids = {(e.pgh_context or {}).get("user") for e in events if isinstance(e.pgh_context, dict)}
    names = dict(User.objects.filter(pk__in=[u for u in user_ids if u]).values_list("pk", "full_name"))
    model = type(obj)
    for e in events:
        ctx = e.pgh_context if isinstance(e.pgh_context, dict) else {}
        e.actor = names.get(ctx.get("user"))
        e.label = EVENT_LABELS.get(e.pgh_label, e.pgh_label)
        e.changes = []
        if isinstance(e.pgh_diff, dict):
            for name, pair in e.pgh_diff.items():
                field = _field(model, name)
                e.changes.append((field.verbose_name if field else name, *[_shown(v, field) for v in pair]))
    return events
