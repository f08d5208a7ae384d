"""File imports for every app: upload -> preview with row-by-row errors -> confirm -> all rows or
none.  Built on django-import-export resources, whose save path each app points at its services
(so an import cannot skip a rule the pages enforce)."""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

PREVIEW_ROWS = 50
log = logging.getLogger("township.imports")


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
    """The rows of an uploaded .xlsx or .csv file, within the import limits (settings
    IMPORT_MAX_ROWS, IMPORT_MAX_SECONDS, IMPORT_MAX_UNPACKED_BYTES, IMPORT_MAX_COMPRESSION_RATIO).

    A workbook is a zip file: its unpacked size is checked from the zip's directory before
    anything is parsed (a 100 KB file can unpack to hundreds of megabytes), then rows are read
    one by one and counted against the row limit and the time budget.  A file over a limit is
    refused whole, before any row is kept."""
    fmt = "xlsx" if name.lower().endswith(".xlsx") else "csv"
    try:
        if fmt == "csv":
            # Decoded as it is read: a long file is refused at its row limit, never copied whole.
            text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
            return _limited_dataset(csv.reader(text), csv_rows=True)
        _check_unpacked_size(content)
        return _load_xlsx(content)
    except UnicodeDecodeError:
        raise ValidationError(_("The CSV file is not UTF-8 text; save it as UTF-8 and try again.")) from None
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(_("The file could not be read as %(fmt)s.") % {"fmt": fmt}) from None


def _check_unpacked_size(content: bytes) -> None:
    check_workbook_size(io.BytesIO(content))


def check_workbook_size(source, *, limit: int | None = None) -> None:
    """Refuse a workbook (bytes in a file object, or a path) whose members would unpack past the
    limit or too densely, from the zip's directory alone: nothing is parsed."""
    try:
        members = zipfile.ZipFile(source).infolist()
    except (zipfile.BadZipFile, OSError):
        raise ValidationError(_("The file could not be read as %(fmt)s.") % {"fmt": "xlsx"}) from None
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    limit = limit or settings.IMPORT_MAX_UNPACKED_BYTES
    # Small workbooks (templates, styles) compress very well; the ratio matters only for big ones.
    too_dense = unpacked > 1024 * 1024 and unpacked / packed > settings.IMPORT_MAX_COMPRESSION_RATIO
    if unpacked > limit or too_dense:
        raise ValidationError(
            _(
                "The workbook unpacked would take %(size)d MB (the limit is %(limit)d MB, at most "
                "%(ratio)d times its file size); split it into smaller files."
            )
            % {
                "size": unpacked // (1024 * 1024),
                "limit": limit // (1024 * 1024),
                "ratio": settings.IMPORT_MAX_COMPRESSION_RATIO,
            }
        )


def _load_xlsx(content: bytes) -> tablib.Dataset:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.active
        # A sheet may claim any dimension (A1:XFD1048576); padding every row to it would be
        # another bomb.  Read the cells the file really has.
        sheet.reset_dimensions()
        return _limited_dataset(sheet.iter_rows(values_only=True), csv_rows=False)
    finally:
        book.close()


def _limited_dataset(rows, *, csv_rows: bool) -> tablib.Dataset:
    """A Dataset from ``rows`` (first row the headers), as tablib builds it, counting rows and
    time as it goes."""
    max_rows = settings.IMPORT_MAX_ROWS
    deadline = time.monotonic() + settings.IMPORT_MAX_SECONDS
    dataset = tablib.Dataset()
    width = 0
    for i, row in enumerate(rows):
        row = list(row)
        if i == 0:
            while row and row[-1] is None:
                row.pop()
            dataset.headers = row
            width = len(row)
            continue
        if i > max_rows:
            raise ValidationError(
                _("The file has more than %(n)d rows; split it into smaller files.") % {"n": max_rows}
            )
        if time.monotonic() > deadline:
            raise ValidationError(
                _("Reading the file took longer than %(s)d seconds; split it into smaller files.")
                % {"s": settings.IMPORT_MAX_SECONDS}
            )
        if csv_rows and not row:
            continue  # tablib skips blank CSV lines
        while len(row) > width and row[-1] is None:
            row.pop()  # cells with a style and no value past the last column
        if len(row) < width:
            row += [""] * (width - len(row))
        dataset.append(row)
    return dataset


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


# --- one import at a time per person ------------------------------------------------------------


class ImportBusy(Exception):
    """The person already has an import being previewed or saved."""


def redis_client():
    import redis

    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(
            settings.CACHES["default"]["LOCATION"], socket_connect_timeout=1, socket_timeout=2
        )
    return _redis


_redis = None


def import_lock_key(user) -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:import-lock:{user.pk}"


@contextlib.contextmanager
def import_lock(user):
    """Held while one upload of ``user`` is previewed or imported (issue 14): a second one of
    the same person meanwhile raises ImportBusy.  A Redis lock (SET NX with an expiry of
    IMPORT_LOCK_SECONDS, so a killed worker cannot hold it for ever; released only by its owner).
    Redis down: imports go on unlocked (they are still bounded by the IMPORT_MAX_* limits) rather
    than stop, as the rest of the site does without Redis."""
    import redis

    lock = redis_client().lock(import_lock_key(user), timeout=settings.IMPORT_LOCK_SECONDS, blocking=False)
    try:
        acquired = lock.acquire()
    except redis.RedisError:
        log.warning("import lock unavailable (Redis down) user=%s", user.pk)
        yield
        return
    if not acquired:
        raise ImportBusy
    try:
        yield
    finally:
        with contextlib.suppress(redis.RedisError):
            lock.release()


def _busy_message() -> str:
    return _("You already have an import in progress; wait until it has finished, then upload again.")


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
    if "confirm" not in request.POST and not form.is_valid():
        return flow
    try:
        with import_lock(request.user):
            return _import_flow_locked(request, form, run, flow)
    except ImportBusy:
        if "confirm" in request.POST:
            messages.error(request, _busy_message())
        else:
            form.add_error("file", _busy_message())
        return flow


def _import_flow_locked(request, form, run, flow: ImportFlow) -> ImportFlow:
    from django.contrib import messages

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
