import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from township.models.base import TownshipScoped
from township.models.org import mobile_validator

from .choices import RequestStatus


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("Annual leave")
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    MARRIAGE = "marriage", _("Marriage leave")
    MATERNITY = "maternity", _("Maternity leave")
    PATERNITY = "paternity", _("Paternity leave")
    BEREAVEMENT = "bereavement", _("Bereavement leave")
    COMPENSATORY = "compensatory", _("Compensatory leave")


class HalfDay(models.TextChoices):
    FULL = "full", _("Whole days")
    AM = "am", _("Morning only")
    PM = "pm", _("Afternoon only")


# The half of the first and the last day a longer leave may take (R-LV-1).
START_HALVES = [(HalfDay.FULL.value, _("Whole day")), (HalfDay.PM.value, _("From the afternoon"))]
END_HALVES = [(HalfDay.FULL.value, _("Whole day")), (HalfDay.AM.value, _("Until noon"))]


@pghistory.track()
class LeaveRequest(TownshipScoped):
    """请销假 (R-LV-1): approved before it starts, reported back (销假) on return."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="leave_requests",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("type of leave"), max_length=20, choices=LeaveKind.choices)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    half_day = models.CharField(_("half day"), max_length=4, choices=HalfDay.choices, default=HalfDay.FULL)
    # A leave of several days may begin at noon and end at noon (Wednesday afternoon to Friday
    # is 2.5 days); a one-day leave says its half in half_day instead.
    start_half = models.CharField(_("first day"), max_length=4, choices=START_HALVES, default=HalfDay.FULL)
    end_half = models.CharField(_("last day"), max_length=4, choices=END_HALVES, default=HalfDay.FULL)
    days = models.DecimalField(_("working days"), max_digits=5, decimal_places=1)
    reason = models.CharField(_("reason"), max_length=300)
    destination = models.CharField(_("where you will be"), max_length=100, blank=True)
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
    returned_on = models.DateField(_("back at work on"), null=True, blank=True)
    days_used = models.DecimalField(_("days used"), max_digits=5, decimal_places=1, null=True, blank=True)
    reported_at = models.DateTimeField(_("reported back at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-start_date", "-pk"]
        indexes = [
            models.Index(fields=["township", "status", "start_date"]),
            models.Index(fields=["person", "start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="leave_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(half_day="full") | models.Q(end_date=models.F("start_date")),
                name="leave_half_day_is_one_day",
            ),
            models.CheckConstraint(
                condition=models.Q(start_half__in=["full", "pm"], end_half__in=["full", "am"])
                & (
                    models.Q(start_half="full", end_half="full")
                    | models.Q(end_date__gt=models.F("start_date"))
                ),
                name="leave_half_ends_are_of_a_longer_leave",
            ),
            models.CheckConstraint(condition=models.Q(days__gt=0), name="leave_has_days"),
            models.CheckConstraint(
                condition=models.Q(returned_on__isnull=True)
                | models.Q(returned_on__gte=models.F("start_date")),
                name="leave_return_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status=RequestStatus.REPORTED_BACK, returned_on__isnull=False)
                | (~models.Q(status=RequestStatus.REPORTED_BACK) & models.Q(returned_on__isnull=True)),
                name="leave_reported_back_has_return_date",
            ),
            models.CheckConstraint(
                condition=models.Q(days_used__isnull=True) | models.Q(days_used__lte=models.F("days")),
                name="leave_days_used_within_days",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.get_kind_display()} {self.start_date:%m-%d}~{self.end_date:%m-%d}"

    def get_absolute_url(self):
        return reverse("conduct:leave_detail", args=[self.pk])

    def halves_display(self) -> str:
        """The half days this leave takes, in words: a one-day leave's half, or a longer
        leave's first and last day ("From the afternoon / Until noon")."""
        if self.half_day != HalfDay.FULL:
            return str(self.get_half_day_display())
        if self.start_half == HalfDay.FULL and self.end_half == HalfDay.FULL:
            return str(HalfDay.FULL.label)
        return " / ".join(
            str(display)
            for half, display in (
                (self.start_half, self.get_start_half_display()),
                (self.end_half, self.get_end_half_display()),
            )
            if half != HalfDay.FULL
        )

    @property
    def charged_days(self):
        """Days that count against the balance: what was used once reported back."""
        return self.days_used if self.days_used is not None else self.days


class TripKind(models.TextChoices):
    STUDY = "study", _("Outbound study")
    INVESTMENT = "investment", _("Investment promotion")
    INSPECTION = "inspection", _("Inspection visit")
    BUSINESS = "business", _("Other official business")


@pghistory.track()
class TripRequest(TownshipScoped):
    """Trips and outbound study (R-TRIP-1, R-TRIP-2): principal-leader approval, the county's
    approval recorded where needed, a declaration against scenic-area visits and unrelated
    training, and a report after return."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="trip_requests",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind of trip"), max_length=20, choices=TripKind.choices)
    purpose = models.CharField(_("purpose"), max_length=300)
    destination = models.CharField(_("destination"), max_length=100)
    start_date = models.DateField(_("departure"))
    end_date = models.DateField(_("return"))
    budget = models.DecimalField(
        _("budget (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    companions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="trips_joined", verbose_name=_("companions")
    )
    outside_county = models.BooleanField(_("leaves the county (needs the county's approval)"), default=False)
    county_reference = models.CharField(_("county approval reference"), max_length=100, blank=True)
    county_scan = models.FileField(_("county approval scan"), upload_to="conduct/trips/", blank=True)
    declaration = models.BooleanField(
        _("No scenic-area visit, unrelated training, forum or seminar is included"), default=False
    )
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
    report = models.TextField(_("trip report"), blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trip request")
        verbose_name_plural = _("trip requests")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["township", "status", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="trip_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="trip_budget_not_negative"),
            # R-TRIP-1: the declaration is part of every trip on record.
            models.CheckConstraint(condition=models.Q(declaration=True), name="trip_declaration_made"),
            models.CheckConstraint(
                condition=models.Q(outside_county=False)
                | ~models.Q(county_reference="")
                | ~models.Q(county_scan=""),
                name="trip_county_approval_recorded",
            ),
            models.CheckConstraint(
                condition=models.Q(report_submitted_at__isnull=True) | ~models.Q(report=""),
                name="trip_report_has_text",
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.destination} {self.start_date:%m-%d}~{self.end_date:%m-%d}"

    def get_absolute_url(self):
        return reverse("conduct:trip_detail", args=[self.pk])


@pghistory.track()
class LeavingRegistration(TownshipScoped):
    """离镇报备 (R-LV-5): leaving the township, on rest days as well as working days."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="leaving_registrations",
        verbose_name=_("person"),
    )
    destination = models.CharField(_("destination"), max_length=100)
    start_date = models.DateField(_("leaving on"))
    end_date = models.DateField(_("back on"))
    phone = models.CharField(_("reachable phone"), max_length=11, validators=[mobile_validator])
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("leaving-the-township registration")
        verbose_name_plural = _("leaving-the-township registrations")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="registration_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.destination} {self.start_date:%m-%d}~{self.end_date:%m-%d}"

    def get_absolute_url(self):
        return reverse("conduct:registration_list")
