from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.messages import render_text


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # As sent, in the language active then (search, rows older than ``message``); pages and the
    # email show ``display_text``.
    text = models.CharField(_("text"), max_length=300)
    message = models.JSONField(_("message"), null=True, blank=True, editable=False)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.display_text

    @property
    def display_text(self) -> str:
        """The notification in the reader's language (``text`` is the stored field's name)."""
        return render_text(self.message, self.text)
