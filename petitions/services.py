"""Every write of the petitions app.  Views, the admin, the import and the Celery tasks call these.

A workflow step is ``_step(...)``: it locks the case row, checks the step against the transition
table (``models.TRANSITIONS``) and the actor's part in the case, and records the step; the calling
service sets its fields and saves with ``update_fields``.  Deadlines are calendar days read from
policy (see policies.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from township.findings import FindingSpec, finding_raise, findings_raise
from township.messages import Message, message_json, msg
from township.models import Department, Role, User, Village
from township.notify import notify
from township.policy import policies, policy
from township.uploads import DOCUMENTS, check_upload, display_name, stored_name

from . import rules
from .models import (
    CLOCK_RUNNING,
    TRANSITIONS,
    CaseRole,
    ExtensionStatus,
    IdentityAccess,
    PetitionAttachment,
    PetitionCase,
    Petitioner,
    PetitionEvent,
    ReceptionDay,
    ReceptionRecord,
    Status,
)

REGISTER_ROLES = (Role.OFFICE_CLERK, Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE)
LEADER_ROLES = (Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE)
IDENTITY_FIELDS = ("name", "id_number", "phone", "address")
REPEAT_MATTER_SIMILARITY = 0.45  # bigram Jaccard above which a matter counts as "very similar"
REPEAT_LOOKBACK_DAYS = 3 * 365


# --- who is who on a case ------------------------------------------------------------------------


def case_roles(case: PetitionCase, user) -> set[str]:
    """The parts ``user`` plays in ``case`` (CaseRole values); empty for the people it concerns."""
    if not user.is_authenticated or user.township_id != case.township_id:
        return set()
    if case.concerned_people.filter(pk=user.pk).exists():
        return set()  # R-PET-8: never act on (or see the petitioner of) a case about oneself
    roles = set()
    if user.has_role(Role.OFFICE_CLERK):
        roles.add(CaseRole.CLERK)
    if user.has_role(Role.PRINCIPAL_LEADER):
        roles.add(CaseRole.PRINCIPAL)
    if case.responsible_leader_id == user.pk:
        roles.add(CaseRole.LEADER)
    if case.handlers.filter(pk=user.pk).exists():
        roles.add(CaseRole.HANDLER)
    return roles


def allowed_verbs(case: PetitionCase, user) -> list[str]:
    roles = case_roles(case, user)
    return [t.verb for t in case.transitions_from_here() if roles.intersection(t.roles)]


def _lock(case_id: int) -> PetitionCase:
    try:
        return PetitionCase.objects.select_for_update().get(pk=case_id)
    except PetitionCase.DoesNotExist:
        raise ValidationError(_("This case does not exist.")) from None


def _step(case_id: int, actor, verb: str) -> tuple[PetitionCase, str]:
    """Lock the case and check that ``actor`` may take step ``verb`` now; return (case, from)."""
    t = TRANSITIONS[verb]
    case = _lock(case_id)
    if case.status not in t.sources:
        raise ValidationError(
            _("This step (%(step)s) is not possible while the case is %(status)s.")
            % {"step": t.label, "status": case.get_status_display()}
        )
    if case.concerned_people.filter(pk=actor.pk).exists():
        raise ValidationError(_("The petition concerns you; you cannot take any step in it (R-PET-8)."))
    if not case_roles(case, actor).intersection(t.roles):
        who = "、".join(str(CaseRole(r).label) for r in t.roles)
        raise ValidationError(
            _("Only these people can take this step (%(step)s): %(who)s.") % {"step": t.label, "who": who}
        )
    return case, case.status


def _record(case: PetitionCase, actor, verb: str, from_status: str, note: str | Message = "") -> None:
    PetitionEvent.objects.create(
        township_id=case.township_id,
        case=case,
        verb=verb,
        from_status=from_status,
        to_status=case.status,
        actor=actor,
        note=str(note)[:300],
        note_message=message_json(note),
    )


def _next_due(case: PetitionCase) -> dt.date | None:
    if case.status == Status.REGISTERED:
        return case.acceptance_due
    if case.status in (Status.ACCEPTED, Status.IN_PROGRESS):
        return case.reply_due
    if case.status == Status.REVIEW_REQUESTED:
        return case.review_due
    return None


def _check_date(
    on: dt.date | None, *, field: str, not_before: dt.date | None = None, before_label=""
) -> dt.date:
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({field: [_("The date cannot be in the future.")]})
    if not_before and on < not_before:
        raise ValidationError(
            {
                field: [
                    _("The date cannot be before %(what)s (%(date)s).")
                    % {"what": before_label, "date": not_before}
                ]
            }
        )
    return on


def _save(case: PetitionCase, fields: Sequence[str]) -> None:
    case.next_due = _next_due(case)
    case.full_clean(exclude=["linked_cases", "concerned_people", "handlers"], validate_unique=False)
    case.save(update_fields=[*fields, "status", "next_due"])


# --- registration --------------------------------------------------------------------------------


def _next_number(township_id: int, year: int) -> int:
    """One statement, safe under concurrency: two clerks registering at once get two numbers."""
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO petitions_casecounter (township_id, year, last) VALUES (%s, %s, 1)
            ON CONFLICT (township_id, year) DO UPDATE SET last = petitions_casecounter.last + 1
            RETURNING last
            """,
            [township_id, year],
        )
        return cur.fetchone()[0]


