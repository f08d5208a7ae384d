import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import pgettext

from conduct.reception import services
from conduct.reception.models import ReceptionRecord, ReceptionStatus
from township.approvals import approval_decide, approvals_for_target
from township.exports import export_filename
from township.models import Finding
from township.policy import policy_set
from township.tests.test_exports import filename_of

from .factories import record_reception, scan


def _errors(exc):
    return exc.value.message_dict


def test_reception_recorded_against_its_letter(org):
    rec = record_reception(org)
    assert rec.status == ReceptionStatus.PLANNED and not rec.is_major
    assert [g.name for g in rec.guests.all()] == ["张三", "李四", "王五"]
    assert set(rec.accompanying_staff.all()) == {org.staff, org.colleague}
    assert rec.handler == org.clerk


def test_r_rec_1_reception_without_letter_refused(org):
    with pytest.raises(ValidationError) as exc:
        record_reception(org, letter_reference="", letter_scan=None)
    errors = _errors(exc)
    assert "R-REC-1" in errors["letter_reference"][0]
    assert "letter_scan" in errors
    assert not ReceptionRecord.objects.exists()


def test_r_rec_1_list_must_match_the_letter(org):
    rec = record_reception(org, start_date=timezone.localdate(), end_date=timezone.localdate())
    before = ReceptionRecord.objects.get(pk=rec.pk)
    guests = [("张三", "科长"), ("李四", "科员"), ("王五", "科员"), ("赵六", "司机")]
    with pytest.raises(ValidationError) as exc:
        services.reception_list_fill(
            actor=org.clerk,
            reception_id=rec.pk,
            guests=guests,
            accompanying_staff=[org.staff],
            meal_cost=Decimal("123.00"),
        )
    assert "R-REC-1" in _errors(exc)["guest_list"][0]
    rec.refresh_from_db()
    assert rec.status == ReceptionStatus.PLANNED and rec.listed_at is None
    assert rec.meal_cost == before.meal_cost != Decimal("123.00")
    # Allowed: the list names no more guests than the letter announced.
    services.reception_list_fill(
        actor=org.clerk, reception_id=rec.pk, guests=guests[:3], accompanying_staff=[org.staff]
    )
    rec.refresh_from_db()
    assert rec.status == ReceptionStatus.LISTED


def test_r_rec_2_meal_above_standard_refused(org):
    # 3 guests + 2 staff, one meal: 300 yuan = 60 per person > 50 standard
    with pytest.raises(ValidationError) as exc:
        record_reception(org, meal_cost=Decimal("300.00"))
    assert "R-REC-2" in _errors(exc)["meal_cost"][0]
    assert not ReceptionRecord.objects.exists()
    # 250 yuan = 50 per person: exactly the standard is allowed.
    assert record_reception(org, meal_cost=Decimal("250.00")).meal_cost == Decimal("250.00")
    # the standard is a yearly setting
    policy_set(
        actor=org.admin, key="R-REC-2", year=timezone.localdate().year, value="60.00", township=org.township
    )
    assert record_reception(org, meal_cost=Decimal("300.00")).meal_cost == Decimal("300.00")


@pytest.mark.parametrize(
    ("guests", "staff", "ok"),
    [
        (8, 3, True),
        (8, 4, False),
        (10, 3, True),
        (12, 4, True),
        (12, 5, False),
        (30, 10, True),
        (30, 11, False),
    ],
)
def test_r_rec_3_accompanying_staff_cap(org, guests, staff, ok):
    from township.tests.factories import UserFactory

    people = [UserFactory(township=org.township, department=org.department) for _ in range(staff)]
    kwargs = {
        "guest_count": guests,
        "guests": [(f"客{i}", "") for i in range(guests)],
        "accompanying_staff": people,
        "meal": "none",
        "meal_count": 0,
        "meal_cost": Decimal("0"),
        "start_date": timezone.localdate() + dt.timedelta(days=5),
        "end_date": timezone.localdate() + dt.timedelta(days=5),
    }
    if ok:
        record_reception(org, **kwargs)
    else:
        with pytest.raises(ValidationError) as exc:
            record_reception(org, **kwargs)
        assert "R-REC-3" in _errors(exc)["accompanying_staff"][0]
        assert not ReceptionRecord.objects.exists()


