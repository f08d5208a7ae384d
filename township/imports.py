"""File imports for every app: upload -> preview with row-by-row errors -> confirm -> all rows or
none.  Built on django-import-export resources, whose save path each app points at its services
(so an import cannot skip a rule the pages enforce)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

PREVIEW_ROWS = 50


@dataclass
class ImportOutcome:
    total: int = 0
    new: int = 0
    updated: int = 0
    errors: list[tuple[int, list[str]]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    preview: list[list] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def load_dataset(name: str, content: bytes) -> tablib.Dataset:
    fmt = "xlsx" if name.lower().endswith(".xlsx") else "csv"
    try:
        if fmt == "csv":
            text = content.decode("utf-8-sig")
            return tablib.Dataset().load(text, format="csv")
        return tablib.Dataset().load(content, format="xlsx")
    except UnicodeDecodeError:
        raise ValidationError(_("The CSV file is not UTF-8 text; save it as UTF-8 and try again.")) from None
    except Exception:
        raise ValidationError(_("The file could not be read as %(fmt)s.") % {"fmt": fmt}) from None


def run_import(resource, dataset: tablib.Dataset, *, dry_run: bool, **kwargs) -> ImportOutcome:
    """Import every row or none: the whole run is one transaction, rolled back on any error."""
    out = ImportOutcome(total=len(dataset), headers=list(dataset.headers or []))
    with transaction.atomic():
        # Rows really go through the resource's save path (and so the services), inside this
        # transaction; a preview or a file with any error is rolled back whole.
        result = resource.import_data(
            dataset, dry_run=False, raise_errors=False, use_transactions=False, **kwargs
        )
        for row_error in result.row_errors():
            number, errors = row_error
            out.errors.append((number, [_error_text(e.error) for e in errors]))
        for invalid in result.invalid_rows:
            messages = []
            for fname, msgs in invalid.error_dict.items():
                label = fname if fname != "__all__" else ""
                messages += [f"{label}: {m}" if label else str(m) for m in msgs]
            out.errors.append((invalid.number, messages))
        out.errors.sort(key=lambda e: e[0])
        out.new = result.totals.get("new", 0)
        out.updated = result.totals.get("update", 0)
        out.preview = [list(r) for r in dataset[:PREVIEW_ROWS]]
        if dry_run or out.errors:
            transaction.set_rollback(True)
    return out


class SavepointRowsMixin:
    """Each row in its own savepoint, so one bad row (a constraint, a refused rule) is reported
    as that row's error and the rows after it are still checked."""

    def import_row(self, row, instance_loader, **kwargs):
        sid = transaction.savepoint()
        result = super().import_row(row, instance_loader, **kwargs)
        if result.errors or result.validation_error is not None:
            transaction.savepoint_rollback(sid)
        else:
            transaction.savepoint_commit(sid)
        return result


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def stage_upload(upload) -> str:
    """Keep an uploaded file until the user confirms the preview; returns its token."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
    token = uuid.uuid4().hex + suffix
    with open(folder / token, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return token


def staged_dataset(token: str) -> tablib.Dataset:
    if not token or "/" in token or ".." in token:
        raise ValidationError(_("The uploaded file has expired; upload it again."))
    path = Path(settings.MEDIA_ROOT) / "imports" / token
    if not path.exists():
        raise ValidationError(_("The uploaded file has expired; upload it again."))
    return load_dataset(token, path.read_bytes())


def discard_upload(token: str) -> None:
    if token and "/" not in token and ".." not in token:
        (Path(settings.MEDIA_ROOT) / "imports" / token).unlink(missing_ok=True)


@dataclass
class ImportFlow:
    """Where an import page stands: ``outcome`` to show (preview or row errors), ``token`` of a
    staged file waiting for confirmation, ``done`` once every row is saved."""

    outcome: ImportOutcome | None = None
    token: str | None = None
    done: bool = False


def import_flow(request, form, run) -> ImportFlow:
    """The one upload -> preview -> confirm flow of every import page.

    ``run(dataset, dry_run)`` imports through the app's services (all rows or none) and returns an
    ImportOutcome.  A first POST with a file previews it (nothing saved) and stages the file; a
    POST with ``confirm`` and the token imports the staged file for real."""
    from django.contrib import messages

    flow = ImportFlow()
    if request.method != "POST":
        return flow
    if "confirm" in request.POST:
        token = request.POST.get("token", "")
        try:
            flow.outcome = run(staged_dataset(token), False)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return flow
        if flow.outcome.ok:
            discard_upload(token)
            flow.done = True
        return flow
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = load_dataset(upload.name, upload.read())
        except ValidationError as exc:
            form.add_error("file", exc)
            return flow
        flow.outcome = run(dataset, True)
        if flow.outcome.ok:
            upload.seek(0)
            flow.token = stage_upload(upload)
    return flow
