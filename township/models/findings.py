import pghistory
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.messages import render_text

from .base import TownshipScoped


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed as a violation")
    DISMISSED = "dismissed", _("Dismissed")


@pghistory.track()
class Finding(TownshipScoped):
    """A FLAG rule's hit (RULES.md): inspectors see it, appraisal counts it.  One row per rule,
    subject and date, however often the job that raises it runs."""

    rule_id = models.CharField(_("rule"), max_length=20, db_index=True)
    on_date = models.DateField(_("date"), db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("person"),
    )
    department = models.ForeignKey(
        "township.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("department"),
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    subject_key = models.CharField(
        max_length=80, help_text="What the finding is about, for idempotency (model:pk or a key)."
    )
    # The text as raised, in the language active then (search, the admin, rows older than
    # ``message``); pages show ``text``.
    detail = models.CharField(_("detail"), max_length=500)
    message = models.JSONField(_("message"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)
    # Set when the system resolves a finding ("Recomputed: ..."); an inspector's words stay as typed.
    resolution_message = models.JSONField(_("resolution message"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("compliance finding")
        verbose_name_plural = _("compliance findings")
        ordering = ["-on_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "rule_id", "subject_key", "on_date"],
                name="finding_unique_per_rule_subject_date",
            ),
        ]
        indexes = [models.Index(fields=["township", "status", "rule_id"])]

    def __str__(self):
        return f"{self.rule_id} {self.on_date}: {self.text}"

    @property
    def text(self) -> str:
        """What the finding says, in the reader's language."""
        return render_text(self.message, self.detail)

    @property
    def resolution_text(self) -> str:
        return render_text(self.resolution_message, self.resolution)


@pghistory.track()
class RuleOverride(TownshipScoped):
    """A BLOCK rule set aside by a user with the right role, with a written reason."""

    rule_id = models.CharField(_("rule"), max_length=20, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("overridden by")
    )
    reason = models.TextField(_("reason"))
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # What the rule said as written then (the admin, rows older than ``stored_message``); pages
    # show ``text``, in the reader's language.
    message = models.CharField(_("what the rule said"), max_length=500)
    stored_message = models.JSONField(
        _("what the rule said (message)"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rule override")
        verbose_name_plural = _("rule overrides")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="override_has_reason"),
        ]

    def __str__(self):
        return f"{self.rule_id}: {self.reason}"

    @property
    def text(self) -> str:
        """What the rule said, in the reader's language."""
        return render_text(self.stored_message, self.message)
