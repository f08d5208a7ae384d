"""Sessions and security logging (OWASP ASVS level 2, V3 sessions and V7 logging).

- ``sessions_end(user=...)``: ends every session of a person (administrators: the admin action
  "End sessions" and the button on the person's page); deactivating a person ends them too
  (signal in township.signals).
- ``SecurityLogMiddleware``: every refused request of a signed-in person (403, and the 404 that
  scoping answers for records out of reach) is logged to "township.security" with who, what and
  the status; logins, logouts and failed logins are logged by township.signals.
- ``TownshipAxesHandler``: django-axes' lockout by username and IP, plus lockout by IP alone
  across usernames (password spraying).
- ``check_secret_key``: `check --deploy` fails on a published secret key.
- Role grants: every change of a person's groups, whatever the door, writes a RoleGrant row
  (granted/revoked, by whom, when); ``acting_as(user)`` names the actor where no request does.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.checks import Error, Tags, register
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone

log = logging.getLogger("township.security")


@register(Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs):
    """A secret key anyone can read (the default of settings.py, the example of .env.example)
    lets anyone forge sessions and password-reset links."""
    if settings.SECRET_KEY in getattr(settings, "PUBLIC_SECRET_KEYS", ()):
        return [
            Error(
                "SECRET_KEY is a published default.",
                hint="Set DJANGO_SECRET_KEY to 50 or more random characters.",
                id="township.E001",
            )
        ]
    return []


class TownshipAxesHandler(AxesDatabaseHandler):
    """axes' database handler (lockout by username and IP together, AXES_FAILURE_LIMIT), plus a
    lockout by IP alone: AXES_IP_FAILURE_LIMIT failures from one IP, whatever the usernames,
    within AXES_IP_FAILURE_WINDOW.  axes compares all its lockout parameters with one limit,
    hence this second, higher one here; it counts axes' own failure log
    (AXES_ENABLE_ACCESS_FAILURE_LOG), so the window slides: the IP opens again once its oldest
    failures age out.  A successful login does not reset it (a sprayer who guesses one password
    keeps the lock)."""

    @staticmethod
    def ip_failures(request) -> int:
        from axes.models import AccessFailureLog

        ip = getattr(request, "axes_ip_address", None)
        if not ip:
            return 0
        since = timezone.now() - settings.AXES_IP_FAILURE_WINDOW
        return AccessFailureLog.objects.filter(ip_address=ip, attempt_time__gte=since).count()

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return (
            settings.AXES_LOCK_OUT_AT_FAILURE and self.ip_failures(request) >= settings.AXES_IP_FAILURE_LIMIT
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        failures = self.ip_failures(request)
        if settings.AXES_LOCK_OUT_AT_FAILURE and failures >= settings.AXES_IP_FAILURE_LIMIT:
            from axes.helpers import get_client_username
            from axes.signals import user_locked_out

            log.warning("ip locked out ip=%s failures=%d", request.axes_ip_address, failures)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )


def user_session_keys(user) -> list[str]:
    """Keys of the unexpired sessions signed in as ``user`` (database sessions)."""
    uid = str(user.pk)
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == uid:
            keys.append(session.session_key)
    return keys


SIGNED_IN = "township_signed_in"  # in the session: when, from which address and browser


def session_mark(request) -> None:
    """At sign-in: what the person's session list shows of this session."""
    request.session[SIGNED_IN] = {
        "at": timezone.now().isoformat(),
        "ip": request.META.get("REMOTE_ADDR") or "",
        "agent": (request.META.get("HTTP_USER_AGENT") or "")[:200],
    }


def user_sessions(user, *, current_key: str | None = None) -> list[dict]:
    """The unexpired sessions of ``user``, newest sign-in first: when and from where each was
    opened, when it expires, and whether it is the one asking (``current_key``)."""
    uid, rows = str(user.pk), []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if str(data.get("_auth_user_id")) != uid:
            continue
        mark = data.get(SIGNED_IN) or {}
        at = mark.get("at")
        rows.append(
            {
                "signed_in_at": dt.datetime.fromisoformat(at) if at else None,
                "ip": mark.get("ip", ""),
                "agent": mark.get("agent", ""),
                "expires": session.expire_date,
                "current": session.session_key == current_key,
            }
        )
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(rows, key=lambda r: r["signed_in_at"] or oldest, reverse=True)


