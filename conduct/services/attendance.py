"""Punches, the set-based daily status (R-ATT-1..3) and corrections (R-ATT-4)."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.models import AttendanceDay, DayStatus, Punch, PunchCorrection, PunchDirection, PunchSource
from conduct.models.choices import RequestStatus
from conduct.rules import (
    SCHEDULE_KEYS,
    Schedule,
    distance_m,
    r_att_2_early_minutes,
    r_att_2_late_minutes,
    r_att_4_within_cap,
)
from township.approvals import approval_submit
from township.findings import FindingSpec, findings_raise
from township.imports import PREVIEW_ROWS, ImportOutcome
from township.messages import msg
from township.models import Finding, FindingStatus, Notification, Township, User
from township.notify import notify
from township.policy import policies, policy
from township.rules import Checks
from township.workcalendar import holiday_name, working_days

from .common import (
    HALF,
    ONE,
    aware,
    day_start,
    days_between,
    fieldwork_days,
    leave_cover,
    lock_people,
    month_bounds,
    on_commit_recompute,
    require_township,
    trip_cover,
)

# --- punches -------------------------------------------------------------------------------------


def punch_clock(
    *, actor: User, latitude=None, longitude=None, now: dt.datetime | None = None, device: str = ""
) -> Punch:
    """Clock in or out from the browser.  A punch far from the office is kept but marked; a
    second click within a minute returns the first punch instead of adding another.  ``device``
    names the browser (its token), for R-XCK-2."""
    township_id = require_township(actor)
    real_now = timezone.now()
    now = now or real_now
    if now > real_now + dt.timedelta(minutes=1):
        raise ValidationError({"at": [_("A punch cannot be in the future.")]})
    with transaction.atomic():
        lock_people([actor.pk])
        recent = Punch.objects.filter(
            person=actor, at__gte=now - dt.timedelta(minutes=1), at__lte=now
        ).first()
        if recent is not None:
            return recent
        punch = Punch(
            township_id=township_id, person=actor, at=now, source=PunchSource.BROWSER, device=device[:60]
        )
        if latitude not in (None, "") and longitude not in (None, ""):
            punch.latitude, punch.longitude = latitude, longitude
            township = Township.objects.only("office_latitude", "office_longitude").get(pk=township_id)
            if township.office_latitude is not None and township.office_longitude is not None:
                punch.distance_m = distance_m(
                    float(latitude),
                    float(longitude),
                    float(township.office_latitude),
                    float(township.office_longitude),
                )
                radius = policy("R-ATT-1.radius_m", township=township_id, on=timezone.localdate(now))
                punch.outside_radius = punch.distance_m > radius
        punch.full_clean()
        punch.save()
    return punch


IMPORT_COLUMNS = {
    "employee_no": ("employee_no", "employee number", "工号", "员工编号", "人员编号"),
    "timestamp": ("timestamp", "time", "punch time", "时间", "打卡时间", "考勤时间"),
    "device": ("device", "machine", "设备", "考勤机", "设备号"),
}


def _column_index(headers) -> tuple[dict[str, int], list[str]]:
    normal = [str(h or "").strip().lower() for h in headers]
    found, missing = {}, []
    for key, names in IMPORT_COLUMNS.items():
        idx = next((normal.index(n) for n in names if n in normal), None)
        if idx is None:
            if key != "device":
                missing.append(names[0])
        else:
            found[key] = idx
    return found, missing


def _local_text(raw, tz) -> tuple[str | None, dt.datetime | None]:
    """The punch time as local wall-clock text for COPY, and the parsed value; (None, None) when
    malformed.  Text is parsed by datetime.fromisoformat (C speed); a time with an offset is
    converted to local time."""
    if isinstance(raw, dt.datetime):
        value = raw
    else:
        text = str(raw or "").strip().replace("/", "-").replace("T", " ")
        if not text:
            return None, None
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            return None, None
    if value.tzinfo is not None:
        value = value.astimezone(tz).replace(tzinfo=None)
    return value.isoformat(" "), value


def _employee_text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw if raw is not None else "").strip()


def _copy_text(value: str) -> str:
    """Escape a value for COPY's text format."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