def repeat_candidates(
    *,
    township_id: int,
    id_numbers: Iterable[str],
    matter: str,
    exclude_pk: int | None = None,
    limit: int = 10,
) -> list[tuple[PetitionCase, str]]:
    """Earlier cases with the same petitioner ID number or a very similar matter, newest first,
    each with why it was found.  No identity is returned."""
    ids = [i.strip().upper() for i in id_numbers if i and i.strip()]
    since = timezone.localdate() - dt.timedelta(days=REPEAT_LOOKBACK_DAYS)
    base = PetitionCase.objects.filter(township_id=township_id)
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    found: dict[int, str] = {}
    if ids:
        for pk in base.filter(petitioners__id_number__in=ids).values_list("pk", flat=True):
            found[pk] = _("same petitioner ID number")
    for pk, text in base.filter(registered_on__gte=since).values_list("pk", "matter")[:5000]:
        if pk not in found and rules.matter_similarity(matter, text) >= REPEAT_MATTER_SIMILARITY:
            found[pk] = _("very similar matter")
    cases = (
        PetitionCase.objects.filter(pk__in=found).select_related("village").order_by("-registered_on", "-pk")
    )
    return [(c, found[c.pk]) for c in cases[:limit]]


def petition_case_register(
    *,
    actor,
    channel: str,
    category: str,
    matter: str,
    petitioners: Sequence[dict],
    village: Village | None = None,
    concerns: str = "",
    concerned_people: Iterable[User] = (),
    headcount: int | None = None,
    registered_on: dt.date | None = None,
    linked_cases: Iterable[PetitionCase] = (),
    reception: ReceptionRecord | None = None,
    attachments: Iterable = (),
) -> PetitionCase:
    """R-PET-1: every petition is registered, with a case number per year (2026-0042)."""
    if not actor.has_role(*REGISTER_ROLES) or actor.township_id is None:
        raise ValidationError(_("Only the petition clerk or a leader can register a petition."))
    township_id = actor.township_id
    registered_on = _check_date(registered_on, field="registered_on")
    errors: dict[str, list] = {}
    people = [p for p in petitioners if any((p.get(f) or "").strip() for f in IDENTITY_FIELDS)]
    if not people:
        errors["petitioners"] = [_("Enter at least one petitioner (a name is enough for a letter).")]
    for n, p in enumerate(people, start=1):
        if not (p.get("name") or "").strip():
            errors.setdefault("petitioners", []).append(_("Petitioner %(n)d: enter the name.") % {"n": n})
        idn = (p.get("id_number") or "").strip().upper()
        if idn and not rules.id_number_valid(idn):
            errors.setdefault("petitioners", []).append(
                _(
                    "Petitioner %(n)d: %(id)s is not a valid 18-character ID number (check the last character)."
                )
                % {"n": n, "id": idn}
            )
    headcount = headcount or len(people) or 1
    if headcount < len(people):
        errors["headcount"] = [_("The number of people cannot be smaller than the petitioners entered.")]
    if village is not None and village.township_id != township_id:
        errors["village"] = [_("Choose a village of your township.")]
    concerned = list(concerned_people)
    if any(u.township_id != township_id for u in concerned):
        errors["concerned_people"] = [_("Choose people of your township.")]
    linked = list(linked_cases)
    if any(c.township_id != township_id for c in linked):
        errors["linked_cases"] = [_("Only cases of your township can be linked.")]
    if errors:
        raise ValidationError(errors)
    values = policies(["R-PET-1.collective_min", "R-PET-2"], township=township_id, on=registered_on)
    with transaction.atomic():
        seq = _next_number(township_id, registered_on.year)
        case = PetitionCase(
            township_id=township_id,
            year=registered_on.year,
            seq=seq,
            number=f"{registered_on.year}-{seq:04d}",
            channel=channel,
            category=category,
            village=village,
            matter=matter.strip(),
            concerns=concerns.strip(),
            headcount=headcount,
            is_collective=rules.is_collective(headcount, values["R-PET-1.collective_min"]),
            registered_on=registered_on,
            registered_by=actor,
            acceptance_due=rules.acceptance_due(registered_on, values["R-PET-2"]),
            is_repeat=bool(linked),
            # A matter raised again after a review was answered (信访工作条例 art. 35: final).
            after_final_review=bool(linked)
            and PetitionCase.objects.filter(
                pk__in=[c.pk for c in linked], review_replied_on__isnull=False
            ).exists(),
            reception=reception,
        )
        case.next_due = case.acceptance_due
        case.full_clean(exclude=["linked_cases", "concerned_people", "handlers"])
        case.save()
        for p in people:
            person = Petitioner(
                township_id=township_id,
                case=case,
                name=(p.get("name") or "").strip(),
                id_number=(p.get("id_number") or "").strip().upper(),
                phone=(p.get("phone") or "").strip(),
                address=(p.get("address") or "").strip(),
            )
            person.full_clean()
            person.save()
        if concerned:
            case.concerned_people.set(concerned)
        if linked:
            case.linked_cases.set(linked)
        for f in attachments:
            _attachment_create(case, f, actor, field="attachment")
        _record(case, actor, "register", "")
    return case


