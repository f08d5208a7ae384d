"""Field work in the villages: visits and their follow-ups, research topics and reports, the poor
households register with its pairings and assistance records (R-FLD-1..7).

Every domain model inherits township.models.TownshipScoped and is tracked by django-pghistory."""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from township.models import TownshipScoped

FULL_DAY = Decimal("1")
HALF_DAY = Decimal("0.5")


class DayPart(models.TextChoices):
    FULL = "full", _("Full day")
    MORNING = "am", _("Morning (half day)")
    AFTERNOON = "pm", _("Afternoon (half day)")


class Purpose(models.TextChoices):
    """R-FLD-7: research combined with petition visits; a visit may serve several purposes."""

    RESEARCH = "research", _("Research")
    PETITION_DOWNWARD = "petition_down", _("Visiting petitioners at home (下访)")
    PETITION_APPOINTED = "petition_appointed", _("Appointed petition meeting (约访)")
    PETITION_RECEPTION = "petition_reception", _("Receiving petitioners (接访)")
    POVERTY = "poverty", _("Poverty assistance")
    POLICY = "policy", _("Policy promotion")
    MEDIATION = "mediation", _("Dispute mediation")


class Transport(models.TextChoices):
    """How the cadre went (R-FLD-4 is checked on fuel claims by the expenses app)."""

    BUS = "bus", _("Bus")
    FOOT = "foot", _("On foot")
    BICYCLE = "bicycle", _("Bicycle")
    OFFICIAL_VEHICLE = "official_vehicle", _("Official vehicle")
    PRIVATE_CAR = "private_car", _("Private car")


PUBLIC_TRANSPORT = (Transport.BUS, Transport.FOOT, Transport.BICYCLE)


class Meal(models.TextChoices):
    NONE = "none", _("No meal")
    WORKING = "working", _("Working meal")
    PAID = "paid", _("Meal paid for by myself")


@pghistory.track()
class VillageVisit(TownshipScoped):
    """One cadre's half or full day in a village (下村).  A person has at most one visit per half
    day: the two partial unique constraints make a full day and either half of the same date
    collide, so the days of a date never add up to more than one."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="village_visits",
        verbose_name=_("cadre"),
    )
    village = models.ForeignKey(
        "township.Village", on_delete=models.PROTECT, related_name="visits", verbose_name=_("village")
    )
    date = models.DateField(_("date"))
    part = models.CharField(
        _("half or full day"), max_length=4, choices=DayPart.choices, default=DayPart.FULL
    )
    days = models.DecimalField(_("days"), max_digits=2, decimal_places=1, editable=False)
    purposes = ArrayField(
        models.CharField(max_length=24, choices=Purpose.choices), verbose_name=_("purposes"), default=list
    )
    transport = models.CharField(_("transport"), max_length=20, choices=Transport.choices)
    vehicle_use_ref = models.CharField(
        _("vehicle use record"),
        max_length=60,
        blank=True,
        help_text=_("The number of the official vehicle's use record (用车登记)."),
    )
    meal = models.CharField(_("meals"), max_length=10, choices=Meal.choices, default=Meal.NONE)
    meal_fee = models.DecimalField(
        _("meal fee paid (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    # R-FLD-5: the cadre's declaration; a record that says otherwise is refused.
    no_alcohol = models.BooleanField(_("no alcohol was drunk"), default=True)
    no_cigarettes = models.BooleanField(_("no cigarettes were accepted"), default=True)
    no_special_dishes = models.BooleanField(_("no special dishes were cooked"), default=True)
    people_met = models.TextField(_("people met"), blank=True)
    summary = models.TextField(_("what was done"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("village visit")
        verbose_name_plural = _("village visits")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["township", "date"]),
            models.Index(fields=["person", "date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "date"],
                condition=models.Q(part__in=["full", "am"]),
                name="visit_one_per_morning",
            ),
            models.UniqueConstraint(
                fields=["person", "date"],
                condition=models.Q(part__in=["full", "pm"]),
                name="visit_one_per_afternoon",
            ),
            models.CheckConstraint(
                condition=models.Q(part="full", days=FULL_DAY)
                | models.Q(part__in=["am", "pm"], days=HALF_DAY),
                name="visit_days_match_part",
            ),
            # R-FLD-5
            models.CheckConstraint(
                condition=models.Q(no_alcohol=True, no_cigarettes=True, no_special_dishes=True),
                name="visit_meal_declaration_clean",
            ),
            # R-FLD-7: a visit records at least one purpose.
            models.CheckConstraint(condition=~models.Q(purposes=[]), name="visit_has_purpose"),
            models.CheckConstraint(
                condition=~models.Q(transport="official_vehicle") | ~models.Q(vehicle_use_ref=""),
                name="visit_official_vehicle_has_use_record",
            ),
            models.CheckConstraint(
                condition=models.Q(meal_fee__isnull=True) | models.Q(meal_fee__gte=0),
                name="visit_meal_fee_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.village} {self.date:%Y-%m-%d} {self.get_part_display()}"

    def save(self, *args, **kwargs):
        self.days = FULL_DAY if self.part == DayPart.FULL else HALF_DAY
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("fieldwork:visit_detail", args=[self.pk])

    @property
    def purpose_labels(self):
        labels = dict(Purpose.choices)
        return [labels.get(p, p) for p in self.purposes]


def photo_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"fieldwork/photos/{instance.visit.date:%Y/%m}/{instance.visit_id}-{instance.uid}.{ext}"


@pghistory.track()
class VisitPhoto(TownshipScoped):
    visit = models.ForeignKey(VillageVisit, on_delete=models.CASCADE, related_name="photos")
    uid = models.CharField(max_length=32, editable=False)
    image = models.ImageField(_("photo"), upload_to=photo_path, max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["pk"]

    def __str__(self):
        return self.image.name

    def get_absolute_url(self):
        return reverse("fieldwork:photo", args=[self.pk])


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


@pghistory.track()
class FollowUp(TownshipScoped):
    """A problem raised during a visit, with an owner and a due date, closed with what was done."""

    TRANSITIONS = {FollowUpStatus.OPEN: [FollowUpStatus.CLOSED], FollowUpStatus.CLOSED: []}

    visit = models.ForeignKey(
        VillageVisit, on_delete=models.CASCADE, related_name="follow_ups", null=True, blank=True
    )
    village = models.ForeignKey(
        "township.Village", on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("village")
    )
    problem = models.TextField(_("problem raised"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="fieldwork_follow_ups",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    outcome = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        ordering = ["-status", "due_on", "pk"]  # open before closed
        indexes = [models.Index(fields=["township", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True, closed_by__isnull=True)
                | (
                    models.Q(status="closed", closed_at__isnull=False, closed_by__isnull=False)
                    & ~models.Q(outcome="")
                ),
                name="follow_up_closed_with_outcome",
            ),
        ]

    def __str__(self):
        return self.problem[:60]

    def get_absolute_url(self):
        return reverse("fieldwork:follow_up_detail", args=[self.pk])


@pghistory.track()
class ResearchTopic(TownshipScoped):
    """R-FLD-2: section-level leaders take key research topics (重点调研课题) each year."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="research_topics",
        verbose_name=_("lead"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("aims and plan"), blank=True)
    is_key = models.BooleanField(_("key topic"), default=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("research topic")
        verbose_name_plural = _("research topics")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "person", "year", "title"], name="topic_unique_per_person_year"
            ),
            models.CheckConstraint(condition=models.Q(year__gte=2000), name="topic_year_sane"),
        ]

    def __str__(self):
        return self.title


