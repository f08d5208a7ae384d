"""The approval kinds of this app (township.approvals): how each request is routed and what a
decision does to the record."""

from township.approvals import ApprovalKind, StepSpec, approvers_at_level, register_kind
from township.models import Category, Role
from township.policy import policies

from .models.choices import RequestStatus
from .rules import r_lv_1_level


def _level(level, target, requester):
    lvl, people = approvers_at_level(
        level, township_id=target.township_id, department=requester.department, exclude=requester
    )
    from township.approvals import LEVEL_LABELS

    return [StepSpec(LEVEL_LABELS[lvl], people)]


def is_leading_cadre(person) -> bool:
    return person.category == Category.SECTION_LEADER or person.has_role(
        Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER
    )


def route_leave(leave, requester):
    """R-LV-1 by length; R-LV-6 leading cadres ask a principal leader."""
    pol = policies(
        ["R-LV-1.head_max_days", "R-LV-1.leader_max_days"], township=leave.township_id, on=leave.start_date
    )
    level = r_lv_1_level(
        leave.days,
        head_max=pol["R-LV-1.head_max_days"],
        leader_max=pol["R-LV-1.leader_max_days"],
        leading_cadre=is_leading_cadre(requester),
    )
    return _level(level, leave, requester)


def route_trip(trip, requester):
    """R-TRIP-1: a principal leader decides every trip."""
    return _level("principal_leader", trip, requester)


def route_head(target, requester):
    return _level("department_head", target, requester)


def _handlers(decided):
    return {
        "on_approved": lambda t, a, r: decided(t, RequestStatus.APPROVED),
        "on_rejected": lambda t, a, r: decided(t, RequestStatus.REJECTED),
        "on_returned": lambda t, a, r: decided(t, RequestStatus.RETURNED),
        "on_cancelled": lambda t, a, r: decided(t, RequestStatus.CANCELLED),
    }


def register():
    from django.utils.translation import gettext_lazy as _

    from .services.attendance import CORRECTION_KIND, correction_decided
    from .services.duty import SWAP_KIND, swap_decided
    from .services.leave import LEAVE_KIND, TRIP_KIND, leave_decided, trip_decided

    register_kind(ApprovalKind(LEAVE_KIND, _("Leave"), route_leave, **_handlers(leave_decided)))
    register_kind(ApprovalKind(TRIP_KIND, _("Trip"), route_trip, **_handlers(trip_decided)))
    register_kind(
        ApprovalKind(CORRECTION_KIND, _("Punch correction"), route_head, **_handlers(correction_decided))
    )
    register_kind(ApprovalKind(SWAP_KIND, _("Duty swap"), route_head, **_handlers(swap_decided)))
