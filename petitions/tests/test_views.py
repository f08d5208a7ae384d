import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from petitions import services
from petitions.models import IdentityAccess, PetitionCase, ReceptionDay, Status
from petitions.tests.factories import ID_A, ID_B, days_ago, in_progress, register, replied
from township.hooks import ask
from township.tests.factories import VillageFactory

# --- R-PET-8: identity only to those with a need; every view logged ----------------------------------


def test_r_pet_8_identity_hidden_from_staff_not_on_the_case(org, login):
    case = in_progress(org, handlers=[org.head])
    page = login(org.colleague).get(case.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "张三" not in body and ID_A not in body and "13800000000" not in body
    assert 'data-testid="identity-withheld"' in body
    assert not IdentityAccess.objects.exists()


def test_r_pet_8_registrar_leader_handler_inspector_see_it_and_are_logged(org, login, client):
    case = in_progress(org, handlers=[org.head])
    for user in (org.clerk, org.leader, org.head, org.inspector):
        client.force_login(user)
        body = client.get(case.get_absolute_url()).content.decode()
        assert "张三" in body and ID_A in body, user
    logged = set(IdentityAccess.objects.filter(case=case).values_list("user_id", flat=True))
    assert logged == {org.clerk.pk, org.leader.pk, org.head.pk, org.inspector.pk}


def test_r_pet_8_never_to_the_people_it_concerns_even_inspectors_or_leaders(org, login, client):
    case = register(org, concerned_people=[org.inspector, org.principal])
    services.petition_case_accept(actor=org.clerk, case_id=case.pk)
    services.petition_case_assign(
        actor=org.clerk, case_id=case.pk, leader=org.leader, department=org.department, handlers=[org.head]
    )
    for user in (org.inspector, org.principal):
        client.force_login(user)
        body = client.get(case.get_absolute_url()).content.decode()
        assert "张三" not in body and ID_A not in body
        pdf = client.get(reverse("petitions:case_reply_pdf", args=[case.pk]))
        assert pdf.status_code == 404  # not replied yet
    assert not IdentityAccess.objects.filter(user__in=[org.inspector, org.principal]).exists()


def test_r_pet_8_list_search_and_export_never_show_identity(org, login):
    case = register(org)
    c = login(org.principal)
    listing = c.get(reverse("petitions:index")).content.decode()
    assert case.number in listing  # the case is listed ...
    assert "张三" not in listing and ID_A not in listing and "13800000000" not in listing  # ... anonymously
    assert c.get(reverse("petitions:index"), {"q": "张三"}).context["page_obj"].paginator.count == 0
    assert c.get(reverse("petitions:index"), {"q": ID_A}).context["page_obj"].paginator.count == 0
    assert c.get(reverse("petitions:index"), {"q": case.number}).context["page_obj"].paginator.count == 1
    resp = c.get(reverse("petitions:index"), {"export": "xlsx"})
    cells = [
        str(v)
        for row in load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True)
        for v in row
    ]
    assert case.number in cells
    assert not any("张三" in cell or ID_A in cell or "13800000000" in cell for cell in cells)
    assert not IdentityAccess.objects.exists()


def test_r_pet_8_inspectors_read_the_access_log(org, login, client):
    case = register(org)
    login(org.clerk).get(case.get_absolute_url())
    client.force_login(org.principal)
    assert client.get(reverse("petitions:access_log")).status_code == 403
    client.force_login(org.inspector)
    page = client.get(reverse("petitions:access_log"))
    assert [a.user for a in page.context["page_obj"]] == [org.clerk]
    detail = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="case-access-log"' in detail


