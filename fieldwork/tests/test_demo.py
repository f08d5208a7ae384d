import datetime as dt
import random
import zoneinfo

import time_machine
from django.utils import timezone

from fieldwork.demo import seed_fieldwork
from fieldwork.models import FollowUp, Pairing, PoorHousehold, ResearchReport, VillageVisit
from fieldwork.selectors import quota_rows
from township.models import User
from township.tests.factories import UserFactory, VillageFactory


def test_demo_seeds_a_year_some_on_track_some_behind(org):
    villages = [VillageFactory(township=org.township) for _ in range(3)]
    for i in range(12):
        u = UserFactory(
            township=org.township,
            department=org.department,
            category=["village_resident", "other_cadre", "village_cadre"][i % 3],
        )
        u.villages.add(villages[i % 3])
    # Late November: far enough into the year for some to be behind and others on track (on
    # 1 January nobody can be either, and the assertions below must run every day of the year).
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))):
        _seed_and_check(org)


def _seed_and_check(org):
    today = timezone.localdate()
    assert today == dt.date(2026, 11, 25)
    seed_fieldwork(township=org.township, size="normal", rng=random.Random(1), today=today)
    assert VillageVisit.objects.filter(township=org.township).count() > 500
    assert (
        FollowUp.objects.filter(status="open").exists() and FollowUp.objects.filter(status="closed").exists()
    )
    assert set(ResearchReport.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "accepted",
        "returned",
    }
    assert PoorHousehold.objects.count() >= 9 and Pairing.objects.exists()
    rows = quota_rows(User.objects.filter(township=org.township), year=today.year, on=today)
    assert any(r.is_behind for r in rows) and any(r.days >= r.due for r in rows)
