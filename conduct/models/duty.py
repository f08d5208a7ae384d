import pghistory
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from township.models.base import TownshipScoped

from .choices import RequestStatus


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


@pghistory.track()
class DutyRoster(TownshipScoped):
    """R-DUTY-1: a month's office duty roster; every day of the month has a shift."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(
        _("status"), max_length=20, choices=RosterStatus.choices, default=RosterStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["township", "month"], name="roster_one_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="roster_month_is_first_day"),
            models.CheckConstraint(
                condition=models.Q(status=RosterStatus.DRAFT) | models.Q(published_at__isnull=False),
                name="roster_published_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("conduct:roster") + f"?month={self.month:%Y-%m}"


@pghistory.track()
class DutyShift(TownshipScoped):
    roster = models.ForeignKey(
        DutyRoster, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("roster")
    )
    date = models.DateField(_("date"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="duty_shifts",
        verbose_name=_("on duty"),
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["roster", "date"], name="shift_one_per_day")]
        indexes = [models.Index(fields=["township", "date"])]

    def __str__(self):
        return f"{self.date} {self.person}"


@pghistory.track()
class DutySwap(TownshipScoped):
    """A swap of a published shift, approved by the head of the requester's department."""

    shift = models.ForeignKey(
        DutyShift, on_delete=models.CASCADE, related_name="swaps", verbose_name=_("shift")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    to_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("take over by")
    )
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    approval = models.ForeignKey(
        "township.ApprovalRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty swap")
        verbose_name_plural = _("duty swaps")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("to_person")), name="swap_to_someone_else"
            ),
            models.UniqueConstraint(
                fields=["shift"], condition=models.Q(status="pending"), name="swap_one_pending_per_shift"
            ),
        ]

    def __str__(self):
        return f"{self.shift}: {self.requester} → {self.to_person}"

    def get_absolute_url(self):
        return reverse("conduct:roster") + f"?month={self.shift.date:%Y-%m}"
