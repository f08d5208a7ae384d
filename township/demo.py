"""Demo data of the supervision part (runs after every app's seeder): spot checks, violations in
every handling state, two published quarters and a draft of the current one."""

import datetime as dt

from township.hooks import demo_seeder
from township.models import Finding, FindingStatus, Role, User
from township.models.supervision import Handling, SpotCheck, Violation, ViolationStatus


@demo_seeder(890, "cross-checks")
def seed_crosschecks(*, township, size, rng, today):
    """The cross-record checks (R-XCK-1..8) over the demo's last two quarters, as the nightly job
    would have run them: the cases each app's demo planted are findings on day one."""
    from township.crosschecks import crosscheck_range

    quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    start = (quarter - dt.timedelta(days=1)).replace(day=1)
    start = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    crosscheck_range(township_id=township.pk, start=start, end=today - dt.timedelta(days=1))


@demo_seeder(900, "supervision")
def seed_supervision(*, township, size, rng, today):
    from township.appraisal import appraisal_compute, appraisal_publish, current_quarter, last_quarter

    inspector = User.objects.filter(township=township, groups__name=Role.INSPECTOR).first()
    principal = User.objects.filter(township=township, groups__name=Role.PRINCIPAL_LEADER).first()
    people = list(User.objects.filter(township=township, is_active=True).order_by("pk")[:40])
    if not inspector or not people:
        return
    for i in range(6):
        day = today - dt.timedelta(days=20 * i + 3)
        check = SpotCheck.objects.create(
            township=township,
            on_date=day,
            checked_by=inspector,
            scope=rng.choice(["上班纪律明察暗访", "午间饮酒检查", "值班值守抽查", "工作日志抽查"]),
            findings=rng.choice(["未发现问题", "1 人迟到", "1 人上班时间玩手机游戏", "值班人员脱岗"]),
        )
        check.people_checked.set(rng.sample(people, 3))
    kinds = ["late", "chat_gaming", "noon_drinking", "absent", "public_car", "banquet"]
    handlings = [
        Handling.PENDING,
        Handling.CRITICISM,
        Handling.NOTICE,
        Handling.TALK,
        Handling.SANCTION,
        Handling.REFERRAL if size == "large" else Handling.NONE,
    ]
    for i, handling in enumerate(handlings):
        person = rng.choice(people)
        decided = handling != Handling.PENDING
        Violation.objects.create(
            township=township,
            person=person,
            department=person.department,
            on_date=today - dt.timedelta(days=15 * i + 5),
            type=kinds[i % len(kinds)],
            evidence=rng.choice(["明察暗访现场记录", "考勤机记录", "群众举报经核实"]),
            handling=handling,
            recorded_by=inspector,
            decided_by=principal if decided else None,
            decided_at=None if not decided else dt.datetime.combine(today, dt.time(10), tzinfo=dt.UTC),
            status=ViolationStatus.DECIDED if decided else ViolationStatus.OPEN,
        )
    # Some findings already triaged, so the inbox shows every state.
    for f in Finding.objects.filter(township=township, status=FindingStatus.OPEN).order_by("pk")[:5]:
        Finding.objects.filter(pk=f.pk).update(
            status=FindingStatus.DISMISSED, resolved_by=inspector, resolution="经核实系公务外出"
        )
    year, q = current_quarter(today)
    py, pq = last_quarter(today)
    ppy, ppq = last_quarter(dt.date(py, 3 * pq - 2, 1))
    for y, n in ((ppy, ppq), (py, pq)):
        report = appraisal_compute(township_id=township.pk, year=y, number=n)
        appraisal_publish(actor=inspector, report_id=report.pk)
    appraisal_compute(township_id=township.pk, year=year, number=q)