def test_r_rec_4_upper_level_visitors_eat_in_the_canteen(org):
    with pytest.raises(ValidationError) as exc:
        record_reception(org, meal="outside")
    assert "R-REC-4" in _errors(exc)["meal"][0]
    assert not ReceptionRecord.objects.exists()
    assert record_reception(org, meal="canteen").meal == "canteen"


def test_r_rec_4_village_visit_gets_no_meal_and_guests_pay_their_fee(org):
    with pytest.raises(ValidationError) as exc:
        record_reception(org, destination="village", meal="canteen")
    assert "R-REC-4" in _errors(exc)["meal"][0]
    with pytest.raises(ValidationError) as exc:
        record_reception(org, destination="firm", meal="guests_paid", meal_count=0, meal_cost=Decimal("0"))
    assert "R-REC-4" in _errors(exc)["guest_meal_fee"][0]
    assert not ReceptionRecord.objects.exists()
    rec = record_reception(
        org,
        destination="village",
        meal="guests_paid",
        meal_count=0,
        meal_cost=Decimal("0"),
        guest_meal_fee="45.00",
    )
    assert rec.guest_meal_fee == Decimal("45.00")


@pytest.mark.parametrize("flag", ["alcohol_served", "high_end_dishes", "gifts_given"])
def test_r_rec_5_declaration_ticked_blocks(org, flag):
    with pytest.raises(ValidationError) as exc:
        record_reception(org, **{flag: True})
    assert "R-REC-5" in _errors(exc)[flag][0]
    assert not ReceptionRecord.objects.exists()


def test_r_rec_6_major_reception_needs_principal_approval_before_it_happens(org):
    guests = [(f"客{i}", "") for i in range(12)]
    rec = record_reception(
        org,
        guest_count=12,
        guests=guests,
        accompanying_staff=[org.staff],
        meal="none",
        meal_count=0,
        meal_cost=0,
    )
    assert rec.is_major and rec.status == ReceptionStatus.AWAITING_PLAN
    req = approvals_for_target(rec).get()
    assert set(req.steps.get().candidates.all()) == {org.principal, org.principal2}
    # the list cannot be filled while the plan waits
    ReceptionRecord.objects.filter(pk=rec.pk).update(
        start_date=timezone.localdate(), end_date=timezone.localdate()
    )
    with pytest.raises(ValidationError) as exc:
        services.reception_list_fill(
            actor=org.clerk, reception_id=rec.pk, guests=guests, accompanying_staff=[]
        )
    assert "R-REC-6" in str(exc.value)
    rec.refresh_from_db()
    assert rec.status == ReceptionStatus.AWAITING_PLAN and rec.listed_at is None
    approval_decide(actor=org.principal, request_id=req.pk, decision="approve")
    rec.refresh_from_db()
    assert rec.status == ReceptionStatus.PLANNED
    services.reception_list_fill(actor=org.clerk, reception_id=rec.pk, guests=guests, accompanying_staff=[])


def test_r_rec_6_major_by_cost_recorded_on_the_day_is_refused(org):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        record_reception(
            org,
            start_date=today,
            end_date=today,
            other_cost=Decimal("3000.01"),
            meal="none",
            meal_count=0,
            meal_cost=0,
        )
    assert "R-REC-6" in _errors(exc)["start_date"][0]
    assert not ReceptionRecord.objects.exists()
    # exactly the ¥3000.00 line is not major: recorded on the day without a plan
    rec = record_reception(
        org,
        start_date=today,
        end_date=today,
        other_cost=Decimal("3000.00"),
        meal="none",
        meal_count=0,
        meal_cost=0,
    )
    assert not rec.is_major and rec.status == ReceptionStatus.PLANNED


def test_r_rec_6_rejected_plan_blocks_the_list_and_nothing_is_saved(org):
    guests = [(f"客{i}", "") for i in range(12)]
    rec = record_reception(
        org,
        guest_count=12,
        guests=guests,
        accompanying_staff=[org.staff],
        meal="none",
        meal_count=0,
        meal_cost=0,
    )
    req = approvals_for_target(rec).get()
    approval_decide(actor=org.principal, request_id=req.pk, decision="reject", comment="规格过高")
    rec.refresh_from_db()
    assert rec.status == ReceptionStatus.PLAN_REJECTED
    ReceptionRecord.objects.filter(pk=rec.pk).update(
        start_date=timezone.localdate(), end_date=timezone.localdate()
    )
    before = ReceptionRecord.objects.get(pk=rec.pk)
    with pytest.raises(ValidationError) as exc:
        services.reception_list_fill(
            actor=org.clerk,
            reception_id=rec.pk,
            guests=guests[:3],
            accompanying_staff=[org.colleague],
            other_cost=Decimal("100.00"),
        )
    assert "R-REC-6" in str(exc.value)
    after = ReceptionRecord.objects.get(pk=rec.pk)
    assert after.status == ReceptionStatus.PLAN_REJECTED and after.listed_at is None
    assert after.other_cost == before.other_cost
    assert list(after.accompanying_staff.all()) == [org.staff]


