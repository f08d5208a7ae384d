import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import pgettext

from conduct.reception.models import AllowanceType, Expense, ExpenseStatus
from township.approvals import approval_decide, approvals_for_target
from township.exports import export_filename
from township.models import Finding
from township.tests.factories import TownshipFactory
from township.tests.test_exports import filename_of

from .factories import allowance_type, budget, record_expense, scan


def _errors(exc):
    return exc.value.message_dict


def test_expense_goes_to_the_department_head_and_is_spent_when_approved(org):
    budget(org, amount="1000.00")
    expense = record_expense(org)
    assert expense.status == ExpenseStatus.PENDING
    req = approvals_for_target(expense).get()
    assert list(req.steps.get().candidates.all()) == [org.head]
    approval_decide(actor=org.head, request_id=req.pk, decision="approve")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.APPROVED


def test_r_exp_1_approval_level_follows_the_amount(org):
    """Defaults: up to ¥2000.00 the department head, up to ¥10000.00 the leader in charge, above
    a principal leader; each limit itself belongs to the lower level."""
    budget(org, amount="50000.00")

    def candidates(amount):
        expense = record_expense(org, amount=Decimal(amount))
        return set(approvals_for_target(expense).get().steps.get().candidates.all())

    assert candidates("2000.00") == {org.head}
    assert candidates("2000.01") == {org.leader}
    assert candidates("10000.00") == {org.leader}
    assert candidates("10000.01") == {org.principal, org.principal2}


def test_r_exp_1_over_budget_refused(org):
    """Budget ¥1000.00 with ¥800.00 committed: ¥200.01 is refused (¥0.01 over, ¥200.00 left),
    exactly ¥200.00 is allowed, then a single cent more is refused."""
    budget(org, amount="1000.00")
    record_expense(org, amount=Decimal("800.00"))  # committed
    with pytest.raises(ValidationError) as exc:
        record_expense(org, amount=Decimal("200.01"))
    message = _errors(exc)["amount"][0]
    assert "R-EXP-1" in message and "¥0.01" in message and "¥200.00 left" in message
    assert Expense.objects.count() == 1
    record_expense(org, amount=Decimal("200.00"))  # exactly the budget
    assert Expense.objects.count() == 2
    with pytest.raises(ValidationError) as exc:
        record_expense(org, amount=Decimal("0.01"))
    assert "R-EXP-1" in _errors(exc)["amount"][0]
    assert Expense.objects.count() == 2


def test_r_exp_1_excess_approved_by_a_principal_leader(org):
    budget(org, amount="1000.00")
    expense = record_expense(org, amount=Decimal("1500.00"), request_excess_approval=True)
    assert expense.over_budget == Decimal("500.00")
    req = approvals_for_target(expense).get()
    steps = list(req.steps.order_by("order"))
    assert list(steps[0].candidates.all()) == [org.head]
    assert set(steps[-1].candidates.all()) == {org.principal, org.principal2}
    approval_decide(actor=org.head, request_id=req.pk, decision="approve")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.PENDING  # the excess still waits for the principal leader
    approval_decide(actor=org.principal, request_id=req.pk, decision="approve")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.APPROVED


def test_r_exp_1_rejected_expense_frees_the_budget(org):
    budget(org, amount="1000.00")
    expense = record_expense(org, amount=Decimal("900.00"))
    with pytest.raises(ValidationError) as exc:  # the pending one still holds ¥900.00
        record_expense(org, amount=Decimal("900.00"))
    assert "R-EXP-1" in _errors(exc)["amount"][0]
    assert Expense.objects.count() == 1
    req = approvals_for_target(expense).get()
    approval_decide(actor=org.head, request_id=req.pk, decision="reject", comment="发票不全")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.REJECTED
    second = record_expense(org, amount=Decimal("900.00"))
    assert second.over_budget == Decimal("0.00")
    assert Expense.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_r_exp_1_two_concurrent_expenses_cannot_both_take_the_last_of_the_budget():
    from conftest import build_org

    org = build_org()
    budget(org, amount="1000.00")
    results = []
    barrier = threading.Barrier(2)

    def spend():
        try:
            barrier.wait()
            record_expense(org, amount=Decimal("700.00"))
            results.append("ok")
        except ValidationError as exc:
            results.append("R-EXP-1" in str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=str) == sorted(["ok", True], key=str)
    assert Expense.objects.filter(township=org.township).count() == 1


