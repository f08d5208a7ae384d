import random

from django.utils import timezone

from conduct.reception.demo import seed
from conduct.reception.models import DisclosureReport, Expense, ReceptionRecord, VehicleUse
from township.models import Finding


def test_demo_seeder_adds_a_year_and_three_published_quarters(org, login):
    seed(township=org.township, size="normal", rng=random.Random(1), today=timezone.localdate())
    assert ReceptionRecord.objects.filter(township=org.township, is_major=True).exists()
    assert ReceptionRecord.objects.filter(township=org.township, status="plan_rejected").count() == 1
    assert Expense.objects.filter(township=org.township).count() > 50
    assert VehicleUse.objects.filter(township=org.township).count() > 50
    assert DisclosureReport.objects.filter(township=org.township, status="published").count() == 3
    assert set(Finding.objects.filter(township=org.township).values_list("rule_id", flat=True)) >= {
        "R-VEH-1",
        "R-FLD-4",
    }
    client = login(org.finance)
    for url in (
        "/reception/",
        "/reception/budget/",
        "/reception/receptions/",
        "/reception/expenses/",
        "/reception/vehicles/",
        "/reception/disclosure/",
    ):
        assert client.get(url).status_code == 200, url
