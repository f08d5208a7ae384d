"""Every write of the meetings app: requests, decisions, records, merges, feeds, documents, press.

Caps (R-MTG-2/3, R-MTG-11) are counted inside a lock on a per-township, per-period CapCounter
row, so concurrent submissions of the last slot serialise and exactly one succeeds."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meetings import rules
from meetings.models import (
    ACTIVE_STATUSES,
    PRESS_COUNTED,
    AgendaItem,
    CalendarFeed,
    CapCounter,
    Document,
    DocumentKind,
    Meeting,
    MeetingRefusal,
    MeetingStatus,
    MeetingType,
    PressRequest,
    PressStatus,
    Room,
    VenueKind,
)
from township.approvals import approval_submit
from township.findings import finding_raise
from township.messages import msg
from township.models import Role
from township.notify import notify
from township.policy import policies, policy
from township.rules import Checks, Override, allow_override, overrides_record
from township.uploads import DOCUMENTS, check_upload, stored_name

# A principal leader may set a monthly cap aside with a written reason (recorded, raises a
# finding); the documents' length limit likewise.  No other rule of this app can be set aside.
allow_override("R-MTG-2", Role.PRINCIPAL_LEADER)
allow_override("R-MTG-3", Role.PRINCIPAL_LEADER)
allow_override("R-DOC-1", Role.PRINCIPAL_LEADER)

RULE_ID = re.compile(r"R-(?:MTG|DOC)-\d+")


@dataclass
class MeetingDraft:
    """What a clerk fills in for a meeting request (the form's shape, free of HTTP)."""

    title: str
    department: object
    meeting_type: str
    date: dt.date
    start_time: dt.time
    planned_minutes: int
    agenda: list[tuple[str, list[str]]]
    venue_kind: str = VenueKind.ROOM
    room: Room | None = None
    outside_place: str = ""
    outside_kind: str = ""
    format: str = "in_person"
    major_event: bool = False
    audience_departments: list = field(default_factory=list)
    audience_people: list = field(default_factory=list)
    meals: str = "none"
    alcohol: bool = False
    cigarettes: bool = False
    fruit: bool = False
    retired_cadres_symposium: bool = False
    backdrop: bool = False
    carpet: bool = False
    flowers: bool = False
    tablecloth: bool = False
    banners: bool = False


def _month_key(day: dt.date) -> str:
    return f"meetings:{day:%Y-%m}"


def _lock_counter(township_id: int, key: str) -> None:
    """Take the per-township, per-period lock that serialises cap counting."""
    counter, _created = CapCounter.objects.get_or_create(township_id=township_id, key=key)
    CapCounter.objects.select_for_update().filter(pk=counter.pk).get()


def _frugality_label(item: str) -> str:
    return str(Meeting._meta.get_field(item).verbose_name)


def _local_dt(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


# --- meeting requests --------------------------------------------------------------------------


def meeting_request_submit(*, actor, draft: MeetingDraft, override_reason: str = "") -> Meeting:
    """Check every rule, take the month's lock, save the request and send it for approval.

    A refusal saves nothing of the request but leaves a MeetingRefusal in the audit trail."""
    try:
        with transaction.atomic():
            return _submit(actor, draft, override_reason)
    except ValidationError as exc:
        ids = sorted(set(RULE_ID.findall(" ".join(exc.messages))))
        if ids:
            MeetingRefusal.objects.create(
                township_id=actor.township_id,
                actor=actor,
                title=draft.title[:200],
                meeting_type=draft.meeting_type,
                date=draft.date,
                rule_ids=ids,
                messages="\n".join(exc.messages),
            )
        raise


def _validate_shape(actor, draft: MeetingDraft) -> None:
    """Bad input, before any rule: nothing of this is a numbered rule, just a clear error."""
    errors: dict[str, list[str]] = {}
    if actor.township_id is None:
        raise ValidationError(_("Only people of a township can request meetings."))
    if draft.department.township_id != actor.township_id:
        errors.setdefault("department", []).append(_("Choose a department of your township."))
    if draft.date < timezone.localdate():
        errors.setdefault("date", []).append(_("A meeting cannot be requested for a date in the past."))
    if not draft.planned_minutes or draft.planned_minutes <= 0:
        errors.setdefault("planned_minutes", []).append(_("Give the planned duration in minutes."))
    if not [t for t, _s in draft.agenda if t.strip()]:
        errors.setdefault("__all__", []).append(_("Add at least one agenda item."))
    if draft.venue_kind == VenueKind.ROOM and draft.room is None:
        errors.setdefault("room", []).append(_("Choose a meeting room, or choose an outside place."))
    if draft.venue_kind == VenueKind.ROOM and draft.room and draft.room.township_id != actor.township_id:
        errors.setdefault("room", []).append(_("Choose a room of your township."))
    if draft.venue_kind == VenueKind.OUTSIDE and not (draft.outside_place.strip() and draft.outside_kind):
        errors.setdefault("outside_place", []).append(
            _("Name the outside place and say what kind of place it is.")
        )
    if not draft.audience_departments and not draft.audience_people:
        errors.setdefault("audience_departments", []).append(_("Say who attends: departments or people."))
    if errors:
        raise ValidationError(errors)


def meeting_rule_checks(*, township_id: int, draft: MeetingDraft, checks: Checks) -> None:
    """R-MTG-5 .. R-MTG-9 on a draft (the caps need the lock and are checked by the submit)."""
    p = policies(["R-MTG-5", "R-MTG-6"], township=township_id, on=draft.date)
    checks.enforce(
        "R-MTG-5",
        rules.r_mtg_5_duration_ok(draft.meeting_type, draft.planned_minutes or 0, p["R-MTG-5"]),
        _(
            "Meetings last at most %(limit)d minutes; only the people's congress, the party congress "
            "and the three-level cadre meeting may be longer"
        )
        % {"limit": p["R-MTG-5"]},
        field="planned_minutes",
    )
    for title, speakers in draft.agenda:
        checks.enforce(
            "R-MTG-6",
            rules.r_mtg_6_speakers_ok(speakers, p["R-MTG-6"]),
            _("At most %(limit)d people may speak on the same item; “%(item)s” has %(n)d")
            % {"limit": p["R-MTG-6"], "item": title, "n": len(speakers)},
            field="agenda",
        )
    ticked = rules.r_mtg_7_items_ticked(
        {k: getattr(draft, k) for k in ("backdrop", "carpet", "flowers", "tablecloth", "banners")}
    )
    for item in ticked:
        checks.enforce(
            "R-MTG-7",
            False,
            _("Meetings have no backdrop, carpet, flowers, tablecloth or banners: remove the %(item)s")
            % {"item": _frugality_label(item)},
            field=item,
        )
    messages = {
        "meal": (_("Meals at meetings are canteen working meals only"), "meals"),
        "alcohol": (_("No alcohol at meetings"), "alcohol"),
        "cigarettes": (_("No cigarettes at meetings"), "cigarettes"),
        "fruit": (_("Fruit is set out only at retired cadres' symposiums"), "fruit"),
    }
    for code in rules.r_mtg_8_problems(
        meals=draft.meals,
        alcohol=draft.alcohol,
        cigarettes=draft.cigarettes,
        fruit=draft.fruit,
        retired_symposium=draft.retired_cadres_symposium,
    ):
        text, fname = messages[code]
        checks.enforce("R-MTG-8", False, text, field=fname)
    checks.enforce(
        "R-MTG-9",
        rules.r_mtg_9_venue_ok(draft.venue_kind, draft.outside_kind),
        _("No meetings at scenic spots or high-end hotels; use the agency's own rooms"),
        field="outside_kind",
    )


def _cap_check(township_id: int, draft: MeetingDraft, checks: Checks, exclude_pk=None) -> None:
    rule_id = rules.cap_rule(draft.meeting_type)
    if rule_id is None:
        return  # R-MTG-4: higher-level and other meetings are outside the caps
    _lock_counter(township_id, _month_key(draft.date))
    first = draft.date.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    qs = Meeting.objects.filter(
        township_id=township_id,
        meeting_type=draft.meeting_type,
        status__in=ACTIVE_STATUSES,
        date__gte=first,
        date__lt=nxt,
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    already = qs.count()
    cap = policy(rule_id, township=township_id, on=draft.date)
    kind = MeetingType(draft.meeting_type).label
    checks.enforce(
        rule_id,
        rules.r_mtg_2_3_within_cap(already, cap),
        msg(
            gettext_noop(
                "At most %(cap)d meetings of the kind “%(kind)s” a month; %(month)s already has %(n)d approved or waiting"
            ),
            cap=cap,
            kind=kind,
            month=draft.date.strftime("%Y-%m"),
            n=already,
        ),
        field="meeting_type",
    )


def _room_check(draft: MeetingDraft, starts_at, ends_at, exclude_pk=None) -> None:
    if draft.venue_kind != VenueKind.ROOM or draft.room is None:
        return
    Room.objects.select_for_update().filter(pk=draft.room.pk).get()
    clash = (
        Meeting.objects.filter(
            room=draft.room, status__in=ACTIVE_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .exclude(pk=exclude_pk)
        .order_by("starts_at")
        .first()
    )
    if clash:
        raise ValidationError(
            {
                "room": [
                    _(
                        "%(room)s is already booked from %(start)s to %(end)s for “%(title)s”; choose another room or time."
                    )
                    % {
                        "room": draft.room,
                        "start": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M"),
                        "end": timezone.localtime(clash.ends_at).strftime("%H:%M"),
                        "title": clash.title,
                    }
                ]
            }
        )


def _submit(actor, draft: MeetingDraft, override_reason: str) -> Meeting:
    _validate_shape(actor, draft)
    township_id = actor.township_id
    override = Override(actor, override_reason) if override_reason.strip() else None
    checks = Checks(override=override)
    meeting_rule_checks(township_id=township_id, draft=draft, checks=checks)
    _cap_check(township_id, draft, checks)
    checks.raise_if_any()
    starts_at = _local_dt(draft.date, draft.start_time)
    ends_at = starts_at + dt.timedelta(minutes=draft.planned_minutes)
    _room_check(draft, starts_at, ends_at)
    meeting = Meeting(
        township_id=township_id,
        title=draft.title.strip(),
        department=draft.department,
        meeting_type=draft.meeting_type,
        major_event=draft.major_event,
        date=draft.date,
        start_time=draft.start_time,
        planned_minutes=draft.planned_minutes,
        starts_at=starts_at,
        ends_at=ends_at,
        venue_kind=draft.venue_kind,
        room=draft.room if draft.venue_kind == VenueKind.ROOM else None,
        outside_place=draft.outside_place.strip() if draft.venue_kind == VenueKind.OUTSIDE else "",
        outside_kind=draft.outside_kind if draft.venue_kind == VenueKind.OUTSIDE else "",
        format=draft.format,
        meals=draft.meals,
        alcohol=draft.alcohol,
        cigarettes=draft.cigarettes,
        fruit=draft.fruit,
        retired_cadres_symposium=draft.retired_cadres_symposium,
        requested_by=actor,
        status=MeetingStatus.PENDING,
    )
    meeting.full_clean(exclude=["approval"])
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        # The room trigger is the last line of defence if a booking slipped past the check.
        raise ValidationError({"room": [_("This room is already booked for an overlapping time.")]}) from None
    meeting.audience_departments.set(draft.audience_departments)
    meeting.audience_people.set(draft.audience_people)
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, order=i, title=t.strip()[:200], speakers=s)
            for i, (t, s) in enumerate([(t, s) for t, s in draft.agenda if t.strip()], start=1)
        ]
    )
    # R-MTG-10: record which meetings were offered for merging.
    from meetings.selectors import merge_candidates

    candidates = merge_candidates(
        township_id=township_id,
        day=draft.date,
        department_ids=[d.pk for d in draft.audience_departments],
        people_ids=[p.pk for p in draft.audience_people],
        exclude_pk=meeting.pk,
    )
    if candidates:
        meeting.merge_candidates.set(candidates)
    overrides_record(checks.used, target=meeting, township=meeting.township)
    req = approval_submit(
        actor=actor,
        kind="meeting_request",
        target=meeting,
        summary=msg(gettext_noop("Meeting %(date)s: %(title)s"), date=meeting.date, title=meeting.title),
    )
    meeting.approval = req
    meeting.save(update_fields=["approval"])
    return meeting


def _transition(meeting_id: int, to: str) -> Meeting:
    return _transition_with(Meeting(pk=meeting_id), to, [])


# Approval outcomes (township.approvals calls these inside its own transaction).


def on_meeting_approved(meeting, actor, req):
    _transition(meeting.pk, MeetingStatus.APPROVED)


def on_meeting_rejected(meeting, actor, req):
    _transition(meeting.pk, MeetingStatus.REJECTED)


def on_meeting_returned(meeting, actor, req):
    _transition(meeting.pk, MeetingStatus.RETURNED)


def on_meeting_cancelled(meeting, actor, req):
    _transition(meeting.pk, MeetingStatus.WITHDRAWN)


def can_manage(user, meeting) -> bool:
    """The requester, the organising department's head and leader in charge, the Party and
    Government Office and principal leaders manage a meeting after its approval."""
    if user.township_id != meeting.township_id:
        return False
    if user.pk == meeting.requested_by_id or user.has_role(Role.PRINCIPAL_LEADER, Role.OFFICE_CLERK):
        return True
    dept = meeting.department
    return user.pk in (dept.head_id, dept.leader_in_charge_id)


def meeting_cancel(*, actor, meeting_id: int, reason: str) -> Meeting:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the meeting is cancelled.")]})
    with transaction.atomic():
        meeting = Meeting.objects.select_related("department").get(pk=meeting_id)
        if not can_manage(actor, meeting):
            raise ValidationError(_("You cannot cancel this meeting."))
        meeting.cancel_reason = reason.strip()[:300]
        meeting = _transition_with(meeting, MeetingStatus.CANCELLED, ["cancel_reason"])
        for person in meeting.audience_people.all():
            notify(
                person, msg(gettext_noop("Meeting cancelled: %(m)s"), m=meeting), meeting.get_absolute_url()
            )
    return meeting


def _transition_with(meeting: Meeting, to: str, fields: list[str]) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not locked.can_become(to):
        raise ValidationError(
            _("This meeting is %(status)s and cannot become %(to)s.")
            % {"status": locked.get_status_display(), "to": MeetingStatus(to).label}
        )
    for f in fields:
        setattr(locked, f, getattr(meeting, f))
    locked.status = to
    locked.full_clean(exclude=["approval", "minutes_file"])
    locked.save(update_fields=["status", *fields])
    return locked


# R-MTG-1: a meeting in one of these states has not been approved and cannot be held.
NOT_APPROVED = (
    MeetingStatus.PENDING,
    MeetingStatus.RETURNED,
    MeetingStatus.REJECTED,
    MeetingStatus.WITHDRAWN,
)


def meeting_record_outcome(
    *,
    actor,
    meeting_id: int,
    actual_start: dt.datetime,
    actual_end: dt.datetime,
    attendance: int,
    absentees: str = "",
    minutes_text: str = "",
    minutes_file=None,
) -> Meeting:
    """After the meeting: actual times, attendance, minutes.  R-MTG-5: running over the limit
    (except statutory meetings) raises a finding for inspectors."""
    with transaction.atomic():
        meeting = Meeting.objects.select_related("department", "township").get(pk=meeting_id)
        if not can_manage(actor, meeting):
            raise ValidationError(_("You cannot record this meeting."))
        checks = Checks()
        checks.enforce(  # R-MTG-1: blocked until approved
            "R-MTG-1",
            meeting.status not in NOT_APPROVED,
            _("This meeting has not been approved; only an approved meeting can be held and recorded."),
        )
        checks.raise_if_any()
        errors = {}
        if actual_end <= actual_start:
            errors["actual_end"] = [_("The end must be after the start.")]
        if actual_start > timezone.now():
            errors["actual_start"] = [_("A meeting can only be recorded once it has taken place.")]
        if not minutes_text.strip() and not minutes_file and not meeting.minutes_file:
            errors["minutes_text"] = [_("Type the minutes or upload them as a file.")]
        if minutes_file:
            try:
                minutes_file.name = stored_name(check_upload(minutes_file, kinds=DOCUMENTS))
            except ValidationError as exc:
                errors["minutes_file"] = exc.messages
        if errors:
            raise ValidationError(errors)
        meeting.actual_start = actual_start
        meeting.actual_end = actual_end
        meeting.attendance = attendance
        meeting.absentees = absentees.strip()
        meeting.minutes_text = minutes_text.strip()
        meeting.recorded_by = actor
        fields = ["actual_start", "actual_end", "attendance", "absentees", "minutes_text", "recorded_by"]
        meeting = _transition_with(meeting, MeetingStatus.HELD, fields)
        if minutes_file:
            meeting.minutes_file.save(minutes_file.name, minutes_file, save=False)
            meeting.save(update_fields=["minutes_file"])
        limit = policy("R-MTG-5", township=meeting.township_id, on=meeting.date)
        minutes = meeting.actual_minutes
        if not rules.r_mtg_5_duration_ok(meeting.meeting_type, minutes, limit):
            finding_raise(
                rule_id="R-MTG-5",
                township=meeting.township_id,
                target=meeting,
                department=meeting.department_id,
                on_date=meeting.date,
                detail=msg(
                    gettext_noop("“%(title)s” lasted %(n)d minutes; the limit is %(limit)d."),
                    title=meeting.title,
                    n=minutes,
                    limit=limit,
                ),
            )
    return meeting


def meeting_merge_into(
    *, actor, target_id: int, agenda: list[tuple[str, list[str]]], source_title: str
) -> Meeting:
    """R-MTG-10 (一会多务): instead of a new meeting, add this request's items to a meeting
    already planned.  The items still obey R-MTG-6."""
    with transaction.atomic():
        target = Meeting.objects.select_for_update().get(pk=target_id)
        if target.township_id != actor.township_id or target.status not in (
            MeetingStatus.PENDING,
            MeetingStatus.APPROVED,
        ):
            raise ValidationError(_("This meeting can no longer take more items."))
        if target.date < timezone.localdate():
            raise ValidationError(_("This meeting has already taken place."))
        items = [(t.strip(), s) for t, s in agenda if t.strip()]
        if not items:
            raise ValidationError(_("Add at least one agenda item."))
        checks = Checks()
        limit = policy("R-MTG-6", township=target.township_id, on=target.date)
        for title, speakers in items:
            checks.enforce(
                "R-MTG-6",
                rules.r_mtg_6_speakers_ok(speakers, limit),
                _("At most %(limit)d people may speak on the same item; “%(item)s” has %(n)d")
                % {"limit": limit, "item": title, "n": len(speakers)},
                field="agenda",
            )
        checks.raise_if_any()
        last = target.agenda.order_by("-order").values_list("order", flat=True).first() or 0
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    meeting=target, order=last + i, title=t[:200], speakers=s, merged_from=source_title[:200]
                )
                for i, (t, s) in enumerate(items, start=1)
            ]
        )
        notify(
            target.requested_by,
            msg(
                gettext_noop("%(who)s added items to your meeting “%(m)s” instead of calling another one."),
                who=actor,
                m=target.title,
            ),
            target.get_absolute_url(),
        )
    return target