def test_r_exp_2_cash_above_the_limit_is_a_finding(org):
    budget(org, amount="10000.00")
    small = record_expense(org, amount=Decimal("800.00"), payment_method="cash")
    big = record_expense(org, amount=Decimal("1200.00"), payment_method="cash")
    card = record_expense(org, amount=Decimal("3000.00"))
    flagged = set(Finding.objects.filter(rule_id="R-EXP-2").values_list("target_id", flat=True))
    assert flagged == {big.pk}
    assert small.pk not in flagged and card.pk not in flagged


def test_r_exp_5_allowance_must_be_a_listed_type(org):
    budget(org, category="allowance", amount="10000.00")
    with pytest.raises(ValidationError) as exc:
        record_expense(org, category="allowance", payee="全体干部")
    assert "R-EXP-5" in _errors(exc)["allowance_type"][0]
    assert not Expense.objects.exists()
    kind = allowance_type(org)
    expense = record_expense(org, category="allowance", payee="全体干部", allowance_type=kind)
    assert expense.allowance_type == kind
    assert Expense.objects.count() == 1
    other = AllowanceType.objects.create(township=TownshipFactory(), name="乡镇工作补贴")
    with pytest.raises(ValidationError) as exc:  # another township's list is not this one's
        record_expense(org, category="allowance", payee="全体干部", allowance_type=other)
    assert "R-EXP-5" in _errors(exc)["allowance_type"][0]
    kind.active = False
    kind.save()
    with pytest.raises(ValidationError) as exc:  # struck off the list
        record_expense(org, category="allowance", payee="全体干部", allowance_type=kind)
    assert "R-EXP-5" in _errors(exc)["allowance_type"][0]
    assert Expense.objects.count() == 1


def test_r_exp_5_the_form_has_no_free_text_allowance_name(org, login):
    """On the page an allowance is one of the listed types: an invented name, a type struck off
    the list or none at all is refused next to the field and nothing is booked."""
    budget(org, category="allowance", amount="10000.00")
    kind = allowance_type(org)
    retired = allowance_type(org, name="下乡补助")
    retired.active = False
    retired.save()
    client = login(org.finance)

    def post(allowance):
        data = {
            "spent_on": timezone.localdate().isoformat(),
            "category": "allowance",
            "payee": "全体干部",
            "amount": "300.00",
            "payment_method": "official_card",
            "invoice": scan("invoice.pdf"),
            "allowance_type": allowance,
        }
        return client.post("/reception/expenses/new/", data)

    for invented in ("加班补贴", str(retired.pk)):
        response = post(invented)
        assert response.status_code == 200
        assert "allowance_type" in response.context["form"].errors
    response = post("")
    assert response.status_code == 200
    assert "R-EXP-5" in response.context["form"].errors["allowance_type"][0]
    assert not Expense.objects.exists()
    response = post(str(kind.pk))
    assert response.status_code == 302, response.context["form"].errors
    assert Expense.objects.get().allowance_type == kind