def sessions_end(*, user, actor=None, keep: str | None = None) -> int:
    """Sign ``user`` out everywhere (but the session ``keep``: a person signing their other
    devices out); returns how many sessions were ended."""
    keys = [k for k in user_session_keys(user) if k != keep]
    Session.objects.filter(session_key__in=keys).delete()
    from township.audit import security_event_record

    security_event_record(
        kind="sessions_ended",
        user=user,
        count=len(keys),
        by=getattr(actor, "username", "system"),
    )
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
            from township.audit import security_event_record

            security_event_record(
                kind="refused", user=user if signed_in else None, request=request, status=status
            )
        return response


# --- role grants ---------------------------------------------------------------------------------

_actor: contextvars.ContextVar = contextvars.ContextVar("role_grant_actor", default=None)


@contextlib.contextmanager
def acting_as(user):
    """Role changes made inside are recorded as made by ``user``."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def _current_actor_id():
    actor = _actor.get()
    if actor is not None:
        return actor.pk
    # A request: pghistory's middleware has put the signed-in user in its context.
    from pghistory import runtime

    value = getattr(runtime._tracker, "value", None)
    user = value.metadata.get("user") if value is not None else None
    return user if isinstance(user, int) else None


@receiver(m2m_changed, sender="township.User_groups", dispatch_uid="township.role_separation")
def role_separation_guard(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Separation of the three administrators, whatever the door (the admin and the roster import
    check it first through township.roles.person_roles_set, with a message on the field): adding
    a group that would give one person two of the three raises ValidationError before anything
    is written."""
    if action != "pre_add" or not pk_set:
        return
    from django.contrib.auth.models import Group

    from township.models import User
    from township.roles import separation_check

    if reverse:  # group.user_set.add(people)
        for person in User.objects.filter(pk__in=pk_set):
            separation_check({instance.name, *person.groups.values_list("name", flat=True)})
    else:
        adding = Group.objects.filter(pk__in=pk_set).values_list("name", flat=True)
        separation_check({*adding, *instance.groups.values_list("name", flat=True)})


# The auto-created through model of User.groups, named lazily (ModelSignal resolves it).
@receiver(m2m_changed, sender="township.User_groups", dispatch_uid="township.role_grants")
def role_grants_record(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Write a RoleGrant for each role added to or removed from a person (m2m_changed of
    User.groups, either side).  ``clear()`` is read before it happens (pre_clear)."""
    from django.contrib.auth.models import Group

    from township.models import RoleGrant, User

    if action == "pre_clear":
        if reverse:
            instance._clearing_people = set(instance.user_set.values_list("pk", flat=True))
        else:
            instance._clearing_groups = set(instance.groups.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_clearing_people" if reverse else "_clearing_groups", set())
    if not pk_set:
        return
    kind = RoleGrant.Action.GRANTED if action == "post_add" else RoleGrant.Action.REVOKED
    if reverse:  # group.user_set.add(...)
        pairs = [(p, instance.name) for p in User.objects.filter(pk__in=pk_set).only("pk", "township_id")]
    else:
        pairs = [
            (instance, name) for name in Group.objects.filter(pk__in=pk_set).values_list("name", flat=True)
        ]
    actor_id = _current_actor_id()
    now = timezone.now()
    from township.audit import chain_append

    chain_append(
        "role_grants",
        [
            RoleGrant(person=p, role=name, action=kind, actor_id=actor_id, township_id=p.township_id, at=now)
            for p, name in sorted(pairs, key=lambda x: (x[0].pk, x[1]))
        ],
    )
    for p, name in pairs:
        log.info("role %s person=%s role=%s by=%s", kind, p.pk, name, actor_id)
