"""Factories and helpers for the meetings tests (reusing township.tests.factories)."""

import datetime as dt

import factory
from django.utils import timezone

from meetings.models import MeetingType, Room
from meetings.services import MeetingDraft, meeting_request_submit
from township.approvals import approval_decide
from township.models import ApprovalRequest
from township.tests.factories import TownshipFactory


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"第{n}会议室")
    capacity = 40


def next_month_day(day: int = 10) -> dt.date:
    """A day of next month: always in the future, and all tests of a cap share the month."""
    first = (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first.replace(day=day)


_hours = iter(range(10**6))


def draft(org, **kw) -> MeetingDraft:
    """A request that breaks no rule; each call gets its own room slot unless told otherwise."""
    if "room" not in kw and kw.get("venue_kind", "room") == "room":
        kw["room"] = RoomFactory(township=org.township)
    values = dict(
        title="安全生产工作会",
        department=org.department,
        meeting_type=MeetingType.BUSINESS,
        date=next_month_day(),
        start_time=dt.time(9, 0),
        planned_minutes=90,
        agenda=[("传达县安全生产会议精神", ["张三"]), ("部署本月排查工作", ["李四", "王五"])],
        audience_departments=[org.department],
    )
    values.update(kw)
    return MeetingDraft(**values)


def submit(org, actor=None, override_reason="", **kw):
    return meeting_request_submit(
        actor=actor or org.clerk, draft=draft(org, **kw), override_reason=override_reason
    )


def approve(meeting, approver):
    req = ApprovalRequest.objects.get(pk=meeting.approval_id)
    approval_decide(actor=approver, request_id=req.pk, decision="approve")
    meeting.refresh_from_db()
    return meeting