def test_r_fld_4_private_car_fuel_for_a_village_visit_is_a_finding(org):
    """Only the three together make the finding: fuel, a private car, a village visit.  The claim
    is recorded either way (FLAG, not BLOCK)."""
    budget(org, category="travel", amount="5000.00")
    cases = {
        # (is_fuel, transport, village_visit): flagged?
        (True, "private_car", True): True,
        (True, "official_vehicle", True): False,
        (True, "public", True): False,
        (False, "private_car", True): False,  # parking or tolls, not fuel
        (True, "private_car", False): False,  # not a village visit
    }
    claims = {}
    for (is_fuel, transport, village_visit), _flagged in cases.items():
        claims[(is_fuel, transport, village_visit)] = record_expense(
            org,
            category="travel",
            payee="加油站",
            amount=Decimal("200.00"),
            is_fuel=is_fuel,
            transport=transport,
            village_visit=village_visit,
        )
    assert Expense.objects.count() == len(cases)
    claim = claims[(True, "private_car", True)]
    finding = Finding.objects.get(rule_id="R-FLD-4")
    assert finding.target_id == claim.pk
    assert finding.person == claim.recorded_by and finding.on_date == claim.spent_on
    assert "200.00" in finding.detail and "加油站" in finding.detail


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"amount": Decimal("-5.00")}, "amount"),
        ({"amount": Decimal("10.005")}, "amount"),
        ({"spent_on": timezone.localdate() + dt.timedelta(days=1)}, "spent_on"),
        ({"invoice": scan("invoice.exe", b"MZ", "application/octet-stream")}, "invoice"),
        ({"invoice": scan("invoice.png", b"GIF89a", "image/png")}, "invoice"),
    ],
)
def test_bad_expense_input_is_a_field_error_and_saves_nothing(org, over, field):
    budget(org, amount="10000.00")
    with pytest.raises(ValidationError) as exc:
        record_expense(org, **over)
    assert field in _errors(exc)
    assert not Expense.objects.exists()


def test_bad_expense_input_on_the_form(org, login):
    client = login(org.finance)
    data = {
        "spent_on": timezone.localdate().isoformat(),
        "category": "office",
        "payee": "文具店",
        "amount": "12.345",
        "payment_method": "official_card",
        "invoice": scan("big.pdf", b"%PDF" + b"0" * 100),
    }
    response = client.post("/reception/expenses/new/", data)
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert not Expense.objects.exists()


def test_expense_links_a_meeting_by_reference_without_importing_meetings(org):
    budget(org, category="meetings", amount="10000.00")
    from django.apps import apps

    if apps.is_installed("meetings"):
        try:
            apps.get_model("meetings.meeting")
        except LookupError:
            pass
        else:
            with pytest.raises(ValidationError) as exc:
                record_expense(org, category="meetings", link_model="meetings.meeting", link_id=999999)
            assert "link_id" in _errors(exc)
    with pytest.raises(ValidationError):
        record_expense(org, category="meetings", link_model="petitions.case", link_id=1)


def test_expense_pages_and_export(org, login):
    budget(org, amount="10000.00")
    expense = record_expense(org)
    client = login(org.finance)
    assert "文具店" in client.get("/reception/expenses/").content.decode()
    assert client.get(f"/reception/expenses/{expense.pk}/").status_code == 200
    export = client.get("/reception/expenses/?export=xlsx&category=office")
    assert filename_of(export) == export_filename(pgettext("file name", "expenses"), ext="xlsx")
    assert login(org.staff).get(f"/reception/expenses/{expense.pk}/").status_code == 404


def test_an_expense_is_linked_to_a_reception_on_the_form(org, login):
    """The form's reception and vehicle-use choices are limited to the latest 200; choosing one is
    valid (a sliced queryset made every choice "not a valid option")."""
    from .factories import record_reception

    budget(org, category="reception", amount="10000.00")
    reception = record_reception(org)
    client = login(org.finance)
    page = client.get(f"/reception/expenses/new/?reception={reception.pk}")
    assert page.context["form"]["reception"].value() == str(reception.pk)
    data = {
        "spent_on": timezone.localdate().isoformat(),
        "category": "reception",
        "payee": "机关食堂",
        "amount": "120.00",
        "payment_method": "official_card",
        "invoice": scan("invoice.pdf"),
        "reception": str(reception.pk),
    }
    response = client.post("/reception/expenses/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert Expense.objects.get().reception_id == reception.pk


def test_a_form_with_an_error_says_to_choose_the_file_again(org, login):
    client = login(org.finance)
    assert 'data-testid="file-again"' not in client.get("/reception/expenses/new/").content.decode()
    data = {"category": "office", "payee": "文具店", "amount": "-1", "payment_method": "official_card"}
    response = client.post("/reception/expenses/new/", data)
    assert response.status_code == 200
    assert 'data-testid="file-again"' in response.content.decode()
    assert not Expense.objects.exists()
