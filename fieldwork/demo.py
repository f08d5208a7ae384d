"""Demo data: a year of village visits for every cadre (some on track, some far behind), follow-ups,
research topics and reports in every state, poor households with pairings and assistance."""

import datetime as dt
import uuid
from decimal import Decimal

import pgtrigger
from django.db import transaction
from django.utils import timezone

from township.hooks import demo_seeder

PROBLEMS = [
    "村道塌方需要修复",
    "灌溉水渠堵塞",
    "低保申请材料不全，需要指导",
    "邻里宅基地纠纷",
    "饮水管网老化漏水",
    "留守老人就医不便",
    "产业合作社缺少销售渠道",
    "危房改造进度慢",
]
TOPICS = [
    "村级集体经济发展路径调研",
    "农村人居环境整治长效机制",
    "基层矛盾纠纷多元化解",
    "特色产业带动脱贫户增收",
    "农村养老服务现状与对策",
    "易地搬迁后续扶持",
    "乡村治理积分制实践",
]
CAUSES = ["因病", "因残", "缺劳力", "缺技术", "因学", "缺资金"]


@demo_seeder(60, "village work")
def seed_fieldwork(*, township, size, rng, today):
    from fieldwork.models import (
        AssistanceRecord,
        DayPart,
        FollowUp,
        Meal,
        Pairing,
        PoorHousehold,
        Purpose,
        ReportKind,
        ReportStatus,
        ResearchReport,
        ResearchTopic,
        Transport,
        VillageVisit,
    )
    from fieldwork.policies import CATEGORIES
    from fieldwork.selectors import quota_settings
    from township.models import Category, User, Village

    people = list(User.objects.filter(township=township, is_active=True).order_by("pk"))
    villages = list(Village.objects.filter(township=township))
    if not people or not villages:
        return
    covered: dict[int, list[int]] = {}
    for uid, vid in User.villages.through.objects.filter(user__township=township).values_list(
        "user_id", "village_id"
    ):
        covered.setdefault(uid, []).append(vid)
    village_ids = [v.pk for v in villages]
    settings = quota_settings(township_id=township.pk, year=today.year)
    start = today - dt.timedelta(days=365)
    purposes = Purpose.values
    visits = []
    # Some cadres keep pace, some fall far behind (a "diligence" factor per person).
    for i, person in enumerate(people):
        category = person.category if person.category in CATEGORIES else Category.OTHER_CADRE
        target = settings[f"R-FLD-1.{category}"]
        pace = [0.25, 0.6, 0.95, 1.05, 1.2][i % 5]
        p = min(0.9, target / 365 * pace / 0.85)
        mine = covered.get(person.pk) or village_ids
        d = max(start, person.joined_on or start)
        while d <= today:
            if rng.random() < p:
                roll = rng.random()
                part = DayPart.FULL if roll < 0.7 else (DayPart.MORNING if roll < 0.85 else DayPart.AFTERNOON)
                transport = rng.choice(
                    [
                        Transport.BUS,
                        Transport.BUS,
                        Transport.FOOT,
                        Transport.BICYCLE,
                        Transport.OFFICIAL_VEHICLE,
                    ]
                )
                meal = rng.choice([Meal.NONE, Meal.NONE, Meal.WORKING, Meal.PAID])
                visits.append(
                    VillageVisit(
                        township=township,
                        person=person,
                        village_id=rng.choice(mine),
                        date=d,
                        part=part,
                        days=Decimal("1") if part == DayPart.FULL else Decimal("0.5"),
                        purposes=rng.sample(purposes, k=rng.choice([1, 1, 2, 3])),
                        transport=transport,
                        vehicle_use_ref=f"YC-{d:%Y%m%d}-{i:03d}"
                        if transport == Transport.OFFICIAL_VEHICLE
                        else "",
                        meal=meal,
                        meal_fee=Decimal("15.00") if meal == Meal.PAID else None,
                        people_met=rng.choice(
                            ["村支书、村主任", "脱贫户家庭", "网格员及群众代表", "信访群众"]
                        ),
                        summary=rng.choice(
                            [
                                "走访农户，了解生产生活情况",
                                "宣讲惠民政策",
                                "调解邻里纠纷",
                                "调研产业发展",
                                "接待来访群众",
                            ]
                        ),
                    )
                )
            d += dt.timedelta(days=1)
    # Demo rows are bulk inserted without their audit events (the audit trail records people's
    # actions; a year of generated history would only double the seeding time of the large seed).
    with pgtrigger.ignore("fieldwork.VillageVisit:insert_insert"):
        VillageVisit.objects.bulk_create(visits, batch_size=5000)

    # Follow-ups from about one visit in twenty; older ones mostly closed.
    follow_ups = []
    now = timezone.now()
    for v in visits:
        if rng.random() < 0.05:
            due = v.date + dt.timedelta(days=14)
            closed = due < today and rng.random() < 0.75
            follow_ups.append(
                FollowUp(
                    township=township,
                    visit=v,
                    village_id=v.village_id,
                    problem=rng.choice(PROBLEMS),
                    owner=v.person,
                    due_on=due,
                    status="closed" if closed else "open",
                    closed_at=now if closed else None,
                    closed_by=v.person if closed else None,
                    outcome="已协调相关部门处理，群众满意" if closed else "",
                )
            )
    with pgtrigger.ignore("fieldwork.FollowUp:insert_insert"):
        FollowUp.objects.bulk_create(follow_ups, batch_size=2000)

    # Research topics (R-FLD-2) and reports (R-FLD-3) in every state.
    leaders = [p for p in people if p.category == Category.SECTION_LEADER]
    topics = []
    for i, leader in enumerate(leaders):
        for year in (today.year - 1, today.year):
            n = [0, 1, 2, 3][(i + year) % 4]
            for k in range(n):
                topics.append(
                    ResearchTopic(
                        township=township,
                        person=leader,
                        year=year,
                        title=TOPICS[(i + k) % len(TOPICS)] + ("" if k < len(TOPICS) else f"（{k}）"),
                        description="围绕群众急难愁盼问题开展调研，形成调研报告。",
                        is_key=True,
                    )
                )
    ResearchTopic.objects.bulk_create(topics, ignore_conflicts=True)
    topics = list(ResearchTopic.objects.filter(township=township))
    reviewer = next((p for p in people if p.has_role("principal_leader")), people[0])
    statuses = [
        ReportStatus.ACCEPTED,
        ReportStatus.ACCEPTED,
        ReportStatus.SUBMITTED,
        ReportStatus.RETURNED,
        ReportStatus.DRAFT,
    ]
    reports = []
    authors = people if size == "normal" else people[:120]
    for i, author in enumerate(authors):
        for k in range(rng.choice([0, 1, 1, 2, 3])):
            status = statuses[(i + k) % len(statuses)]
            topic = rng.choice(topics) if topics and rng.random() < 0.7 else None
            submitted = now - dt.timedelta(days=rng.randint(1, 200)) if status != ReportStatus.DRAFT else None
            reports.append(
                ResearchReport(
                    township=township,
                    person=author,
                    topic=topic,
                    year=today.year,
                    kind=ReportKind.REPORT if k % 2 == 0 else ReportKind.REFLECTION,
                    title=(topic.title if topic else "驻村工作") + ("调研报告" if k % 2 == 0 else "心得体会"),
                    body="一、基本情况\n二、存在的问题\n三、对策建议\n（演示数据）",
                    status=status,
                    submitted_at=submitted,
                    reviewed_by=reviewer
                    if status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED)
                    else None,
                    reviewed_at=submitted
                    if status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED)
                    else None,
                    review_comment="请补充数据支撑" if status == ReportStatus.RETURNED else "",
                )
            )
    ResearchReport.objects.bulk_create(reports, batch_size=1000)
    # Reports waiting for review sit in their leader's approval inbox, as real ones do.
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext_noop

    from township.approvals import approval_submit
    from township.messages import msg

    for report in reports:
        if report.status == ReportStatus.SUBMITTED:
            try:
                with transaction.atomic():
                    approval_submit(
                        actor=report.person,
                        kind="fieldwork_report",
                        target=report,
                        summary=msg(
                            gettext_noop("Research report for review: %(title)s"), title=report.title[:200]
                        ),
                    )
            except ValidationError:  # nobody to review it: leave it as a draft
                ResearchReport.objects.filter(pk=report.pk).update(status=ReportStatus.DRAFT)

    # Poor households, pairings (R-FLD-6) and assistance records.
    households = []
    for v in villages:
        for k in range(rng.randint(3, 8)):
            households.append(
                PoorHousehold(
                    township=township,
                    village=v,
                    household_no=f"{v.code}-{k + 1:03d}-{uuid.uuid4().hex[:4]}",
                    head_name=rng.choice("王李张刘陈杨黄赵吴周")
                    + rng.choice(["大山", "桂兰", "德贵", "秀英", "永福"]),
                    members=rng.randint(1, 6),
                    cause=rng.choice(CAUSES),
                )
            )
    PoorHousehold.objects.bulk_create(households)
    pairings, records = [], []
    pairers = [p for p in people if p.category != Category.VILLAGE_CADRE]
    for i, cadre in enumerate(pairers):
        want = 2 if cadre.category == Category.SECTION_LEADER else 1
        if i % 4 == 3:
            want -= 1  # some fall short
        for h in rng.sample(households, k=min(want, len(households))):
            pairings.append(
                Pairing(township=township, household=h, cadre=cadre, year=today.year, created_by=reviewer)
            )
            for _n in range(rng.randint(0, 3)):
                records.append(
                    AssistanceRecord(
                        township=township,
                        household=h,
                        person=cadre,
                        date=today - dt.timedelta(days=rng.randint(0, max(0, today.timetuple().tm_yday - 1))),
                        kind=rng.choice(["visit", "funds", "goods", "employment", "policy"]),
                        description=rng.choice(
                            ["入户走访，宣讲政策", "送去米面油", "帮助联系务工岗位", "协助办理医保报销"]
                        ),
                        amount=Decimal(rng.choice([0, 200, 500])) or None,
                    )
                )
    Pairing.objects.bulk_create(pairings, ignore_conflicts=True)
    AssistanceRecord.objects.bulk_create(records, batch_size=2000)


