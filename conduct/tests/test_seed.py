import random
import time

import pytest
from django.utils import timezone

from conduct.models import AttendanceDay, DutyShift, LeaveRequest, Punch, TripRequest, WorkLog
from conduct.seed import seed_conduct
from township.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_seeder_adds_a_year_of_history_quickly(org):
    for _ in range(20):
        UserFactory(township=org.township, department=org.department)
    t0 = time.monotonic()
    seed_conduct(township=org.township, size="normal", rng=random.Random(1), today=timezone.localdate())
    elapsed = time.monotonic() - t0
    assert Punch.objects.count() > 5000
    assert set(LeaveRequest.objects.values_list("status", flat=True)) >= {
        "pending",
        "reported_back",
        "rejected",
    }
    assert (
        TripRequest.objects.filter(report_submitted_at__isnull=True).exists() or TripRequest.objects.exists()
    )
    assert DutyShift.objects.exists() and WorkLog.objects.exists()
    assert AttendanceDay.objects.filter(status="late").exists()
    assert elapsed < 60, elapsed