@dataclass
class PunchFile:
    """A punch file read row by row: ``headers`` and an iterator of rows (lists of values)."""

    headers: list
    rows: Iterator
    close: Callable[[], None] = lambda: None

    def __iter__(self):
        return iter(self.rows)


def punch_file_open(path, name: str | None = None) -> PunchFile:
    """Open an attendance machine file (CSV or xlsx) for punch_import without loading it whole:
    CSV is read line by line from disk, xlsx through openpyxl's read-only mode."""
    name = str(name or path)
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        from township.imports import check_workbook_size

        # A zip bomb is refused before openpyxl unpacks anything.  Attendance machines' yearly
        # exports are big: four times the general import limit.
        check_workbook_size(path, limit=4 * settings.IMPORT_MAX_UNPACKED_BYTES)
        try:
            book = load_workbook(path, read_only=True, data_only=True)
            rows = book.active.iter_rows(values_only=True)
            headers = list(next(rows, None) or [])
        except Exception:  # noqa: BLE001 - any unreadable workbook is the user's file problem
            raise ValidationError(_("The file could not be read as %(fmt)s.") % {"fmt": "xlsx"}) from None
        return PunchFile(headers, (list(r) for r in rows if any(v not in (None, "") for v in r)), book.close)
    fh = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by PunchFile.close
    reader = csv.reader(fh)
    try:
        headers = next(reader, [])
    except (UnicodeDecodeError, csv.Error):
        fh.close()
        raise ValidationError(_("The CSV file is not UTF-8 text; save it as UTF-8 and try again.")) from None
    return PunchFile(headers, reader, fh.close)


COPY_BATCH = 4000
PUNCH_COPY_COLUMNS = "township_id, person_id, at, source, device, outside_radius, created_at"


class _Offsets(dict):
    """The time zone's UTC offset text ("+08:00") of each local date, computed once per date."""

    def __init__(self, tz):
        super().__init__()
        self.tz = tz

    def __missing__(self, day: str) -> str:
        offset = self.tz.utcoffset(dt.datetime.fromisoformat(day[:10] + " 12:00"))
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        text = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        self[day] = text
        return text


