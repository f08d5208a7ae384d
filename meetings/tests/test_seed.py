"""The demo seeder: a year within the caps, one override, minutes, refused attempts, pending requests."""

import random

import pytest
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from meetings.models import Document, Meeting, MeetingRefusal, MeetingStatus, PressRequest, Room
from meetings.seed import seed_meetings
from township.models import Finding, RuleOverride

pytestmark = pytest.mark.django_db


def test_demo_seeder_respects_caps_with_one_override(org):
    today = timezone.localdate()
    seed_meetings(township=org.township, size="normal", rng=random.Random(7), today=today)
    assert Room.objects.filter(township=org.township).count() == 3
    held = Meeting.objects.filter(township=org.township, status=MeetingStatus.HELD)
    assert held.count() > 40 and not held.filter(minutes_text="").exists()
    per_month = (
        Meeting.objects.filter(
            township=org.township, meeting_type="plenary", status__in=["pending", "approved", "held"]
        )
        .annotate(m=TruncMonth("date"))
        .values("m")
        .annotate(n=Count("pk"))
    )
    over = [r for r in per_month if r["n"] > 2]
    assert len(over) == 1
    assert RuleOverride.objects.filter(township=org.township, rule_id="R-MTG-2").count() == 1
    assert Finding.objects.filter(township=org.township, rule_id="R-MTG-5").count() == 1
    assert MeetingRefusal.objects.filter(township=org.township).count() >= 3
    assert Meeting.objects.filter(township=org.township, status=MeetingStatus.PENDING).exists()
    assert Meeting.objects.filter(township=org.township, status=MeetingStatus.APPROVED).exists()
    assert Document.objects.filter(township=org.township).count() == 3
    assert PressRequest.objects.filter(township=org.township, status="approved").count() == 2
