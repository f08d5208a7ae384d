import pghistory
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .base import TownshipScoped


class OfflineStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    REFUSED = "refused", _("Refused")
    DISCARDED = "discarded", _("Discarded")


@pghistory.track()
class OfflineRecord(TownshipScoped):
    """A record made on a phone without signal and received later (issue 18): one row per client
    id and person, whatever how often the phone sends it, so a record sent twice is saved once.

    ``taken_at`` is the phone's clock when the record was made, ``received_at`` the server's when
    it arrived; ``taken_offline`` says the phone had no connection then.  A sent record links the
    object the app's own service saved; a refused one keeps what the service said, in each
    language (``refusal_texts``) and the rule it named, plus the fields sent (``payload``, no
    files), so the person can correct or discard it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="offline_records",
        verbose_name=_("person"),
    )
    client_id = models.UUIDField(_("record id on the phone"))
    kind = models.CharField(_("kind"), max_length=30)
    taken_at = models.DateTimeField(_("taken at (phone's clock)"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    taken_offline = models.BooleanField(_("taken without a connection"), default=True)
    batch = models.UUIDField(_("sending"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=OfflineStatus.choices)
    refusal_rule = models.CharField(_("rule"), max_length=20, blank=True)
    refusal_texts = models.JSONField(_("refusal"), default=dict, blank=True, editable=False)
    payload = models.JSONField(_("fields sent"), default=dict, blank=True, editable=False)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")

    class Meta:
        verbose_name = _("offline record")
        verbose_name_plural = _("offline records")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "client_id"], name="offline_record_once_per_client_id"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(target_id__isnull=False),
                name="offline_record_sent_has_target",
            ),
            models.CheckConstraint(
                condition=Q(status="sent") | ~Q(refusal_texts={}),
                name="offline_record_refused_says_why",
            ),
        ]
        indexes = [models.Index(fields=["person", "-received_at"])]

    def __str__(self):
        return f"{self.kind} {self.client_id}"

    @property
    def refusal_text(self) -> str:
        """What the service said, in the reader's language (else the default language's)."""
        texts = self.refusal_texts or {}
        return (
            texts.get(translation.get_language() or "", "")
            or texts.get(settings.LANGUAGE_CODE, "")
            or next(iter(texts.values()), "")
        )