def petition_attachment_add(*, actor, case_id: int, file) -> PetitionAttachment:
    with transaction.atomic():
        case = _lock(case_id)
        if not case_roles(case, actor).intersection({CaseRole.CLERK, CaseRole.LEADER, CaseRole.HANDLER}):
            raise ValidationError(
                _("Only the clerk, the responsible leader or a handler can add attachments.")
            )
        return _attachment_create(case, file, actor, field="file")


def _attachment_create(case, file, actor, *, field) -> PetitionAttachment:
    """A letter, photo or document of the case: checked, kept under a generated name."""
    ext = check_upload(file, kinds=DOCUMENTS, field=field)
    name = display_name(file.name, ext)
    file.name = stored_name(ext)
    return PetitionAttachment.objects.create(
        township_id=case.township_id, case=case, file=file, name=name[:200], uploaded_by=actor
    )


# --- acceptance (R-PET-2) --------------------------------------------------------------------------


def petition_case_accept(
    *, actor, case_id: int, on: dt.date | None = None, notice_text: str = ""
) -> PetitionCase:
    with transaction.atomic():
        case, was = _step(case_id, actor, "accept")
        on = _check_date(on, field="on", not_before=case.registered_on, before_label=_("the registration"))
        case.status = Status.ACCEPTED
        case.decided_on = case.accepted_on = on
        case.notice_text = notice_text.strip() or _("Your petition has been accepted and will be handled.")
        case.reply_due = rules.reply_due(on, policy("R-PET-3", township=case.township_id, on=on))
        _save(case, ["decided_on", "accepted_on", "notice_text", "reply_due"])
        _record(case, actor, "accept", was)
        _flag_late_decision(case)
    return case


def petition_case_refuse(
    *, actor, case_id: int, reason: str, notice_text: str = "", on: dt.date | None = None
) -> PetitionCase:
    if not reason.strip():
        raise ValidationError(
            {"reason": [_("Say why the petition is not accepted; the petitioner is told.")]}
        )
    with transaction.atomic():
        case, was = _step(case_id, actor, "refuse")
        on = _check_date(on, field="on", not_before=case.registered_on, before_label=_("the registration"))
        case.status = Status.NOT_ACCEPTED
        case.decided_on = on
        case.not_accepted_reason = reason.strip()
        case.notice_text = notice_text.strip() or reason.strip()
        _save(case, ["decided_on", "not_accepted_reason", "notice_text"])
        _record(case, actor, "refuse", was, reason)
        _flag_late_decision(case)
    return case


