import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from township.messages import render_text

from .base import TownshipScoped


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    CANCELLED = "cancelled", _("Withdrawn")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for an earlier step")
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    SKIPPED = "skipped", _("Not needed")


FINAL_REQUEST = [
    ApprovalStatus.APPROVED,
    ApprovalStatus.REJECTED,
    ApprovalStatus.RETURNED,
    ApprovalStatus.CANCELLED,
]
FINAL_STEP = [StepStatus.APPROVED, StepStatus.REJECTED, StepStatus.RETURNED, StepStatus.SKIPPED]


@pghistory.track()
class ApprovalRequest(TownshipScoped):
    """One "submit -> route -> decide" request of any app (leave, trip, meeting, reception, expense,
    petition extension ...).  The app's record is the target; the kind (township.approvals) says
    how it is routed and what a decision does to the target."""

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # As submitted, in the language active then (search, rows older than ``summary_message``);
    # pages show ``summary_text``.
    summary = models.CharField(_("summary"), max_length=300)
    summary_message = models.JSONField(_("summary message"), null=True, blank=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_requests",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    current_step = models.PositiveSmallIntegerField(_("current step"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["township", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=ApprovalStatus.PENDING, decided_at__isnull=True)
                | (~models.Q(status=ApprovalStatus.PENDING) & models.Q(decided_at__isnull=False)),
                name="approval_decided_at_matches_status",
            ),
        ]
        triggers = [
            # Decisions are final: a decided request can never change again.
            pgtrigger.Protect(
                name="approval_request_final",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__status__in=FINAL_REQUEST),
            ),
        ]

    def __str__(self):
        return self.summary_text

    def get_absolute_url(self):
        return reverse("approval_detail", args=[self.pk])

    @property
    def summary_text(self) -> str:
        """The summary in the reader's language."""
        return render_text(self.summary_message, self.summary)


@pghistory.track()
class ApprovalStep(models.Model):
    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="steps", verbose_name=_("request")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("step"), max_length=100)
    candidates = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="approval_steps", verbose_name=_("approvers")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.WAITING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    handover_comment = models.CharField(_("handover note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "order"]
        constraints = [
            models.UniqueConstraint(fields=["request", "order"], name="approval_step_unique_order"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="approval_step_final",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__status__in=FINAL_STEP),
            ),
        ]

    def __str__(self):
        return f"{self.request} #{self.order}"
