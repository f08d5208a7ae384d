"""Demo data (manage.py seed_demo): a year of petition cases in every state, a few overdue, a few
repeats, two collective petitions, leaders' reception days (Tuesday and Wednesday, as seed 004
describes) and receptions.  Built through the services with past dates, so every case has its
real timeline."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from township.hooks import demo_seeder
from township.models import Department, Role, User, Village

from . import services
from .models import Channel
from .rules import id_number_check_char

MATTERS = [
    ("land", "征地补偿款至今未足额发放，请求落实补偿标准"),
    ("land", "宅基地确权边界与邻居有争议，请求重新测量"),
    ("social", "低保评定不公开，家庭困难未纳入低保"),
    ("social", "高龄补贴停发三个月，请求查明原因"),
    ("infrastructure", "村道损坏多年无人修理，雨天无法通行"),
    ("infrastructure", "自来水管网老化，夏季经常停水"),
    ("environment", "养殖场粪污直排河沟，气味难闻"),
    ("environment", "砂石厂夜间施工噪音扰民"),
    ("dispute", "与邻居因排水沟发生纠纷，请求调解"),
    ("wages", "在镇上工地务工，工资被拖欠半年"),
    ("conduct", "村干部办事态度差，反映问题推诿"),
    ("other", "咨询农村医保缴费政策"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


def _id_number(rng) -> str:
    born = dt.date(rng.randint(1940, 2000), rng.randint(1, 12), rng.randint(1, 28))
    first = f"510723{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first + id_number_check_char(first)


def _person(rng) -> dict:
    return {
        "name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))),
        "id_number": _id_number(rng),
        "phone": "13" + "".join(str(rng.randint(0, 9)) for _ in range(9)),
        "address": f"{rng.randint(1, 9)}组",
    }


@demo_seeder(60, "petitions")
def seed_petitions(*, township, size, rng, today):
    people = User.objects.filter(township=township, is_active=True)
    clerk = people.filter(groups__name=Role.OFFICE_CLERK).first()
    principals = list(people.filter(groups__name=Role.PRINCIPAL_LEADER).order_by("pk"))
    leaders = list(people.filter(groups__name=Role.LEADER_IN_CHARGE).order_by("pk")) + principals
    departments = list(Department.objects.filter(township=township))
    villages = list(Village.objects.filter(township=township))
    if not (clerk and principals and leaders and departments):
        return
    # R-PET-6: reception days on Tuesday and Wednesday
    for weekday, leader in ((1, principals[0]), (2, principals[-1])):
        services.reception_day_save(actor=clerk, weekday=weekday, place="镇信访接待室", leader=leader)
    petition_dept = next((d for d in departments if "信访" in d.name), departments[0])
    n = {"normal": 80, "large": 160}.get(size, 80) if township.code == "qingshan" else 14
    earlier: list = []
    for i in range(n):
        age = int(365 * (1 - i / n))  # oldest first, so numbers follow dates
        on = today - dt.timedelta(days=age)
        category, matter = rng.choice(MATTERS)
        petitioners = [_person(rng)]
        kwargs = {}
        if i in (5, n // 2):  # two collective petitions
            petitioners = [_person(rng) for _ in range(3)]
            kwargs["headcount"] = rng.choice([8, 12])
            category, matter = "wages", "多名村民务工工资被拖欠，集体来访请求解决"
        if i % 17 == 9 and earlier:  # repeats: the same petitioner again
            prev = rng.choice(earlier)
            petitioners = [
                {
                    "name": p.name,
                    "id_number": p.id_number,
                    "phone": p.phone,
                    "address": p.address,
                }
                for p in prev.petitioners.all()[:1]
            ]
            matter = prev.matter + "（再次反映）"
            kwargs["linked_cases"] = [prev]
        reception = None
        channel = rng.choice(list(Channel.values))
        if channel == Channel.VISIT and on.weekday() in (1, 2) and rng.random() < 0.5:
            host = principals[0] if on.weekday() == 1 else principals[-1]
            if not host.receptions_held.filter(on_date=on).exists():
                reception = services.reception_record_create(
                    actor=clerk,
                    on_date=on,
                    leader=host,
                    place="镇信访接待室",
                    visitors=len(petitioners),
                    summary=matter,
                )
        try:
            case = services.petition_case_register(
                actor=clerk,
                channel=channel,
                category=category,
                matter=matter,
                petitioners=petitioners,
                village=rng.choice(villages) if villages else None,
                registered_on=on,
                reception=reception,
                **kwargs,
            )
        except ValidationError:
            continue
        earlier.append(case)
        _advance(
            case,
            age=age,
            i=i,
            rng=rng,
            today=today,
            clerk=clerk,
            leaders=leaders,
            principals=principals,
            departments=departments,
            petition_dept=petition_dept,
        )


def _advance(case, *, age, i, rng, today, clerk, leaders, principals, departments, petition_dept):
    """Take a case as far as its age allows, leaving a few overdue on purpose."""

    def day(n):
        return min(case.registered_on + dt.timedelta(days=n), today)

    if age < 4 or i % 29 == 3:  # fresh, or (when older) overdue for the acceptance decision
        return
    if i % 13 == 4:
        services.petition_case_refuse(
            actor=clerk, case_id=case.pk, on=day(5), reason="属于诉讼渠道解决的事项，已告知依法向人民法院起诉"
        )
        return
    services.petition_case_accept(actor=clerk, case_id=case.pk, on=day(rng.randint(1, 10)))
    if age < 8:
        return
    leader = rng.choice(leaders)
    department = petition_dept if rng.random() < 0.4 else rng.choice(departments)
    handlers = list(department.members.exclude(pk=leader.pk)[:1])
    case = services.petition_case_assign(
        actor=clerk, case_id=case.pk, leader=leader, department=department, handlers=handlers, on=day(11)
    )
    if i % 11 == 7 and age > 40:  # an extension, approved by a principal leader
        from township.approvals import approval_decide, approvals_for_target

        try:
            services.petition_case_extend(actor=leader, case_id=case.pk, days=30, reason="需要第三方鉴定")
            req = approvals_for_target(case).first()
            approver = req.steps.get().candidates.first()
            approval_decide(actor=approver, request_id=req.pk, decision="approve", comment="同意延期")
        except ValidationError:
            pass
    if age < 45 or i % 19 == 2:  # still being handled (some of the old ones overdue: backlog)
        return
    reply_day = rng.randint(20, 55) if i % 10 else rng.randint(62, 75)  # one in ten late
    case = services.petition_case_reply(
        actor=leader,
        case_id=case.pk,
        text="经调查核实，已会同相关部门研究处理，现答复如下：已按政策落实，请予支持配合。",
        on=day(reply_day),
        facts_clarified=True,
        coordinated=rng.random() < 0.6,
        resolved=rng.random() < 0.75,
    )
    if age < reply_day + 30:
        return
    satisfied = i % 5 != 0
    services.petition_case_record_satisfaction(
        actor=clerk, case_id=case.pk, satisfied=satisfied, on=day(reply_day + 28), note="电话回访"
    )
    if not satisfied and i % 10 == 0:  # review asked for; answered by a principal leader
        services.petition_case_request_review(
            actor=clerk, case_id=case.pk, reason="对答复不满意", on=day(reply_day + 29)
        )
        if i % 20 == 10 or age <= reply_day + 50:
            return
        services.petition_case_reply_review(
            actor=principals[0] if principals[0].pk != leader.pk else principals[-1],
            case_id=case.pk,
            text="经复查，原答复意见正确，予以维持。",
            on=day(reply_day + 50),
        )
        if i % 20 == 0:
            return
    elif not satisfied and i % 3 == 0:
        return
    if age > reply_day + 60 and i % 4:
        services.petition_case_close(actor=clerk, case_id=case.pk, on=day(reply_day + 60))