def _flag_late_decision(case: PetitionCase) -> None:
    if case.decided_on > case.acceptance_due:
        finding_raise(
            rule_id="R-PET-2",
            township=case.township_id,
            target=case,
            on_date=case.acceptance_due + dt.timedelta(days=1),
            person=case.registered_by,
            detail=msg(
                gettext_noop("Petition %(no)s: acceptance decided on %(on)s, due %(due)s"),
                no=case.number,
                on=case.decided_on,
                due=case.acceptance_due,
            ),
        )


# --- assignment (R-PET-5) ------------------------------------------------------------------------


def _check_assignment(case, leader: User, department: Department, handlers: Sequence[User]) -> None:
    errors: dict[str, list] = {}
    concerned = set(case.concerned_people.values_list("pk", flat=True))
    if leader is None or leader.township_id != case.township_id or not leader.has_role(*LEADER_ROLES):
        errors["leader"] = [_("The responsible leader must be a leader of the township (R-PET-5).")]
    elif leader.pk in concerned:
        errors["leader"] = [_("The petition concerns this person; choose another leader (R-PET-8).")]
    if department is None or department.township_id != case.township_id:
        errors["department"] = [_("Choose a handling department of the township (R-PET-5).")]
    if any(h.township_id != case.township_id for h in handlers):
        errors["handlers"] = [_("Handlers must be people of the township.")]
    elif any(h.pk in concerned for h in handlers):
        errors["handlers"] = [
            _("The petition concerns one of these people; they cannot handle it (R-PET-8).")
        ]
    if errors:
        raise ValidationError(errors)


def petition_case_assign(
    *,
    actor,
    case_id: int,
    leader: User,
    department: Department,
    handlers: Sequence[User] = (),
    on: dt.date | None = None,
    verb: str = "assign",
) -> PetitionCase:
    """R-PET-5: one responsible leader (包案领导) and a handling department per case."""
    with transaction.atomic():
        case, was = _step(case_id, actor, verb)
        _check_assignment(case, leader, department, handlers)
        case.status = Status.IN_PROGRESS
        case.responsible_leader = leader
        case.handling_department = department
        if verb == "assign":
            case.assigned_on = _check_date(
                on, field="on", not_before=case.accepted_on, before_label=_("the acceptance")
            )
        _save(case, ["responsible_leader", "handling_department", "assigned_on"])
        case.handlers.set(handlers)
        _record(case, actor, verb, was, msg(gettext_noop("Responsible leader: %(who)s"), who=leader))
    for person in {leader, *handlers}:
        if person.pk != actor.pk:
            notify(
                person,
                msg(
                    gettext_noop("Petition %(no)s is assigned to you; reply due %(due)s."),
                    no=case.number,
                    due=case.reply_due,
                ),
                case.get_absolute_url(),
            )
    return case


def petition_case_reassign(*, actor, case_id: int, leader, department, handlers=()) -> PetitionCase:
    return petition_case_assign(
        actor=actor, case_id=case_id, leader=leader, department=department, handlers=handlers, verb="reassign"
    )


# --- extension (R-PET-3) ---------------------------------------------------------------------------


def petition_case_extend(*, actor, case_id: int, days: int, reason: str):
    """Ask for the one extension of the reply deadline; a principal leader approves it."""
    from township.approvals import approval_submit

    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the case needs more time.")]})
    with transaction.atomic():
        case = _lock(case_id)
        if case.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
            raise ValidationError(_("Only a case being handled can be extended."))
        if not case_roles(case, actor).intersection({CaseRole.LEADER, CaseRole.HANDLER, CaseRole.CLERK}):
            raise ValidationError(
                _("Only the responsible leader, a handler or the clerk can ask for an extension.")
            )
        maximum = policy("R-PET-3.extension_max", township=case.township_id, on=case.accepted_on)
        ok, why = rules.extension_allowed(days, maximum, case.extension_status)
        if not ok and why == "second":
            raise ValidationError(
                _(
                    "A case can be extended only once (rule R-PET-3); this case already has an extension %(s)s."
                )
                % {"s": case.get_extension_status_display()}
            )
        if not ok:
            raise ValidationError(
                {"days": [_("An extension is at most %(max)d days (rule R-PET-3).") % {"max": maximum}]}
            )
        case.extension_status = ExtensionStatus.PENDING
        case.extension_days = days
        case.extension_reason = reason.strip()[:300]
        case.save(update_fields=["extension_status", "extension_days", "extension_reason"])
        approval_submit(
            actor=actor,
            kind="petition_extension",
            target=case,
            summary=msg(
                gettext_noop("Petition %(no)s: extend the reply deadline by %(d)d days (%(r)s)"),
                no=case.number,
                d=days,
                r=case.extension_reason,
            ),
        )
        _record(case, actor, "extend_request", case.status, case.extension_reason)
    return case


