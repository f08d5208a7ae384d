import datetime as dt

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .security import ChainedRow


class RoleGrant(ChainedRow):
    """One role given to or taken from a person: who did it and when (issue 14).  Written by
    township.security for every change of a person's groups, whatever the door (the admin, the
    roster import, the shell); never changed (a trigger refuses it), chained (township.audit) and
    deleted only by the retention task past AUDIT_RETENTION_DAYS.  The person is
    protected: people with a role history are deactivated, not deleted."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("granted")
        REVOKED = "revoked", _("revoked")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="role_grants",
        verbose_name=_("person"),
    )
    # The group's name (a Role code), kept as text so the record outlives the group.
    role = models.CharField(_("role"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the change was made by the system (installation, data migration)."),
    )
    # The person's township at the time (scoping; empty for county-level people).
    township = models.ForeignKey(
        "township.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["-at", "-pk"]
        triggers = [
            pgtrigger.Protect(name="role_grant_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.person} {self.get_action_display()} {self.role_label}"

    def audit_content(self) -> dict:
        return {
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "person": self.person_id,
            "role": self.role,
            "action": self.action,
            "actor": self.actor_id,
            "township": self.township_id,
        }

    @property
    def role_label(self) -> str:
        from .org import Role

        return str(Role(self.role).label) if self.role in Role.values else self.role