def punch_import(*, actor: User, dataset, dry_run: bool) -> ImportOutcome:
    """Import an attendance machine's punch file (employee number, timestamp, device).

    ``dataset`` is a PunchFile (punch_file_open: streamed, never loaded whole) or a tablib
    Dataset.  The platform's run_import saves row by row through a resource; for machine files
    of a year of punches that is two orders of magnitude slower than the database, so this
    import is set-based instead, with the same contract (township.imports.ImportOutcome): every
    row is checked and any error refuses the file whole with the rows listed; re-importing the
    same file adds nothing; a preview runs the import and rolls it back, so its count of new
    punches is exact.

    Rows are checked in one pass and streamed by COPY straight into the punch table while the
    file is still being read (the database works while Python parses).  A file that overlaps
    punches already on record (or repeats a punch) makes that COPY fail on the unique rule: it
    is rolled back to its savepoint and the rows, kept in a spool file as they were read, are
    COPYed into a temporary table and inserted with ON CONFLICT DO NOTHING."""
    import psycopg

    township_id = require_township(actor)
    out = ImportOutcome(headers=list(dataset.headers or []))
    cols, missing = _column_index(dataset.headers or [])
    if missing:
        out.errors.append((0, [_("Missing columns: %(cols)s") % {"cols": ", ".join(missing)}]))
        return out
    employees = {
        str(no): str(pk)
        for no, pk in User.objects.filter(township_id=township_id).values_list("employee_no", "pk")
    }
    tz = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    now_local = timezone.localtime(now, tz).replace(tzinfo=None)
    now_text = now_local.isoformat(" ", "seconds")
    ci, ti, di = cols["employee_no"], cols["timestamp"], cols.get("device")
    width = max(ci, ti, di or 0) + 1
    parse = dt.datetime.fromisoformat
    offsets = _Offsets(tz)
    # the constant columns of every line: source, then outside_radius and created_at
    prefix = f"{township_id}\t"
    source = PunchSource.DEVICE.value
    tail = f"\tf\t{now.isoformat()}\n"
    span = {"first": "9999", "last": ""}
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8")  # noqa: SIM115

    def lines():
        """Check every row; yield batches of COPY text while the file has no error.  Every
        yielded batch is also written to the spool."""
        batch: list[str] = []
        number = 0
        rows = iter(dataset)
        first, last = span["first"], span["last"]
        # The hot loop of a 100k-row file: a canonical "2026-03-02 08:27:00" text is checked by
        # fromisoformat and passed through as it is; anything else goes through _local_text.
        # Canonical texts compare like the times they write.
        while True:
            try:
                row = next(rows, None)
            except UnicodeDecodeError:
                raise ValidationError(
                    _("The CSV file is not UTF-8 text; save it as UTF-8 and try again.")
                ) from None
            except csv.Error:
                raise ValidationError(_("The file could not be read as %(fmt)s.") % {"fmt": "csv"}) from None
            if row is None:
                break
            if not row:
                continue  # a blank line
            number += 1
            if number <= PREVIEW_ROWS:
                out.preview.append(list(row))
            if len(row) < width:
                row = list(row) + [""] * (width - len(row))
            emp = row[ci]
            pid = employees.get(emp)
            if pid is None:
                emp = _employee_text(emp)
                pid = employees.get(emp)
            raw = row[ti]
            text = None
            if type(raw) is str and len(raw) == 19 and raw[10] == " " and raw[4] == "-":
                try:
                    parse(raw)
                except ValueError:
                    pass
                else:
                    text = raw
            if text is None:
                text, value = _local_text(raw, tz)
                if value is not None:
                    text = value.isoformat(" ")
            future = text is not None and text > now_text
            if pid is None or text is None or future:
                errors = []
                if pid is None:
                    errors.append(_("Unknown employee number %(no)s.") % {"no": emp or "—"})
                if text is None:
                    errors.append(
                        _("Malformed time %(value)s; write it as 2026-03-02 08:27:00.") % {"value": raw}
                    )
                elif future:
                    errors.append(_("The time %(value)s is in the future.") % {"value": raw})
                out.errors.append((number, errors))
                continue
            if out.errors:
                continue  # the file is refused: only keep checking
            day = text[:10]
            if day < first:
                first = day
            if day > last:
                last = day
            device = "" if di is None else row[di]
            if type(device) is not str or len(device) > 60:
                device = str(device or "")[:60]
            batch.append(f"{prefix}{pid}\t{text}{offsets[day]}\t{source}\t{_copy_text(device)}{tail}")
            if len(batch) >= COPY_BATCH:
                chunk = "".join(batch)
                batch.clear()
                spool.write(chunk)
                yield chunk
        out.total = number
        span.update(first=first, last=last)
        if batch and not out.errors:
            chunk = "".join(batch)
            spool.write(chunk)
            yield chunk

    table = Punch._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        try:
            produce = lines()
            sid = transaction.savepoint()
            try:
                with cur.copy(f"COPY {table} ({PUNCH_COPY_COLUMNS}) FROM STDIN") as copy:  # noqa: S608
                    for chunk in produce:
                        copy.write(chunk)
                out.new = cur.rowcount
                transaction.savepoint_commit(sid)
            except (psycopg.errors.UniqueViolation, IntegrityError):
                # Some punches are on record already: finish reading, then insert what is new.
                transaction.savepoint_rollback(sid)
                for _chunk in produce:
                    pass
                if not out.errors:
                    out.new = _insert_spooled(cur, table, spool)
        finally:
            spool.close()
        if out.errors:
            out.new = 0
            transaction.set_rollback(True)
            return out
        if dry_run:
            transaction.set_rollback(True)
        elif out.new and span["last"]:
            on_commit_recompute(
                township_id, dt.date.fromisoformat(span["first"]), dt.date.fromisoformat(span["last"])
            )
    return out


