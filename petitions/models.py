"""Petition cases (信访) and their legal clocks, petitioners' identity kept apart (R-PET-8), the
identity access log, leaders' reception days (R-PET-6) and what happened at each reception.

The workflow is a transition table (``TRANSITIONS``) in the style of django-oscar's order
pipeline: each entry says from which states a verb may be used, to which state it leads and which
case roles may use it.  The services in ``petitions.services`` are the only writers.

Deadlines are stored on the case when the step that starts the clock happens (the day counts are
policy values of that date), so lists, reminders and statistics read them set-based.
"""

from __future__ import annotations

from dataclasses import dataclass

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.messages import render_text
from township.models import TownshipScoped

from .rules import validate_id_number


class Channel(models.TextChoices):
    VISIT = "visit", pgettext_lazy("petition", "Visit in person")
    LETTER = "letter", pgettext_lazy("petition", "Letter")
    PHONE = "phone", pgettext_lazy("petition", "Phone call")
    ONLINE = "online", pgettext_lazy("petition", "Online")
    HOTLINE = "hotline", pgettext_lazy("petition", "12345 hotline")


class Category(models.TextChoices):
    LAND = "land", pgettext_lazy("petition", "Land and requisition")
    SOCIAL = "social", pgettext_lazy("petition", "Social security and assistance")
    INFRASTRUCTURE = "infrastructure", pgettext_lazy("petition", "Roads, water and infrastructure")
    ENVIRONMENT = "environment", pgettext_lazy("petition", "Environment")
    DISPUTE = "dispute", pgettext_lazy("petition", "Neighbourhood and family disputes")
    WAGES = "wages", pgettext_lazy("petition", "Unpaid wages")
    CONDUCT = "conduct", pgettext_lazy("petition", "Cadres' conduct")
    OTHER = "other", pgettext_lazy("petition", "Other")


