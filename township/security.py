"""Sessions and security logging (OWASP ASVS level 2, V3 sessions and V7 logging).

- ``sessions_end(user=...)``: ends every session of a person (administrators: the admin action
  "End sessions" and the button on the person's page); deactivating a person ends them too
  (signal in township.signals).
- ``SecurityLogMiddleware``: every refused request of a signed-in person (403, and the 404 that
  scoping answers for records out of reach) is logged to "township.security" with who, what and
  the status; logins, logouts and failed logins are logged by township.signals.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.models import Session
from django.utils import timezone

log = logging.getLogger("township.security")


def user_session_keys(user) -> list[str]:
    """Keys of the unexpired sessions signed in as ``user`` (database sessions)."""
    uid = str(user.pk)
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == uid:
            keys.append(session.session_key)
    return keys


def sessions_end(*, user, actor=None) -> int:
    """Sign ``user`` out everywhere; returns how many sessions were ended."""
    keys = user_session_keys(user)
    Session.objects.filter(session_key__in=keys).delete()
    log.warning(
        "sessions ended user=%s count=%d by=%s",
        user.username,
        len(keys),
        getattr(actor, "username", "system"),
    )
    return len(keys)


class SecurityLogMiddleware:
    """Log failed authorisations: 403 always, 404 for a signed-in person (out of scope looks like
    missing on purpose, so the log is where the two are told apart), 400 for refused input."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        user = getattr(request, "user", None)
        signed_in = bool(user and user.is_authenticated)
        if status == 403 or (status == 404 and signed_in) or status == 400:
            log.warning(
                "denied status=%s user=%s method=%s path=%s ip=%s",
                status,
                user.username if signed_in else "-",
                request.method,
                request.path,
                request.META.get("REMOTE_ADDR"),
            )
        return response
