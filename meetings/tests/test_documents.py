"""R-DOC-1 (document length) and R-MTG-11 (press coverage)."""

import datetime as dt
import io

import pytest
import time_machine
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

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


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


def test_r_doc_1_character_count_ignores_spaces_and_line_breaks(org):
    # 各村（社区）： is 7 characters, 请于10月底前上报。 10: 17; the spaces and the line break none
    assert r_doc_1_char_count("各村（社区）：\n  请于 10 月底前上报。") == 17
    assert r_doc_1_char_count(" \t\r\n\u3000") == 0  # the ideographic space too
    # 2000 characters laid out over lines and paragraphs are still 2000: allowed
    laid_out = "\n\n".join(["字" * 50 + "\n" + "  " + "字" * 50] * 20)
    doc = register(org, text=laid_out)
    assert doc.char_count == 2000
    with pytest.raises(ValidationError) as exc:
        register(org, text=laid_out + "\n字")
    assert "R-DOC-1" in exc.value.message_dict["text"][0] and "2001" in exc.value.message_dict["text"][0]
    assert list(Document.objects.all()) == [doc]


def test_r_doc_1_general_document_over_2000_characters_refused(org):
    register(org, text="字" * 2000)
    with pytest.raises(ValidationError) as exc:
        register(org, text="字" * 2001)
    assert "R-DOC-1" in " ".join(exc.value.messages) and "2001" in " ".join(exc.value.messages)
    assert Document.objects.count() == 1


def test_r_doc_1_report_material_allows_3000(org):
    doc = register(org, kind="report", text="报" * 3000)
    assert doc.char_count == 3000
    with pytest.raises(ValidationError) as exc:
        register(org, kind="report", text="报" * 3001)
    message = exc.value.message_dict["text"][0]
    assert "R-DOC-1" in message and "3000" in message and "3001" in message
    assert list(Document.objects.all()) == [doc]


def test_r_doc_1_principal_leader_may_set_the_limit_aside_with_a_reason(org):
    with pytest.raises(ValidationError) as exc:  # a clerk's reason is not an override
        register(org, text="字" * 2500, override_reason="上级要求全文转发")
    assert "R-DOC-1" in exc.value.message_dict["text"][0]
    with pytest.raises(ValidationError) as exc:  # a principal leader without a reason neither
        register(org, actor=org.principal, text="字" * 2500, override_reason="  ")
    assert "R-DOC-1" in exc.value.message_dict["text"][0]
    assert not Document.objects.exists() and not RuleOverride.objects.exists()
    assert not Finding.objects.filter(rule_id="R-DOC-1").exists()
    doc = register(org, actor=org.principal, text="字" * 2500, override_reason="上级要求全文转发")
    override = RuleOverride.objects.get()
    assert (override.rule_id, override.target_id, override.actor, override.reason) == (
        "R-DOC-1",
        doc.pk,
        org.principal,
        "上级要求全文转发",
    )
    assert Finding.objects.get(rule_id="R-DOC-1").target_id == doc.pk


def test_r_doc_1_text_read_from_an_uploaded_docx(org):
    doc = register(org, docx=docx_upload("第一段\n第二段"))
    assert "第一段" in doc.text and "表格内容" in doc.text
    assert doc.char_count == len("第一段第二段表格内容") and doc.source_name == "通知.docx"
    # the table's 4 characters count: 1996 + 4 = 2000 allowed, 1997 + 4 = 2001 refused
    at_limit = register(org, docx=docx_upload("长" * 1996))
    assert at_limit.char_count == 2000
    with pytest.raises(ValidationError) as exc:
        register(org, docx=docx_upload("长" * 1997))
    assert "R-DOC-1" in exc.value.message_dict["docx"][0] and "2001" in exc.value.message_dict["docx"][0]
    assert Document.objects.count() == 2


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
    """Cap 4 a year: the fourth of 2026 is allowed, the fifth refused; 2027 starts again."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        for day in (1, 2, 3, 4):
            press(org, on_date=dt.date(2026, 12, day))
        assert PressRequest.objects.count() == 4
        with pytest.raises(ValidationError) as exc:
            press(org, on_date=dt.date(2026, 12, 31))
        message = exc.value.message_dict["on_date"][0]
        assert "R-MTG-11" in message and "at most 4 times" in message and "2026 already has 4" in message
        assert PressRequest.objects.count() == 4
        press(org, on_date=dt.date(2027, 1, 1))
        assert PressRequest.objects.filter(year=2027).count() == 1


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
    others = [press(org) for _ in range(3)]  # approved 1 + pending 3: the cap of 4 is taken
    with pytest.raises(ValidationError) as exc:
        press(org)
    assert "R-MTG-11" in exc.value.message_dict["on_date"][0]
    assert PressRequest.objects.count() == 4
    approval_decide(actor=org.principal, request_id=others[0].approval_id, decision="reject", comment="不必")
    freed = press(org)
    assert freed.status == PressStatus.PENDING
    assert PressRequest.objects.exclude(status=PressStatus.REJECTED).count() == 4


def test_speakers_typed_in_one_box_are_split_on_every_separator_and_nothing_is_nobody():
    from meetings.rules import split_speakers

    assert split_speakers("张三，李四、王五;赵六\n 钱七 ,, ") == ["张三", "李四", "王五", "赵六", "钱七"]
    assert split_speakers("") == [] and split_speakers(None) == []