def _insert_spooled(cur, table: str, spool) -> int:
    """The spooled rows into a temporary table, then into the punch table skipping those on
    record (ON CONFLICT DO NOTHING)."""
    cur.execute("DROP TABLE IF EXISTS conduct_punch_load")
    cur.execute(
        "CREATE TEMP TABLE conduct_punch_load (township_id bigint, person_id bigint, at timestamptz, "
        "source text, device text, outside_radius boolean, created_at timestamptz) ON COMMIT DROP"
    )
    spool.seek(0)
    with cur.copy(f"COPY conduct_punch_load ({PUNCH_COPY_COLUMNS}) FROM STDIN") as copy:
        while chunk := spool.read(1 << 20):
            copy.write(chunk)
    cur.execute(
        f"INSERT INTO {table} ({PUNCH_COPY_COLUMNS}) "  # noqa: S608 - the table name is ours
        f"SELECT {PUNCH_COPY_COLUMNS} FROM conduct_punch_load ON CONFLICT DO NOTHING"
    )
    return cur.rowcount


# --- the daily status ----------------------------------------------------------------------------


def evaluate_day(*, township_id: int, day: dt.date) -> tuple[list[AttendanceDay], list[FindingSpec]]:
    """Every active person's status for one day, in a fixed number of queries whatever the size
    of the township (R-ATT-1..3, R-LV-5).  Nothing is saved here."""
    from conduct.models import LeavingRegistration

    pol = policies(SCHEDULE_KEYS, township=township_id, on=day)
    sched = Schedule.for_day(day, pol)
    working = bool(working_days(day, day, township=township_id))
    holiday = holiday_name(day)
    people = list(
        User.objects.filter(township_id=township_id, is_active=True).values_list(
            "pk", "department_id", "full_name"
        )
    )
    start = day_start(day)
    punches = {
        r["person_id"]: r
        for r in Punch.objects.filter(
            township_id=township_id, at__gte=start, at__lt=start + dt.timedelta(days=1)
        )
        .values("person_id")
        .annotate(first=Min("at"), last=Max("at"), n=Count("pk"))
        .order_by()
    }
    leave = leave_cover(township_id=township_id, start=day, end=day) if working else {}
    trips = trip_cover(township_id=township_id, start=day, end=day) if working else set()
    field = fieldwork_days(township_id=township_id, start=day, end=day) if working else {}
    registered: set[int] | None = None
    now = timezone.now()
    rows, specs = [], []
    for pid, dept, name in people:
        p = punches.get(pid)
        n = p["n"] if p else 0
        first = timezone.localtime(p["first"]) if p else None
        last = timezone.localtime(p["last"]) if p else None
        row = AttendanceDay(
            township_id=township_id,
            person_id=pid,
            date=day,
            first_punch=first,
            last_punch=last,
            punches=n,
            computed_at=now,
        )
        half = leave.get((pid, day))
        share = field.get((pid, day), 0)
        if not working:
            row.status = DayStatus.HOLIDAY if holiday else DayStatus.REST
        elif (pid, day) in trips:
            row.status = DayStatus.TRIP
        elif half == "full":
            row.status, row.leave_days = DayStatus.LEAVE, ONE
        elif share >= ONE:
            row.status = DayStatus.FIELD
        elif n == 0:
            if half and share:
                row.status, row.leave_days = DayStatus.LEAVE, HALF
            elif share and not half:
                row.status = DayStatus.FIELD
            else:
                # R-ATT-3; a half day of leave leaves the other half to be worked
                row.status = DayStatus.ABSENT
                row.leave_days = HALF if half else 0
        else:
            row.leave_days = HALF if half else 0
            begin = sched.afternoon_start if half == "am" else sched.morning_start
            finish = sched.morning_end if half == "pm" else sched.afternoon_end
            if n == 1 and not share:
                # 缺卡: one punch where a clock-in and a clock-out were due (the whole day, or the
                # session left by half a day of leave).  Measuring it against both ends made a
                # forgotten clock-out a 9-hour early departure; it is a missing punch instead,
                # put right by a correction (R-ATT-4) or a finding at month end
                # (missing_punch_check).  The punch before the middle of the session is taken
                # for the clock-in, so the clock-out is the one missing, and the reverse.
                clock_in = _minutes_of(first.time()) < _middle(begin, finish)
                if clock_in and now < aware(day, finish):
                    # today, seen live: the clock-out is not due yet; only lateness shows
                    row.late_minutes = r_att_2_late_minutes(first.time(), begin, sched.grace)
                    row.status = DayStatus.LATE if row.late_minutes else DayStatus.PRESENT
                else:
                    row.status = DayStatus.MISSING_PUNCH
                    row.missing_direction = PunchDirection.OUT if clock_in else PunchDirection.IN
                rows.append(row)
                continue
            if not share:  # half a day in the villages: one session cannot be checked here
                row.late_minutes = r_att_2_late_minutes(first.time(), begin, sched.grace)
                row.early_minutes = r_att_2_early_minutes(last.time(), finish, sched.grace)
            row.status = {
                (False, False): DayStatus.PRESENT,
                (True, False): DayStatus.LATE,
                (False, True): DayStatus.EARLY,
                (True, True): DayStatus.LATE_EARLY,
            }[(row.late_minutes > 0, row.early_minutes > 0)]
        rows.append(row)
        if row.status in (DayStatus.LATE, DayStatus.EARLY, DayStatus.LATE_EARLY):
            late = early = None
            if row.late_minutes:
                late = msg(
                    gettext_noop("arrived %(n)d min late (first punch %(t)s)"),
                    n=row.late_minutes,
                    t=f"{first:%H:%M}",
                )
            if row.early_minutes:
                early = msg(
                    gettext_noop("left %(n)d min early (last punch %(t)s)"),
                    n=row.early_minutes,
                    t=f"{last:%H:%M}",
                )
            if late and early:
                text = msg(gettext_noop("%(name)s: %(late)s; %(early)s"), name=name, late=late, early=early)
            else:
                text = msg(gettext_noop("%(name)s: %(what)s"), name=name, what=late or early)
            specs.append(
                FindingSpec(
                    "R-ATT-2",
                    township_id,
                    text,
                    day,
                    pid,
                    dept,
                    key=f"person:{pid}",
                )
            )
        elif row.status == DayStatus.ABSENT:
            specs.append(
                FindingSpec(
                    "R-ATT-3",
                    township_id,
                    msg(
                        gettext_noop(
                            "%(name)s: absent on a working day without approved leave, trip or field day"
                        ),
                        name=name,
                    ),
                    day,
                    pid,
                    dept,
                    key=f"person:{pid}",
                )
            )
            if registered is None:
                registered = set(
                    LeavingRegistration.objects.filter(
                        township_id=township_id, start_date__lte=day, end_date__gte=day
                    ).values_list("person_id", flat=True)
                )
            if pid not in registered:
                specs.append(
                    FindingSpec(
                        "R-LV-5",
                        township_id,
                        msg(
                            gettext_noop(
                                "%(name)s: absent on a working day with neither leave nor a leaving-the-township registration"
                            ),
                            name=name,
                        ),
                        day,
                        pid,
                        dept,
                        key=f"person:{pid}",
                    )
                )
    return rows, specs


