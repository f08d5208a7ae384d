"""Passwords as the security baseline asks (等保 2.0 level 3; issue 14).

- Hashing: Argon2id first in PASSWORD_HASHERS; Django rehashes an older (PBKDF2) hash with it at
  the next successful login (``check_password``'s setter), without counting that as a change.
- ``ComplexityValidator``: letters and digits, and a symbol or both capital and small letters
  (with MinimumLengthValidator at 10 in AUTH_PASSWORD_VALIDATORS).
- ``PasswordHistoryValidator``: none of the last PASSWORD_HISTORY_COUNT passwords again.  Its
  ``password_changed`` hook, which Django calls whenever a password is set and the person saved
  (the password change page, the admin, the shell), writes the PasswordHistory row.
- ``PasswordPolicyMiddleware``: a person whose password an administrator set
  (``User.must_change_password``) or whose password is older than PASSWORD_MAX_AGE_DAYS
  (0 = never) is sent to the password change page until it is changed; logging out, the
  language switch and static files stay open.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

HISTORY_COUNT_DEFAULT = 5


class ComplexityValidator:
    """Letters and digits, and a symbol or both capital and small letters."""

    def validate(self, password, user=None):
        has_letter = bool(re.search(r"[^\W\d_]", password))
        has_digit = bool(re.search(r"\d", password))
        has_symbol = bool(re.search(r"[^\w\s]|_", password))
        mixed_case = password != password.lower() and password != password.upper()
        if not (has_letter and has_digit and (has_symbol or mixed_case)):
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "The password must contain letters and digits, and a symbol or both capital and small letters."
        )


def history_count() -> int:
    return getattr(settings, "PASSWORD_HISTORY_COUNT", HISTORY_COUNT_DEFAULT)


class PasswordHistoryValidator:
    """No reuse of the last ``history_count()`` passwords (the current one among them)."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from township.models import PasswordHistory, User

        hashes = list(
            PasswordHistory.objects.filter(person_id=user.pk).values_list("password", flat=True)[
                : history_count()
            ]
        )
        # The stored current hash too (a password set before the history existed).
        current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        if current:
            hashes.append(current)
        if any(check_password(password, h) for h in hashes):
            raise ValidationError(
                _("This password was used recently; choose one not among your last %(count)d.")
                % {"count": history_count()},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from township.models import PasswordHistory

        PasswordHistory.objects.create(person_id=user.pk, password=user.password)
        keep = PasswordHistory.objects.filter(person_id=user.pk).values_list("pk", flat=True)[
            : history_count()
        ]
        PasswordHistory.objects.filter(person_id=user.pk).exclude(pk__in=list(keep)).delete()
        from township.audit import security_event_record
        from township.security import _current_actor_id

        security_event_record(kind="password_changed", user=user, by=_current_actor_id())

    def get_help_text(self):
        return _("Your password cannot be one of your last %(count)d passwords.") % {"count": history_count()}


def password_expired(user, *, now=None) -> bool:
    days = getattr(settings, "PASSWORD_MAX_AGE_DAYS", 90)
    if not days or user.password_changed_at is None:
        return False
    return (now or timezone.now()) - user.password_changed_at > dt.timedelta(days=days)


def password_change_due(user) -> bool:
    return bool(user.is_authenticated and (user.must_change_password or password_expired(user)))


class PasswordPolicyMiddleware:
    """Send a person who must change their password to the change page first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and password_change_due(user) and not self._open(request.path):
            if user.must_change_password:
                messages.warning(request, _("An administrator set your password: choose your own now."))
            else:
                messages.warning(request, _("Your password has expired: choose a new one."))
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        open_paths = (
            reverse("password_change"),
            reverse("password_change_done"),
            reverse("logout"),
            reverse("login"),
            "/i18n/",
            settings.STATIC_URL,
            "/healthz",
        )
        return path.startswith(open_paths)