def test_r_pet_8_attachment_download_only_for_identity_readers(org, login, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = register(org, attachments=[SimpleUploadedFile("letter.pdf", b"%PDF-1.4 name: zhang san")])
    att = case.attachments.get()
    url = reverse("petitions:attachment_download", args=[case.pk, att.pk])
    client.force_login(org.colleague)
    assert client.get(url).status_code == 404
    assert not IdentityAccess.objects.exists()  # a refused download is no access
    client.force_login(org.clerk)
    resp = client.get(url)
    assert resp.status_code == 200 and b"zhang san" in b"".join(resp.streaming_content)
    assert IdentityAccess.objects.filter(user=org.clerk, via="attachment").exists()


def test_other_township_case_is_404(org, other_org, login):
    case = register(org)
    assert login(other_org.principal).get(case.get_absolute_url()).status_code == 404


# --- registration page, repeats, bad input -----------------------------------------------------------


def _register_post(**over):
    data = {
        "channel": "visit",
        "category": "land",
        "matter": "征地补偿款至今未发放，请求尽快落实",
        "concerns": "",
        "headcount": "",
        "registered_on": timezone.localdate().isoformat(),
        "p-TOTAL_FORMS": "3",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "30",
        "p-0-name": "李四",
        "p-0-id_number": ID_B,
        "p-0-phone": "13900000000",
        "p-0-address": "西岭村",
    }
    data.update(over)
    return data


def test_r_pet_1_register_page_shows_repeats_then_links(org, login):
    first = register(org, petitioners=[{"name": "李四", "id_number": ID_B}], matter="别的事")
    c = login(org.clerk)
    url = reverse("petitions:case_register")
    page = c.post(url, _register_post())
    assert page.status_code == 200 and [x for x, _w in page.context["candidates"]] == [first]
    assert PetitionCase.objects.count() == 1
    resp = c.post(url, _register_post(repeats_checked="1", link=str(first.pk)))
    case = PetitionCase.objects.exclude(pk=first.pk).get()
    assert resp.status_code == 302 and resp["Location"] == case.get_absolute_url()
    assert case.is_repeat and list(case.linked_cases.all()) == [first]


def test_r_pet_1_register_page_bad_id_number_next_to_the_field(org, login):
    c = login(org.clerk)
    page = c.post(
        reverse("petitions:case_register"), _register_post(**{"p-0-id_number": "110101199003070012"})
    )
    assert page.status_code == 200
    assert "18-character ID number" in page.content.decode() or "身份证" in page.content.decode()
    assert page.context["formset"].forms[0].errors["id_number"]
    assert not PetitionCase.objects.exists()


def test_staff_cannot_open_the_register_page(org, login):
    assert login(org.staff).get(reverse("petitions:case_register")).status_code == 403


def test_step_page_errors_are_shown_and_nothing_saved(org, login):
    case = in_progress(org, on=days_ago(5), registered=days_ago(8))
    c = login(org.leader)
    resp = c.post(
        reverse("petitions:case_step", args=[case.pk, "reply"]),
        {"reply-on": days_ago(7).isoformat(), "reply-text": "答复"},
    )
    assert resp.status_code == 400
    assert resp.context["steps"][0][1].errors["on"]
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    resp = c.post(
        reverse("petitions:case_extend", args=[case.pk]), {"extend-days": "45", "extend-reason": "鉴定"}
    )
    assert resp.status_code == 400 and "R-PET-3" in resp.content.decode()
    case.refresh_from_db()
    assert case.extension_status == ""


def test_steps_through_the_pages(org, login, client):
    case = register(org)
    client.force_login(org.clerk)
    r = client.post(reverse("petitions:case_step", args=[case.pk, "accept"]), {"accept-notice_text": ""})
    assert r.status_code == 302
    r = client.post(
        reverse("petitions:case_step", args=[case.pk, "assign"]),
        {
            "assign-leader": org.leader.pk,
            "assign-department": org.department.pk,
            "assign-handlers": [org.head.pk],
        },
    )
    assert r.status_code == 302
    client.force_login(org.head)
    r = client.post(
        reverse("petitions:case_step", args=[case.pk, "reply"]),
        {"reply-text": "已协调修复", "reply-resolved": "on", "reply-facts_clarified": "on"},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REPLIED and case.resolved and case.facts_clarified


def test_reply_pdf_with_chinese_font(org, login, tmp_path):
    case = replied(org)
    resp = login(org.leader).get(reverse("petitions:case_reply_pdf", args=[case.pk]))
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    assert b"WenQuanYiMicroHei" in resp.content
    assert IdentityAccess.objects.filter(user=org.leader, via="pdf").exists()
    if shutil.which("pdftoppm"):
        path = tmp_path / "reply.pdf"
        path.write_bytes(resp.content)
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / "p")], check=True)
        assert list(tmp_path.glob("p*.png"))


