"""Uploaded files: what may come in, under which name it is kept, and how it goes out again.

- ``check_upload(upload, kinds=SCANS, field="...")``: the file's extension must be one of the
  allowed kinds AND its first bytes must be what that kind starts with (a renamed .html, .exe or
  .svg is refused), and it must be within the size limit.  Returns the extension.
- ``stored_name(ext)``: uploads are kept under a generated name (``<uuid>.<ext>``), never under
  the name the browser sent (no path tricks, no executable extension on disk).
- ``upload_response(fieldfile, filename=...)``: files go out as attachments with a Content-Type
  from the allow-list below (never text/html or SVG), ``nosniff`` and a sandboxing CSP; only
  photos are shown inline.  A file missing on disk is a 404, not a 500.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

ZIP = (b"PK\x03\x04",)
# extension -> (Content-Type, signatures the file must start with)
TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "webp": ("image/webp", (b"RIFF",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
}
# The one part an Office file of that kind must contain (a zip of anything else is refused).
OFFICE_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
INLINE = {"jpg", "jpeg", "png", "webp"}

SCANS = ("pdf", "jpg", "jpeg", "png")  # official letters, invoices, approvals
DOCUMENTS = ("pdf", "jpg", "jpeg", "png", "docx")  # minutes, reports, petition attachments


def max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def extension(name: str) -> str:
    name = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _kinds_text(kinds) -> str:
    return ", ".join(sorted({k.upper().replace("JPEG", "JPG") for k in kinds}))


def check_upload(upload, *, kinds=SCANS, field: str | None = None, limit: int | None = None) -> str:
    """Refuse a file of another type (by extension and by content) or over the size limit;
    return its extension.  Errors land on ``field`` when given."""

    def refuse(message, code):
        raise ValidationError({field: [message]} if field else message, code=code)

    ext = extension(getattr(upload, "name", ""))
    if ext not in kinds or ext not in TYPES:
        refuse(
            _("Upload a file of one of these types: %(types)s.") % {"types": _kinds_text(kinds)},
            "upload_type",
        )
    limit = limit or max_bytes()
    size = getattr(upload, "size", None) or 0
    if size > limit:
        refuse(_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1024 / 1024, 1)}, "upload_size")
    if size == 0:
        refuse(_("The file is empty."), "upload_empty")
    pos = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        head = upload.read(16)
        ok = any(head.startswith(sig) for sig in TYPES[ext][1])
        if ok and ext == "webp":
            ok = head[8:12] == b"WEBP"
        if ok and ext in OFFICE_PART:
            upload.seek(0)
            try:
                with zipfile.ZipFile(upload) as archive:
                    ok = OFFICE_PART[ext] in archive.namelist()
            except (zipfile.BadZipFile, OSError, ValueError):
                ok = False
    finally:
        upload.seek(pos)
    if not ok:
        refuse(_("The file's content is not a real %(type)s file.") % {"type": ext.upper()}, "upload_content")
    return ext


def stored_name(ext: str) -> str:
    """The name a file is kept under: generated, with its checked extension."""
    return f"{uuid.uuid4().hex}.{ext}"


def display_name(name: str, ext: str | None = None, *, default: str = "file") -> str:
    """A safe name to show and to offer when downloading: the last path part, without control
    characters or quotes, at most 120 characters, ending in the checked extension."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r"[\"'<>:|?*;]", "_", name).strip(" .") or default
    if ext and extension(name) != ext:
        name = f"{name.rsplit('.', 1)[0] if '.' in name else name}.{ext}"
    return name[-120:]


def upload_response(fieldfile, *, filename: str | None = None) -> FileResponse:
    """Send a stored upload: attachment (photos inline), Content-Type from the allow-list only."""
    if not fieldfile:
        raise Http404
    ext = extension(fieldfile.name)
    content_type = TYPES[ext][0] if ext in TYPES else "application/octet-stream"
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=ext not in INLINE,
        filename=display_name(filename or fieldfile.name, ext if ext in TYPES else None),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