def _minutes_of(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _middle(begin: dt.time, finish: dt.time) -> int:
    return (_minutes_of(begin) + _minutes_of(finish)) // 2


FLAGGED = {DayStatus.LATE, DayStatus.EARLY, DayStatus.LATE_EARLY, DayStatus.ABSENT}
DAILY_RULES = ["R-ATT-2", "R-ATT-3", "R-LV-5"]
# The subject of the month-end finding of a missing punch never corrected (missing_punch_check):
# apart from the day's own findings (person:<id>), so recomputing the day leaves it standing.
MISSING_PUNCH_KEY = "missing-punch:"


def attendance_compute_day(*, township_id: int, day: dt.date) -> dict[str, int]:
    """Compute and store one day's statuses for the whole township and raise the findings
    (idempotent: run it twice, nothing doubles).  A finding of this rule for someone whose day
    has since been covered (leave approved afterwards, an approved correction) is dismissed."""
    rows, specs = evaluate_day(township_id=township_id, day=day)
    with transaction.atomic():
        AttendanceDay.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["person", "date"],
            update_fields=[
                "status",
                "first_punch",
                "last_punch",
                "punches",
                "late_minutes",
                "early_minutes",
                "leave_days",
                "computed_at",
            ],
        )
        findings_raise(specs)
        missing = [r for r in rows if r.status == DayStatus.MISSING_PUNCH]
        cleared = [
            r.person_id for r in rows if r.status not in FLAGGED and r.status != DayStatus.MISSING_PUNCH
        ]
        if cleared:
            covered = msg(
                gettext_noop(
                    "Recomputed: the day is covered (leave, trip, field day or approved correction)."
                )
            )
            Finding.objects.filter(
                township_id=township_id,
                on_date=day,
                rule_id__in=DAILY_RULES,
                status=FindingStatus.OPEN,
                person_id__in=cleared,
            ).update(
                status=FindingStatus.DISMISSED,
                resolved_at=timezone.now(),
                resolution=str(covered),
                resolution_message=covered.to_json(),
            )
        if missing:
            # A single punch measured against itself (an early departure of hours) or a day
            # marked absent before a correction added one punch: the day's findings go; the
            # month-end finding of a missing punch left uncorrected stays.
            one_punch = msg(
                gettext_noop("Recomputed: one punch is a missing punch, to be corrected (R-ATT-4).")
            )
            Finding.objects.filter(
                township_id=township_id,
                on_date=day,
                rule_id__in=DAILY_RULES,
                status=FindingStatus.OPEN,
                person_id__in=[r.person_id for r in missing],
            ).exclude(subject_key__startswith=MISSING_PUNCH_KEY).update(
                status=FindingStatus.DISMISSED,
                resolved_at=timezone.now(),
                resolution=str(one_punch),
                resolution_message=one_punch.to_json(),
            )
            _missing_punch_prompt(township_id=township_id, day=day, rows=missing)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r.status] += 1
    return dict(counts)