def test_r_rec_6_reception_turned_major_on_its_list_is_a_finding(org):
    today = timezone.localdate()
    rec = record_reception(org, start_date=today, end_date=today, meal="none", meal_count=0, meal_cost=0)
    assert not rec.is_major
    services.reception_list_fill(
        actor=org.clerk,
        reception_id=rec.pk,
        guests=[("张三", "科长")],
        accompanying_staff=[org.staff],
        other_cost=Decimal("4000.00"),
    )
    finding = Finding.objects.get(rule_id="R-REC-6", target_id=rec.pk)
    assert finding.person == rec.handler and finding.on_date == today
    # Under the cost line, no finding.
    small = record_reception(org, start_date=today, end_date=today, meal="none", meal_count=0, meal_cost=0)
    services.reception_list_fill(
        actor=org.clerk,
        reception_id=small.pk,
        guests=[("李四", "科员")],
        accompanying_staff=[org.staff],
        other_cost=Decimal("100.00"),
    )
    assert not Finding.objects.filter(rule_id="R-REC-6", target_id=small.pk).exists()


def test_guest_count_must_agree_with_guest_list(org):
    with pytest.raises(ValidationError) as exc:
        record_reception(org, guest_count=4)
    assert "guest_list" in _errors(exc)
    assert not ReceptionRecord.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: scan("letter.docx", b"PK\x03\x04", "application/msword"), "PDF or an image"),
        (lambda: scan("letter.pdf", b"not really a pdf"), "not really"),
    ],
)
def test_letter_scan_must_be_pdf_or_image(org, upload, message):
    with pytest.raises(ValidationError) as exc:
        record_reception(org, letter_scan=upload())
    assert message in " ".join(_errors(exc)["letter_scan"])


def test_letter_scan_over_the_size_limit_refused(org, settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as exc:
        record_reception(org)
    assert "larger" in " ".join(_errors(exc)["letter_scan"])


def test_only_office_clerks_record_receptions(org):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        record_reception(org, actor=org.staff)


def test_list_filled_then_signed_off_by_the_handler(org):
    today = timezone.localdate()
    rec = record_reception(org, start_date=today, end_date=today)
    services.reception_list_fill(
        actor=org.clerk,
        reception_id=rec.pk,
        guests=[("张三", "科长"), ("李四", "科员")],
        accompanying_staff=[org.staff],
        meal_cost=Decimal("120.00"),
        items_provided="工作餐一次",
    )
    with pytest.raises(ValidationError):
        services.reception_sign_off(actor=org.admin, reception_id=rec.pk)
    rec = services.reception_sign_off(actor=org.clerk, reception_id=rec.pk)
    assert rec.status == ReceptionStatus.SIGNED
    with pytest.raises(ValidationError):
        services.reception_list_fill(
            actor=org.clerk, reception_id=rec.pk, guests=[("张三", "")], accompanying_staff=[]
        )


def test_reception_list_pdf_has_the_chinese_font(org, login, tmp_path):
    rec = record_reception(org)
    response = login(org.clerk).get(f"/reception/receptions/{rec.pk}/list.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"WenQuanYiMicroHei" in response.content
    if shutil.which("pdftoppm"):
        path = tmp_path / "list.pdf"
        path.write_bytes(response.content)
        out = Path(__file__).resolve().parents[3] / "test-artifacts" / "reception"
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(path), str(out / "reception-list-pdf")], check=True
        )
        assert list(out.glob("reception-list-pdf*.png"))


