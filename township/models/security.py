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
