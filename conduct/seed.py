"""Demo history for ``manage.py seed_demo``: a year of punches with a few habitual late-comers,
leave of every type in every state, trips with and without reports, this month's duty roster,
work logs with gaps and weekly group study.  Bulk inserts; the daily statuses are computed for
the last months (all of the year for the normal size)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from township.hooks import demo_seeder

STATES = ["reported_back", "reported_back", "reported_back", "approved", "rejected", "cancelled", "returned"]


@demo_seeder(30, "attendance and leave")
def seed_conduct(*, township, size, rng, today):
    from conduct.models import (
        DutyRoster,
        DutyShift,
        LeaveRequest,
        LeavingRegistration,
        Punch,
        PunchSource,
        StudySession,
        TripRequest,
        WorkLog,
    )
    from conduct.rules import r_duty_1_round_robin
    from conduct.services import attendance_compute_day, leave_submit
    from conduct.services.common import aware, month_bounds
    from conduct.services.duty import duty_eligible
    from township.models import Department, Role, User
    from township.workcalendar import working_days

    people = list(
        User.objects.filter(township=township, is_active=True).select_related("department").order_by("pk")
    )
    if not people:
        return
    start = today - dt.timedelta(days=365)
    yesterday = today - dt.timedelta(days=1)
    work = working_days(start, yesterday, township=township)
    late_comers = {p.pk for p in rng.sample(people, k=max(2, len(people) // 15))}
    staff = [p for p in people if not p.has_role(Role.PRINCIPAL_LEADER)]

    # --- leave, in every state ---
    kinds = [
        "annual",
        "sick",
        "personal",
        "marriage",
        "maternity",
        "paternity",
        "bereavement",
        "compensatory",
    ]
    leaves, away = [], set()
    for i, person in enumerate(rng.sample(staff, k=min(len(staff), max(8, len(staff) // 2)))):
        for _n in range(rng.randint(1, 3)):
            idx = rng.randrange(len(work) - 6)
            length = rng.choice([1, 1, 2, 3, 5])
            days = work[idx : idx + length]
            if any((person.pk, d) in away for d in days):
                continue
            kind = kinds[(i + _n) % len(kinds)]
            half = "am" if length == 1 and rng.random() < 0.3 else "full"
            status = STATES[len(leaves) % len(STATES)]
            leave = LeaveRequest(
                township=township,
                person=person,
                kind=kind,
                start_date=days[0],
                end_date=days[-1],
                half_day=half,
                days=Decimal("0.5") if half != "full" else Decimal(len(days)),
                reason=rng.choice(["身体不适就医", "家中有事", "子女升学", "回老家探亲", "参加婚礼"]),
                status=status,
            )
            if status == "reported_back":
                leave.returned_on = days[-1] + dt.timedelta(days=1)
                leave.days_used = leave.days
                leave.reported_at = aware(leave.returned_on, dt.time(8, 40))
            if status in ("approved", "reported_back"):
                away.update((person.pk, d) for d in days)
            leaves.append(leave)
    LeaveRequest.objects.bulk_create(leaves)
    # a few pending requests through the real service, so they wait in the leaders' inboxes
    upcoming = working_days(today + dt.timedelta(days=2), today + dt.timedelta(days=20), township=township)
    for person in rng.sample(staff, k=min(3, len(staff))):
        if upcoming and person.department_id:
            d = rng.choice(upcoming)
            try:
                leave_submit(actor=person, kind="personal", start_date=d, end_date=d, reason="办理个人事务")
            except Exception:  # noqa: BLE001 - demo data: skip a person without an approver
                pass

    # --- trips: approved with and without reports ---
    trips = []
    for person in rng.sample(staff, k=min(4, len(staff))):
        idx = rng.randrange(len(work) - 40)
        s, e = work[idx], work[idx + 2]
        reported = rng.random() < 0.6
        trips.append(
            TripRequest(
                township=township,
                person=person,
                kind=rng.choice(["study", "investment", "inspection"]),
                purpose=rng.choice(["学习乡村振兴经验", "招商引资项目洽谈", "考察农业产业园"]),
                destination=rng.choice(["浙江安吉", "成都", "重庆", "贵州湄潭"]),
                start_date=s,
                end_date=e,
                budget=Decimal(rng.choice([1800, 3200, 5600])),
                outside_county=True,
                county_reference=f"南江委办〔{s.year}〕{rng.randint(10, 99)}号",
                declaration=True,
                status="approved",
                report="考察报告：学习了当地经验，提出三条建议。" if reported else "",
                report_submitted_at=aware(e + dt.timedelta(days=5), dt.time(10)) if reported else None,
            )
        )
        away.update((person.pk, d) for d in work if s <= d <= e)
    TripRequest.objects.bulk_create(trips)

    # --- leaving-the-township registrations ---
    regs = []
    for person in rng.sample(people, k=min(len(people), 10)):
        d = start + dt.timedelta(days=rng.randrange(360))
        regs.append(
            LeavingRegistration(
                township=township,
                person=person,
                destination=rng.choice(["县城", "市区", "省城"]),
                start_date=d,
                end_date=d + dt.timedelta(days=rng.randint(0, 2)),
                phone=person.mobile,
                reason=rng.choice(["看望父母", "办理私事", "就医"]),
            )
        )
    LeavingRegistration.objects.bulk_create(regs)

    # --- punches: a working year, some habitual late-comers, the odd forgotten punch ---
    punches = []
    for day in work:
        for person in people:
            if (person.pk, day) in away:
                continue
            r = rng.random()
            if r < 0.01:
                continue  # absent
            late = person.pk in late_comers and rng.random() < 0.35
            minute_in = rng.randint(40, 75) if late else rng.randint(0, 34)
            t_in = dt.time(8 if minute_in < 60 else 9, minute_in % 60, rng.randint(0, 59))
            punches.append(
                Punch(
                    township=township,
                    person=person,
                    at=aware(day, t_in),
                    source=PunchSource.DEVICE,
                    device="M1",
                )
            )
            if r < 0.03:
                continue  # forgot to clock out
            early = rng.random() < 0.03
            # After the end of both winter (18:00) and summer (18:30) hours, unless leaving early.
            t_out = dt.time(
                17 if early else 18, rng.randint(20, 50) if early else rng.randint(31, 59), rng.randint(0, 59)
            )
            punches.append(
                Punch(
                    township=township,
                    person=person,
                    at=aware(day, t_out),
                    source=PunchSource.DEVICE,
                    device="M1",
                )
            )
    Punch.objects.bulk_create(punches, batch_size=5000, ignore_conflicts=True)

    # --- work logs with gaps, weekly study ---
    recent = [d for d in work if d >= today - dt.timedelta(days=90)]
    logs = [
        WorkLog(
            township=township,
            person=p,
            date=d,
            content=rng.choice(
                ["走访农户，了解产业发展情况。", "整理文件，参加会议。", "处理群众来访事项。"]
            ),
        )
        for p in people
        for d in recent
        if (p.pk, d) not in away and rng.random() < (0.6 if p.pk in late_comers else 0.92)
    ]
    WorkLog.objects.bulk_create(logs, batch_size=5000)
    for dept in Department.objects.filter(township=township):
        members = [p for p in people if p.department_id == dept.pk]
        if not members:
            continue
        recorder = dept.head or members[0]
        monday = today - dt.timedelta(days=today.weekday() + 7 * 12)
        while monday < today - dt.timedelta(days=6):
            if rng.random() < 0.85:
                s = StudySession.objects.create(
                    township=township,
                    department=dept,
                    date=monday + dt.timedelta(days=rng.randint(0, 4)),
                    topic=rng.choice(
                        [
                            "学习中央八项规定精神",
                            "学习党章党规",
                            "警示教育",
                            "学习习近平新时代中国特色社会主义思想",
                        ]
                    ),
                    minutes=rng.choice([45, 60, 60, 90]),
                    recorded_by=recorder,
                )
                s.attendees.set(rng.sample(members, k=max(1, int(len(members) * 0.8))))
            monday += dt.timedelta(days=7)

    # --- this month's duty roster, published ---
    first, last = month_bounds(today)
    roster = DutyRoster.objects.create(
        township=township, month=first, status="published", published_at=timezone.now()
    )
    eligible = list(duty_eligible(township.pk).order_by("pk").values_list("pk", flat=True))
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    plan = r_duty_1_round_robin(days, eligible, {})
    DutyShift.objects.bulk_create(
        [
            DutyShift(
                township=township,
                roster=roster,
                date=d,
                person_id=pid,
                checked_in_at=aware(d, dt.time(8, 20)) if d < today and rng.random() < 0.9 else None,
            )
            for d, pid in plan.items()
        ]
    )

    # --- statuses (and their findings) ---
    horizon = 365 if size == "normal" else 30
    for day in working_days(max(start, today - dt.timedelta(days=horizon)), yesterday, township=township):
        attendance_compute_day(township_id=township.pk, day=day)


@demo_seeder(35, "cross-check cases in attendance")
def seed_crosscheck_cases(*, township, size, rng, today):
    """A handful of true cases of the cross-record checks (township.crosschecks) among the ordinary
    records, so that an inspector sees them on day one: leave approved for days the person
    punched in at the office as usual (R-XCK-1), two colleagues punching from one browser seconds
    apart on three days of a month (R-XCK-2), a punch in the middle of a morning that the village
    work's demo logs as a day in a village (R-XCK-3), a work log written for a day of leave
    (R-XCK-4)."""
    from conduct.models import LeaveRequest, Punch, PunchSource, TripRequest, WorkLog
    from conduct.services.common import aware
    from township.models import Role, User
    from township.workcalendar import working_days

    days = working_days(today - dt.timedelta(days=45), today - dt.timedelta(days=2), township=township)
    people = list(
        User.objects.filter(township=township, is_active=True)
        .exclude(groups__name=Role.PRINCIPAL_LEADER)
        .order_by("pk")
    )
    if len(days) < 15 or len(people) < 8:
        return
    window = {"start_date__lte": days[-1], "end_date__gte": days[0]}
    busy = set(LeaveRequest.objects.filter(township=township, **window).values_list("person_id", flat=True))
    busy |= set(TripRequest.objects.filter(township=township, **window).values_list("person_id", flat=True))
    free = [p for p in people if p.pk not in busy]
    if len(free) < 6:
        return
    a, b, c, d, e, f = rng.sample(free, 6)

    def leave(person, first, last, reason):
        n = len([x for x in days if first <= x <= last])
        return LeaveRequest.objects.create(
            township=township,
            person=person,
            kind="personal",
            start_date=first,
            end_date=last,
            days=Decimal(n),
            reason=reason,
            status="approved",
        )

    def punch(person, day, t, **kw):
        Punch.objects.get_or_create(
            person=person,
            at=aware(day, t),
            defaults={"township": township, "source": PunchSource.DEVICE, **kw},
        )

    # R-XCK-1: leave for a day, and the office's machine saw them come in and leave.
    for person, day in ((a, days[-3]), (b, days[-9])):
        leave(person, day, day, "家中有事")
        punch(person, day, dt.time(8, 24, 37), device="考勤机-1")
        punch(person, day, dt.time(18, 6, 12), device="考勤机-1")
    # R-XCK-2: one browser, two people, 20-odd seconds apart, on three days of one month.
    by_month: dict[dt.date, list[dt.date]] = {}
    for x in days:
        by_month.setdefault(x.replace(day=1), []).append(x)
    month_days = max((v for v in by_month.values() if len(v) >= 3), key=lambda v: v[0])
    shared = f"browser:{rng.getrandbits(64):016x}"
    for day in month_days[:3]:
        at = dt.time(8, 21, rng.randint(0, 20))
        punch(c, day, at, source=PunchSource.BROWSER, device=shared)
        later = (dt.datetime.combine(day, at) + dt.timedelta(seconds=rng.randint(15, 40))).time()
        punch(d, day, later, source=PunchSource.BROWSER, device=shared)
    # R-XCK-3 (with the village work's demo, which logs a whole day in a village for it): a day
    # with a punch at the office's machine in the middle of the morning.
    for t in (dt.time(8, 26, 5), dt.time(10, 52, 40), dt.time(18, 3, 9)):
        punch(f, days[-5], t, device="考勤机-1")
    # R-XCK-4: two days of sick leave, and a work log of the second one.
    leave(e, days[-14], days[-13], "感冒发烧就医")
    WorkLog.objects.update_or_create(
        person=e,
        date=days[-13],
        defaults={"township": township, "content": "整理村级财务台账，起草季度工作总结"},
    )