@demo_seeder(62, "cross-check cases in village work")
def seed_crosscheck_cases(*, township, size, rng, today):
    """A handful of true cases of R-XCK-3 among the ordinary visits: a whole day in a village
    logged for a day whose punches put the person in the office in the middle of the morning,
    and a village visit logged during a whole day of approved leave.  Punches and leave are
    asked of the attendance app (township.hooks), which this app never imports."""
    from fieldwork.models import DayPart, Transport, VillageVisit
    from township.hooks import ask
    from township.models import Village

    start, end = today - dt.timedelta(days=45), today - dt.timedelta(days=2)
    villages = list(Village.objects.filter(township=township).order_by("pk"))
    if not villages:
        return
    punches: dict[tuple[int, dt.date], list[dict]] = {}
    for answer in ask("xck_punches", township_id=township.pk, start=start, end=end):
        for p in sorted(answer, key=lambda p: p["at"]):
            punches.setdefault((p["person_id"], timezone.localdate(p["at"])), []).append(p)
    busy = set(
        VillageVisit.objects.filter(township=township, date__range=(start, end)).values_list(
            "person_id", "date"
        )
    )
    in_office = [
        key
        for key, day in sorted(punches.items())
        if len(day) >= 3 and not any(p["outside_radius"] for p in day) and key not in busy
    ]
    on_leave = [
        (a["person_id"], a["date"])
        for answer in ask("xck_absences", township_id=township.pk, start=start, end=end)
        for a in answer
        if a["kind"] == "leave" and a["half"] == "full" and (a["person_id"], a["date"]) not in busy
    ]
    picks = in_office[:2] + rng.sample(on_leave, min(2, len(on_leave)))
    VillageVisit.objects.bulk_create(
        [
            VillageVisit(
                township=township,
                person_id=pid,
                village=rng.choice(villages),
                date=day,
                part=DayPart.FULL,
                days=Decimal("1"),
                purposes=["research"],
                transport=Transport.BUS,
                people_met="村支书、村主任",
                summary="走访农户，了解生产生活情况",
            )
            for pid, day in dict.fromkeys(picks)
        ]
    )