def correction_window_close(*, township_id: int, day: dt.date) -> dt.date:
    """The last day on which a missing punch of ``day`` may be corrected before it becomes a
    finding: the month's end plus R-ATT-4.window_days."""
    last = month_bounds(day)[1]
    return last + dt.timedelta(days=policy("R-ATT-4.window_days", township=township_id, on=day))


def _correction_url(day: dt.date, direction: str) -> str:
    return (
        reverse("conduct:correction_list")
        + "?"
        + urlencode({"date": day.isoformat(), "direction": direction})
    )


def _missing_punch_prompt(*, township_id: int, day: dt.date, rows: list[AttendanceDay]) -> int:
    """R-ATT-4: prompt each person with a missing punch on ``day`` to ask for a correction, with
    a link to the form filled in; once per person and day however often the day is
    recomputed, and not once the month's correction window has closed (an import of old
    punches prompts nobody).  Returns the number of prompts sent."""
    close = correction_window_close(township_id=township_id, day=day)
    if timezone.localdate() > close:
        return 0
    prefix = reverse("conduct:correction_list") + "?" + urlencode({"date": day.isoformat()})
    prompted = set(
        Notification.objects.filter(
            recipient_id__in=[r.person_id for r in rows], url__startswith=prefix
        ).values_list("recipient_id", flat=True)
    )
    todo = {r.person_id: r for r in rows if r.person_id not in prompted}
    if not todo:
        return 0
    for person in User.objects.filter(pk__in=todo).only("pk", "email", "full_name"):
        row = todo[person.pk]
        notify(
            person,
            msg(
                gettext_noop(
                    "Missing punch on %(date)s: only one punch, at %(time)s. Ask for a correction by "
                    "%(close)s, or it counts as half a day's absence."
                ),
                date=day,
                time=f"{timezone.localtime(row.first_punch):%H:%M}",
                close=close,
            ),
            _correction_url(day, row.missing_direction),
        )
    return len(todo)


