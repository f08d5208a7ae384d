"""R-DOC-1 (document length) and R-MTG-11 (press coverage)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings.models import Document, PressRequest, PressStatus
from meetings.rules import r_doc_1_char_count
from meetings.services import document_register, press_request_submit
from meetings.tests.factories import next_month_day
from township.approvals import approval_decide
from township.models import Finding, RuleOverride

pytestmark = pytest.mark.django_db


def docx_upload(text: str, name="通知.docx"):
    from docx import Document as Docx

    doc = Docx()
    for para in text.split("\n"):
        doc.add_paragraph(para)
    table = doc.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "表格内容"
    buf = io.BytesIO()
    doc.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def register(org, **kw):
    values = dict(actor=org.clerk, kind="general", title="关于开展秋季森林防火的通知", department=org.department,
                  issued_on=timezone.localdate())  # fmt: skip
    values.update(kw)
    return document_register(**values)


def test_r_doc_1_character_count_ignores_spaces_and_line_breaks():
    assert r_doc_1_char_count("各村（社区）：\n  请于 10 月底前上报。") == len(
        "各村（社区）：请于10月底前上报。"
    )


def test_r_doc_1_general_document_over_2000_characters_refused(org):
    register(org, text="字" * 2000)
    with pytest.raises(ValidationError) as exc:
        register(org, text="字" * 2001)
    assert "R-DOC-1" in " ".join(exc.value.messages) and "2001" in " ".join(exc.value.messages)
    assert Document.objects.count() == 1


def test_r_doc_1_report_material_allows_3000(org):
    doc = register(org, kind="report", text="报" * 3000)
    assert doc.char_count == 3000
    with pytest.raises(ValidationError, match="R-DOC-1"):
        register(org, kind="report", text="报" * 3001)


def test_r_doc_1_principal_leader_may_set_the_limit_aside_with_a_reason(org):
    with pytest.raises(ValidationError):
        register(org, text="字" * 2500, override_reason="上级要求全文转发")
    doc = register(org, actor=org.principal, text="字" * 2500, override_reason="上级要求全文转发")
    assert RuleOverride.objects.get(target_id=doc.pk).rule_id == "R-DOC-1"
    assert Finding.objects.filter(rule_id="R-DOC-1").exists()


def test_r_doc_1_text_read_from_an_uploaded_docx(org):
    doc = register(org, docx=docx_upload("第一段\n第二段"))
    assert "第一段" in doc.text and "表格内容" in doc.text
    assert doc.char_count == len("第一段第二段表格内容") and doc.source_name == "通知.docx"
    with pytest.raises(ValidationError, match="R-DOC-1"):
        register(org, docx=docx_upload("长" * 2100))


def test_r_doc_1_unreadable_docx_is_a_clear_error(org):
    with pytest.raises(ValidationError) as exc:
        register(org, docx=SimpleUploadedFile("坏文件.docx", b"not a zip"))
    assert "docx" in exc.value.message_dict
    with pytest.raises(ValidationError):
        register(org, docx=SimpleUploadedFile("old.doc", b"\xd0\xcf\x11\xe0"))
    assert Document.objects.count() == 0


def press(org, **kw):
    values = dict(actor=org.clerk, title="秸秆综合利用经验", subject="innovation", on_date=next_month_day(),
                  department=org.department)  # fmt: skip
    values.update(kw)
    return press_request_submit(**values)


def test_r_mtg_11_fifth_press_coverage_in_a_year_refused(org):
    for _ in range(4):
        press(org)
    with pytest.raises(ValidationError) as exc:
        press(org)
    assert "R-MTG-11" in " ".join(exc.value.messages)


def test_r_mtg_11_general_meetings_and_leaders_activities_not_reported(org):
    for subject in ("general_meeting", "leader_activity"):
        with pytest.raises(ValidationError) as exc:
            press(org, subject=subject)
        assert "R-MTG-11" in " ".join(exc.value.messages) and "subject" in exc.value.message_dict
    assert PressRequest.objects.count() == 0


def test_r_mtg_11_press_request_approved_by_principal_and_rejected_ones_free_a_slot(org):
    first = press(org)
    approval_decide(actor=org.principal, request_id=first.approval_id, decision="approve")
    first.refresh_from_db()
    assert first.status == PressStatus.APPROVED
    others = [press(org) for _ in range(3)]
    approval_decide(actor=org.principal, request_id=others[0].approval_id, decision="reject", comment="不必")
    press(org)
