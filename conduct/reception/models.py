# Reception, expense, budget, vehicle and disclosure models.  Every domain model inherits
# township.models.TownshipScoped and is tracked by django-pghistory (@pghistory.track()).
from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.models import TownshipScoped

from .validators import validate_scan

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(verbose, **kw):
    kw.setdefault("validators", [MinValueValidator(ZERO)])
    kw.setdefault("default", ZERO)
    return models.DecimalField(verbose, max_digits=12, decimal_places=2, **kw)


class PaymentMethod(models.TextChoices):
    OFFICIAL_CARD = "official_card", _("Official card (公务卡)")
    TRANSFER = "transfer", _("Bank transfer")
    CASH = "cash", _("Cash")


# --- receptions --------------------------------------------------------------------------------


class VisitorLevel(models.TextChoices):
    UPPER = "upper", _("Higher-level unit")
    PEER = "peer", _("Peer or other unit")


class Destination(models.TextChoices):
    TOWNSHIP = "township", _("Township offices")
    VILLAGE = "village", _("A village or community")
    FIRM = "firm", _("A firm")


class MealArrangement(models.TextChoices):
    NONE = "none", _("No meal")
    CANTEEN = "canteen", _("Working meal in the canteen")
    GUESTS_PAID = "guests_paid", _("Guests ate and paid their own fee")
    OUTSIDE = "outside", _("Meal outside the canteen")


class ReceptionStatus(models.TextChoices):
    AWAITING_PLAN = "awaiting_plan", _("Plan awaiting approval")
    PLAN_REJECTED = "plan_rejected", _("Plan not approved")
    PLANNED = "planned", _("Recorded")  # 已登记: recorded, plan approved where one was needed
    LISTED = "listed", _("Reception list filled in")
    SIGNED = "signed", _("Signed off")