def test_reception_form_shows_the_staff_cap_on_the_field(org, login):
    from township.tests.factories import UserFactory

    client = login(org.clerk)
    people = [UserFactory(township=org.township, department=org.department) for _ in range(4)]
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    data = {
        "visiting_unit": "市财政局",
        "visitor_level": "upper",
        "letter_reference": "市财函〔2026〕3号",
        "letter_scan": scan(),
        "purpose": "检查",
        "destination": "township",
        "start_date": day,
        "end_date": day,
        "guest_count": 8,
        "guest_list": "\n".join(f"客人{i} 科员" for i in range(8)),
        "accompanying_staff": [p.pk for p in people],
        "meal": "none",
        "meal_count": 0,
        "meal_cost": "0",
        "guest_meal_fee": "0",
        "accommodation_cost": "0",
        "other_cost": "0",
        "payment_method": "official_card",
    }
    response = client.post("/reception/receptions/new/", data)
    assert response.status_code == 200
    assert "R-REC-3" in " ".join(response.context["form"].errors["accompanying_staff"])
    data["accompanying_staff"] = [p.pk for p in people[:3]]
    data["letter_scan"] = scan()
    response = client.post("/reception/receptions/new/", data)
    assert response.status_code == 302
    assert ReceptionRecord.objects.get().accompanying_staff.count() == 3


def test_r_xck_8_the_reason_for_an_off_hours_meal_is_saved_from_the_forms(org, login):
    """The reason is stated on the record form, or added later on the reception list; both show
    the field under its rule."""
    client = login(org.clerk)
    page = client.get("/reception/receptions/new/").content.decode()
    assert 'name="off_hours_reason"' in page
    assert '<span class="rule-tag">R-XCK-8</span>' in page
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    data = {
        "visiting_unit": "县应急局",
        "visitor_level": "upper",
        "letter_reference": "县应急函〔2026〕5号",
        "letter_scan": scan(),
        "purpose": "防汛检查",
        "destination": "township",
        "start_date": day,
        "end_date": day,
        "guest_count": 2,
        "guest_list": "张三 科长\n李四 科员",
        "meal": "canteen",
        "meal_count": 1,
        "meal_cost": "60",
        "guest_meal_fee": "0",
        "accommodation_cost": "0",
        "other_cost": "0",
        "payment_method": "official_card",
        "off_hours_reason": "周六防汛检查，食堂工作餐",
    }
    response = client.post("/reception/receptions/new/", data)
    assert response.status_code == 302
    rec = ReceptionRecord.objects.get()
    assert rec.off_hours_reason == "周六防汛检查，食堂工作餐"

    # Without one, then added later on the list (after the visit).
    today = timezone.localdate()
    later = record_reception(org, start_date=today, end_date=today, visiting_unit="县水利局")
    assert later.off_hours_reason == ""
    page = client.get(f"/reception/receptions/{later.pk}/list/").content.decode()
    assert 'name="off_hours_reason"' in page and "R-XCK-8" in page
    response = client.post(
        f"/reception/receptions/{later.pk}/list/",
        {
            "guest_list": "张三 科长",
            "meal": "canteen",
            "meal_count": 1,
            "meal_cost": "30",
            "guest_meal_fee": "0",
            "accommodation_cost": "0",
            "other_cost": "0",
            "payment_method": "official_card",
            "off_hours_reason": "汛情会商延至晚间",
        },
    )
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.off_hours_reason == "汛情会商延至晚间"
    assert later.status == ReceptionStatus.LISTED


def test_reception_list_scoped_and_exported(org, other_org, login):
    record_reception(org)
    record_reception(other_org, visiting_unit="别镇来访")
    client = login(org.clerk)
    response = client.get("/reception/receptions/")
    assert response.status_code == 200
    assert "县农业农村局" in response.content.decode() and "别镇来访" not in response.content.decode()
    other = ReceptionRecord.objects.get(township=other_org.township)
    assert client.get(f"/reception/receptions/{other.pk}/").status_code == 404
    export = client.get("/reception/receptions/?export=xlsx")
    assert filename_of(export) == export_filename(pgettext("file name", "receptions"), ext="xlsx")
    # a plain cadre not involved sees nothing
    assert "县农业农村局" not in login(other_org.staff).get("/reception/receptions/").content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_reception_list_query_budget(org, login, django_assert_max_num_queries, n):
    from conduct.reception.models import ReceptionGuest

    base = record_reception(org)
    for i in range(n - 1):
        copy = ReceptionRecord.objects.get(pk=base.pk)
        copy.pk = None
        copy.letter_reference = f"函{i}"
        copy.save()
        ReceptionGuest.objects.create(reception=copy, name="客", title="")
    client = login(org.clerk)
    with django_assert_max_num_queries(14):
        assert client.get("/reception/receptions/").status_code == 200
