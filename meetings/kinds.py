"""The approval kinds of this app (township.approvals), registered from MeetingsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from meetings import rules, services
from township.approvals import ApprovalKind, register_kind, route_by_level


def route_meeting(meeting, requester):
    # R-MTG-1: town-wide, statutory meetings and major events -> a principal leader; the others
    # -> the organising department's leader in charge (escalating when there is none).
    level = rules.r_mtg_1_approval_level(meeting.meeting_type, meeting.major_event)
    return route_by_level(
        level, township_id=meeting.township_id, department=meeting.department, requester=requester
    )


def route_press(press, requester):
    # Seed 003 §13: what goes to the press is approved by the township's principal leaders.
    return route_by_level(
        "principal_leader", township_id=press.township_id, department=press.department, requester=requester
    )


MEETING_REQUEST = register_kind(
    ApprovalKind(
        code="meeting_request",
        label=_("Meeting request"),
        route=route_meeting,
        on_approved=services.on_meeting_approved,
        on_rejected=services.on_meeting_rejected,
        on_returned=services.on_meeting_returned,
        on_cancelled=services.on_meeting_cancelled,
    )
)

PRESS_COVERAGE = register_kind(
    ApprovalKind(
        code="press_coverage",
        label=_("Press coverage request"),
        route=route_press,
        on_approved=services.on_press_approved,
        on_rejected=services.on_press_rejected,
        on_returned=services.on_press_returned,
        on_cancelled=services.on_press_cancelled,
    )
)
