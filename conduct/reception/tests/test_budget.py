import json
from decimal import Decimal

import pytest
from django.utils import timezone

from conduct.reception.models import Expense
from conduct.reception.selectors import spending_summary
from township.hooks import ask

from .factories import budget, record_expense


def test_budget_page_shows_spent_committed_remaining_and_a_chart(org, login):
    budget(org, amount="2000.00")
    budget(org, category="reception", amount="5000.00")
    approved = record_expense(org, amount=Decimal("500.00"))
    Expense.objects.filter(pk=approved.pk).update(status="approved")
    record_expense(org, amount=Decimal("300.00"))
    response = login(org.finance).get("/reception/budget/")
    assert response.status_code == 200
    office = next(r for r in response.context["overview"]["rows"] if r["category"] == "office")
    assert (office["spent"], office["committed"], office["remaining"]) == (
        Decimal("500.00"),
        Decimal("300.00"),
        Decimal("1200.00"),
    )
    chart = json.loads(response.context["chart"])
    month = timezone.localdate().month
    office_set = next(d for d in chart["data"]["datasets"] if d["data"][month - 1])
    assert office_set["data"][month - 1] == 500.0
    assert "data-chart" in response.content.decode()


def test_finance_clerk_sets_a_budget_others_cannot(org, login):
    response = login(org.finance).post("/reception/budget/", {"category": "training", "amount": "8000.00"})
    assert response.status_code == 302
    assert org.township.reception_budget_set.get(category="training").amount == Decimal("8000.00")
    assert (
        login(org.clerk).post("/reception/budget/", {"category": "training", "amount": "1"}).status_code
        == 403
    )
    assert login(org.staff).get("/reception/budget/").status_code == 403


@pytest.mark.parametrize("n", [3, 30])
def test_budget_page_query_budget(org, login, django_assert_max_num_queries, n):
    budget(org, amount="100000.00")
    first = record_expense(org, amount=Decimal("10.00"))
    Expense.objects.bulk_create(
        [
            Expense(
                **{
                    **{f.attname: getattr(first, f.attname) for f in Expense._meta.concrete_fields},
                    "id": None,
                    "status": "approved",
                }
            )
            for _ in range(n)
        ]
    )
    client = login(org.finance)
    with django_assert_max_num_queries(12):
        assert client.get("/reception/budget/").status_code == 200


def test_spending_summary_hook_answers_budget_and_three_public(org):
    budget(org, category="reception", amount="5000.00")
    budget(org, category="vehicle", amount="3000.00")
    e = record_expense(org, category="reception", amount=Decimal("400.00"))
    Expense.objects.filter(pk=e.pk).update(status="approved")
    year = timezone.localdate().year
    answers = ask("spending_summary", township_id=org.township.pk, year=year)
    mine = next(a for a in answers if "three_public" in a)
    assert mine["three_public"] == {"budget": Decimal("8000.00"), "spent": Decimal("400.00")}
    assert mine["categories"]["reception"]["spent"] == Decimal("400.00")
    quarter = (timezone.localdate().month - 1) // 3 + 1
    assert spending_summary(township_id=org.township.pk, year=year, quarter=quarter)["three_public"][
        "spent"
    ] == Decimal("400.00")