@pghistory.track()
class ReceptionRecord(TownshipScoped):
    """An official reception (公务接待) against the visiting unit's official letter (公函)."""

    TRANSITIONS = {
        ReceptionStatus.AWAITING_PLAN: {ReceptionStatus.PLANNED, ReceptionStatus.PLAN_REJECTED},
        ReceptionStatus.PLAN_REJECTED: set(),
        ReceptionStatus.PLANNED: {ReceptionStatus.LISTED},
        ReceptionStatus.LISTED: {ReceptionStatus.SIGNED, ReceptionStatus.LISTED},
        ReceptionStatus.SIGNED: set(),
    }

    visiting_unit = models.CharField(_("visiting unit"), max_length=100)
    visitor_level = models.CharField(
        _("visitors are from"), max_length=10, choices=VisitorLevel.choices, default=VisitorLevel.UPPER
    )
    letter_reference = models.CharField(_("official letter reference (公函文号)"), max_length=100)
    letter_scan = models.FileField(
        _("scan of the official letter"), upload_to="reception/letters/%Y/%m/", validators=[validate_scan]
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    destination = models.CharField(
        _("where the visit goes"), max_length=10, choices=Destination.choices, default=Destination.TOWNSHIP
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    guest_count = models.PositiveSmallIntegerField(_("number of guests"), validators=[MinValueValidator(1)])
    accompanying_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("accompanying staff")
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("handler")
    )
    meal = models.CharField(
        _("meals"), max_length=15, choices=MealArrangement.choices, default=MealArrangement.NONE
    )
    meal_count = models.PositiveSmallIntegerField(_("number of meals"), default=0)
    meal_cost = money(_("meal cost (yuan)"))
    guest_meal_fee = money(_("meal fee paid by the guests (yuan)"))
    accommodation = models.BooleanField(_("accommodation arranged"), default=False)
    accommodation_cost = money(_("accommodation cost (yuan)"))
    other_cost = money(_("other costs (yuan)"))
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.OFFICIAL_CARD
    )
    # R-REC-5: declarations; ticking one blocks the record.
    alcohol_served = models.BooleanField(_("alcohol was served"), default=False)
    high_end_dishes = models.BooleanField(_("high-end dishes were served"), default=False)
    gifts_given = models.BooleanField(_("gifts or local specialties were given"), default=False)
    items_provided = models.TextField(_("what was provided"), blank=True)
    is_major = models.BooleanField(_("major reception"), default=False)
    # R-XCK-8: a meal on a non-working day is flagged unless its reason is stated.
    off_hours_reason = models.TextField(
        _("Reason for a meal off working days or hours"),
        blank=True,
        help_text=_(
            "A meal on a non-working day, or after working hours outside the canteen, is flagged "
            "for the inspectors unless its reason is stated here (R-XCK-8)."
        ),
    )
    status = models.CharField(_("status"), max_length=20, choices=ReceptionStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    listed_at = models.DateTimeField(_("list filled in at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)

    class Meta:
        verbose_name = _("official reception")
        verbose_name_plural = _("official receptions")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["township", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(letter_reference=""), name="reception_letter_required"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="reception_dates"
            ),
            models.CheckConstraint(condition=models.Q(guest_count__gte=1), name="reception_has_guests"),
            models.CheckConstraint(
                condition=models.Q(alcohol_served=False, high_end_dishes=False, gifts_given=False),
                name="reception_no_alcohol_dishes_gifts",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    meal_cost__gte=0, accommodation_cost__gte=0, other_cost__gte=0, guest_meal_fee__gte=0
                ),
                name="reception_costs_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.visiting_unit} {self.start_date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("reception:reception_detail", args=[self.pk])

    @property
    def total_cost(self) -> Decimal:
        return self.meal_cost + self.accommodation_cost + self.other_cost


@pghistory.track()
class ReceptionGuest(models.Model):
    reception = models.ForeignKey(ReceptionRecord, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(pgettext_lazy("guest", "title"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["reception", "order"]

    def __str__(self):
        return f"{self.name} {self.title}".strip()


# --- expenses and budgets ------------------------------------------------------------------------


class ExpenseCategory(models.TextChoices):
    """Fixed list (R-EXP-5): nothing is booked under an invented name."""

    OFFICE = "office", _("Office supplies")
    RECEPTION = "reception", _("Official reception")
    VEHICLE = "vehicle", _("Official vehicle running")
    ABROAD = "abroad", _("Official trips abroad")
    MEETINGS = "meetings", pgettext_lazy("expense category", "Meetings")
    TRAINING = "training", _("Training")
    TRAVEL = "travel", _("Travel")
    ALLOWANCE = "allowance", _("Allowances")


# R-EXP-3: the "three public" (三公) categories.
THREE_PUBLIC = (ExpenseCategory.RECEPTION, ExpenseCategory.VEHICLE, ExpenseCategory.ABROAD)


@pghistory.track()
class AllowanceType(TownshipScoped):
    """R-EXP-5: the allowances a township may pay, listed by administrators; an allowance expense
    must name one of them (no free-text names)."""

    name = models.CharField(_("name"), max_length=100)
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("allowance type")
        verbose_name_plural = _("allowance types")
        ordering = ["township", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="allowance_type_unique_name")
        ]

    def __str__(self):
        return self.name


@pghistory.track()
class Budget(TownshipScoped):
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    amount = money(_("budget (yuan)"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["township", "-year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "category"], name="budget_unique_category_year"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_not_negative"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_category_display()}"


class ExpenseStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Withdrawn")


class Transport(models.TextChoices):
    NONE = "", _("Not a transport cost")
    OFFICIAL_VEHICLE = "official_vehicle", _("Official vehicle")
    PRIVATE_CAR = "private_car", _("Private car")
    PUBLIC = "public", _("Public transport")


# Things an expense may pay for that live in other apps: resolved at run time with
# apps.get_model, so this app never imports them (and tolerates their absence).
LINKABLE_MODELS = {
    "conduct.trip": _("Trip"),
    "meetings.meeting": _("Meeting"),
}


@pghistory.track()
class Expense(TownshipScoped):
    TRANSITIONS = {
        ExpenseStatus.PENDING: {ExpenseStatus.APPROVED, ExpenseStatus.REJECTED, ExpenseStatus.CANCELLED},
        ExpenseStatus.APPROVED: set(),
        ExpenseStatus.REJECTED: set(),
        ExpenseStatus.CANCELLED: set(),
    }

    spent_on = models.DateField(_("date"))
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    allowance_type = models.ForeignKey(
        AllowanceType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("allowance type")
    )
    payee = models.CharField(_("payee"), max_length=100)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    description = models.CharField(_("what for"), max_length=300, blank=True)
    invoice = models.FileField(
        _("invoice scan"), upload_to="reception/invoices/%Y/%m/", blank=True, validators=[validate_scan]
    )
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.OFFICIAL_CARD
    )
    reception = models.ForeignKey(
        ReceptionRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("reception"),
    )
    vehicle_use = models.ForeignKey(
        "reception.VehicleUse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("vehicle use"),
    )
    link_model = models.CharField(
        _("pays for a"), max_length=40, blank=True, choices=[(k, v) for k, v in LINKABLE_MODELS.items()]
    )
    link_id = models.PositiveBigIntegerField(_("number of that record"), null=True, blank=True)
    # R-FLD-4: fuel claims and how the trip was made.
    is_fuel = models.BooleanField(_("fuel claim"), default=False)
    transport = models.CharField(
        _("transport"), max_length=20, choices=Transport.choices, blank=True, default=""
    )
    village_visit = models.BooleanField(_("for a village visit"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ExpenseStatus.choices, default=ExpenseStatus.PENDING
    )
    over_budget = money(_("excess over budget (yuan)"))
    from_ledger = models.BooleanField(_("imported from the finance ledger"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-spent_on", "-pk"]
        indexes = [models.Index(fields=["township", "category", "spent_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="expense_amount_positive"),
            # R-EXP-5: allowances name a listed type; nothing else does.
            models.CheckConstraint(
                condition=models.Q(category="allowance", allowance_type__isnull=False)
                | (~models.Q(category="allowance") & models.Q(allowance_type__isnull=True)),
                name="expense_allowance_type_listed",
            ),
            models.CheckConstraint(
                condition=models.Q(link_model="", link_id__isnull=True)
                | (~models.Q(link_model="") & models.Q(link_id__isnull=False)),
                name="expense_link_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(over_budget__gte=0), name="expense_excess_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.spent_on:%Y-%m-%d} {self.payee} ¥{self.amount}"

    def get_absolute_url(self):
        return reverse("reception:expense_detail", args=[self.pk])

    @property
    def linked_record(self):
        """The trip or meeting this expense pays for, if that app is installed and the row exists."""
        if not self.link_model or not self.link_id:
            return None
        from django.apps import apps

        try:
            model = apps.get_model(self.link_model)
        except (LookupError, ValueError):
            return None
        return model._default_manager.filter(pk=self.link_id).first()


# --- vehicles ----------------------------------------------------------------------------------


@pghistory.track()
class Vehicle(TownshipScoped):
    plate = models.CharField(_("plate number"), max_length=20)
    model_name = models.CharField(_("make and model"), max_length=100, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=5)
    odometer = models.PositiveIntegerField(_("odometer (km)"), default=0)
    active = models.BooleanField(_("in service"), default=True)

    class Meta:
        verbose_name = _("official vehicle")
        verbose_name_plural = _("official vehicles")
        ordering = ["township", "plate"]
        constraints = [models.UniqueConstraint(fields=["township", "plate"], name="vehicle_unique_plate")]

    def __str__(self):
        return self.plate


@pghistory.track()
class VehicleUse(TownshipScoped):
    """R-VEH-1: each use logged before departure, with its purpose."""

    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="uses", verbose_name=_("vehicle")
    )
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("driver")
    )
    passengers = models.CharField(_("passengers"), max_length=300, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    route = models.CharField(_("route"), max_length=300)
    departs_at = models.DateTimeField(_("departure"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    odometer_out = models.PositiveIntegerField(_("odometer out (km)"))
    odometer_in = models.PositiveIntegerField(_("odometer in (km)"), null=True, blank=True)
    fuel_litres = models.DecimalField(_("fuel (litres)"), max_digits=7, decimal_places=2, default=ZERO)
    fuel_cost = money(_("fuel cost (yuan)"))
    rest_day = models.BooleanField(_("on a rest day"), default=False)
    rest_day_approved = models.BooleanField(_("rest-day purpose approved"), default=False)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    logged_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vehicle use")
        verbose_name_plural = _("vehicle uses")
        ordering = ["-departs_at", "-pk"]
        indexes = [models.Index(fields=["vehicle", "departs_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(odometer_in__isnull=True)
                | models.Q(odometer_in__gte=models.F("odometer_out")),
                name="vehicle_use_odometer_forward",
            ),
            models.CheckConstraint(condition=~models.Q(purpose=""), name="vehicle_use_has_purpose"),
        ]

    def __str__(self):
        return f"{self.vehicle} {self.departs_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("reception:vehicle_use_detail", args=[self.pk])

    @property
    def distance(self):
        return None if self.odometer_in is None else self.odometer_in - self.odometer_out


# --- quarterly disclosure ----------------------------------------------------------------------


class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


@pghistory.track()
class DisclosureReport(TownshipScoped):
    """R-EXP-3, R-EXP-4: a quarter's income and spending.  Published versions never change; a
    correction is a new version that names the one it replaces."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    correction_note = models.CharField(_("what this version corrects"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DisclosureStatus.choices, default=DisclosureStatus.DRAFT
    )
    income = money(_("income in the quarter (yuan)"))
    notes = models.TextField(_("notes"), blank=True)
    data = models.JSONField(_("figures"), default=dict)
    prepared_at = models.DateTimeField(_("prepared at"))
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
        verbose_name = _("quarterly disclosure")
        verbose_name_plural = _("quarterly disclosures")
        ordering = ["-year", "-quarter", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="disclosure_quarter_1_4"
            ),
            models.UniqueConstraint(
                fields=["township", "year", "quarter", "version"], name="disclosure_unique_version"
            ),
            models.UniqueConstraint(
                fields=["township", "year", "quarter"],
                condition=models.Q(status="draft"),
                name="disclosure_one_draft_per_quarter",
            ),
            models.CheckConstraint(
                condition=models.Q(replaces__isnull=True) | ~models.Q(correction_note=""),
                name="disclosure_correction_says_what",
            ),
        ]
        triggers = [
            # A published report is immutable: no update, no delete.
            pgtrigger.Protect(
                name="disclosure_published_immutable",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="published"),
            ),
        ]

    def __str__(self):
        return f"{self.year} Q{self.quarter} v{self.version}"

    def get_absolute_url(self):
        return reverse("reception:disclosure_detail", args=[self.pk])
