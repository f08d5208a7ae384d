"""Demo data: rooms, a year of meetings within the caps (held ones with minutes, one cap set aside
by a principal leader, one meeting that ran over), requests waiting for approval, refused attempts
in the audit trail, documents and press coverage.  History is bulk-created (fast for "large");
what is still to come goes through the services like a clerk's request would."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.models import AgendaItem, Meeting, MeetingStatus, MeetingType, Room
from meetings.services import (
    MeetingDraft,
    document_register,
    meeting_request_submit,
    press_request_submit,
)
from township.approvals import approval_decide
from township.hooks import demo_seeder
from township.models import ApprovalRequest, Department, Role, User
from township.rules import OverrideUse, overrides_record

TOPICS = {
    MeetingType.PLENARY: ["全镇干部职工大会", "全镇作风建设推进会", "全镇经济工作会", "全镇安全生产大会"],
    MeetingType.BUSINESS: [
        "财务报账业务培训",
        "农村低保业务会",
        "自然资源执法业务会",
        "信访业务工作会",
        "统计业务培训会",
    ],
    MeetingType.SPECIAL_TOPIC: [
        "森林防火专题会",
        "防汛专题会",
        "秸秆禁烧专题会",
        "乡村振兴专题会",
        "人居环境整治专题会",
    ],
    MeetingType.HIGHER_LEVEL: ["县委视频会（分会场）", "县政府电视电话会议（分会场）"],
}
ITEMS = ["传达上级会议精神", "通报上月工作情况", "部署本月重点工作", "研究具体问题", "学习有关文件"]


def _people(township, role):
    return list(User.objects.filter(township=township, groups__name=role, is_active=True).order_by("pk"))


def _aware(day, at):
    return timezone.make_aware(dt.datetime.combine(day, at))


def _month_days(first: dt.date) -> list[dt.date]:
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    days, d = [], first
    while d < nxt:
        if d.weekday() < 5:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


@demo_seeder(30, "meetings")
def seed_meetings(*, township, size, rng, today):
    depts = list(Department.objects.filter(township=township).order_by("order"))
    principals = _people(township, Role.PRINCIPAL_LEADER)
    clerks = _people(township, Role.OFFICE_CLERK) or [d.head for d in depts if d.head_id]
    if not depts or not principals or not clerks:
        return
    clerk = clerks[0]
    rooms = [
        Room.objects.create(township=township, name=name, capacity=cap, location=loc)
        for name, cap, loc in [
            ("一楼大会议室", 120, "机关一楼"),
            ("三楼小会议室", 24, "机关三楼"),
            ("视频会议室", 40, "机关二楼"),
        ]
    ]
    room_for = {
        MeetingType.PLENARY: (rooms[0], dt.time(9, 0)),
        MeetingType.BUSINESS: (rooms[1], dt.time(14, 30)),
        MeetingType.SPECIAL_TOPIC: (rooms[1], dt.time(10, 0)),
        MeetingType.HIGHER_LEVEL: (rooms[2], dt.time(15, 0)),
        MeetingType.THREE_LEVEL_CADRE: (rooms[0], dt.time(8, 30)),
    }
    meetings: list[Meeting] = []
    override_target = None
    month = (today.replace(day=1) - dt.timedelta(days=330)).replace(day=1)
    index = 0
    while month <= today.replace(day=1):
        days = [d for d in _month_days(month) if d < today]
        plan = (
            [MeetingType.PLENARY] * rng.choice([1, 2])
            + [MeetingType.BUSINESS] * rng.choice([2, 3])
            + [MeetingType.SPECIAL_TOPIC] * rng.choice([0, 1, 2])
            + [MeetingType.HIGHER_LEVEL] * rng.choice([0, 1])
        )
        if month.month == 2:
            plan.append(MeetingType.THREE_LEVEL_CADRE)
        if override_target is None and index == 3:
            plan = [t for t in plan if t != MeetingType.PLENARY] + [MeetingType.PLENARY] * 3
        rng.shuffle(plan)
        chosen = sorted(rng.sample(days, k=min(len(days), len(plan))))
        for mtype, day in zip(plan, chosen, strict=False):
            room, at = room_for[mtype]
            planned = 240 if mtype == MeetingType.THREE_LEVEL_CADRE else rng.choice([45, 60, 90, 120])
            actual = planned + rng.choice([-15, -10, 0, 5]) if planned <= 120 else planned
            dept = (
                depts[0]
                if mtype in (MeetingType.PLENARY, MeetingType.THREE_LEVEL_CADRE)
                else rng.choice(depts)
            )
            title = (
                "全镇三级干部大会" if mtype == MeetingType.THREE_LEVEL_CADRE else rng.choice(TOPICS[mtype])
            )
            start = _aware(day, at)
            meetings.append(
                Meeting(
                    township=township,
                    title=title,
                    department=dept,
                    meeting_type=mtype,
                    date=day,
                    start_time=at,
                    planned_minutes=planned,
                    starts_at=start,
                    ends_at=start + dt.timedelta(minutes=planned),
                    venue_kind="room",
                    room=room,
                    format="video" if mtype == MeetingType.HIGHER_LEVEL else "in_person",
                    meals="canteen" if mtype == MeetingType.THREE_LEVEL_CADRE else "none",
                    requested_by=clerk,
                    status=MeetingStatus.HELD,
                    actual_start=start,
                    actual_end=start + dt.timedelta(minutes=actual),
                    attendance=rng.randint(12, 90),
                    minutes_text=f"会议{title}于{day:%m月%d日}召开。{ITEMS[0]}；{ITEMS[2]}。会议要求各部门抓好落实。",
                    recorded_by=clerk,
                )
            )
        if index == 3:
            override_target = month
        index += 1
        month = (month + dt.timedelta(days=32)).replace(day=1)
    # One meeting that ran over its time (R-MTG-5 finding below).
    overrun = next((m for m in meetings if m.meeting_type == MeetingType.BUSINESS), None)
    if overrun:
        overrun.actual_end = overrun.actual_start + dt.timedelta(minutes=150)
    Meeting.objects.bulk_create(meetings)
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=m, order=i, title=t, speakers=[str(rng.choice(principals))])
            for m in meetings
            for i, t in enumerate(rng.sample(ITEMS, k=2), start=1)
        ]
    )
    through = Meeting.audience_departments.through
    through.objects.bulk_create(
        [
            through(meeting_id=m.pk, department_id=d.pk)
            for m in meetings
            for d in (
                depts
                if m.meeting_type in (MeetingType.PLENARY, MeetingType.THREE_LEVEL_CADRE)
                else [m.department]
            )
        ]
    )
    if override_target is not None:
        third = [
            m
            for m in meetings
            if m.meeting_type == MeetingType.PLENARY and m.date.replace(day=1) == override_target
        ]
        if len(third) >= 3:
            overrides_record(
                [
                    OverrideUse(
                        "R-MTG-2",
                        principals[0],
                        "汛期防汛形势严峻，需临时召开全镇防汛动员大会",
                        "At most 2 plenary meetings a month",
                    )
                ],
                target=third[-1],
                township=township,
            )
    if overrun:
        from django.utils.translation import gettext_noop

        from township.findings import finding_raise
        from township.messages import msg

        finding_raise(
            rule_id="R-MTG-5",
            township=township,
            target=overrun,
            department=overrun.department_id,
            on_date=overrun.date,
            detail=msg(
                gettext_noop("“%(title)s” lasted %(n)d minutes; the limit is %(limit)d."),
                title=overrun.title,
                n=150,
                limit=120,
            ),
        )

    # What is still to come goes through the services (approvals, caps, refusals).
    def draft(title, mtype, days_ahead, **kw):
        day = today + dt.timedelta(days=days_ahead)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        room, at = room_for.get(mtype, (rooms[1], dt.time(10, 0)))
        values = dict(
            title=title,
            department=depts[0] if mtype == MeetingType.PLENARY else rng.choice(depts),
            meeting_type=mtype,
            date=day,
            start_time=at,
            planned_minutes=90,
            agenda=[(ITEMS[0], [str(principals[0])]), (ITEMS[2], [str(principals[-1])])],
            room=room,
            audience_departments=depts if mtype == MeetingType.PLENARY else depts[:2],
        )
        values.update(kw)
        return MeetingDraft(**values)

    upcoming = [
        draft("全镇冬季安全生产大会", MeetingType.PLENARY, 12),
        draft("年终财务决算业务会", MeetingType.BUSINESS, 5),
        draft("冬春森林防火专题会", MeetingType.SPECIAL_TOPIC, 3),
        draft("低保年审业务会", MeetingType.BUSINESS, 8, start_time=dt.time(9, 0)),
        draft("县政府视频会（分会场）", MeetingType.HIGHER_LEVEL, 2),
    ]
    made = []
    for d in upcoming:
        try:
            made.append(meeting_request_submit(actor=clerk, draft=d))
        except ValidationError:
            continue
    # Approve some so the calendar shows them; the rest wait in the leaders' inboxes.
    for meeting in made[1:4]:
        req = ApprovalRequest.objects.get(pk=meeting.approval_id)
        approver = req.steps.get(order=1).candidates.first()
        approval_decide(actor=approver, request_id=req.pk, decision="approve")
    # Refused attempts stay in the audit trail.
    for bad in [
        draft("表彰大会", MeetingType.BUSINESS, 6, banners=True, backdrop=True, start_time=dt.time(16, 0)),
        draft("半年总结会", MeetingType.SPECIAL_TOPIC, 9, planned_minutes=180, start_time=dt.time(8, 0)),
        draft(
            "招商座谈会",
            MeetingType.SPECIAL_TOPIC,
            10,
            venue_kind="outside",
            room=None,
            outside_place="某温泉酒店",
            outside_kind="high_end_hotel",
        ),
    ]:
        try:
            meeting_request_submit(actor=clerk, draft=bad)
        except ValidationError:
            pass

    # Documents and the press.
    for kind, title, length in [
        ("general", "关于做好冬春森林防火工作的通知", 820),
        ("general", "关于开展作风建设专项检查的通知", 1460),
        ("report", "2026年上半年工作总结", 2780),
    ]:
        body = "".join(
            rng.choice("镇党委政府高度重视按照县委统一部署各村社区认真落实切实加强组织领导确保工作取得实效")
            for _ in range(length)
        )
        document_register(
            actor=clerk,
            kind=kind,
            title=title,
            department=depts[0],
            issued_on=today - dt.timedelta(days=rng.randint(5, 200)),
            text=body,
        )
    for title, subject, ago in [
        ("秸秆综合利用的创新做法", "innovation", 150),
        ("全镇产业发展推进情况", "economic_progress", 60),
    ]:
        on = today - dt.timedelta(days=ago)
        if on.year != today.year:
            on = today.replace(month=1, day=15)
        press = press_request_submit(
            actor=clerk, title=title, subject=subject, on_date=on, department=depts[0]
        )
        approval_decide(actor=principals[0], request_id=press.approval_id, decision="approve")
