"""Meetings, rooms, the calendar feed, the document register and press coverage.

Every domain model inherits township.models.TownshipScoped and is tracked by django-pghistory.
Rules without an override (R-MTG-7, R-MTG-8, R-MTG-9, the subject part of R-MTG-11) are also
database constraints; a room booked twice for overlapping times is refused by a trigger that
locks the room row (the embedded PostgreSQL has no btree_gist, so no exclusion constraint).
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from township.models import TownshipScoped


class MeetingType(models.TextChoices):
    PLENARY = "plenary", _("Plenary (town-wide) meeting")
    BUSINESS = "business", _("Business meeting")
    SPECIAL_TOPIC = "special_topic", _("Special-topic meeting")
    PEOPLES_CONGRESS = "peoples_congress", _("People's congress")
    PARTY_CONGRESS = "party_congress", _("Party congress")
    THREE_LEVEL_CADRE = "three_level_cadre", _("Three-level cadre meeting")
    HIGHER_LEVEL = "higher_level", _("Arranged ad hoc by a higher-level department")


STATUTORY_TYPES = (
    MeetingType.PEOPLES_CONGRESS,
    MeetingType.PARTY_CONGRESS,
    MeetingType.THREE_LEVEL_CADRE,
)


class MeetingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")


# Meetings that take a slot (caps, rooms): waiting, approved or already held.
ACTIVE_STATUSES = (MeetingStatus.PENDING, MeetingStatus.APPROVED, MeetingStatus.HELD)
# Meetings people attend (calendar, iCal).
CALENDAR_STATUSES = (MeetingStatus.APPROVED, MeetingStatus.HELD)


class VenueKind(models.TextChoices):
    ROOM = "room", _("An agency meeting room")
    OUTSIDE = "outside", _("An outside place")


class OutsideKind(models.TextChoices):
    VILLAGE_OFFICE = "village_office", _("Village or community office")
    OTHER_AGENCY = "other_agency", _("Another public agency's room")
    WORK_SITE = "work_site", _("On site (project, farm, enterprise)")
    SCENIC_SPOT = "scenic_spot", _("Scenic spot")
    HIGH_END_HOTEL = "high_end_hotel", _("High-end hotel")
    OTHER = "other", _("Other")


FORBIDDEN_OUTSIDE = (OutsideKind.SCENIC_SPOT, OutsideKind.HIGH_END_HOTEL)  # R-MTG-9


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video conference")


class MealKind(models.TextChoices):
    NONE = "none", _("No meal")
    CANTEEN = "canteen", _("Canteen working meal")
    RESTAURANT = "restaurant", _("Restaurant meal")
    BANQUET = "banquet", _("Banquet")


ALLOWED_MEALS = (MealKind.NONE, MealKind.CANTEEN)  # R-MTG-8

FRUGALITY_ITEMS = ("backdrop", "carpet", "flowers", "tablecloth", "banners")  # R-MTG-7


class CapCounter(TownshipScoped):
    """One row per township and period (``meetings:2026-11``, ``press:2026``): submissions that
    count against a cap lock it (SELECT ... FOR UPDATE) and count inside the lock, so two clerks
    taking the last slot at the same moment cannot both succeed."""

    key = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["township", "key"], name="meetings_capcounter_unique")]

    def __str__(self):
        return self.key


@pghistory.track()
class Room(TownshipScoped):
    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("seats"), default=20)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("meeting room")
        verbose_name_plural = _("meeting rooms")
        ordering = ["township", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="meetings_room_unique_name")]

    def __str__(self):
        return self.name


ROOM_CONFLICT_SQL = """
IF NEW.room_id IS NOT NULL AND NEW.status IN ('pending', 'approved', 'held') THEN
    -- Serialise bookings of this room, then look for an overlapping active meeting.
    PERFORM 1 FROM meetings_room WHERE id = NEW.room_id FOR UPDATE;
    IF EXISTS (
        SELECT 1 FROM meetings_meeting m
        WHERE m.room_id = NEW.room_id AND m.id <> NEW.id
          AND m.status IN ('pending', 'approved', 'held')
          AND m.starts_at < NEW.ends_at AND NEW.starts_at < m.ends_at
    ) THEN
        RAISE EXCEPTION 'meeting room % is already booked for an overlapping time', NEW.room_id
            USING ERRCODE = '23P01';
    END IF;