# --- iCal feeds --------------------------------------------------------------------------------


def feed_issue(*, actor) -> CalendarFeed:
    """A new private address; any earlier one stops working."""
    with transaction.atomic():
        CalendarFeed.objects.filter(person=actor, revoked_at__isnull=True).update(revoked_at=timezone.now())
        return CalendarFeed.objects.create(
            township_id=actor.township_id, person=actor, token=secrets.token_urlsafe(32)
        )


def feed_revoke(*, actor) -> int:
    return CalendarFeed.objects.filter(person=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# --- documents (R-DOC-1) -------------------------------------------------------------------------


def docx_text(upload) -> str:
    """The text of an uploaded .docx (paragraphs and table cells); a clear error otherwise."""
    import zipfile

    from docx import Document as DocxDocument

    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".docx"):
        raise ValidationError(
            {"docx": [_("Upload a Word .docx file (older .doc files: save as .docx first).")]}
        )
    check_upload(upload, kinds=("docx",), field="docx")
    try:
        doc = DocxDocument(upload)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, Exception):  # noqa: B014 - python-docx raises many kinds
        raise ValidationError(
            {"docx": [_("This .docx file cannot be read; open it in Word and save it again.")]}
        ) from None
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts).strip()


def document_register(
    *,
    actor,
    kind: str,
    title: str,
    department,
    issued_on: dt.date,
    text: str = "",
    docx=None,
    override_reason: str = "",
) -> Document:
    source = ""
    if docx is not None:
        text = docx_text(docx)
        source = docx.name[:200]
    if not (text or "").strip():
        raise ValidationError({"text": [_("Paste the text or upload the .docx file.")]})
    if department.township_id != actor.township_id:
        raise ValidationError({"department": [_("Choose a department of your township.")]})
    count = rules.r_doc_1_char_count(text)
    limit = policy(rules.r_doc_1_policy_key(kind), township=actor.township_id, on=issued_on)
    override = Override(actor, override_reason) if override_reason.strip() else None
    checks = Checks(override=override)
    checks.enforce(
        "R-DOC-1",
        count <= limit,
        msg(
            gettext_noop("%(kind)s may have at most %(limit)d characters; this one has %(n)d"),
            kind=DocumentKind(kind).label,
            limit=limit,
            n=count,
        ),
        field="text" if docx is None else "docx",
    )
    checks.raise_if_any()
    with transaction.atomic():
        doc = Document(
            township_id=actor.township_id,
            kind=kind,
            title=title.strip(),
            text=text,
            char_count=count,
            source_name=source,
            department=department,
            issued_on=issued_on,
            registered_by=actor,
        )
        doc.full_clean()
        doc.save()
        overrides_record(checks.used, target=doc, township=doc.township)
    return doc