class Status(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("petition", "Registered")
    ACCEPTED = "accepted", pgettext_lazy("petition", "Accepted")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("petition", "Not accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("petition", "In progress")
    REPLIED = "replied", pgettext_lazy("petition", "Replied")
    SATISFIED = "satisfied", pgettext_lazy("petition", "Petitioner satisfied")
    DISSATISFIED = "dissatisfied", pgettext_lazy("petition", "Petitioner not satisfied")
    REVIEW_REQUESTED = "review_requested", pgettext_lazy("petition", "Review requested")
    REVIEW_REPLIED = "review_replied", pgettext_lazy("petition", "Review replied")
    CLOSED = "closed", pgettext_lazy("petition", "Closed")


# States whose matter is not resolved yet: they count towards the backlog (积案, R-PET-5).
UNRESOLVED = (
    Status.REGISTERED,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.REPLIED,
    Status.DISSATISFIED,
    Status.REVIEW_REQUESTED,
    Status.REVIEW_REPLIED,
)
# States in which the township's own clock runs (a deadline the township must meet).
CLOCK_RUNNING = (Status.REGISTERED, Status.ACCEPTED, Status.IN_PROGRESS, Status.REVIEW_REQUESTED)
# States after the written reply.
REPLIED_STATES = (
    Status.REPLIED,
    Status.SATISFIED,
    Status.DISSATISFIED,
    Status.REVIEW_REQUESTED,
    Status.REVIEW_REPLIED,
    Status.CLOSED,
)


class CaseRole(models.TextChoices):
    """A person's part in one case, which the transition table checks."""

    CLERK = "clerk", pgettext_lazy("petition", "Petition clerk")
    PRINCIPAL = "principal", pgettext_lazy("petition", "Principal leader")
    LEADER = "leader", pgettext_lazy("petition", "Responsible leader")
    HANDLER = "handler", pgettext_lazy("petition", "Handler")


@dataclass(frozen=True)
class Transition:
    verb: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    label: object


TRANSITIONS: dict[str, Transition] = {
    t.verb: t
    for t in [
        # R-PET-2: decide acceptance within the policy's days of registration.
        Transition(
            "accept",
            (Status.REGISTERED,),
            Status.ACCEPTED,
            (CaseRole.CLERK, CaseRole.PRINCIPAL),
            pgettext_lazy("petition", "Accept"),
        ),
        Transition(
            "refuse",
            (Status.REGISTERED,),
            Status.NOT_ACCEPTED,
            (CaseRole.CLERK, CaseRole.PRINCIPAL),
            pgettext_lazy("petition", "Do not accept"),
        ),
        # R-PET-5: one responsible leader (包案) and a handling department.
        Transition(
            "assign",
            (Status.ACCEPTED,),
            Status.IN_PROGRESS,
            (CaseRole.CLERK, CaseRole.PRINCIPAL),
            pgettext_lazy("petition", "Assign leader and department"),
        ),
        Transition(
            "reassign",
            (Status.IN_PROGRESS,),
            Status.IN_PROGRESS,
            (CaseRole.PRINCIPAL,),
            pgettext_lazy("petition", "Change leader or department"),
        ),
        # R-PET-3: the written reply within the policy's days of acceptance (+ an approved extension).
        Transition(
            "reply",
            (Status.IN_PROGRESS,),
            Status.REPLIED,
            (CaseRole.LEADER, CaseRole.HANDLER),
            pgettext_lazy("petition", "Reply"),
        ),
        Transition(
            "satisfied",
            (Status.REPLIED,),
            Status.SATISFIED,
            (CaseRole.CLERK,),
            pgettext_lazy("petition", "Record: petitioner satisfied"),
        ),
        Transition(
            "dissatisfied",
            (Status.REPLIED,),
            Status.DISSATISFIED,
            (CaseRole.CLERK,),
            pgettext_lazy("petition", "Record: petitioner not satisfied"),
        ),
        # R-PET-4: review requested within the policy's days of the reply.
        Transition(
            "request_review",
            (Status.REPLIED, Status.DISSATISFIED),
            Status.REVIEW_REQUESTED,
            (CaseRole.CLERK,),
            pgettext_lazy("petition", "Record a review request"),
        ),
        Transition(
            "reply_review",
            (Status.REVIEW_REQUESTED,),
            Status.REVIEW_REPLIED,
            (CaseRole.PRINCIPAL, CaseRole.LEADER),
            pgettext_lazy("petition", "Reply to the review"),
        ),
        Transition(
            "close",
            (Status.SATISFIED, Status.DISSATISFIED, Status.REVIEW_REPLIED),
            Status.CLOSED,
            (CaseRole.CLERK, CaseRole.PRINCIPAL),
            pgettext_lazy("petition", "Close the case"),
        ),
    ]
}


class ExtensionStatus(models.TextChoices):
    NONE = "", pgettext_lazy("petition", "None")
    PENDING = "pending", pgettext_lazy("petition", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("petition", "Approved")
    REJECTED = "rejected", pgettext_lazy("petition", "Rejected")


@pghistory.track()
class PetitionCase(TownshipScoped):
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("case number"), max_length=12)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    category = models.CharField(
        pgettext_lazy("petition", "category"), max_length=20, choices=Category.choices
    )
    village = models.ForeignKey(
        "township.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petition_cases",
        verbose_name=_("village/community"),
    )
    matter = models.TextField(_("the matter"))
    concerns = models.CharField(
        _("persons or units concerned"),
        max_length=300,
        blank=True,
        help_text=_("As the petitioner names them."),
    )
    # R-PET-8: these people never see the petitioner's identity, whatever other role they hold.
    concerned_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="petitions_concerning",
        verbose_name=_("cadres the petition concerns"),
    )
    headcount = models.PositiveIntegerField(_("number of people"), default=1)
    is_collective = models.BooleanField(_("collective petition"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    registered_on = models.DateField(_("registered on"), db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    acceptance_due = models.DateField(_("acceptance decision due"))
    # Repeats: earlier cases the clerk linked on registration.
    linked_cases = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="later_cases", verbose_name=_("earlier cases")
    )
    is_repeat = models.BooleanField(_("repeat petition"), default=False)
    after_final_review = models.BooleanField(_("raised again after a final review"), default=False)
    reception = models.ForeignKey(
        "petitions.ReceptionRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=pgettext_lazy("petition", "reception"),
    )
    # acceptance decision
    decided_on = models.DateField(_("acceptance decided on"), null=True, blank=True)
    not_accepted_reason = models.TextField(_("reason for not accepting"), blank=True)
    notice_text = models.TextField(_("notice to the petitioner"), blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # R-PET-5
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_led",
        verbose_name=_("responsible leader"),
    )
    handling_department = models.ForeignKey(
        "township.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petition_cases",
        verbose_name=_("handling department"),
    )
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="petitions_handled", verbose_name=_("handlers")
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    # R-PET-3
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    extension_status = models.CharField(
        _("extension"), max_length=10, choices=ExtensionStatus.choices, blank=True, default=""
    )
    extension_days = models.PositiveSmallIntegerField(_("days of extension requested"), default=0)
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply_text = models.TextField(_("written reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    # R-PET-9: what the handling achieved
    facts_clarified = models.BooleanField(_("facts clarified"), default=False)
    coordinated = models.BooleanField(_("coordinated"), default=False)
    resolved = models.BooleanField(_("resolved"), default=False)
    # satisfaction, four weeks after the reply
    satisfied = models.BooleanField(_("petitioner satisfied"), null=True, blank=True)
    satisfaction_on = models.DateField(_("satisfaction recorded on"), null=True, blank=True)
    satisfaction_note = models.CharField(_("what the petitioner said"), max_length=300, blank=True)
    satisfaction_prompted = models.BooleanField(default=False)
    # R-PET-4
    review_requested_on = models.DateField(_("review requested on"), null=True, blank=True)
    review_reason = models.TextField(_("reason for the review"), blank=True)
    review_due = models.DateField(_("review reply due"), null=True, blank=True)
    review_replied_on = models.DateField(_("review replied on"), null=True, blank=True)
    review_reply_text = models.TextField(_("review reply"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The deadline the township must meet next (None when no clock runs) and the last one reminded.
    next_due = models.DateField(_("next deadline"), null=True, blank=True, db_index=True)
    reminded_for = models.DateField(null=True, blank=True)
    imported = models.BooleanField(_("imported"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("petition case")
        verbose_name_plural = _("petition cases")
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "seq"], name="petition_unique_seq"),
            models.UniqueConstraint(fields=["township", "number"], name="petition_unique_number"),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="petition_headcount_positive"),
            models.CheckConstraint(
                condition=Q(acceptance_due__gte=models.F("registered_on")),
                name="petition_acceptance_due_after",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.NOT_ACCEPTED) | ~Q(not_accepted_reason=""),
                name="petition_not_accepted_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=models.F("registered_on")),
                name="petition_accepted_after_registered",
            ),
            # R-PET-5: from assignment on, one responsible leader and a handling department.
            models.CheckConstraint(
                condition=Q(status__in=[Status.REGISTERED, Status.ACCEPTED, Status.NOT_ACCEPTED])
                | Q(responsible_leader__isnull=False, handling_department__isnull=False),
                name="petition_assigned_has_leader",
            ),
            models.CheckConstraint(
                condition=Q(replied_on__isnull=True) | Q(replied_on__gte=models.F("accepted_on")),
                name="petition_reply_after_acceptance",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=REPLIED_STATES) | Q(replied_on__isnull=False) | Q(imported=True),
                name="petition_replied_has_date",
            ),
            models.CheckConstraint(
                condition=Q(review_requested_on__isnull=True)
                | Q(review_requested_on__gte=models.F("replied_on")),
                name="petition_review_after_reply",
            ),
            models.CheckConstraint(
                condition=Q(extension_status="") | Q(extension_days__gt=0),
                name="petition_extension_has_days",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "registered_on"]),
            models.Index(fields=["township", "status", "next_due"]),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("petitions:case_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in UNRESOLVED

    def transitions_from_here(self) -> list[Transition]:
        return [t for t in TRANSITIONS.values() if self.status in t.sources]

    def days_left(self, today) -> int | None:
        return (self.next_due - today).days if self.next_due else None

    def replied_on_time(self) -> bool | None:
        if not self.replied_on or not self.reply_due:
            return None
        return self.replied_on <= self.reply_due


@pghistory.track()
class Petitioner(TownshipScoped):
    """The identity of one petitioner (R-PET-8): read only through the selector that checks who may
    see it and logs each view."""

    case = models.ForeignKey(PetitionCase, on_delete=models.CASCADE, related_name="petitioners")
    name = models.CharField(pgettext_lazy("petition", "name"), max_length=50)
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number], db_index=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(id_number="") | Q(id_number__regex=r"^[0-9]{17}[0-9X]$"),
                name="petitioner_id_number_shape",
            ),
        ]

    def __str__(self):
        return self.name


@pghistory.track()
class PetitionAttachment(TownshipScoped):
    case = models.ForeignKey(PetitionCase, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="petitions/%Y/")
    name = models.CharField(pgettext_lazy("petition", "name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class PetitionEvent(TownshipScoped):
    """One step of a case's workflow, who took it and when (the timeline on the case page)."""

    case = models.ForeignKey(PetitionCase, on_delete=models.CASCADE, related_name="timeline")
    verb = models.CharField(pgettext_lazy("petition", "step"), max_length=30)
    from_status = models.CharField(
        pgettext_lazy("petition", "from"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(pgettext_lazy("petition", "to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    # A note the system writes (the responsible leader) is kept as a message id and its
    # parameters and shown in the reader's language (``note_text``); ``note`` holds it as written
    # then, and what people typed (a refusal's reason) as typed.
    note = models.CharField(_("note"), max_length=300, blank=True)
    note_message = models.JSONField(_("note message"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case_id} {self.verb}"

    @property
    def note_text(self) -> str:
        return render_text(self.note_message, self.note)


class IdentityAccess(TownshipScoped):
    """R-PET-8: every view of a petitioner's identity (who, when, which case, through what)."""

    case = models.ForeignKey(PetitionCase, on_delete=models.CASCADE, related_name="identity_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    via = models.CharField(_("through"), max_length=20)

    class Meta:
        verbose_name = _("identity access")
        verbose_name_plural = _("identity accesses")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user_id}@{self.case_id}"


class CaseCounter(TownshipScoped):
    """The last case number given per township and year (upserted atomically)."""

    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="petition_counter_unique")]


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


@pghistory.track()
class ReceptionDay(TownshipScoped):
    """R-PET-6: a leader's published reception day (e.g. every Tuesday in the petition office)."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    place = models.CharField(_("place"), max_length=100)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reception_days",
        verbose_name=_("leader"),
    )
    active = models.BooleanField(pgettext_lazy("petition", "published"), default=True)

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["weekday", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "weekday", "leader"], name="reception_day_unique"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="reception_day_weekday_range"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.leader}"


@pghistory.track()
class ReceptionRecord(TownshipScoped):
    """R-PET-6: one leader's reception on a date: who came and about what."""

    on_date = models.DateField(_("date"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="receptions_held",
        verbose_name=_("leader"),
    )
    place = models.CharField(_("place"), max_length=100)
    visitors = models.PositiveIntegerField(_("people received"), default=0)
    summary = models.TextField(_("what was raised"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reception record")
        verbose_name_plural = _("reception records")
        ordering = ["-on_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "on_date", "leader"], name="reception_record_unique"),
        ]

    def __str__(self):
        return f"{self.on_date} {self.leader}"
