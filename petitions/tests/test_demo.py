import random

from django.utils import timezone

from petitions.demo import seed_petitions
from petitions.models import PetitionCase, ReceptionDay, Status
from township.tests.factories import VillageFactory


def test_demo_data_has_every_state_overdue_repeats_and_collective(org):
    org.township.code = "qingshan"
    org.township.save()
    VillageFactory(township=org.township)
    seed_petitions(township=org.township, size="normal", rng=random.Random(7), today=timezone.localdate())
    cases = PetitionCase.objects.filter(township=org.township)
    assert set(cases.values_list("status", flat=True)) == set(Status.values)
    assert cases.filter(is_collective=True).count() == 2
    assert cases.filter(is_repeat=True).exists()
    assert (
        cases.filter(next_due__lt=timezone.localdate(), status__in=["registered", "in_progress"]).count() >= 2
    )
    assert cases.filter(extension_status="approved").exists()
    assert ReceptionDay.objects.filter(township=org.township).count() == 2