# --- query budgets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 30])
def test_case_list_query_budget(org, login, django_assert_max_num_queries, n):
    for _i in range(n):
        in_progress(org)
    c = login(org.principal)
    with django_assert_max_num_queries(16):
        resp = c.get(reverse("petitions:index"), {"sort": "due"})
    assert resp.status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_r_pet_9_statistics_query_budget(org, login, django_assert_max_num_queries, n):
    for i in range(n):
        (replied if i % 2 else in_progress)(org)
    c = login(org.principal)
    with django_assert_max_num_queries(18):
        resp = c.get(reverse("petitions:statistics"))
    assert resp.context["stats"]["total"]["received"] == n


# --- statistics (R-PET-9, R-PET-7) ------------------------------------------------------------------


def test_r_pet_9_statistics_counts_and_breakdowns(org, login):
    village = VillageFactory(township=org.township, name="东河村")
    on_time = replied(org, on=days_ago(20), reply_on=days_ago(10), village=village)
    services.petition_case_record_satisfaction(actor=org.clerk, case_id=on_time.pk, satisfied=True)
    late = in_progress(org, on=days_ago(80))
    services.petition_case_reply(
        actor=org.leader, case_id=late.pk, text="迟复", coordinated=True, facts_clarified=True
    )
    services.petition_case_refuse(actor=org.clerk, case_id=register(org).pk, reason="不属于受理范围")
    register(org, channel="letter")
    replied(org, on=days_ago(150), reply_on=days_ago(140))  # before the period: not counted
    clarified = in_progress(org, on=days_ago(5))
    services.petition_case_reply(actor=org.leader, case_id=clarified.pk, text="已查清", facts_clarified=True)
    assert login(org.staff).get(reverse("petitions:statistics")).status_code in (403, 404)
    c = login(org.principal)
    start = days_ago(100).isoformat()
    stats = c.get(
        reverse("petitions:statistics"), {"start": start, "end": timezone.localdate().isoformat()}
    ).context["stats"]
    t = stats["total"]
    # 5 in the period: on_time (replied, resolved, satisfied), late (replied overdue, coordinated,
    # facts clarified), refused, a letter not yet accepted, clarified (replied on time, facts clarified).
    assert (t["received"], t["accepted"], t["not_accepted"], t["replied"]) == (5, 3, 1, 3)
    assert (t["on_time"], t["overdue"], t["satisfied"], t["resolved"], t["coordinated"]) == (2, 1, 1, 1, 1)
    assert t["facts_clarified"] == 2
    assert round(t["on_time_rate"], 1) == 66.7
    assert {r["label"]: r["received"] for r in stats["by_village"]}["东河村"] == 1
    leader_row = next(r for r in stats["by_leader"] if r["responsible_leader_id"] == org.leader.pk)
    assert (leader_row["replied"], leader_row["on_time"]) == (3, 2)
    xlsx = c.get(reverse("petitions:statistics"), {"start": start, "export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    report = c.get(reverse("petitions:monthly_report"), {"month": timezone.localdate().strftime("%Y-%m")})
    assert report.content.startswith(b"%PDF")


def test_r_pet_7_on_time_rate_per_leader_in_the_summary_hook(org):
    replied(org, on=days_ago(20), reply_on=days_ago(10))
    late = in_progress(org, on=days_ago(80))
    services.petition_case_reply(actor=org.leader, case_id=late.pk, text="迟复")
    (summary,) = ask(
        "petition_summary", township_id=org.township.pk, start=days_ago(100), end=timezone.localdate()
    )
    assert {k: summary[k] for k in ("received", "accepted", "on_time", "overdue", "satisfied")} == {
        "received": 2,
        "accepted": 2,
        "on_time": 1,
        "overdue": 1,
        "satisfied": 0,
    }
    assert summary["by_leader"][org.leader.pk]["on_time"] == 1
    assert summary["by_department"][org.department.pk]["overdue"] == 1


# --- R-PET-6: reception days ---------------------------------------------------------------------------


def test_r_pet_6_public_reception_days_without_login(org, client):
    services.reception_day_save(actor=org.clerk, weekday=1, place="镇信访接待室", leader=org.principal)
    services.reception_day_save(
        actor=org.clerk, weekday=2, place="镇信访接待室", leader=org.leader, active=False
    )
    resp = client.get(reverse("petitions:public_reception_days", args=[org.township.code]))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert org.principal.full_name in body and org.leader.full_name not in body
    from django.utils import translation

    with translation.override("en"):
        (answer,) = ask("reception_days", township_id=org.township.pk)
    assert answer == [{"weekday": "Tuesday", "place": "镇信访接待室", "leader_name": org.principal.full_name}]


def test_r_pet_6_reception_recorded_and_opens_a_case(org, login):
    c = login(org.clerk)
    resp = c.post(
        reverse("petitions:reception_records"),
        {
            "on_date": timezone.localdate().isoformat(),
            "leader": org.principal.pk,
            "place": "接待室",
            "visitors": 3,
        },
    )
    assert resp.status_code == 302
    record = org.principal.receptions_held.get()
    url = reverse("petitions:case_register") + f"?reception={record.pk}"
    assert c.get(url).status_code == 200
    c.post(url, _register_post(reception=str(record.pk)))
    assert PetitionCase.objects.get().reception == record
    resp = c.post(
        reverse("petitions:reception_days"), {"weekday": 1, "place": "接待室", "leader": org.staff.pk}
    )
    assert resp.status_code == 200 and not ReceptionDay.objects.exists()  # not a leader


# --- import ---------------------------------------------------------------------------------------


def _xlsx(rows):
    from petitions.resources import HistoricalCaseResource

    wb = Workbook()
    ws = wb.active
    ws.append(HistoricalCaseResource.COLUMNS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "cases.xlsx"
    return buf


def _row(**kw):
    from petitions.resources import HistoricalCaseResource

    row = dict(zip(HistoricalCaseResource.COLUMNS, HistoricalCaseResource.EXAMPLE, strict=True))
    row["village"] = ""
    row.update(kw)
    return [row[k] for k in HistoricalCaseResource.COLUMNS]


def test_import_preview_then_confirm(org, login):
    c = login(org.clerk)
    good = [
        _row(),
        _row(
            id_number=ID_B,
            responsible_leader=org.leader.full_name,
            department=org.department.name,
            replied_on="2024-04-01",
            reply_text="已维修",
            satisfied="是",
        ),
    ]
    resp = c.post(reverse("petitions:case_import"), {"file": _xlsx(good)})
    assert resp.context["outcome"].ok and resp.context["token"]
    assert not PetitionCase.objects.exists()
    resp = c.post(reverse("petitions:case_import"), {"confirm": "1", "token": resp.context["token"]})
    assert resp.status_code == 302
    assert sorted(PetitionCase.objects.values_list("status", flat=True)) == ["accepted", "closed"]
    assert set(PetitionCase.objects.values_list("number", flat=True)) == {"2024-0001", "2024-0002"}


def test_import_bad_rows_refused_all_or_nothing(org, login):
    c = login(org.clerk)
    rows = [
        _row(),
        _row(id_number="110101199003070012"),
        _row(
            responsible_leader=org.leader.full_name,
            department=org.department.name,
            replied_on="2024-03-01",
            reply_text="x",
        ),
    ]
    resp = c.post(reverse("petitions:case_import"), {"file": _xlsx(rows)})
    outcome = resp.context["outcome"]
    assert [n for n, _e in outcome.errors] == [2, 3]
    text = str(outcome.errors)
    assert "身份证号" in text and "早于受理日期" in text  # the page speaks Chinese
    assert not PetitionCase.objects.exists()
