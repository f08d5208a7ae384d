"""Supervision (R-SUP-*): spot checks, violations and their handling, appraisal indicators and the
quarterly appraisal reports, satisfaction surveys and the democratic appraisal."""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import TownshipScoped


@pghistory.track()
class SpotCheck(TownshipScoped):
    """R-SUP-1: an irregular spot check by a leader or a discipline inspector."""

    on_date = models.DateField(_("date"))
    scope = models.CharField(_("scope"), max_length=200)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )
    people_checked = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="spot_checks", verbose_name=_("people checked")
    )
    departments_checked = models.ManyToManyField(
        "township.Department", blank=True, related_name="spot_checks", verbose_name=_("departments checked")
    )
    findings = models.TextField(_("what was found"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-on_date", "-pk"]

    def __str__(self):
        return f"{self.on_date} {self.scope}"


class ViolationType(models.TextChoices):
    """R-SUP-2 and R-SUP-8 (the ten prohibitions), plus the rule-linked types of every app."""

    LATE = "late", _("Late arrival")
    EARLY = "early", _("Early departure")
    ABSENT = "absent", _("Absence without leave")
    CHAT_GAMING = "chat_gaming", _("Chatting or gaming online at work")
    NOON_DRINKING = "noon_drinking", _("Drinking at noon on a working day")
    GIFTS = "gifts", _("Accepting gifts, cash or securities")
    BANQUET = "banquet", _("Banquets or entertainment on public funds")
    SHIFT_COSTS = "shift_costs", _("Shifting costs to villages or enterprises")
    DRINKING_ON_DUTY = "drinking_on_duty", _("Drinking on duty")
    GAMBLING = "gambling", _("Gambling")
    PUBLIC_CAR = "public_car", _("Private use of official vehicles")
    TRAVEL_PUBLIC_FUNDS = "travel_public_funds", _("Sightseeing on public funds")
    OVER_STANDARD = "over_standard", _("Offices, housing or reception above standard")
    FAMILY_BUSINESS = "family_business", _("Favouring relatives' business")
    EXTRAVAGANT_EVENTS = "extravagant_events", _("Extravagant weddings or funerals")
    RULE = "rule", _("Breach of a numbered rule")
    OTHER = "other", _("Other")


class Handling(models.TextChoices):
    """R-SUP-4: accountability for units and sanctions for individuals."""

    PENDING = "pending", _("To be decided")
    CRITICISM = "criticism", _("Criticism and education")
    NOTICE = "notice", _("Circulated notice (通报)")
    TALK = "talk", _("Admonishment talk (约谈/诫勉谈话)")
    SANCTION = "sanction", _("Disciplinary sanction")
    REFERRAL = "referral", _("Referral to the judiciary")
    NONE = "none", _("No action")


class ViolationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")


@pghistory.track()
class Violation(TownshipScoped):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
        verbose_name=_("person"),
    )
    department = models.ForeignKey(
        "township.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
        verbose_name=_("unit"),
    )
    on_date = models.DateField(_("date"))
    type = models.CharField(_("type"), max_length=30, choices=ViolationType.choices)
    rule_id = models.CharField(_("rule"), max_length=20, blank=True)
    evidence = models.TextField(_("evidence"))
    finding = models.OneToOneField(
        "township.Finding",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violation",
        verbose_name=_("from finding"),
    )
    spot_check = models.ForeignKey(
        SpotCheck, on_delete=models.SET_NULL, null=True, blank=True, related_name="violations"
    )
    handling = models.CharField(
        _("handling"), max_length=20, choices=Handling.choices, default=Handling.PENDING
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
    status = models.CharField(
        _("status"), max_length=20, choices=ViolationStatus.choices, default=ViolationStatus.OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-on_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(department__isnull=False),
                name="violation_has_person_or_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(handling="pending") | models.Q(decided_by__isnull=False),
                name="violation_decision_has_decider",
            ),
        ]

    def __str__(self):
        return f"{self.on_date} {self.get_type_display()} {self.person or self.department}"


class Indicator(models.TextChoices):
    """What the appraisal can measure: each is computed by code (township.appraisal) and
    described in words on the settings page; administrators choose weights per year (R-SUP-7)."""

    ATTENDANCE_RATE = "attendance_rate", _("Attendance rate")
    LATE_EARLY = "late_early", _("Late arrivals and early departures")
    LEAVE_REPORTED = "leave_reported", _("Leave reported back on time")
    WORK_LOGS = "work_logs", _("Work-log completeness")
    GROUP_STUDY = "group_study", _("Group study")
    VILLAGE_DAYS = "village_days", _("Village days against the pro-rated quota")
    RESEARCH_REPORTS = "research_reports", _("Research reports")
    PAIRING = "pairing", _("Poor-household pairing")
    PETITIONS = "petitions", _("Petitions handled on time")
    MEETINGS = "meetings", _("Meetings within the rules")
    VIOLATIONS = "violations", _("Violations")


@pghistory.track()
class AppraisalIndicator(models.Model):
    """R-SUP-7: only administrators define what is appraised, per year."""

    county = models.ForeignKey("township.County", on_delete=models.CASCADE, verbose_name=_("county"))
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("indicator"), max_length=30, choices=Indicator.choices)
    weight = models.DecimalField(_("weight (points)"), max_digits=5, decimal_places=2)
    deduction = models.DecimalField(
        _("points deducted per occurrence"), max_digits=5, decimal_places=2, default=0
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    class Meta:
        verbose_name = _("appraisal indicator")
        verbose_name_plural = _("appraisal indicators")
        ordering = ["year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "code"], name="indicator_unique_per_year"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="indicator_weight_positive"),
            models.CheckConstraint(condition=models.Q(deduction__gte=0), name="indicator_deduction_positive"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_code_display()}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Period(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


@pghistory.track()
class AppraisalReport(TownshipScoped):
    """R-SUP-3: a quarter's (or month's, or year's) appraisal.  Produced whole by one transaction of
    the Celery task; a draft is replaced atomically when run again; a published report is frozen."""

    period = models.CharField(_("period"), max_length=10, choices=Period.choices, default=Period.QUARTER)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("quarter or month"), default=0)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    computed_at = models.DateTimeField(_("computed at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    indicators = models.JSONField(_("indicators used"), default=list)

    class Meta:
        verbose_name = _("appraisal report")
        verbose_name_plural = _("appraisal reports")
        ordering = ["-year", "-number", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "period", "year", "number"],
                condition=models.Q(status="draft"),
                name="appraisal_one_draft_per_period",
            ),
            models.UniqueConstraint(
                fields=["township", "period", "year", "number", "version"], name="appraisal_unique_version"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="appraisal_published_is_frozen",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="published"),
            ),
        ]

    def __str__(self):
        if self.period == Period.QUARTER:
            return _("%(year)s Q%(n)s appraisal") % {"year": self.year, "n": self.number}
        if self.period == Period.MONTH:
            return _("%(year)s-%(n)02d monthly statistics") % {"year": self.year, "n": self.number}
        return _("%(year)s year-end assessment") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("appraisal_report", args=[self.pk])


class AppraisalScore(models.Model):
    report = models.ForeignKey(AppraisalReport, on_delete=models.CASCADE, related_name="scores")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "township.Department", on_delete=models.PROTECT, null=True, related_name="+"
    )
    total = models.DecimalField(max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField()
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["report", "rank"]
        constraints = [models.UniqueConstraint(fields=["report", "person"], name="score_unique_person")]
        triggers = [
            pgtrigger.Protect(name="score_frozen", operation=pgtrigger.Update),
        ]

    def __str__(self):
        return f"{self.person_id}: {self.total}"


class DepartmentScore(models.Model):
    report = models.ForeignKey(AppraisalReport, on_delete=models.CASCADE, related_name="department_scores")
    department = models.ForeignKey("township.Department", on_delete=models.PROTECT, related_name="+")
    average = models.DecimalField(max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField()
    people = models.PositiveIntegerField()

    class Meta:
        ordering = ["report", "rank"]
        constraints = [models.UniqueConstraint(fields=["report", "department"], name="dept_score_unique")]

    def __str__(self):
        return f"{self.department_id}: {self.average}"


class SurveyRoundStatus(models.TextChoices):
    OPEN = "open", _("Open for ratings")
    CLOSED = "closed", _("Closed")


@pghistory.track()
class SurveyRound(TownshipScoped):
    """R-SUP-5: a social satisfaction survey round rating the township's units.

    Ratings are entered while the round is open; closing it (``survey_round_close``) is what makes
    its year's ranking count for R-SUP-5, so a half-entered year never ranks anyone last."""

    # verb -> (from states, to state); the services check the roles and lock the row.
    TRANSITIONS = {
        "close": ({SurveyRoundStatus.OPEN}, SurveyRoundStatus.CLOSED),
        "reopen": ({SurveyRoundStatus.CLOSED}, SurveyRoundStatus.OPEN),
    }

    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[("satisfaction", _("Satisfaction survey")), ("democratic", _("Democratic appraisal"))],
        default="satisfaction",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyRoundStatus.choices, default=SurveyRoundStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    reopen_reason = models.CharField(_("reason for reopening"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "kind", "name"], name="survey_round_unique_name"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "closed"]), name="survey_round_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"


@pghistory.track()
class SurveyRating(models.Model):
    """One rater group's score for a unit (satisfaction) or a person (democratic appraisal, R-SUP-6)."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="ratings")
    department = models.ForeignKey("township.Department", on_delete=models.PROTECT, null=True, blank=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    rater_group = models.CharField(_("raters"), max_length=50, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100), name="rating_0_100"),
            models.CheckConstraint(
                condition=models.Q(department__isnull=False) | models.Q(person__isnull=False),
                name="rating_has_subject",
            ),
        ]

    def __str__(self):
        return f"{self.round}: {self.score}"
