import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from fieldwork.models import PoorHousehold
from fieldwork.services import (
    assistance_record,
    pairing_create,
    report_save,
    report_submit,
    topic_register,
)
from fieldwork.tests.factories import HouseholdFactory, ReportFactory
from township.approvals import approval_decide, approval_inbox_for
from township.tests.factories import VillageFactory


def test_report_reviewed_by_the_leader_in_charge_accept_or_return(org):
    topic = topic_register(actor=org.leader, title="集体经济调研", year=timezone.localdate().year)
    report = report_save(actor=org.staff, title="集体经济报告", kind="report", body="正文", topic=topic)
    with pytest.raises(ValidationError):
        topic_register(actor=org.leader, title="集体经济调研", year=timezone.localdate().year)
    report_submit(actor=org.staff, report_id=report.pk)
    [req] = approval_inbox_for(user=org.leader)
    approval_decide(actor=org.leader, request_id=req.pk, decision="return", comment="补充数据")
    report.refresh_from_db()
    assert report.status == "returned" and report.review_comment == "补充数据"
    report = report_save(
        actor=org.staff, report=report, title="集体经济报告", kind="report", body="正文+数据", topic=topic
    )
    report_submit(actor=org.staff, report_id=report.pk)
    [req] = approval_inbox_for(user=org.leader)
    approval_decide(actor=org.leader, request_id=req.pk, decision="approve", comment="")
    report.refresh_from_db()
    assert report.status == "accepted" and report.reviewed_by == org.leader
    with pytest.raises(ValidationError):
        report_save(actor=org.staff, report=report, title="x", kind="report", body="y")


def test_report_needs_text_or_file(org):
    with pytest.raises(ValidationError) as exc:
        report_save(actor=org.staff, title="空报告", kind="report", body="")
    assert "body" in exc.value.message_dict


def test_report_archive_is_searchable_and_scoped(org, other_org, login):
    ReportFactory(
        person=org.colleague,
        title="人居环境整治",
        body="垃圾分类",
        status="accepted",
        submitted_at=timezone.now(),
        reviewed_by=org.leader,
    )
    ReportFactory(person=org.colleague, title="草稿不公开", status="draft")
    ReportFactory(
        person=other_org.staff,
        title="外乡镇报告",
        status="accepted",
        submitted_at=timezone.now(),
        reviewed_by=other_org.leader,
    )
    client = login(org.staff)
    page = client.get("/fieldwork/reports/?q=垃圾").context["page_obj"]
    assert [r.title for r in page] == ["人居环境整治"]
    titles = [r.title for r in client.get("/fieldwork/reports/").context["page_obj"]]
    assert "草稿不公开" not in titles and "外乡镇报告" not in titles
    assert "草稿不公开" in [
        r.title for r in login(org.principal).get("/fieldwork/reports/").context["page_obj"]
    ]


def test_r_fld_6_pairing_and_assistance(org):
    household = HouseholdFactory(village=VillageFactory(township=org.township))
    year = timezone.localdate().year
    with pytest.raises(PermissionDenied):
        pairing_create(actor=org.staff, household=household, cadre=org.staff, year=year)
    pairing_create(actor=org.admin, household=household, cadre=org.staff, year=year)
    with pytest.raises(ValidationError):
        pairing_create(actor=org.admin, household=household, cadre=org.staff, year=year)
    record = assistance_record(
        actor=org.staff, household=household, date=timezone.localdate(), kind="visit", description="入户走访"
    )
    assert record.person == org.staff
    with pytest.raises(PermissionDenied):
        assistance_record(
            actor=org.colleague, household=household, date=timezone.localdate(), kind="visit", description="x"
        )


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("households.xlsx", buf.getvalue())


HEADER = ["village", "household_no", "head_name", "members", "cause", "note"]


