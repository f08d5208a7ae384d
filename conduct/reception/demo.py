"""Demo data of the reception app (seed_demo): a year of receptions (some major, one plan
refused for too many accompanying staff), expenses near and over budget, vehicle logs with a gap
and a rest-day drive, and three published quarters.  Bulk inserts keep "large" fast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_noop

from township.findings import FindingSpec, findings_raise
from township.hooks import demo_seeder
from township.messages import msg
from township.models import Role, User

from .models import (
    AllowanceType,
    Budget,
    DisclosureReport,
    DisclosureStatus,
    Expense,
    ExpenseStatus,
    ReceptionGuest,
    ReceptionRecord,
    ReceptionStatus,
    Vehicle,
    VehicleUse,
)

UNITS = [
    "县农业农村局",
    "县财政局",
    "县纪委监委",
    "县委组织部",
    "县自然资源局",
    "县住建局",
    "市乡村振兴局",
    "县教育局",
    "邻镇党委",
    "县卫健局",
]
PURPOSES = ["调研春耕生产", "检查财务管理", "督导作风建设", "调研乡村振兴", "检查安全生产", "考察产业项目"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
TITLES = ["局长", "副局长", "科长", "科员", "主任", "副主任"]
BUDGETS = {
    "office": "60000.00",
    "reception": "40000.00",
    "vehicle": "50000.00",
    "abroad": "0.00",
    "meetings": "20000.00",
    "training": "30000.00",
    "travel": "40000.00",
    "allowance": "80000.00",
}
PAYEES = {
    "office": ["县城文具店", "办公设备公司", "打印耗材店"],
    "reception": ["镇机关食堂", "镇招待所"],
    "vehicle": ["中石化加油站", "汽车修理厂", "保险公司"],
    "meetings": ["县会议中心", "印刷厂"],
    "training": ["县委党校", "培训中心"],
    "travel": ["差旅报销", "客运站"],
    "allowance": ["全体干部"],
}


def _people(township, role):
    return list(User.objects.filter(township=township, groups__name=role, is_active=True).order_by("pk"))


@demo_seeder(40, "receptions, expenses, vehicles and disclosures")
def seed(*, township, size, rng, today):
    from .selectors import disclosure_figures
    from .services import previous_quarter, quarter_bounds

    clerks = _people(township, Role.OFFICE_CLERK)
    finance = _people(township, Role.FINANCE_CLERK)
    principals = _people(township, Role.PRINCIPAL_LEADER)
    staff = list(User.objects.filter(township=township, is_active=True).order_by("pk"))
    if not clerks or not finance or not principals or len(staff) < 6:
        return
    clerk, accountant = clerks[0], finance[0]
    start = today - dt.timedelta(days=365)
    big = size == "large"

    types = [
        AllowanceType(township=township, name=n, basis=b)
        for n, b in (
            ("乡镇工作补贴", "省人社厅文件"),
            ("驻村工作补助", "县委组织部文件"),
            ("加班值班补助", "县财政局文件"),
        )
    ]
    AllowanceType.objects.bulk_create(types)
    years = sorted({start.year, today.year})
    Budget.objects.bulk_create(
        [
            Budget(township=township, year=y, category=c, amount=Decimal(a), set_by=accountant)
            for y in years
            for c, a in BUDGETS.items()
        ]
    )

    # --- receptions: a year of them, bulk-inserted as they were recorded at the time ---
    n_rec = 300 if big else 40
    receptions = []
    for i in range(n_rec):
        day = start + dt.timedelta(days=rng.randint(0, 360))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        guests = rng.choice([2, 3, 3, 4, 5, 6, 8]) if i % 9 else rng.choice([12, 14])
        meals = rng.choice([0, 1, 1, 1, 2])
        diners = guests + min(3, guests // 2 + 1)
        meal_cost = Decimal(diners * meals * rng.choice([30, 35, 40, 45])) if meals else Decimal("0.00")
        receptions.append(
            ReceptionRecord(
                township=township,
                visiting_unit=rng.choice(UNITS),
                letter_reference=f"{rng.choice(['县农函', '县财函', '县纪函', '市振函'])}〔{day.year}〕{i + 1}号",
                letter_scan=f"reception/letters/demo/{i + 1}.pdf",
                purpose=rng.choice(PURPOSES),
                destination="township" if meals else rng.choice(["township", "village"]),
                place="镇政府会议室",
                start_date=day,
                end_date=day,
                guest_count=guests,
                handler=clerk,
                meal="canteen" if meals else "none",
                meal_count=meals,
                meal_cost=meal_cost,
                accommodation=guests > 10,
                accommodation_cost=Decimal("1600.00") if guests > 10 else Decimal("0.00"),
                other_cost=Decimal(rng.choice([0, 0, 50, 120])),
                is_major=guests > 10,
                status=ReceptionStatus.SIGNED
                if day < today - dt.timedelta(days=3)
                else ReceptionStatus.LISTED,
                items_provided="工作餐" if meals else "会议室、茶水",
                recorded_by=clerk,
            )
        )
    receptions = ReceptionRecord.objects.bulk_create(receptions)
    ReceptionGuest.objects.bulk_create(
        [
            ReceptionGuest(
                reception=r,
                name=rng.choice(SURNAMES) + rng.choice(["明", "华", "强", "丽", "军", "芳"]),
                title=rng.choice(TITLES),
                order=k,
            )
            for r in receptions
            for k in range(r.guest_count)
        ]
    )
    through = ReceptionRecord.accompanying_staff.through
    through.objects.bulk_create(
        [
            through(receptionrecord_id=r.pk, user_id=p.pk)
            for r in receptions
            for p in rng.sample(staff, min(3 if r.guest_count <= 10 else r.guest_count // 3, 3))
        ]
    )
    # A major reception planned now: its plan refused for too many accompanying staff.
    from township.approvals import approval_decide, approval_submit, approvals_for_target

    visit = today + dt.timedelta(days=7)
    plan = ReceptionRecord.objects.create(
        township=township,
        visiting_unit="市农业农村局",
        letter_reference=f"市农函〔{today.year}〕88号",
        letter_scan="reception/letters/demo/major.pdf",
        purpose="现场观摩乡村振兴示范点",
        start_date=visit,
        end_date=visit,
        guest_count=15,
        handler=clerk,
        meal="canteen",
        meal_count=1,
        meal_cost=Decimal("900.00"),
        is_major=True,
        status=ReceptionStatus.AWAITING_PLAN,
        recorded_by=clerk,
    )
    plan.accompanying_staff.set(staff[:5])
    try:
        approval_submit(
            actor=clerk,
            kind="reception_plan",
            target=plan,
            summary=msg(
                gettext_noop("Major reception plan: %(unit)s, %(n)d guests, %(date)s, about ¥%(cost)s"),
                unit=plan.visiting_unit,
                n=plan.guest_count,
                date=plan.start_date,
                cost=f"{plan.meal_cost:,}",
            ),
        )
        req = approvals_for_target(plan).get()
        approval_decide(
            actor=principals[0],
            request_id=req.pk,
            decision="reject",
            comment="陪同人员过多，按规定压减至 5 人以内并减少用餐，重新报方案",
        )
    except Exception:  # noqa: BLE001 - demo data: a township without approvers simply keeps the plan waiting
        pass

    # --- expenses: monthly spending, some categories near or over their budget ---
    expenses = []
    per_month = 25 if big else 6
    weights = {
        "office": 0.85,  # by December ~9,000 of 60,000 left (walkthroughs buy office supplies)
        "reception": 0.6,
        "vehicle": 1.04,
        "meetings": 0.5,
        "training": 0.4,
        "travel": 0.7,
    }
    for category, share in weights.items():
        for year in years:
            first = max(start, dt.date(year, 1, 1))
            last = min(today, dt.date(year, 12, 31))
            months = (last.year - first.year) * 12 + last.month - first.month + 1
            total = Decimal(BUDGETS[category]) * Decimal(str(share)) * Decimal(months) / Decimal(12)
            count = max(1, months * per_month // 3)
            for k in range(count):
                day = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
                amount = (total / count * Decimal(str(rng.uniform(0.7, 1.3)))).quantize(Decimal("0.01"))
                cash = rng.random() < 0.05
                expenses.append(
                    Expense(
                        township=township,
                        spent_on=day,
                        category=category,
                        payee=rng.choice(PAYEES[category]),
                        amount=max(amount, Decimal("1.00")),
                        description="",
                        payment_method="cash" if cash else "official_card",
                        status=ExpenseStatus.APPROVED,
                        from_ledger=True,
                        recorded_by=accountant,
                        decided_at=timezone.now(),
                        is_fuel=category == "vehicle" and k % 3 == 0,
                        transport="official_vehicle" if category == "vehicle" else "",
                    )
                )
    kinds = list(AllowanceType.objects.filter(township=township))
    for month in range(1, today.month + 1):
        expenses.append(
            Expense(
                township=township,
                spent_on=dt.date(today.year, month, 10),
                category="allowance",
                allowance_type=kinds[month % len(kinds)],
                payee="全体干部",
                amount=Decimal("5200.00"),
                status=ExpenseStatus.APPROVED,
                from_ledger=True,
                recorded_by=accountant,
                decided_at=timezone.now(),
            )
        )
    # A private-car fuel claim for a village visit (R-FLD-4) and a pending one over budget.
    expenses.append(
        Expense(
            township=township,
            spent_on=today - dt.timedelta(days=12),
            category="travel",
            payee="中石化加油站",
            amount=Decimal("180.00"),
            description="下村走访私车加油",
            is_fuel=True,
            transport="private_car",
            village_visit=True,
            status=ExpenseStatus.PENDING,
            recorded_by=accountant,
        )
    )
    expenses = Expense.objects.bulk_create(expenses)
    specs = []
    for e in expenses:
        if e.payment_method == "cash" and e.amount > Decimal("1000.00"):
            specs.append(
                FindingSpec(
                    "R-EXP-2",
                    township.pk,
                    msg(
                        gettext_noop(
                            "¥%(amount)s paid in cash to %(payee)s (above ¥%(limit)s; the official card is the norm)."
                        ),
                        amount=f"{e.amount:,}",
                        payee=e.payee,
                        limit="1,000.00",
                    ),
                    on_date=e.spent_on,
                    person_id=accountant.pk,
                    target=e,
                )
            )
        if e.is_fuel and e.village_visit and e.transport == "private_car":
            specs.append(
                FindingSpec(
                    "R-FLD-4",
                    township.pk,
                    msg(
                        gettext_noop(
                            "Fuel claim of ¥%(amount)s for a village visit by private car (%(payee)s)."
                        ),
                        amount=f"{e.amount:,}",
                        payee=e.payee,
                    ),
                    on_date=e.spent_on,
                    person_id=accountant.pk,
                    target=e,
                )
            )

    # --- vehicles: two cars, a use log with one odometer gap and one rest-day drive ---
    cars = Vehicle.objects.bulk_create(
        [
            Vehicle(township=township, plate=f"川R{township.pk:02d}A01", model_name="大众帕萨特", odometer=0),
            Vehicle(
                township=township,
                plate=f"川R{township.pk:02d}B02",
                model_name="五菱宏光",
                seats=7,
                odometer=0,
            ),
        ]
    )
    uses = []
    every = 2 if big else 6
    for n, car in enumerate(cars):
        odo = 20000 + 15000 * n
        day = start + dt.timedelta(days=n)
        while day < today - dt.timedelta(days=1):
            if day.weekday() < 5 or (n == 0 and len(uses) == 7):
                leave = timezone.make_aware(dt.datetime.combine(day, dt.time(8 + rng.randint(0, 5), 30)))
                km = rng.randint(15, 120)
                gap = 37 if (n == 1 and len(uses) % 40 == 25) else 0
                driver = rng.choice(staff)
                uses.append(
                    VehicleUse(
                        township=township,
                        vehicle=car,
                        driver=driver,
                        purpose=rng.choice(
                            ["送文件到县政府", "下村督查", "参加县里会议", "防汛检查", "项目现场查看"]
                        ),
                        route=rng.choice(
                            ["镇政府—县政府—镇政府", "镇政府—东河村—西岭村", "镇政府—县会议中心"]
                        ),
                        departs_at=leave,
                        returned_at=leave + dt.timedelta(hours=rng.randint(2, 6)),
                        odometer_out=odo + gap,
                        odometer_in=odo + gap + km,
                        fuel_litres=Decimal("0.00"),
                        rest_day=day.weekday() >= 5,
                        logged_by=driver,
                    )
                )
                if gap or day.weekday() >= 5:
                    uses[-1]._demo_flag = "gap" if gap else "rest"
                odo += gap + km
            day += dt.timedelta(days=every)
        car.odometer = odo
    Vehicle.objects.bulk_update(cars, ["odometer"])
    uses = VehicleUse.objects.bulk_create(uses)
    for u in uses:
        flag = getattr(u, "_demo_flag", None)
        if flag:
            specs.append(
                FindingSpec(
                    "R-VEH-1",
                    township.pk,
                    msg(
                        gettext_noop(
                            "%(plate)s: odometer at %(out)d km but the last use ended at %(last)d km (%(gap)d km not logged)."
                        ),
                        plate=u.vehicle.plate,
                        out=u.odometer_out,
                        last=u.odometer_out - 37,
                        gap=37,
                    )
                    if flag == "gap"
                    else msg(
                        gettext_noop("%(plate)s used on a rest day without an approved purpose: %(purpose)s"),
                        plate=u.vehicle.plate,
                        purpose=u.purpose,
                    ),
                    on_date=timezone.localtime(u.departs_at).date(),
                    person_id=u.driver_id,
                    target=u,
                    key=f"reception.vehicleuse:{u.pk}:{flag}",
                )
            )
    findings_raise(specs)

    # --- three published quarters ---
    year, quarter = previous_quarter(today)
    quarters = []
    for _ in range(3):
        quarters.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    for year, quarter in reversed(quarters):
        _start, end = quarter_bounds(year, quarter)
        published_at = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=8), dt.time(10, 0)))
        DisclosureReport.objects.create(
            township=township,
            year=year,
            quarter=quarter,
            status=DisclosureStatus.PUBLISHED,
            income=Decimal(rng.randint(800, 1200) * 1000),
            notes="财政所于职工大会公布。",
            data=disclosure_figures(township_id=township.pk, year=year, quarter=quarter),
            prepared_at=published_at - dt.timedelta(days=7),
            published_at=published_at,
            published_by=accountant,
        )


@demo_seeder(65, "cross-check cases in receptions and expenses")
def seed_crosscheck_cases(*, township, size, rng, today):
    """A handful of true cases of the cross-record checks (township.crosschecks) among the ordinary
    records: an office purchase split in two under the head's approval limit (R-XCK-5), the
    official car driven by someone on approved leave and fuel claimed for a village visit on a
    Sunday that the visit log does not have (R-XCK-6), one unit received with a meal three times
    this quarter (R-XCK-7), a reception with a meal on a Saturday (R-XCK-8).  The days of leave
    and the visits are asked of the other apps (township.hooks), which this app never imports;
    it runs after the village work's demo."""
    from township.hooks import ask
    from township.workcalendar import working_days

    from .services import quarter_bounds

    finance = _people(township, Role.FINANCE_CLERK)
    clerks = _people(township, Role.OFFICE_CLERK)
    staff = list(User.objects.filter(township=township, is_active=True).order_by("pk"))
    car = Vehicle.objects.filter(township=township).order_by("pk").first()
    days = working_days(today - dt.timedelta(days=40), today - dt.timedelta(days=2), township=township)
    if not finance or not clerks or car is None or len(days) < 10 or len(staff) < 6:
        return
    accountant, clerk = finance[0], clerks[0]

    def expense(day, amount, payee, category, **kw):
        return Expense.objects.create(
            township=township,
            spent_on=day,
            category=category,
            payee=payee,
            amount=Decimal(amount),
            status=ExpenseStatus.APPROVED,
            recorded_by=kw.pop("by", accountant),
            decided_at=timezone.now(),
            **kw,
        )

    # R-XCK-5: ¥1,800 and ¥1,650 of meeting printing from one shop three days apart.
    # (meetings, not office supplies: the office budget keeps room for the walkthrough's purchase
    # even in December)
    expense(days[-9], "1800.00", "城关印刷厂", "meetings", description="会议材料印制")
    expense(days[-7], "1650.00", "城关印刷厂", "meetings", description="会议材料印制（补）")
    # R-XCK-6: the car taken out by someone on a whole day of approved leave.
    absences = [
        a
        for answer in ask("xck_absences", township_id=township.pk, start=days[0], end=days[-1])
        for a in answer
        if a["kind"] == "leave" and a["half"] == "full"
    ]
    if absences:
        away = rng.choice(absences)
        departs = timezone.make_aware(dt.datetime.combine(away["date"], dt.time(9, 40)))
        VehicleUse.objects.create(
            township=township,
            vehicle=car,
            driver_id=away["person_id"],
            purpose="送材料到县政府",
            route="镇政府—县政府—镇政府",
            departs_at=departs,
            returned_at=departs + dt.timedelta(hours=3),
            odometer_out=car.odometer,
            odometer_in=car.odometer + 42,
            logged_by=clerk,
        )
        Vehicle.objects.filter(pk=car.pk).update(odometer=car.odometer + 42)
    # ... and fuel claimed for a "village visit" on a Sunday when the claimant logged none.
    sunday = today - dt.timedelta(days=(today.weekday() + 1) % 7 or 7)
    visited = {
        v["person_id"]
        for answer in ask("xck_visits", township_id=township.pk, start=sunday, end=sunday)
        for v in answer
    }
    expense(
        sunday,
        "120.00",
        "中石化加油站",
        "vehicle",
        by=rng.choice([p for p in staff if p.pk not in visited] or staff),
        is_fuel=True,
        transport="official_vehicle",
        village_visit=True,
        description="下村加油",
    )

    def reception(day, unit, purpose):
        return ReceptionRecord.objects.create(
            township=township,
            visiting_unit=unit,
            letter_reference=f"市农函〔{day.year}〕{day:%m%d}号",
            letter_scan="reception/letters/demo/xck.pdf",
            purpose=purpose,
            place="镇政府会议室",
            start_date=day,
            end_date=day,
            guest_count=4,
            handler=clerk,
            meal="canteen",
            meal_count=1,
            meal_cost=Decimal("280.00"),
            status=ReceptionStatus.SIGNED,
            items_provided="工作餐",
            recorded_by=clerk,
        )

    # R-XCK-7: the same unit received with a meal three times this quarter.
    q_start, _q_end = quarter_bounds(today.year, (today.month - 1) // 3 + 1)
    quarter_days = [d for d in days if d >= q_start]
    if len(quarter_days) < 3:
        quarter_days = days[:3]  # early in a quarter: three days of the last one
    for day, purpose in zip(quarter_days[-3:], ["调研春耕生产", "回访调研春耕生产", "再次调研"], strict=True):
        reception(day, "市乡村振兴局调研组", purpose)
    # R-XCK-8: a reception with a meal on a Saturday.
    saturday = today - dt.timedelta(days=(today.weekday() - 5) % 7 or 7)
    reception(saturday, "邻县考察团", "考察产业项目")