def missing_punch_check(*, township_id: int, today: dt.date) -> int:
    """R-ATT-4 at month end: a missing punch with no correction asked (pending or approved)
    before the month's correction window closed is a finding.  It carries R-ATT-3: a session
    with one end unrecorded is half a day of absence without approved leave, trip or field
    day (R-ATT-4 itself is a BLOCK rule: it refuses edits, it does not flag).  The day's status
    stays "missing punch"; a correction approved later recomputes the day and dismisses it.

    Run nightly for the latest month whose window has closed (idempotent, so a night the beat
    missed is made up the next night)."""
    previous = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    before = (previous - dt.timedelta(days=1)).replace(day=1)
    month = None
    for candidate in (previous, before):
        if correction_window_close(township_id=township_id, day=candidate) < today:
            month = candidate
            break
    if month is None:
        return 0
    first, last = month_bounds(month)
    close = correction_window_close(township_id=township_id, day=month)
    asked = PunchCorrection.objects.filter(
        person_id=OuterRef("person_id"),
        date=OuterRef("date"),
        status__in=[RequestStatus.PENDING, RequestStatus.APPROVED],
        created_at__lt=day_start(close + dt.timedelta(days=1)),
    )
    days = (
        AttendanceDay.objects.filter(
            township_id=township_id, date__range=(first, last), status=DayStatus.MISSING_PUNCH
        )
        .exclude(Exists(asked))
        .values_list("person_id", "date", "person__full_name", "person__department_id")
    )
    specs = [
        FindingSpec(
            "R-ATT-3",
            township_id,
            msg(
                gettext_noop(
                    "%(name)s: missing punch on %(date)s with no correction asked by %(close)s; "
                    "counted as half a day of absence"
                ),
                name=name,
                date=date,
                close=close,
            ),
            date,
            pid,
            dept,
            key=f"{MISSING_PUNCH_KEY}{pid}",
        )
        for pid, date, name, dept in days
    ]
    findings_raise(specs)
    return len(specs)


def attendance_compute_range(*, township_id: int, start: dt.date, end: dt.date) -> int:
    n = 0
    for day in days_between(start, end):
        attendance_compute_day(township_id=township_id, day=day)
        n += 1
    return n


# --- corrections (补卡) --------------------------------------------------------------------------

CORRECTION_KIND = "conduct.correction"


def correction_submit(
    *, actor: User, date: dt.date, direction: str, time: dt.time, reason: str
) -> PunchCorrection:
    """Ask to add a missed punch (R-ATT-4): through an approval, within the monthly cap; the
    punches themselves are never edited."""
    township_id = require_township(actor)
    if aware(date, time) > timezone.now():
        raise ValidationError({"time": [_("A punch cannot be in the future.")]})
    with transaction.atomic():
        lock_people([actor.pk])
        start = day_start(date)
        existing = Punch.objects.filter(
            person=actor, at__gte=start, at__lt=start + dt.timedelta(days=1)
        ).count()
        if existing >= 2:
            raise ValidationError(
                {
                    "date": [
                        _("%(date)s already has both punches; there is nothing to correct.") % {"date": date}
                    ]
                }
            )
        cap = policy("R-ATT-4.monthly_cap", township=township_id, on=date)
        used = PunchCorrection.objects.filter(
            person=actor,
            date__year=date.year,
            date__month=date.month,
            status__in=[RequestStatus.PENDING, RequestStatus.APPROVED],
        ).count()
        checks = Checks()
        checks.enforce(
            "R-ATT-4",
            r_att_4_within_cap(used, cap),
            _("You have already asked for %(used)d corrections this month; the limit is %(cap)d.")
            % {"used": used, "cap": cap},
            field="date",
        )
        checks.raise_if_any()
        correction = PunchCorrection(
            township_id=township_id,
            person=actor,
            date=date,
            direction=direction,
            time=time,
            reason=reason.strip(),
        )
        correction.full_clean()
        correction.save()
        req = approval_submit(
            actor=actor,
            kind=CORRECTION_KIND,
            target=correction,
            summary=msg(
                gettext_noop("Punch correction: %(who)s, %(date)s %(time)s (%(dir)s)"),
                who=actor,
                date=date,
                time=time.strftime("%H:%M"),
                dir=PunchDirection(correction.direction).label,
            ),
        )
        correction.approval = req
        correction.save(update_fields=["approval"])
    return correction


def correction_decided(correction: PunchCorrection, status: str) -> None:
    from .common import transition

    correction = PunchCorrection.objects.select_for_update().get(pk=correction.pk)
    transition(correction, status)
    if status == RequestStatus.APPROVED:
        punch = Punch(
            township_id=correction.township_id,
            person_id=correction.person_id,
            at=aware(correction.date, correction.time),
            source=PunchSource.CORRECTION,
            correction=correction,
            device="",
        )
        punch.full_clean(validate_constraints=False)
        punch.save()
        on_commit_recompute(correction.township_id, correction.date, correction.date)
