import datetime as dt

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PasswordHistory(models.Model):
    """The hash of a password a person had (issue 14: no reuse of the last
    PASSWORD_HISTORY_COUNT).  Written by township.passwords.PasswordHistoryValidator whenever a
    password is set and saved (the password change page, the admin, the shell); only the newest
    rows are kept."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name=_("person"),
    )
    password = models.CharField(_("password hash"), max_length=128)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "-at"], name="password_history_person_at")]

    def __str__(self):
        return f"{self.person_id} {self.at:%Y-%m-%d}"


class ChainedRow(models.Model):
    """A row of a tamper-evident chain (township.audit): ``row_hash`` is the SHA-256 of the
    previous row's hash and this row's canonical content (``audit_content()``), so changing,
    removing or inserting a row behind the application's back breaks the chain at that row
    (``manage.py audit_verify``)."""

    prev_hash = models.CharField(_("previous row's hash"), max_length=64, editable=False, default="")
    row_hash = models.CharField(_("hash"), max_length=64, editable=False, default="")

    class Meta:
        abstract = True

    def audit_content(self) -> dict:
        raise NotImplementedError


class SecurityEvent(ChainedRow):
    """One entry of the security log (等保 2.0 audit; issue 14): sign-ins, failed sign-ins,
    lockouts, refused requests, password changes, ended sessions.  Written only by
    township.audit.security_event_record, chained, append-only (a trigger refuses UPDATE and
    DELETE; the retention task lifts it for rows past AUDIT_RETENTION_DAYS).  People and
    townships are kept as plain ids and a name, so the log outlives them."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGOUT = "logout", _("signed out")
        LOGIN_FAILED = "login_failed", _("failed sign-in")
        LOCKOUT = "lockout", _("locked out")
        REFUSED = "refused", _("request refused")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        SESSIONS_ENDED = "sessions_ended", _("sessions ended")
        # Every add, change and delete made in the admin (township.signals, from its LogEntry):
        # what the three administrators do is in the log the security auditor reads.
        ADMIN_ADDED = "admin_added", _("added in the admin")
        ADMIN_CHANGED = "admin_changed", _("changed in the admin")
        ADMIN_DELETED = "admin_deleted", _("deleted in the admin")
        EXPORTED = "exported", _("audit log exported")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    person_id = models.BigIntegerField(_("person id"), null=True, blank=True)
    username = models.CharField(_("user name"), max_length=150, blank=True)
    township_id = models.BigIntegerField(_("township id"), null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-pk"]
        triggers = [
            pgtrigger.Protect(
                name="security_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    @property
    def text(self) -> str:
        """The stored message of the event (an admin action), in the reader's language."""
        from township.messages import render_text

        return render_text(self.detail.get("message") if isinstance(self.detail, dict) else None, "")

    def audit_content(self) -> dict:
        return {
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "kind": self.kind,
            "person": self.person_id,
            "username": self.username,
            "township": self.township_id,
            "ip": self.ip,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "detail": self.detail,
        }


class AuditAnchor(models.Model):
    """Where a chain starts after the retention task pruned its oldest rows: the hash of the
    last pruned row, which the oldest kept row's ``prev_hash`` must equal."""

    chain = models.CharField(_("chain"), max_length=40, primary_key=True)
    row_hash = models.CharField(_("hash of the last pruned row"), max_length=64)
    pruned_before = models.DateTimeField(_("rows pruned before"))
    rows_pruned = models.PositiveIntegerField(_("rows pruned"), default=0)

    class Meta:
        verbose_name = _("audit chain anchor")
        verbose_name_plural = _("audit chain anchors")

    def __str__(self):
        return self.chain