def _extension_decided(target, approver, request, status: str) -> None:
    case = _lock(target.pk)
    if case.extension_status != ExtensionStatus.PENDING:
        return
    case.extension_status = status
    fields = ["extension_status"]
    if status == ExtensionStatus.APPROVED and case.reply_due:
        case.reply_due = case.reply_due + dt.timedelta(days=case.extension_days)
        fields.append("reply_due")
    _save(case, fields)
    _record(case, approver, f"extension_{status}", case.status)


def extension_route(target, requester):
    from township.approvals import route_by_level

    return route_by_level(
        "principal_leader", township_id=target.township_id, department=None, requester=requester
    )


# --- reply (R-PET-3) -----------------------------------------------------------------------------


def petition_case_reply(
    *,
    actor,
    case_id: int,
    text: str,
    on: dt.date | None = None,
    facts_clarified: bool = False,
    coordinated: bool = False,
    resolved: bool = False,
) -> PetitionCase:
    if not text.strip():
        raise ValidationError({"text": [_("Write the reply to the petitioner.")]})
    with transaction.atomic():
        case, was = _step(case_id, actor, "reply")
        if on and case.accepted_on and on < case.accepted_on:
            raise ValidationError(
                {
                    "on": [
                        _("The reply cannot be dated before the acceptance (%(date)s).")
                        % {"date": case.accepted_on}
                    ]
                }
            )
        on = _check_date(on, field="on", not_before=case.accepted_on, before_label=_("the acceptance"))
        case.status = Status.REPLIED
        case.replied_on = on
        case.reply_text = text.strip()
        case.replied_by = actor
        case.facts_clarified, case.coordinated, case.resolved = facts_clarified, coordinated, resolved
        _save(case, ["replied_on", "reply_text", "replied_by", "facts_clarified", "coordinated", "resolved"])
        _record(case, actor, "reply", was)
        if case.reply_due and on > case.reply_due:
            _raise_reply_overdue(case)
    return case


def _raise_reply_overdue(case: PetitionCase) -> None:
    finding_raise(
        rule_id="R-PET-3",
        township=case.township_id,
        target=case,
        on_date=case.reply_due + dt.timedelta(days=1),
        person=case.responsible_leader_id,
        department=case.handling_department_id,
        detail=msg(
            gettext_noop("Petition %(no)s: reply due %(due)s not given in time"),
            no=case.number,
            due=case.reply_due,
        ),
    )


# --- satisfaction, review, closing ---------------------------------------------------------------------


def petition_case_record_satisfaction(
    *, actor, case_id: int, satisfied: bool, note: str = "", on: dt.date | None = None
) -> PetitionCase:
    verb = "satisfied" if satisfied else "dissatisfied"
    with transaction.atomic():
        case, was = _step(case_id, actor, verb)
        case.satisfaction_on = _check_date(
            on, field="on", not_before=case.replied_on, before_label=_("the reply")
        )
        case.satisfaction_note = note.strip()[:300]
        case.satisfied = satisfied
        case.status = Status.SATISFIED if satisfied else Status.DISSATISFIED
        _save(case, ["satisfaction_on", "satisfaction_note", "satisfied"])
        _record(case, actor, verb, was, note)
    return case