# --- press coverage (R-MTG-11) -------------------------------------------------------------------


def press_request_submit(
    *, actor, title: str, subject: str, on_date: dt.date, department, meeting=None, note: str = ""
) -> PressRequest:
    if department.township_id != actor.township_id:
        raise ValidationError({"department": [_("Choose a department of your township.")]})
    if meeting is not None and meeting.township_id != actor.township_id:
        raise ValidationError({"meeting": [_("Choose a meeting of your township.")]})
    with transaction.atomic():
        checks = Checks()
        checks.enforce(
            "R-MTG-11",
            rules.r_mtg_11_subject_reportable(subject),
            _("General meetings and leaders' routine activities are not reported in the news"),
            field="subject",
        )
        _lock_counter(actor.township_id, f"press:{on_date.year}")
        already = PressRequest.objects.filter(
            township_id=actor.township_id, year=on_date.year, status__in=PRESS_COUNTED
        ).count()
        cap = policy("R-MTG-11", township=actor.township_id, on=on_date)
        checks.enforce(
            "R-MTG-11",
            rules.r_mtg_11_within_yearly_cap(already, cap),
            _("Reporters are invited at most %(cap)d times a year; %(year)d already has %(n)d")
            % {"cap": cap, "year": on_date.year, "n": already},
            field="on_date",
        )
        checks.raise_if_any()
        press = PressRequest(
            township_id=actor.township_id,
            title=title.strip(),
            subject=subject,
            on_date=on_date,
            year=on_date.year,
            meeting=meeting,
            department=department,
            note=note.strip(),
            requested_by=actor,
        )
        press.full_clean(exclude=["approval"])
        press.save()
        press.approval = approval_submit(
            actor=actor,
            kind="press_coverage",
            target=press,
            summary=msg(gettext_noop("Press coverage %(date)s: %(title)s"), date=on_date, title=press.title),
        )
        press.save(update_fields=["approval"])
    return press


def _press_set(press, status):
    locked = PressRequest.objects.select_for_update().get(pk=press.pk)
    if locked.status != PressStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    locked.status = status
    locked.save(update_fields=["status"])


def on_press_approved(press, actor, req):
    _press_set(press, PressStatus.APPROVED)


def on_press_rejected(press, actor, req):
    _press_set(press, PressStatus.REJECTED)


def on_press_returned(press, actor, req):
    _press_set(press, PressStatus.RETURNED)


def on_press_cancelled(press, actor, req):
    _press_set(press, PressStatus.WITHDRAWN)
