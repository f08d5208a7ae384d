"""Uploads: every upload field refuses HTML, executables, SVG, a file whose content is not what
its name says, and a file over the size limit; accepted files are kept under a generated name and
go out as attachments with a Content-Type from the allow-list (township.uploads)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from township.tests.world import PDF, World, png_bytes, world_fixture  # noqa: F401 - the module's data set
from township.uploads import check_upload, display_name, upload_response

LIMIT = 64 * 1024  # UPLOAD_MAX_BYTES for these tests (a small .docx is ~37 kB)

BAD = {
    "html": ("letter.html", b"<!doctype html><script>alert(document.cookie)</script>"),
    "exe": ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
    "svg": ("scan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "html as pdf": ("letter.pdf", b"<html><script>alert(1)</script></html>"),
    "svg as png": ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "oversize": ("big.pdf", b"%PDF-1.4\n" + b"0" * (2 * LIMIT + 1)),
    "traversal exe": ("../../../bin/evil.exe", b"MZ" + b"\x00" * 64),
}


def upload(kind):
    name, content = BAD[kind]
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def docx_bytes(text="会议纪要") -> bytes:
    buf = io.BytesIO()
    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    doc.save(buf)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.UPLOAD_MAX_BYTES = LIMIT
    settings.FIELDWORK_PHOTO_MAX_BYTES = LIMIT


# --- one function per upload field: call the owning service with the file ------------------------


def _trip_scan(world, f):
    from conduct.services import trip_submit
    from township.workcalendar import add_working_days

    day = add_working_days(timezone.localdate(), 40, township=world.mine.org.township.pk)
    return trip_submit(
        actor=world.mine.org.staff,
        kind="study",
        purpose="考察",
        destination="北京",
        start_date=day,
        end_date=day,
        budget=Decimal("10.00"),
        declaration=True,
        outside_county=True,
        county_scan=f,
    ).county_scan


def _letter_scan(world, f):
    from conduct.reception.tests.factories import record_reception

    return record_reception(world.mine.org, letter_scan=f).letter_scan


def _invoice(world, f):
    from conduct.reception.tests.factories import record_expense

    return record_expense(world.mine.org, invoice=f, amount=Decimal("1.00")).invoice


def _minutes(world, f):
    from meetings.services import meeting_record_outcome
    from meetings.tests import factories as mf
    from township.tests.world import meeting_approver

    org = world.mine.org
    meeting = mf.submit(org, date=timezone.localdate() + dt.timedelta(days=1))
    meeting = mf.approve(meeting, meeting_approver(org, meeting))
    from meetings.models import Meeting

    # held yesterday (the request had to be in the future)
    Meeting.objects.filter(pk=meeting.pk).update(date=timezone.localdate() - dt.timedelta(days=1))
    start = timezone.now() - dt.timedelta(days=1)
    return meeting_record_outcome(
        actor=org.clerk,
        meeting_id=meeting.pk,
        actual_start=start,
        actual_end=start + dt.timedelta(minutes=30),
        attendance=10,
        minutes_file=f,
    ).minutes_file


def _docx(world, f):
    from meetings.services import document_register

    org = world.mine.org
    document_register(
        actor=org.clerk,
        kind="general",
        title="通知",
        department=org.department,
        issued_on=timezone.localdate(),
        docx=f,
    )
    return None


def _photo(world, f):
    from fieldwork.services import visit_log

    visit = visit_log(
        actor=world.mine.org.staff,
        village=world.mine.village,
        date=timezone.localdate() - dt.timedelta(days=3),
        part="full",
        purposes=["research"],
        transport="bus",
        summary="走访",
        photos=[f],
    )
    return visit.photos.get().image


def _report_file(world, f):
    from fieldwork.services import report_save

    return report_save(actor=world.mine.org.staff, title="报告", kind="report", body="", file=f).file


def _case_attachment(world, f):
    from petitions.tests.factories import register

    return register(world.mine.org, attachments=[f]).attachments.get().file


def _attachment_add(world, f):
    from petitions.services import petition_attachment_add

    return petition_attachment_add(actor=world.mine.org.clerk, case_id=world.mine["case"].pk, file=f).file


FIELDS = {
    "trip county_scan": (_trip_scan, "county_scan", ("scan.pdf", PDF)),
    "reception letter_scan": (_letter_scan, "letter_scan", ("letter.pdf", PDF)),
    "expense invoice": (_invoice, "invoice", ("invoice.png", None)),
    "meeting minutes_file": (_minutes, "minutes_file", ("minutes.docx", "docx")),
    "document docx": (_docx, "docx", ("document.docx", "docx")),
    "visit photos": (_photo, "photos", ("photo.png", None)),
    "report file": (_report_file, "file", ("report.pdf", PDF)),
    "petition attachment (register)": (_case_attachment, "attachment", ("信件.pdf", PDF)),
    "petition attachment (add)": (_attachment_add, "file", ("照片.png", None)),
}


def _good(spec):
    name, content = spec
    if content is None:
        content = png_bytes()
    elif content == "docx":
        content = docx_bytes()
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("kind", BAD)
def test_every_upload_field_refuses_executable_content_and_oversize_files(world: World, field, kind, db):
    service, error_field, _good_spec = FIELDS[field]
    with pytest.raises(ValidationError) as exc:
        service(world, upload(kind))
    errors = exc.value.message_dict if hasattr(exc.value, "error_dict") else {"__all__": exc.value.messages}
    assert error_field in errors or field == "visit photos" and "photos" in errors, errors


@pytest.mark.parametrize("field", FIELDS)
def test_an_accepted_upload_is_kept_under_a_generated_name(world: World, field, db):
    service, _field, good = FIELDS[field]
    stored = service(world, _good(good))
    if stored is None:  # the .docx of a document is read, not kept
        return
    base = stored.name.rsplit("/", 1)[-1]
    assert good[0] not in stored.name and ".." not in stored.name
    assert base.rsplit(".", 1)[-1] == good[0].rsplit(".", 1)[-1]
    assert len(base.split(".")[0]) >= 32 or base.startswith("photo") or "-" in base


def test_a_docx_that_is_any_other_zip_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("evil.html", "<script>alert(1)</script>")
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("x.docx", buf.getvalue()), kinds=("docx",))
    assert check_upload(SimpleUploadedFile("x.docx", docx_bytes()), kinds=("docx",)) == "docx"


def test_display_names_lose_paths_quotes_and_control_characters():
    assert display_name("../../etc/passwd", "pdf") == "passwd.pdf"
    assert display_name('a"b\r\nX-Header: 1;.pdf', "pdf") == "a_bX-Header_ 1_.pdf"
    assert display_name("C:\\x\\评估报告.docx", "docx") == "评估报告.docx"
    assert display_name("report.html", "pdf") == "report.pdf"


@pytest.mark.parametrize(
    "name,content_type,disposition",
    [
        ("a.pdf", "application/pdf", "attachment"),
        ("a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
        ("a.png", "image/png", "inline"),
        ("a.html", "application/octet-stream", "attachment"),
        ("a.svg", "application/octet-stream", "attachment"),
    ],
)
def test_files_go_out_with_an_allowed_type_as_attachments(
    tmp_path, settings, name, content_type, disposition
):
    from django.core.files.storage import default_storage
    from django.db.models.fields.files import FieldFile, FileField

    settings.MEDIA_ROOT = str(tmp_path)
    default_storage.save(name, io.BytesIO(b"<script>alert(1)</script>"))
    field = FileField()
    field.storage = default_storage
    ff = FieldFile(None, field, name)
    response = upload_response(ff, filename="x")
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    missing = FieldFile(None, field, "gone.pdf")
    from django.http import Http404

    with pytest.raises(Http404):
        upload_response(missing)


# --- through the pages: refused with a message, never a 500 -----------------------------------


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


IMPORTS = [
    ("administrator", "roster_import", {"kind": "people"}),
    ("office_clerk", "conduct:punch_import", {}),  # 50 MB: a device's year of punches
    ("finance_clerk", "reception:expense_import", {}),
    ("administrator", "fieldwork:household_import", {}),
    ("office_clerk", "petitions:case_import", {}),
]
IMPORT_LIMIT_MB = {"conduct:punch_import": 50}


@pytest.mark.parametrize("role,name,extra", IMPORTS, ids=[i[1] for i in IMPORTS])
@pytest.mark.parametrize("kind", ["html", "exe", "svg"])
def test_import_pages_refuse_other_file_types(world: World, role, name, extra, kind, db):
    response = _client(world.users()[role]).post(reverse(name), {**extra, "file": upload(kind)})
    assert response.status_code == 200
    assert response.context["form"].errors.get("file")


@pytest.mark.parametrize("role,name,extra", IMPORTS, ids=[i[1] for i in IMPORTS])
def test_import_pages_refuse_oversize_files(world: World, role, name, extra, db, settings):
    size = IMPORT_LIMIT_MB.get(name, 10) * 1024 * 1024 + 1
    big = SimpleUploadedFile("rows.csv", b"a" * size)
    response = _client(world.users()[role]).post(reverse(name), {**extra, "file": big})
    assert response.status_code == 200
    assert response.context["form"].errors.get("file")


def test_upload_pages_show_the_refusal_on_the_field(world: World, db):
    from petitions.models import PetitionAttachment

    clerk = _client(world.users()["office_clerk"])
    case = world.mine["case"]
    before = PetitionAttachment.objects.count()
    response = clerk.post(
        reverse("petitions:attachment_add", args=[case.pk]), {"att-file": upload("svg")}, follow=True
    )
    assert response.status_code == 200 and PetitionAttachment.objects.count() == before
    assert any("PDF" in str(m) for m in response.context["messages"])
    staff = _client(world.users()["staff"])
    response = staff.post(
        reverse("fieldwork:report_create"),
        {"title": "t", "kind": "report", "body": "", "file": upload("html")},
    )
    assert response.status_code == 200 and response.context["form"].errors.get("file")


def test_stored_files_are_only_served_through_scoped_views(world: World, db):
    """No /media/ URL: a file's storage path gives nothing, even to its owner."""
    trip = world.mine["trip"]
    client = _client(world.mine.org.colleague)
    assert client.get("/media/" + trip.county_scan.name).status_code == 404
    response = client.get(reverse("conduct:trip_scan", args=[trip.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