END IF;
RETURN NEW;
"""


@pghistory.track()
class Meeting(TownshipScoped):
    """A meeting request and, once approved and held, its record (actual times, minutes)."""

    TRANSITIONS = {
        MeetingStatus.PENDING: (
            MeetingStatus.APPROVED,
            MeetingStatus.REJECTED,
            MeetingStatus.RETURNED,
            MeetingStatus.WITHDRAWN,
        ),
        MeetingStatus.APPROVED: (MeetingStatus.HELD, MeetingStatus.CANCELLED),
        MeetingStatus.HELD: (MeetingStatus.HELD,),  # the record may be corrected
    }

    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        "township.Department",
        on_delete=models.PROTECT,
        related_name="organised_meetings",
        verbose_name=_("organising department"),
    )
    meeting_type = models.CharField(_("type"), max_length=30, choices=MeetingType.choices)
    major_event = models.BooleanField(
        _("major event"), default=False, help_text=_("Major events are approved by a principal leader.")
    )
    date = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("start"))
    planned_minutes = models.PositiveSmallIntegerField(_("planned duration (minutes)"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("planned end"))
    venue_kind = models.CharField(
        _("venue"), max_length=20, choices=VenueKind.choices, default=VenueKind.ROOM
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings", verbose_name=_("room")
    )
    outside_place = models.CharField(_("outside place"), max_length=200, blank=True)
    outside_kind = models.CharField(
        _("kind of place"), max_length=30, choices=OutsideKind.choices, blank=True
    )
    format = models.CharField(
        _("format"), max_length=20, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON
    )
    audience_departments = models.ManyToManyField(
        "township.Department",
        blank=True,
        related_name="meetings_attended",
        verbose_name=_("departments attending"),
    )
    audience_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="meetings_attended",
        verbose_name=_("people attending"),
    )
    # R-MTG-8
    meals = models.CharField(_("meals"), max_length=20, choices=MealKind.choices, default=MealKind.NONE)
    alcohol = models.BooleanField(_("alcohol"), default=False)
    cigarettes = models.BooleanField(_("cigarettes"), default=False)
    fruit = models.BooleanField(_("fruit"), default=False)
    retired_cadres_symposium = models.BooleanField(_("retired cadres' symposium"), default=False)
    # R-XCK-8: a meal on a non-working day, or ending after hours outside the rooms, is flagged
    # unless its reason is stated.
    off_hours_reason = models.TextField(
        _("Reason for a meal off working days or hours"),
        blank=True,
        help_text=_(
            "A meal on a non-working day, or after working hours outside the canteen, is flagged "
            "for the inspectors unless its reason is stated here (R-XCK-8)."
        ),
    )
    # R-MTG-7: the frugality checklist
    backdrop = models.BooleanField(_("backdrop"), default=False)
    carpet = models.BooleanField(_("carpet"), default=False)
    flowers = models.BooleanField(_("flowers"), default=False)
    tablecloth = models.BooleanField(_("tablecloth"), default=False)
    banners = models.BooleanField(_("banners"), default=False)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    approval = models.ForeignKey(
        "township.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval request"),
    )
    # R-MTG-10: the meetings shown as merge candidates when this one was requested
    merge_candidates = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="+", verbose_name=_("suggested to merge with")
    )
    # After the meeting
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    attendance = models.PositiveSmallIntegerField(_("people present"), null=True, blank=True)
    absentees = models.TextField(_("absent (and why)"), blank=True)
    minutes_text = models.TextField(_("minutes"), blank=True)
    minutes_file = models.FileField(_("minutes file"), upload_to="meetings/minutes/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-start_time"]
        indexes = [
            models.Index(fields=["township", "date", "status"]),
            models.Index(fields=["room", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_minutes__gt=0), name="meetings_planned_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meetings_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(actual_start__isnull=True)
                | models.Q(actual_end__isnull=True)
                | models.Q(actual_end__gt=models.F("actual_start")),
                name="meetings_actual_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(venue_kind=VenueKind.ROOM, room__isnull=False, outside_place="")
                | models.Q(venue_kind=VenueKind.OUTSIDE, room__isnull=True) & ~models.Q(outside_place=""),
                name="meetings_venue_room_or_outside",
            ),
            # R-MTG-7
            models.CheckConstraint(
                condition=models.Q(
                    backdrop=False, carpet=False, flowers=False, tablecloth=False, banners=False
                ),
                name="meetings_r_mtg_7_no_frugality_items",
            ),
            # R-MTG-8
            models.CheckConstraint(
                condition=models.Q(meals__in=ALLOWED_MEALS, alcohol=False, cigarettes=False)
                & (models.Q(fruit=False) | models.Q(retired_cadres_symposium=True)),
                name="meetings_r_mtg_8_meals",
            ),
            # R-MTG-9
            models.CheckConstraint(
                condition=~models.Q(outside_kind__in=FORBIDDEN_OUTSIDE), name="meetings_r_mtg_9_venue"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=MeetingStatus.HELD)
                | models.Q(actual_start__isnull=False, actual_end__isnull=False),
                name="meetings_held_has_actual_times",
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="meetings_room_no_overlap",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=ROOM_CONFLICT_SQL,
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def is_statutory(self) -> bool:
        return self.meeting_type in STATUTORY_TYPES

    @property
    def venue_label(self) -> str:
        if self.venue_kind == VenueKind.ROOM:
            return str(self.room) if self.room_id else ""
        return (
            f"{self.outside_place} ({self.get_outside_kind_display()})"
            if self.outside_kind
            else self.outside_place
        )

    @property
    def actual_minutes(self) -> int | None:
        if self.actual_start and self.actual_end:
            return int((self.actual_end - self.actual_start).total_seconds() // 60)
        return None

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, ())


@pghistory.track()
class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("agenda item"), max_length=200)
    speakers = ArrayField(
        models.CharField(max_length=50), default=list, blank=True, verbose_name=_("speakers")
    )
    merged_from = models.CharField(
        _("added from the request"),
        max_length=200,
        blank=True,
        help_text=_("R-MTG-10: merged into this meeting."),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="meetings_agenda_unique_order"),
            models.CheckConstraint(condition=~models.Q(title=""), name="meetings_agenda_has_title"),
        ]

    def __str__(self):
        return self.title


@pghistory.track()
class MeetingRefusal(TownshipScoped):
    """A request the rules refused: nothing of it is saved, but the attempt stays in the audit
    trail (who, what, which rules) for inspectors."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("requested by")
    )
    title = models.CharField(_("title"), max_length=200)
    meeting_type = models.CharField(_("type"), max_length=30, choices=MeetingType.choices)
    date = models.DateField(_("date"), null=True)
    rule_ids = ArrayField(models.CharField(max_length=20), default=list, verbose_name=_("rules"))
    messages = models.TextField(_("what the rules said"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refused meeting request")
        verbose_name_plural = _("refused meeting requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.title} ({', '.join(self.rule_ids)})"


@pghistory.track(exclude=["token"])
class CalendarFeed(TownshipScoped):
    """A person's private iCal address; revoking it makes the old address answer 404."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_feeds",
        verbose_name=_("person"),
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(revoked_at__isnull=True),
                name="meetings_one_active_feed",
            )
        ]

    def __str__(self):
        return str(self.person)


class DocumentKind(models.TextChoices):
    GENERAL = "general", _("General document")
    REPORT = "report", _("Report material")


@pghistory.track()
class Document(TownshipScoped):
    """A document issued in the township's name (R-DOC-1: its length is computed, not typed)."""

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    char_count = models.PositiveIntegerField(_("characters"))
    source_name = models.CharField(_("read from file"), max_length=200, blank=True)
    department = models.ForeignKey(
        "township.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drafting department"),
    )
    issued_on = models.DateField(_("issued on"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="meetings_document_has_title")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:document_detail", args=[self.pk])


class PressSubject(models.TextChoices):
    WORK_DEPLOYMENT = "work_deployment", _("Deployment of important town-wide work")
    EMERGENCY = "emergency", _("Handling of a major emergency")
    ECONOMIC_PROGRESS = "economic_progress", _("Progress of social and economic work")
    IMPORTANT_MEETING = "important_meeting", _("A work meeting of town-wide importance")
    INNOVATION = "innovation", _("Innovative work experience")
    GENERAL_MEETING = "general_meeting", _("A general meeting or activity")
    LEADER_ACTIVITY = "leader_activity", _("A leader's routine activity")


NOT_REPORTABLE = (PressSubject.GENERAL_MEETING, PressSubject.LEADER_ACTIVITY)  # R-MTG-11


class PressStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PRESS_COUNTED = (PressStatus.PENDING, PressStatus.APPROVED)


@pghistory.track()
class PressRequest(TownshipScoped):
    """A request to invite reporters (R-MTG-11: counted per calendar year)."""

    title = models.CharField(_("title"), max_length=200)
    subject = models.CharField(_("subject"), max_length=30, choices=PressSubject.choices)
    on_date = models.DateField(_("date of the coverage"))
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="press",
        verbose_name=_("meeting"),
    )
    department = models.ForeignKey(
        "township.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    note = models.TextField(_("why it deserves coverage"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PressStatus.choices, default=PressStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    approval = models.ForeignKey(
        "township.ApprovalRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("press coverage request")
        verbose_name_plural = _("press coverage requests")
        ordering = ["-on_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(subject__in=NOT_REPORTABLE), name="meetings_r_mtg_11_subject"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="meetings_press_year"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:press_list")
