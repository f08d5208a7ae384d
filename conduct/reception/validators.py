"""Uploaded scans (official letters, invoices): a PDF or an image, within the size limit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def validate_scan(upload) -> None:
    name = (getattr(upload, "name", "") or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in SIGNATURES:
        raise ValidationError(_("Upload a PDF or an image (JPG or PNG)."), code="scan_type")
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(upload, "size", 0) or 0
    if size > limit:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, code="scan_size"
        )
    # Only a fresh upload can be read here; a stored file was checked when it arrived.
    if getattr(upload, "_committed", True) is False or hasattr(upload, "content_type"):
        pos = upload.tell() if hasattr(upload, "tell") else 0
        upload.seek(0)
        head = upload.read(8)
        upload.seek(pos)
        if not any(head.startswith(sig) for sig in SIGNATURES[suffix]):
            raise ValidationError(_("The file is not really a PDF or an image."), code="scan_content")
