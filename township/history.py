"""Each record's audit trail (django-pghistory events), with the acting user's name."""

import pghistory.models

from township.messages import render_text
from township.models import User


def _shown(value):
    """A stored message (a finding's, a summary's) in the reader's language, not its JSON."""
    if isinstance(value, dict) and "id" in value and "params" in value:
        return render_text(value, "")
    return value


def history_for(obj, limit: int = 50) -> list:
    events = list(pghistory.models.Events.objects.tracks(obj).order_by("-pgh_created_at")[:limit])
    user_ids = {(e.pgh_context or {}).get("user") for e in events if isinstance(e.pgh_context, dict)}
    names = dict(User.objects.filter(pk__in=[u for u in user_ids if u]).values_list("pk", "full_name"))
    for e in events:
        ctx = e.pgh_context if isinstance(e.pgh_context, dict) else {}
        e.actor = names.get(ctx.get("user"))
        if isinstance(e.pgh_diff, dict):
            e.pgh_diff = {k: [_shown(v) for v in pair] for k, pair in e.pgh_diff.items()}
    return events