class ReportKind(models.TextChoices):
    REPORT = "report", _("Research report")
    REFLECTION = "reflection", _("Reflection")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for changes")


COUNTED_REPORT_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


@pghistory.track()
class ResearchReport(TownshipScoped):
    """R-FLD-3: research reports and reflections (调研报告、心得体会), reviewed by a leader."""

    TRANSITIONS = {
        ReportStatus.DRAFT: [ReportStatus.SUBMITTED],
        ReportStatus.SUBMITTED: [ReportStatus.ACCEPTED, ReportStatus.RETURNED, ReportStatus.DRAFT],
        ReportStatus.RETURNED: [ReportStatus.SUBMITTED],
        ReportStatus.ACCEPTED: [],
    }

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="research_reports",
        verbose_name=_("author"),
    )
    topic = models.ForeignKey(
        ResearchTopic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("research topic"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices, default=ReportKind.REPORT)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="fieldwork/reports/%Y/", blank=True, max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("research report")
        verbose_name_plural = _("research reports")
        ordering = ["-year", "-pk"]
        indexes = [models.Index(fields=["township", "year", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body="") | ~models.Q(file=""), name="report_has_text_or_file"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="report_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(reviewed_by__isnull=False),
                name="report_accepted_has_reviewer",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("fieldwork:report_detail", args=[self.pk])

    @property
    def editable(self):
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Receiving assistance")
    LIFTED = "lifted", _("Lifted out of poverty")


@pghistory.track()
class PoorHousehold(TownshipScoped):
    """The register of poor households (贫困户) per village."""

    village = models.ForeignKey(
        "township.Village",
        on_delete=models.PROTECT,
        related_name="poor_households",
        verbose_name=_("village"),
    )
    household_no = models.CharField(_("household number"), max_length=30)
    head_name = models.CharField(_("head of household"), max_length=50)
    members = models.PositiveSmallIntegerField(_("members"), default=1)
    cause = models.CharField(_("main cause of poverty"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("poor household")
        verbose_name_plural = _("poor households")
        ordering = ["village__name", "household_no"]
        constraints = [
            models.UniqueConstraint(fields=["township", "household_no"], name="household_unique_number"),
            models.CheckConstraint(condition=models.Q(members__gte=1), name="household_has_members"),
        ]

    def __str__(self):
        return f"{self.head_name} ({self.household_no})"

    def get_absolute_url(self):
        return reverse("fieldwork:household_detail", args=[self.pk])


@pghistory.track()
class Pairing(TownshipScoped):
    """R-FLD-6: a cadre paired with a poor household (结对帮扶) for a year."""

    household = models.ForeignKey(
        PoorHousehold, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("household")
    )
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="household_pairings",
        verbose_name=_("cadre"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    created_at = models.DateTimeField(_("paired at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("paired by")
    )

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-year", "household"]
        constraints = [
            models.UniqueConstraint(fields=["household", "cadre", "year"], name="pairing_unique_per_year"),
        ]

    def __str__(self):
        return f"{self.cadre} - {self.household} {self.year}"


class AssistanceKind(models.TextChoices):
    VISIT = "visit", _("Home visit")
    FUNDS = "funds", _("Funds")
    GOODS = "goods", _("Goods")
    EMPLOYMENT = "employment", _("Jobs and skills")
    POLICY = "policy", _("Policy help")
    OTHER = "other", _("Other")


@pghistory.track()
class AssistanceRecord(TownshipScoped):
    household = models.ForeignKey(
        PoorHousehold, on_delete=models.PROTECT, related_name="assistance", verbose_name=_("household")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=AssistanceKind.choices)
    description = models.TextField(_("what was done"))
    amount = models.DecimalField(_("value (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assistance record")
        verbose_name_plural = _("assistance records")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="assistance_amount_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.household} {self.date}"
