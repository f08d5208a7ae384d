import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from township.models.base import TownshipScoped

from .choices import RequestStatus


class PunchSource(models.TextChoices):
    BROWSER = "browser", _("Browser")
    DEVICE = "device", _("Attendance machine")
    CORRECTION = "correction", _("Approved correction")


class PunchDirection(models.TextChoices):
    IN = "in", _("Clock in")
    OUT = "out", _("Clock out")


# Punches are immutable (R-ATT-4): the trigger below refuses every UPDATE and DELETE, so the row
# itself is its history.  pghistory tracks updates only, which the trigger makes impossible; an
# insert event per punch would double the cost of importing a year of machine files.
@pghistory.track(pghistory.UpdateEvent("punch.update"))
class Punch(TownshipScoped):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="punches", verbose_name=_("person")
    )
    at = models.DateTimeField(_("time"))
    source = models.CharField(_("source"), max_length=20, choices=PunchSource.choices)
    device = models.CharField(_("device"), max_length=60, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the office (m)"), null=True, blank=True)
    outside_radius = models.BooleanField(_("outside the office radius"), default=False)
    correction = models.OneToOneField(
        "conduct.PunchCorrection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="punch",
        verbose_name=_("correction"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("punch")
        verbose_name_plural = _("punches")
        ordering = ["-at"]
        indexes = [models.Index(fields=["township", "at"])]
        constraints = [
            # Re-importing a machine file adds nothing: one punch per person and instant.
            models.UniqueConstraint(fields=["person", "at"], name="punch_unique_person_time"),
            models.CheckConstraint(
                condition=models.Q(source=PunchSource.CORRECTION, correction__isnull=False)
                | (~models.Q(source=PunchSource.CORRECTION) & models.Q(correction__isnull=True)),
                name="punch_correction_iff_source",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="punch_position_complete",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="punch_never_edited", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.person} {self.at:%Y-%m-%d %H:%M}"


class DayStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EARLY = "early", _("Left early")
    LATE_EARLY = "late_early", _("Late and left early")
    ABSENT = "absent", _("Absent")
    # One punch where two were due (缺卡): not a late arrival or early departure measured
    # against itself; the person is prompted to ask for a correction (R-ATT-4).
    MISSING_PUNCH = "missing_punch", _("Missing punch")
    LEAVE = "leave", _("On leave")
    TRIP = "trip", _("On a trip")
    FIELD = "field", _("In the villages")
    REST = "rest", _("Rest day")
    HOLIDAY = "holiday", _("Public holiday")


# CSS class of each status on the calendars and sheets (static/css/app.css).
STATUS_CSS = {
    DayStatus.PRESENT: "status-present",
    DayStatus.LATE: "status-late",
    DayStatus.EARLY: "status-late",
    DayStatus.LATE_EARLY: "status-late",
    DayStatus.ABSENT: "status-absent",
    DayStatus.MISSING_PUNCH: "status-missing",
    DayStatus.LEAVE: "status-leave",
    DayStatus.TRIP: "status-leave",
    DayStatus.FIELD: "status-field",
    DayStatus.REST: "status-rest",
    DayStatus.HOLIDAY: "status-rest",
}


class AttendanceDay(TownshipScoped):
    """One status per person and day, derived from punches, leave, trips and field days.

    Derived data, recomputed set-based by ``attendance_compute_day`` (nightly, and again when a
    leave or trip approved afterwards covers past days), so it is not tracked by pghistory: its
    sources are."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attendance_days",
        verbose_name=_("person"),
    )
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=DayStatus.choices)
    first_punch = models.DateTimeField(_("first punch"), null=True, blank=True)
    last_punch = models.DateTimeField(_("last punch"), null=True, blank=True)
    punches = models.PositiveSmallIntegerField(_("punches"), default=0)
    late_minutes = models.PositiveIntegerField(_("minutes late"), default=0)
    early_minutes = models.PositiveIntegerField(_("minutes early"), default=0)
    leave_days = models.DecimalField(_("leave days"), max_digits=3, decimal_places=1, default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("attendance day")
        verbose_name_plural = _("attendance days")
        ordering = ["date", "person"]
        indexes = [models.Index(fields=["township", "date"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="attendance_day_unique"),
            models.CheckConstraint(
                condition=models.Q(first_punch__isnull=True)
                | models.Q(last_punch__gte=models.F("first_punch")),
                name="attendance_day_punch_order",
            ),
            models.CheckConstraint(
                condition=models.Q(leave_days__gte=0, leave_days__lte=1), name="attendance_day_leave_range"
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.date}: {self.get_status_display()}"

    @property
    def css(self) -> str:
        return STATUS_CSS.get(self.status, "")


@pghistory.track()
class PunchCorrection(TownshipScoped):
    """补卡: a missed punch, added only when the request is approved (R-ATT-4)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="punch_corrections",
        verbose_name=_("person"),
    )
    date = models.DateField(_("date"))
    direction = models.CharField(_("missed punch"), max_length=5, choices=PunchDirection.choices)
    time = models.TimeField(_("time"))
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
        verbose_name = _("punch correction")
        verbose_name_plural = _("punch corrections")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="correction_has_reason"),
            models.UniqueConstraint(
                fields=["person", "date", "direction"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="correction_one_open_per_punch",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.date} {self.get_direction_display()}"

    def get_absolute_url(self):
        return reverse("conduct:correction_list")
