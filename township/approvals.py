"""One approval mechanism for every app: submit -> route -> decide.

An app declares a request kind (``register_kind``) with its routing rule and what a decision does
to its record, and calls ``approval_submit`` from its own service.  Approvers decide from the inbox
(``approval_decide``): approve, reject or return with a comment; steps chain; a candidate away can
hand the step over (转交); nobody approves their own request; the request row is locked so two
concurrent decisions cannot both apply; decisions are final (a trigger refuses later updates) and
audited by pghistory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from township.messages import Message, message_json, msg, source_text
from township.models import (
    ApprovalRequest,
    ApprovalStatus,
    ApprovalStep,
    Department,
    Role,
    StepStatus,
    User,
)
from township.notify import notify
from township.scoping import township_ids_for


@dataclass
class StepSpec:
    label: str  # or a lazy label: stored by its message id, shown translated
    approvers: Sequence[User]


@dataclass
class ApprovalKind:
    code: str
    label: object
    # route(target, requester) -> the chain of steps
    route: Callable[[object, User], list[StepSpec]]
    on_approved: Callable[[object, User, ApprovalRequest], None] = lambda t, a, r: None
    on_rejected: Callable[[object, User, ApprovalRequest], None] = lambda t, a, r: None
    on_returned: Callable[[object, User, ApprovalRequest], None] = lambda t, a, r: None
    on_cancelled: Callable[[object, User, ApprovalRequest], None] = lambda t, a, r: None
    extra: dict = field(default_factory=dict)


KINDS: dict[str, ApprovalKind] = {}


def register_kind(kind: ApprovalKind) -> ApprovalKind:
    KINDS[kind.code] = kind
    return kind


def kind_label(code: str) -> str:
    kind = KINDS.get(code)
    return str(kind.label) if kind else code


# --- routing helpers ---------------------------------------------------------------------------

LEVELS = ("department_head", "leader_in_charge", "principal_leader")
LEVEL_LABELS = {
    "department_head": gettext_lazy("Department head"),
    "leader_in_charge": gettext_lazy("Leader in charge"),
    "principal_leader": gettext_lazy("Principal leader"),
}


def approvers_at_level(
    level: str, *, township_id: int, department: Department | None, exclude: User
) -> tuple[str, list[User]]:
    """Approvers for a level of the hierarchy, escalating upwards when the level is empty or is
    the requester alone (nobody approves their own request)."""
    for lvl in LEVELS[LEVELS.index(level) :]:
        people: list[User] = []
        if lvl == "department_head" and department and department.head_id:
            people = [department.head]
        elif lvl == "leader_in_charge" and department and department.leader_in_charge_id:
            people = [department.leader_in_charge]
        elif lvl == "principal_leader":
            people = list(
                User.objects.filter(township_id=township_id, groups__name=Role.PRINCIPAL_LEADER).order_by(
                    "pk"
                )
            )
        people = [p for p in people if p.pk != exclude.pk and p.is_active]  # not oneself, not a leaver
        if people:
            return lvl, people
    return level, []


def route_by_level(level: str, *, township_id, department, requester) -> list[StepSpec]:
    lvl, people = approvers_at_level(level, township_id=township_id, department=department, exclude=requester)
    return [StepSpec(LEVEL_LABELS[lvl], people)]


# --- services ----------------------------------------------------------------------------------


def approval_submit(*, actor: User, kind: str, target, summary: str | Message) -> ApprovalRequest:
    """Open a request for ``target``; call inside the app's own transaction.  ``summary`` a
    Message (shown in each reader's language) or text as a person typed it."""
    spec = KINDS[kind]
    steps = spec.route(target, actor)
    if not steps or any(not s.approvers for s in steps):
        raise ValidationError(
            _(
                "No approver could be found for this request; ask the administrator to set the "
                "department's head and leader in charge."
            )
        )
    with transaction.atomic():
        req = ApprovalRequest.objects.create(
            township_id=target.township_id,
            kind=kind,
            target_type=ContentType.objects.get_for_model(target),
            target_id=target.pk,
            summary=str(summary)[:300],
            summary_message=message_json(summary),
            requester=actor,
        )
        for order, s in enumerate(steps, start=1):
            step = ApprovalStep.objects.create(
                request=req,
                order=order,
                label=source_text(s.label),  # a lazy label by its id, translated when shown
                status=StepStatus.PENDING if order == 1 else StepStatus.WAITING,
            )
            step.candidates.set([a for a in s.approvers if a.pk != actor.pk])
        _notify_step(req, steps[0].approvers)
    return req


def _what(req: ApprovalRequest) -> str | Message:
    """The request's summary as a parameter of a notification: its message where it has one."""
    return Message.from_json(req.summary_message) if req.summary_message else req.summary


def _notify_step(req: ApprovalRequest, people) -> None:
    for person in people:
        notify(
            person,
            msg(
                gettext_noop("%(who)s asks for your approval: %(what)s"),
                who=req.requester,
                what=_what(req),
            ),
            req.get_absolute_url(),
        )


def _lock(request_id: int) -> ApprovalRequest:
    try:
        return ApprovalRequest.objects.select_for_update().get(pk=request_id)
    except ApprovalRequest.DoesNotExist:
        raise ValidationError(_("This request does not exist.")) from None


def _current_step(req: ApprovalRequest, actor: User) -> ApprovalStep:
    if req.status != ApprovalStatus.PENDING:
        raise ValidationError(
            _("This request has already been decided (%(status)s).") % {"status": req.get_status_display()}
        )
    if req.requester_id == actor.pk:
        raise ValidationError(_("Nobody can approve their own request."))
    step = req.steps.select_for_update().get(order=req.current_step)
    if not step.candidates.filter(pk=actor.pk).exists():
        raise ValidationError(_("You are not an approver of this step."))
    return step


DECISIONS = {
    "approve": StepStatus.APPROVED,
    "reject": StepStatus.REJECTED,
    "return": StepStatus.RETURNED,
}


def approval_decide(*, actor: User, request_id: int, decision: str, comment: str = "") -> ApprovalRequest:
    if decision not in DECISIONS:
        raise ValidationError(_("Unknown decision."))
    if decision in ("reject", "return") and not comment.strip():
        raise ValidationError({"comment": [_("Say why, so the requester knows what to change.")]})
    with transaction.atomic():
        req = _lock(request_id)
        step = _current_step(req, actor)
        now = timezone.now()
        step.status = DECISIONS[decision]
        step.decided_by = actor
        step.decided_at = now
        step.comment = comment.strip()
        step.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        kind = KINDS[req.kind]
        target = req.target
        if decision == "approve":
            next_step = req.steps.filter(order=req.current_step + 1).first()
            if next_step is not None:
                next_step.status = StepStatus.PENDING
                next_step.save(update_fields=["status"])
                req.current_step = next_step.order
                req.save(update_fields=["current_step"])
                _notify_step(req, list(next_step.candidates.all()))
                return req
            req.status = ApprovalStatus.APPROVED
            kind.on_approved(target, actor, req)
        elif decision == "reject":
            req.status = ApprovalStatus.REJECTED
            kind.on_rejected(target, actor, req)
        else:
            req.status = ApprovalStatus.RETURNED
            kind.on_returned(target, actor, req)
        req.steps.filter(status=StepStatus.WAITING).update(status=StepStatus.SKIPPED)
        req.decided_at = now
        req.save(update_fields=["status", "decided_at"])
        notify(
            req.requester,
            msg(
                gettext_noop("%(what)s: %(status)s by %(who)s"),
                what=_what(req),
                status=ApprovalStatus(req.status).label,
                who=actor,
            ),
            req.get_absolute_url(),
        )
    return req


def approval_handover(*, actor: User, request_id: int, to_user: User, comment: str = "") -> ApprovalStep:
    """转交: a candidate away (e.g. on leave) passes the step to a colleague."""
    with transaction.atomic():
        req = _lock(request_id)
        step = _current_step(req, actor)
        if to_user.pk == req.requester_id:
            raise ValidationError({"to_user": [_("Nobody can approve their own request.")]})
        if to_user.township_id != req.township_id or not to_user.is_active:
            raise ValidationError({"to_user": [_("Choose an active colleague of this township.")]})
        step.candidates.set([to_user])
        step.handed_over_by = actor
        step.handover_comment = comment[:300]
        step.save(update_fields=["handed_over_by", "handover_comment"])
        notify(
            to_user,
            msg(gettext_noop("%(who)s handed over an approval to you: %(what)s"), who=actor, what=_what(req)),
            req.get_absolute_url(),
        )
    return step


def approval_cancel(*, actor: User, request_id: int) -> ApprovalRequest:
    with transaction.atomic():
        req = _lock(request_id)
        if req.requester_id != actor.pk:
            raise ValidationError(_("Only the requester can withdraw a request."))
        if req.status != ApprovalStatus.PENDING:
            raise ValidationError(_("This request has already been decided."))
        req.status = ApprovalStatus.CANCELLED
        req.decided_at = timezone.now()
        req.steps.exclude(status__in=[StepStatus.APPROVED]).update(status=StepStatus.SKIPPED)
        req.save(update_fields=["status", "decided_at"])
        KINDS[req.kind].on_cancelled(req.target, actor, req)
    return req


# --- selectors ---------------------------------------------------------------------------------


def _pending_for(user) -> Q:
    current = ApprovalStep.objects.filter(
        request=OuterRef("pk"),
        order=OuterRef("current_step"),
        status=StepStatus.PENDING,
        candidates=user,
    )
    return Q(Exists(current), status=ApprovalStatus.PENDING)


def approval_inbox_for(*, user) -> QuerySet[ApprovalRequest]:
    return (
        ApprovalRequest.objects.filter(_pending_for(user))
        .select_related("requester", "requester__department")
        .order_by("submitted_at")
    )


def approval_pending_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return ApprovalRequest.objects.filter(_pending_for(user)).count()


def approval_get_for(*, user, pk: int) -> ApprovalRequest:
    """The requester, anyone who is or was an approver, and wide readers may see a request."""
    from township.scoping import get_or_404, sees_whole_township

    qs = ApprovalRequest.objects.filter(township_id__in=township_ids_for(user))
    if not sees_whole_township(user):
        qs = qs.filter(Q(requester=user) | Q(steps__candidates=user) | Q(steps__decided_by=user))
    return get_or_404(
        qs.distinct().select_related("requester").prefetch_related("steps__candidates", "steps__decided_by"),
        pk=pk,
    )


def approvals_for_target(target) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).prefetch_related("steps__candidates", "steps__decided_by")


def approvals_waiting_since(cutoff) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.filter(status=ApprovalStatus.PENDING, submitted_at__lt=cutoff).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lt=cutoff)
    )


def approvals_remind(*, cutoff) -> int:
    """Remind the approvers of every request waiting since before ``cutoff`` (beat task)."""
    count = 0
    for req in approvals_waiting_since(cutoff).prefetch_related("steps__candidates"):
        step = next(s for s in req.steps.all() if s.order == req.current_step)
        for person in step.candidates.all():
            notify(
                person,
                msg(
                    gettext_noop("Reminder: waiting for your approval since %(when)s: %(what)s"),
                    when=req.submitted_at,  # rendered local, "%Y-%m-%d %H:%M"
                    what=_what(req),
                ),
                req.get_absolute_url(),
            )
        ApprovalRequest.objects.filter(pk=req.pk).update(reminded_at=timezone.now())
        count += 1
    return count