def test_household_import_preview_then_confirm(org, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    v = VillageFactory(township=org.township, name="东河村")
    client = login(org.admin)
    preview = client.post(
        "/fieldwork/households/import/",
        {
            "file": _xlsx(
                [
                    HEADER,
                    ["东河村", "DH-001", "王大山", 4, "因病", ""],
                    ["东河村", "DH-002", "李桂兰", 2, "缺劳力", ""],
                ]
            )
        },
    )
    assert preview.context["outcome"].ok, preview.context["outcome"].errors
    assert not PoorHousehold.objects.exists()
    done = client.post("/fieldwork/households/import/", {"token": preview.context["token"], "confirm": "1"})
    assert done.status_code == 302
    assert PoorHousehold.objects.filter(village=v, township=org.township).count() == 2


def test_household_import_with_a_missing_village_saves_nothing(org, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    VillageFactory(township=org.township, name="东河村")
    response = login(org.admin).post(
        "/fieldwork/households/import/",
        {
            "file": _xlsx(
                [
                    HEADER,
                    ["东河村", "DH-001", "王大山", 4, "因病", ""],
                    ["", "DH-002", "没有村", 2, "", ""],
                    ["不存在村", "DH-003", "错村名", 2, "", ""],
                ]
            )
        },
    )
    outcome = response.context["outcome"]
    assert [n for n, _ in outcome.errors] == [2, 3]
    first = " ".join(outcome.errors[0][1])
    assert "缺少村" in first and "township" not in first  # the page speaks Chinese
    assert response.context["token"] is None
    assert not PoorHousehold.objects.exists()


def test_household_pages(org, login):
    household = HouseholdFactory(village=VillageFactory(township=org.township))
    client = login(org.admin)
    response = client.post(
        f"/fieldwork/households/{household.pk}/", {"pair": "1", "cadre": org.staff.pk, "year": 2026}
    )
    assert response.status_code == 302
    assert household.pairings.count() == 1
    assert client.get("/fieldwork/households/?export=xlsx").status_code == 200
    assert login(org.staff).get("/fieldwork/households/new/").status_code == 403


def test_r_org_3_public_village_page_lists_cadres_and_numbers_without_login(org, client):
    from township.hooks import ANSWERS

    village = VillageFactory(township=org.township, name="西岭村", code="xiling")
    org.staff.villages.add(village)
    org.leader.villages.add(village)
    org.colleague.is_active = False
    org.colleague.save()
    org.colleague.villages.add(village)
    url = f"/fieldwork/public/{org.township.code}/xiling/"
    body = client.get(url).content.decode()
    assert org.staff.full_name in body and org.staff.mobile in body
    assert org.leader.full_name in body
    assert org.colleague.mobile not in body  # left the township
    assert org.staff.email not in body and org.staff.employee_no not in body  # nothing else personal
    ANSWERS.setdefault("reception_days", [])
    fake = lambda *, township_id: [{"weekday": "星期三", "place": "镇信访接待室", "leader_name": "张书记"}]  # noqa: E731
    ANSWERS["reception_days"].append(fake)
    try:
        body = client.get(url).content.decode()
    finally:
        ANSWERS["reception_days"].remove(fake)
    assert "镇信访接待室" in body
    assert client.get(f"/fieldwork/public/{org.township.code}/").status_code == 200
    assert client.get(f"/fieldwork/public/{org.township.code}/nope/").status_code == 404


def test_pages_render_and_scope(org, other_org, login):
    from fieldwork.tests.factories import VisitFactory

    village = VillageFactory(township=org.township)
    visit = VisitFactory(
        person=org.colleague, village=village, date=timezone.localdate() - dt.timedelta(days=1)
    )
    client = login(org.staff)
    for url in [
        "/fieldwork/",
        "/fieldwork/visits/new/",
        "/fieldwork/visits/",
        "/fieldwork/follow-ups/",
        "/fieldwork/villages/",
        f"/fieldwork/villages/{village.pk}/",
        "/fieldwork/topics/",
        "/fieldwork/reports/",
        "/fieldwork/reports/new/",
        "/fieldwork/households/",
        f"/fieldwork/progress/{org.staff.pk}/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(f"/fieldwork/visits/{visit.pk}/").status_code == 404  # a colleague's visit
    assert login(org.head).get(f"/fieldwork/visits/{visit.pk}/").status_code == 200  # the head's department
    assert login(other_org.principal).get(f"/fieldwork/visits/{visit.pk}/").status_code == 404
    assert login(org.principal).get("/fieldwork/visits/?export=xlsx").status_code == 200


def test_visit_form_shows_errors_next_to_fields(org, login):
    village = VillageFactory(township=org.township)
    client = login(org.staff)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        "/fieldwork/visits/new/",
        {
            "village": village.pk,
            "date": tomorrow.isoformat(),
            "part": "full",
            "transport": "bus",
            "meal": "working",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "date" in errors and "purposes" in errors and "meal" in errors
    assert "R-FLD-5" in " ".join(errors["meal"]) and "R-FLD-7" in " ".join(errors["purposes"])
    ok = client.post(
        "/fieldwork/visits/new/",
        {
            "village": village.pk,
            "date": timezone.localdate().isoformat(),
            "part": "am",
            "purposes": ["research", "petition_reception"],
            "transport": "bicycle",
            "meal": "none",
            "no_alcohol": "on",
            "no_cigarettes": "on",
            "no_special_dishes": "on",
            "problem_1": "路灯不亮",
            "owner_1": org.staff.pk,
            "due_1": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert ok.status_code == 302
    assert org.staff.village_visits.get().follow_ups.count() == 1