def petition_case_request_review(
    *, actor, case_id: int, reason: str, on: dt.date | None = None
) -> PetitionCase:
    """R-PET-4: a review may be asked for within the policy's days of the reply."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Record what the petitioner asks to be reviewed.")]})
    with transaction.atomic():
        case, was = _step(case_id, actor, "request_review")
        on = _check_date(on, field="on", not_before=case.replied_on, before_label=_("the reply"))
        values = policies(["R-PET-4", "R-PET-4.review_reply_days"], township=case.township_id, on=on)
        if not rules.review_in_time(case.replied_on, on, values["R-PET-4"]):
            raise ValidationError(
                {
                    "on": [
                        _(
                            "A review must be asked for within %(d)d days of the reply (%(date)s); "
                            "this request is too late (rule R-PET-4)."
                        )
                        % {"d": values["R-PET-4"], "date": case.replied_on}
                    ]
                }
            )
        case.status = Status.REVIEW_REQUESTED
        case.review_requested_on = on
        case.review_reason = reason.strip()
        case.review_due = on + dt.timedelta(days=values["R-PET-4.review_reply_days"])
        _save(case, ["review_requested_on", "review_reason", "review_due"])
        _record(case, actor, "request_review", was, reason)
    return case


def petition_case_reply_review(*, actor, case_id: int, text: str, on: dt.date | None = None) -> PetitionCase:
    if not text.strip():
        raise ValidationError({"text": [_("Write the review reply.")]})
    with transaction.atomic():
        case, was = _step(case_id, actor, "reply_review")
        case.review_replied_on = _check_date(
            on, field="on", not_before=case.review_requested_on, before_label=_("the review request")
        )
        case.review_reply_text = text.strip()
        case.status = Status.REVIEW_REPLIED
        _save(case, ["review_replied_on", "review_reply_text"])
        _record(case, actor, "reply_review", was)
    return case


def petition_case_close(*, actor, case_id: int, on: dt.date | None = None, note: str = "") -> PetitionCase:
    with transaction.atomic():
        case, was = _step(case_id, actor, "close")
        case.closed_on = _check_date(on, field="on", not_before=case.replied_on, before_label=_("the reply"))
        case.status = Status.CLOSED
        _save(case, ["closed_on"])
        _record(case, actor, "close", was, note)
    return case


# --- privacy (R-PET-8) -----------------------------------------------------------------------------


def identity_access_record(*, user, case: PetitionCase, via: str) -> IdentityAccess:
    return IdentityAccess.objects.create(township_id=case.township_id, case=case, user=user, via=via)


# --- the daily clock (beat) -----------------------------------------------------------------------------


def petition_clocks_run(*, today: dt.date | None = None, township_ids: Iterable[int] | None = None) -> dict:
    """Reminders before deadlines, findings for overdue ones, satisfaction prompts.  Idempotent:
    a reminder is sent once per deadline (``reminded_for``), a finding once per case and deadline
    (findings are unique per rule, subject and date; the date is the first overdue day)."""
    from township.models import Township

    today = today or timezone.localdate()
    counts = {"reminded": 0, "overdue": 0, "prompted": 0}
    townships = Township.objects.all()
    if township_ids is not None:
        townships = townships.filter(pk__in=list(township_ids))
    for tid in townships.values_list("pk", flat=True):
        values = policies(["R-PET-7.remind_before", "R-PET-9.satisfaction_after"], township=tid, on=today)
        running = PetitionCase.objects.filter(
            township_id=tid, status__in=CLOCK_RUNNING, next_due__isnull=False
        )
        # reminders
        soon = today + dt.timedelta(days=values["R-PET-7.remind_before"])
        due_soon = (
            running.filter(next_due__gte=today, next_due__lte=soon)
            .exclude(reminded_for=F("next_due"))
            .select_related("responsible_leader", "registered_by")
            .prefetch_related("handlers")
        )
        for case in due_soon:
            people = {case.responsible_leader, *case.handlers.all()} - {None}
            if case.status == Status.REGISTERED or not people:
                people.add(case.registered_by)
            for person in people:
                notify(
                    person,
                    msg(
                        gettext_noop("Petition %(no)s: deadline %(due)s (%(n)d days left)."),
                        no=case.number,
                        due=case.next_due,
                        n=(case.next_due - today).days,
                    ),
                    case.get_absolute_url(),
                )
            PetitionCase.objects.filter(pk=case.pk).update(reminded_for=case.next_due)
            counts["reminded"] += 1
        # overdue deadlines: one finding per case and deadline
        specs = []
        for case in running.filter(next_due__lt=today).only(
            "pk",
            "number",
            "status",
            "next_due",
            "responsible_leader_id",
            "handling_department_id",
            "registered_by_id",
        ):
            rule = {Status.REGISTERED: "R-PET-2", Status.REVIEW_REQUESTED: "R-PET-4"}.get(
                case.status, "R-PET-3"
            )
            specs.append(
                FindingSpec(
                    rule_id=rule,
                    township_id=tid,
                    on_date=case.next_due + dt.timedelta(days=1),
                    person_id=case.responsible_leader_id or case.registered_by_id,
                    department_id=case.handling_department_id,
                    target=case,
                    detail=msg(
                        gettext_noop("Petition %(no)s: deadline %(due)s passed (%(status)s)"),
                        no=case.number,
                        due=case.next_due,
                        status=Status(case.status).label,
                    ),
                )
            )
        findings_raise(specs)
        counts["overdue"] += len(specs)
        # satisfaction prompts, four weeks after the reply
        ask_before = today - dt.timedelta(days=values["R-PET-9.satisfaction_after"])
        for case in PetitionCase.objects.filter(
            township_id=tid, status=Status.REPLIED, replied_on__lte=ask_before, satisfaction_prompted=False
        ).select_related("registered_by"):
            notify(
                case.registered_by,
                msg(
                    gettext_noop("Petition %(no)s: ask the petitioner whether the matter was resolved."),
                    no=case.number,
                ),
                case.get_absolute_url(),
            )
            PetitionCase.objects.filter(pk=case.pk).update(satisfaction_prompted=True)
            counts["prompted"] += 1
    return counts


# --- reception days (R-PET-6) ---------------------------------------------------------------------


def _reception_manager(actor) -> None:
    if not actor.has_role(Role.OFFICE_CLERK, Role.PRINCIPAL_LEADER, Role.ADMINISTRATOR):
        raise ValidationError(_("Only the petition clerk or a principal leader can manage reception days."))


def reception_day_save(
    *, actor, weekday: int, place: str, leader: User, active: bool = True, day: ReceptionDay | None = None
) -> ReceptionDay:
    _reception_manager(actor)
    if leader.township_id != actor.township_id or not leader.has_role(*LEADER_ROLES):
        raise ValidationError({"leader": [_("Choose a leader of your township.")]})
    with transaction.atomic():
        day = day or ReceptionDay(township_id=actor.township_id)
        if day.township_id != actor.township_id:
            raise ValidationError(_("This reception day belongs to another township."))
        day.weekday, day.place, day.leader, day.active = weekday, place.strip(), leader, active
        day.full_clean()
        day.save()
    return day


def reception_record_create(
    *, actor, on_date: dt.date, leader: User, place: str, visitors: int, summary: str = ""
) -> ReceptionRecord:
    """R-PET-6: each reception is recorded (who came, what was raised); cases are opened from it."""
    if not (actor.has_role(Role.OFFICE_CLERK, Role.PRINCIPAL_LEADER) or actor.pk == leader.pk):
        raise ValidationError(_("Only the petition clerk or the receiving leader can record a reception."))
    if leader.township_id != actor.township_id:
        raise ValidationError({"leader": [_("Choose a leader of your township.")]})
    on_date = _check_date(on_date, field="on_date")
    record = ReceptionRecord(
        township_id=actor.township_id,
        on_date=on_date,
        leader=leader,
        place=place.strip(),
        visitors=visitors,
        summary=summary.strip(),
        recorded_by=actor,
    )
    record.full_clean()
    with transaction.atomic():
        record.save()
    return record


# --- historical import ------------------------------------------------------------------------------


def petition_case_import(
    *,
    actor,
    registered_on: dt.date,
    channel: str,
    category: str,
    matter: str,
    petitioners: Sequence[dict],
    village: Village | None = None,
    headcount: int | None = None,
    accepted_on: dt.date | None = None,
    not_accepted_reason: str = "",
    leader: User | None = None,
    department: Department | None = None,
    replied_on: dt.date | None = None,
    reply_text: str = "",
    satisfied: bool | None = None,
) -> PetitionCase:
    """One historical case (from the township's old ledger), registered through the same checks
    (ID numbers, numbering) and taken to its final recorded state; dates must follow each other."""
    if not actor.has_role(Role.OFFICE_CLERK):
        raise ValidationError(_("Only the petition clerk can import cases."))
    errors: dict[str, list] = {}
    if accepted_on and accepted_on < registered_on:
        errors["accepted_on"] = [_("The acceptance cannot be dated before the registration.")]
    if replied_on and not accepted_on:
        errors["replied_on"] = [_("A replied case needs its acceptance date.")]
    elif replied_on and replied_on < accepted_on:
        errors["replied_on"] = [
            _("The reply cannot be dated before the acceptance (%(date)s).") % {"date": accepted_on}
        ]
    if replied_on and not reply_text.strip():
        errors["reply_text"] = [_("Enter the reply given.")]
    if not_accepted_reason and accepted_on:
        errors["not_accepted_reason"] = [_("A case is either accepted or not accepted, not both.")]
    if (leader or department) and not accepted_on:
        errors["responsible_leader"] = [_("Only an accepted case has a responsible leader.")]
    if replied_on and not (leader and department):
        errors["responsible_leader"] = [
            _("A replied case needs its responsible leader and department (R-PET-5).")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = petition_case_register(
            actor=actor,
            channel=channel,
            category=category,
            matter=matter,
            petitioners=petitioners,
            village=village,
            headcount=headcount,
            registered_on=registered_on,
        )
        case = _lock(case.pk)
        case.imported = True
        fields = ["imported"]
        if not_accepted_reason:
            case.status, case.decided_on = Status.NOT_ACCEPTED, registered_on
            case.not_accepted_reason = case.notice_text = not_accepted_reason.strip()
            fields += ["decided_on", "not_accepted_reason", "notice_text"]
        if accepted_on:
            case.status = Status.ACCEPTED
            case.decided_on = case.accepted_on = accepted_on
            case.reply_due = rules.reply_due(
                accepted_on, policy("R-PET-3", township=case.township_id, on=accepted_on)
            )
            fields += ["decided_on", "accepted_on", "reply_due"]
        if leader and department:
            _check_assignment(case, leader, department, [])
            case.status = Status.IN_PROGRESS
            case.responsible_leader, case.handling_department, case.assigned_on = (
                leader,
                department,
                accepted_on,
            )
            fields += ["responsible_leader", "handling_department", "assigned_on"]
        if replied_on:
            case.status = Status.REPLIED
            case.replied_on, case.reply_text = replied_on, reply_text.strip()
            fields += ["replied_on", "reply_text"]
            if satisfied is not None:
                case.satisfied, case.satisfaction_on = satisfied, replied_on
                case.status = Status.CLOSED
                case.closed_on = replied_on
                fields += ["satisfied", "satisfaction_on", "closed_on"]
        _save(case, fields)
        _record(case, actor, "import", Status.REGISTERED)
    return case


# --- R-PET-7: on-time quota at the end of each month ---------------------------------------------------


def petition_on_time_quota_run(*, month_start: dt.date) -> int:
    """Per responsible leader, the share of the month's replies given on time; below the policy's
    target is a finding (QUOTA shortfall at the period's end).  Idempotent (one per leader and
    month)."""
    from django.db.models import Count

    from township.models import Township

    end = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    specs = []
    for tid in Township.objects.values_list("pk", flat=True):
        target = policy("R-PET-7.on_time_target", township=tid, on=end)
        rows = (
            PetitionCase.objects.filter(
                township_id=tid,
                replied_on__gte=month_start,
                replied_on__lte=end,
                responsible_leader__isnull=False,
            )
            .values("responsible_leader_id")
            .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(replied_on__lte=F("reply_due"))))
            .order_by()
        )
        for r in rows:
            rate = rules.on_time_rate(r["on_time"], r["n"])
            if rate is not None and rate < target:
                specs.append(
                    FindingSpec(
                        rule_id="R-PET-7",
                        township_id=tid,
                        on_date=end,
                        person_id=r["responsible_leader_id"],
                        key=f"pet7:{r['responsible_leader_id']}:{month_start:%Y-%m}",
                        detail=msg(
                            gettext_noop("Petitions replied on time in %(m)s: %(rate)s%% (target %(t)s%%)"),
                            m=f"{month_start:%Y-%m}",
                            rate=rate,
                            t=target,
                        ),
                    )
                )
    findings_raise(specs)
    return len(specs)
