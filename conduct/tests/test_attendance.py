import datetime as dt
from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import ProgrammingError, transaction
from django.utils import timezone

from conduct.models import AttendanceDay, DayStatus, Punch, PunchCorrection, PunchSource
from conduct.rules import Schedule, r_att_2_early_minutes, r_att_2_late_minutes, r_att_3_absent
from conduct.services import attendance_compute_day, correction_submit, punch_clock, punch_import
from conduct.services.attendance import evaluate_day
from conduct.services.common import aware
from conduct.tests.factories import MON, NATIONAL_DAY, SAT, TUE, granted_leave, punch
from township import hooks
from township.approvals import approval_decide
from township.models import Finding, FindingStatus
from township.policy import policies, policy_set
from township.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def status_of(person, day):
    return AttendanceDay.objects.get(person=person, date=day)


def test_r_att_1_browser_punch_keeps_time_source_position_and_marks_far_punches(org):
    org.township.office_latitude, org.township.office_longitude = Decimal("32.353100"), Decimal("106.843900")
    org.township.save()
    near = punch_clock(actor=org.staff, latitude=Decimal("32.353500"), longitude=Decimal("106.844000"))
    assert near.source == PunchSource.BROWSER and near.distance_m < 100 and not near.outside_radius
    far = punch_clock(
        actor=org.colleague, latitude=Decimal("32.400000"), longitude=Decimal("106.843900")
    )  # ~5 km away: kept, marked
    assert far.outside_radius and far.distance_m > 5000
    # a double click within a minute adds nothing
    assert punch_clock(actor=org.staff).pk == near.pk
    assert Punch.objects.filter(person=org.staff).count() == 1


def test_r_att_1_rest_days_holidays_and_summer_hours(org):
    punch(org.staff, SAT, "09:00")
    attendance_compute_day(township_id=org.township.pk, day=SAT)
    attendance_compute_day(township_id=org.township.pk, day=NATIONAL_DAY)
    assert status_of(org.staff, SAT).status == DayStatus.REST
    assert status_of(org.colleague, NATIONAL_DAY).status == DayStatus.HOLIDAY
    assert not Finding.objects.filter(rule_id="R-ATT-3").exists()
    from conduct.rules import SCHEDULE_KEYS

    pol = policies(SCHEDULE_KEYS, township=org.township, on=dt.date(2026, 7, 1))
    summer = Schedule.for_day(dt.date(2026, 7, 1), pol)
    winter = Schedule.for_day(dt.date(2026, 11, 16), pol)
    assert summer.afternoon_start == dt.time(15, 0) and winter.afternoon_start == dt.time(14, 30)


def test_r_att_2_late_and_early_with_grace_raise_findings(org):
    assert r_att_2_late_minutes(dt.time(8, 35), dt.time(8, 30), 5) == 0
    assert r_att_2_late_minutes(dt.time(8, 36), dt.time(8, 30), 5) == 6
    assert r_att_2_early_minutes(dt.time(17, 55), dt.time(18, 0), 5) == 0
    assert r_att_2_early_minutes(dt.time(17, 50), dt.time(18, 0), 5) == 10
    punch(org.staff, MON, "08:47")
    punch(org.staff, MON, "18:05")
    punch(org.colleague, MON, "08:20")
    punch(org.colleague, MON, "17:30")
    punch(org.head, MON, "08:40")
    punch(org.head, MON, "17:40")
    punch(org.leader, MON, "08:29")
    punch(org.leader, MON, "18:01")
    attendance_compute_day(township_id=org.township.pk, day=MON)
    assert status_of(org.staff, MON).status == DayStatus.LATE
    assert status_of(org.staff, MON).late_minutes == 17
    assert status_of(org.colleague, MON).status == DayStatus.EARLY
    assert status_of(org.head, MON).status == DayStatus.LATE_EARLY
    assert status_of(org.leader, MON).status == DayStatus.PRESENT
    flagged = set(Finding.objects.filter(rule_id="R-ATT-2").values_list("person_id", flat=True))
    assert flagged == {org.staff.pk, org.colleague.pk, org.head.pk}
    # idempotent: a second run raises nothing twice
    attendance_compute_day(township_id=org.township.pk, day=MON)
    assert Finding.objects.filter(rule_id="R-ATT-2").count() == 3


def test_r_att_2_grace_minutes_come_from_policy(org):
    policy_set(actor=org.admin, key="R-ATT-2.grace_minutes", year=2026, value="20", township=org.township)
    punch(org.staff, MON, "08:45")
    punch(org.staff, MON, "18:00")
    attendance_compute_day(township_id=org.township.pk, day=MON)
    assert status_of(org.staff, MON).status == DayStatus.PRESENT


def test_r_att_3_absent_unless_leave_trip_or_field_day(org):
    assert r_att_3_absent(working_day=True, punches=0, covered=False)
    assert not r_att_3_absent(working_day=False, punches=0, covered=False)
    granted_leave(org.colleague, MON, MON)
    fake = lambda *, township_id, start, end: {(org.head.pk, MON): Decimal("1")}  # noqa: E731
    hooks.answer("fieldwork_days", fake)
    try:
        attendance_compute_day(township_id=org.township.pk, day=MON)
    finally:
        hooks.ANSWERS["fieldwork_days"].remove(fake)
    assert status_of(org.staff, MON).status == DayStatus.ABSENT
    assert status_of(org.colleague, MON).status == DayStatus.LEAVE
    assert status_of(org.head, MON).status == DayStatus.FIELD
    absent = set(Finding.objects.filter(rule_id="R-ATT-3").values_list("person_id", flat=True))
    assert org.staff.pk in absent and org.colleague.pk not in absent and org.head.pk not in absent


def test_r_att_3_no_fieldwork_answer_means_no_field_days(org):
    saved = hooks.ANSWERS.pop("fieldwork_days", None)
    try:
        attendance_compute_day(township_id=org.township.pk, day=MON)
    finally:
        if saved is not None:
            hooks.ANSWERS["fieldwork_days"] = saved
    assert status_of(org.head, MON).status == DayStatus.ABSENT


def test_r_att_3_half_day_leave_moves_the_session_and_half_field_day(org):
    granted_leave(org.staff, MON, MON, half_day="am")
    punch(org.staff, MON, "14:32")
    punch(org.staff, MON, "18:02")
    attendance_compute_day(township_id=org.township.pk, day=MON)
    day = status_of(org.staff, MON)
    assert day.status == DayStatus.PRESENT and day.leave_days == Decimal("0.5")


def test_r_att_3_leave_approved_afterwards_recomputes_past_days(org):
    from conduct.services import leave_submit

    attendance_compute_day(township_id=org.township.pk, day=MON)
    assert status_of(org.staff, MON).status == DayStatus.ABSENT
    leave = leave_submit(actor=org.staff, kind="sick", start_date=MON, end_date=MON, reason="fever")
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        approval_decide(actor=org.head, request_id=leave.approval_id, decision="approve")
    assert status_of(org.staff, MON).status == DayStatus.LEAVE
    finding = Finding.objects.get(rule_id="R-ATT-3", person=org.staff, on_date=MON)
    assert finding.status == FindingStatus.DISMISSED


def test_status_computation_keeps_a_fixed_number_of_queries(org, django_assert_max_num_queries):
    from conduct.services.common import ask  # noqa: F401 - the hook is asked once per run

    for _ in range(27):
        UserFactory(township=org.township, department=org.department)
    with django_assert_max_num_queries(16):
        attendance_compute_day(township_id=org.township.pk, day=MON)
    assert AttendanceDay.objects.filter(date=MON).count() >= 30


def test_r_att_4_punches_are_never_edited(org):
    p = punch(org.staff, MON, "08:20")
    p.at = aware(MON, dt.time(8, 0))
    with pytest.raises(ProgrammingError), transaction.atomic():
        p.save()
    with pytest.raises(ProgrammingError), transaction.atomic():
        Punch.objects.filter(pk=p.pk).delete()
    with pytest.raises(ProgrammingError), transaction.atomic():
        Punch.objects.filter(pk=p.pk).update(at=aware(MON, dt.time(8, 0)))
    kept = Punch.objects.get(person=org.staff)  # still one punch, still at 08:20
    assert kept.pk == p.pk and kept.at == aware(MON, dt.time(8, 20))


def test_r_att_4_correction_needs_approval_and_respects_the_monthly_cap(org):
    import time_machine
    from django.test import TestCase

    with time_machine.travel(_at(dt.date(2026, 11, 20), "10:00"), tick=False):
        c = correction_submit(actor=org.staff, date=MON, direction="in", time=dt.time(8, 25), reason="forgot")
        assert not Punch.objects.filter(person=org.staff).exists()  # nothing until approved
        assert c.approval.steps.get().candidates.get() == org.head
        with TestCase.captureOnCommitCallbacks(execute=True):
            approval_decide(actor=org.head, request_id=c.approval_id, decision="approve")
        p = Punch.objects.get(person=org.staff)
        assert p.source == PunchSource.CORRECTION and p.correction_id == c.pk
        policy_set(actor=org.admin, key="R-ATT-4.monthly_cap", year=2026, value="2", township=org.township)
        second = correction_submit(
            actor=org.staff, date=TUE, direction="in", time=dt.time(8, 25), reason="forgot"
        )
        with pytest.raises(ValidationError) as exc:  # a third in November: one over the cap of 2
            correction_submit(
                actor=org.staff, date=TUE, direction="out", time=dt.time(18, 0), reason="forgot"
            )
        message = exc.value.message_dict["date"][0]
        assert "R-ATT-4" in message and "2 corrections" in message and "limit is 2" in message
        assert PunchCorrection.objects.filter(person=org.staff).count() == 2
        assert Punch.objects.filter(person=org.staff).count() == 1
        # October's corrections are another month's; a rejected one gives its place back
        correction_submit(
            actor=org.staff, date=dt.date(2026, 10, 30), direction="in", time=dt.time(8, 25), reason="forgot"
        )
        with TestCase.captureOnCommitCallbacks(execute=True):
            approval_decide(actor=org.head, request_id=second.approval_id, decision="reject", comment="no")
        correction_submit(actor=org.staff, date=TUE, direction="out", time=dt.time(18, 0), reason="forgot")
        assert PunchCorrection.objects.filter(person=org.staff).count() == 4
        assert Punch.objects.filter(person=org.staff).count() == 1  # the rejected one added nothing


def test_correction_bad_input_both_punches_or_future(org):
    punch(org.staff, MON, "08:20")
    punch(org.staff, MON, "18:10")
    with pytest.raises(ValidationError) as exc:
        correction_submit(actor=org.staff, date=MON, direction="in", time=dt.time(8, 25), reason="x")
    assert "date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        correction_submit(
            actor=org.staff,
            date=timezone.localdate() + dt.timedelta(days=3),
            direction="in",
            time=dt.time(8, 0),
            reason="x",
        )
    assert "time" in exc.value.message_dict
    assert not PunchCorrection.objects.exists()


def _file(rows):
    data = tablib.Dataset(headers=["工号", "打卡时间", "设备"])
    for r in rows:
        data.append(r)
    return data


def test_device_import_preview_then_import_is_idempotent(org):
    rows = [
        (org.staff.employee_no, "2026-11-16 08:21:00", "M1"),
        (org.staff.employee_no, "2026-11-16 18:03:10", "M1"),
        (org.colleague.employee_no, "2026/11/16 08:40:00", "M2"),
    ]
    preview = punch_import(actor=org.clerk, dataset=_file(rows), dry_run=True)
    assert preview.ok and preview.new == 3
    assert not Punch.objects.exists()
    done = punch_import(actor=org.clerk, dataset=_file(rows), dry_run=False)
    assert done.new == 3 and Punch.objects.filter(source="device").count() == 3
    again = punch_import(actor=org.clerk, dataset=_file(rows), dry_run=False)
    assert again.ok and again.new == 0 and Punch.objects.count() == 3


def test_device_import_of_a_file_overlapping_punches_on_record_adds_only_the_new_ones(org):
    first = [(org.staff.employee_no, "2026-11-16 08:21:00", "M1")]
    assert punch_import(actor=org.clerk, dataset=_file(first), dry_run=False).new == 1
    rows = [
        *first,  # on record already
        (org.staff.employee_no, "2026-11-16 18:03:10", "M1"),
        (org.colleague.employee_no, "2026-11-16 08:40:00", "M2"),
        (org.colleague.employee_no, "2026-11-16 08:40:00", "M2"),  # twice in the file
    ]
    preview = punch_import(actor=org.clerk, dataset=_file(rows), dry_run=True)
    assert preview.ok and preview.new == 2 and Punch.objects.count() == 1
    done = punch_import(actor=org.clerk, dataset=_file(rows), dry_run=False)
    assert done.new == 2 and done.total == 4 and Punch.objects.count() == 3


def test_device_import_refuses_the_whole_file_with_rows_listed(org, other_org):
    rows = [
        (org.staff.employee_no, "2026-11-16 08:21:00", "M1"),
        ("NOPE-1", "2026-11-16 08:22:00", "M1"),
        (org.colleague.employee_no, "16/11/2026 8h", "M1"),
        (org.colleague.employee_no, "2099-01-01 08:00:00", "M1"),
        (other_org.staff.employee_no, "2026-11-16 08:22:00", "M1"),  # another township's person
    ]
    out = punch_import(actor=org.clerk, dataset=_file(rows), dry_run=False)
    assert [n for n, _e in out.errors] == [2, 3, 4, 5]
    assert "NOPE-1" in out.errors[0][1][0]
    assert not Punch.objects.exists()


def test_device_import_streams_csv_and_xlsx_files_from_disk(org, tmp_path):
    from openpyxl import Workbook

    from conduct.services import punch_file_open

    csv_path = tmp_path / "machine.csv"
    csv_path.write_text(
        "\ufeff工号,打卡时间,设备\n"
        f"{org.staff.employee_no},2026-11-16 08:21:00,M1\n\n"
        f'{org.staff.employee_no},2026-11-16T18:03:10+08:00,"M\t2"\n',
        encoding="utf-8",
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "打卡时间", "设备"])
    # A punch clock's spreadsheet holds naive local times.
    sheet.append([org.colleague.employee_no, dt.datetime(2026, 11, 16, 8, 40), "M3"])  # noqa: DTZ001
    xlsx_path = tmp_path / "machine.xlsx"
    book.save(xlsx_path)
    for path, new in ((csv_path, 2), (xlsx_path, 1)):
        source = punch_file_open(path)
        try:
            out = punch_import(actor=org.clerk, dataset=source, dry_run=False)
        finally:
            source.close()
        assert out.ok and out.new == new and out.total == new
    late = Punch.objects.get(person=org.staff, device="M\t2")
    assert late.at == aware(dt.date(2026, 11, 16), dt.time(18, 3, 10))
    assert Punch.objects.get(person=org.colleague).at == aware(dt.date(2026, 11, 16), dt.time(8, 40))


def test_device_import_of_a_file_that_is_not_utf8_is_refused_whole(org, tmp_path):
    from conduct.services import punch_file_open

    path = tmp_path / "gbk.csv"
    path.write_bytes(
        ("工号,打卡时间,设备\n" + f"{org.staff.employee_no},2026-11-16 08:21:00,考勤机\n" * 3).encode("gbk")
    )
    with pytest.raises(ValidationError):
        source = punch_file_open(path)
        try:
            punch_import(actor=org.clerk, dataset=source, dry_run=False)
        finally:
            source.close()
    assert not Punch.objects.exists()


def test_evaluate_day_for_today_saves_nothing(org):
    rows, _specs = evaluate_day(township_id=org.township.pk, day=MON)
    assert len(rows) >= 10 and not AttendanceDay.objects.exists()


# --- missing punches (缺卡): one punch is not a day's attendance ----------------------------------

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _at(day, hhmm="01:10"):
    """A frozen 'now' in the township's time (the nightly job runs at 01:10)."""
    h, m = map(int, hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, h, m, tzinfo=SHANGHAI)


def test_r_att_4_single_punch_is_a_missing_punch_not_a_572_minute_early_departure(org):
    import time_machine

    from township.models import Notification

    punch(org.staff, MON, "08:28")
    with time_machine.travel(_at(TUE), tick=False):
        attendance_compute_day(township_id=org.township.pk, day=MON)
        attendance_compute_day(township_id=org.township.pk, day=MON)  # run twice: one prompt
    day = status_of(org.staff, MON)
    assert day.status == DayStatus.MISSING_PUNCH
    assert day.late_minutes == 0 and day.early_minutes == 0 and day.punches == 1
    assert not Finding.objects.filter(person=org.staff, on_date=MON).exists()  # no R-ATT-2, no R-ATT-3
    note = Notification.objects.get(recipient=org.staff)
    # the punch is a morning one, so the clock-out is what is missing; the link opens the form
    assert note.url == "/conduct/corrections/?date=2026-11-16&direction=out"
    assert "2026-11-16" in note.text
    assert not Notification.objects.exclude(recipient=org.staff).filter(url__contains="corrections").exists()


def test_r_att_4_half_day_leave_session_with_one_punch_is_a_missing_punch(org):
    granted_leave(org.staff, MON, MON, half_day="am")
    punch(org.staff, MON, "14:32")  # the afternoon's clock-in; no clock-out at 18:00
    granted_leave(org.colleague, MON, MON, half_day="pm")
    punch(org.colleague, MON, "12:03")  # the morning's clock-out only
    attendance_compute_day(township_id=org.township.pk, day=MON)
    day = status_of(org.staff, MON)
    assert day.status == DayStatus.MISSING_PUNCH and day.leave_days == Decimal("0.5")
    assert day.early_minutes == 0
    assert status_of(org.colleague, MON).status == DayStatus.MISSING_PUNCH
    assert not Finding.objects.filter(rule_id="R-ATT-2").exists()


def test_r_att_4_missing_punch_without_correction_in_the_window_is_a_finding_at_month_end(org):
    """November 2026's correction window (default 3 days after the month) closes at the end of
    3 December; the nightly job of 4 December raises the findings, not the one of 3 December."""
    import time_machine

    from conduct.tasks import nightly_attendance

    punch(org.staff, MON, "08:28")  # never corrected
    punch(org.colleague, MON, "17:58")  # asks for the missing clock-in within the window
    with time_machine.travel(_at(TUE), tick=False):
        attendance_compute_day(township_id=org.township.pk, day=MON)
    with time_machine.travel(_at(dt.date(2026, 11, 20), "10:00"), tick=False):
        correction_submit(actor=org.colleague, date=MON, direction="in", time=dt.time(8, 25), reason="forgot")
    with time_machine.travel(_at(dt.date(2026, 12, 3)), tick=False):
        nightly_attendance()
    mine = Finding.objects.filter(on_date=MON, person__in=[org.staff, org.colleague])
    assert not mine.exists()  # the window is still open
    with time_machine.travel(_at(dt.date(2026, 12, 4)), tick=False):
        nightly_attendance()
        nightly_attendance()  # idempotent
    found = mine.all()
    assert list(found.values_list("rule_id", "person_id")) == [("R-ATT-3", org.staff.pk)]
    assert status_of(org.staff, MON).status == DayStatus.MISSING_PUNCH
    # recomputing the day (a later import) leaves the month-end finding open
    attendance_compute_day(township_id=org.township.pk, day=MON)
    assert found.get().status == FindingStatus.OPEN


def test_r_att_4_approved_correction_supplies_the_punch_and_the_day_is_present(org):
    import time_machine
    from django.test import TestCase

    punch(org.staff, MON, "08:28")
    with time_machine.travel(_at(TUE), tick=False):
        attendance_compute_day(township_id=org.township.pk, day=MON)
        assert status_of(org.staff, MON).status == DayStatus.MISSING_PUNCH
        c = correction_submit(
            actor=org.staff, date=MON, direction="out", time=dt.time(18, 5), reason="forgot"
        )
        with TestCase.captureOnCommitCallbacks(execute=True):
            approval_decide(actor=org.head, request_id=c.approval_id, decision="approve")
    day = status_of(org.staff, MON)
    assert day.status == DayStatus.PRESENT and day.punches == 2
    assert day.late_minutes == 0 and day.early_minutes == 0
    with time_machine.travel(_at(dt.date(2026, 12, 4)), tick=False):
        from conduct.tasks import nightly_attendance

        nightly_attendance()
    assert not Finding.objects.filter(on_date=MON, person=org.staff).exists()


def test_missing_punch_has_its_own_label_and_colour(org):
    from conduct.models.attendance import STATUS_CSS
    from conduct.selectors import SHORT, TABLE_CSS

    assert DayStatus.MISSING_PUNCH.label == "Missing punch"
    assert STATUS_CSS[DayStatus.MISSING_PUNCH] == "status-missing"
    assert SHORT[DayStatus.MISSING_PUNCH] and TABLE_CSS[DayStatus.MISSING_PUNCH]
    assert TABLE_CSS[DayStatus.MISSING_PUNCH] not in {TABLE_CSS[s] for s in DayStatus if s != "missing_punch"}


def test_r_att_4_correction_asked_after_the_window_is_too_late_but_its_approval_clears_the_day(org):
    import time_machine
    from django.test import TestCase

    from conduct.tasks import nightly_attendance
    from township.models import Notification

    punch(org.staff, MON, "08:28")
    with time_machine.travel(_at(dt.date(2026, 12, 4)), tick=False):
        # computed only after the window closed (an old file imported late): no prompt
        attendance_compute_day(township_id=org.township.pk, day=MON)
        assert not Notification.objects.filter(recipient=org.staff).exists()
        c = correction_submit(actor=org.staff, date=MON, direction="out", time=dt.time(18, 2), reason="late")
        nightly_attendance()
        finding = Finding.objects.get(rule_id="R-ATT-3", person=org.staff, on_date=MON)
        assert finding.status == FindingStatus.OPEN  # asked on 4 December: after the window
        with TestCase.captureOnCommitCallbacks(execute=True):
            approval_decide(actor=org.head, request_id=c.approval_id, decision="approve")
    assert status_of(org.staff, MON).status == DayStatus.PRESENT
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED


def test_missing_punch_prompt_link_fills_in_the_correction_form(org, login):
    r = login(org.staff).get("/conduct/corrections/?date=2026-11-16&direction=out")
    form = r.context["form"]
    assert form["date"].value() == "2026-11-16" and form["direction"].value() == "out"


def test_today_seen_live_a_morning_clock_in_is_not_yet_a_missing_punch(org):
    import time_machine

    punch(org.staff, MON, "08:28")
    punch(org.colleague, MON, "08:47")
    with time_machine.travel(_at(MON, "10:00"), tick=False):
        rows, specs = evaluate_day(township_id=org.township.pk, day=MON)
    by_person = {r.person_id: r for r in rows}
    assert by_person[org.staff.pk].status == DayStatus.PRESENT
    assert (by_person[org.colleague.pk].status, by_person[org.colleague.pk].late_minutes) == (
        DayStatus.LATE,
        17,
    )
    assert by_person[org.staff.pk].early_minutes == 0
    with time_machine.travel(_at(MON, "18:30"), tick=False):
        rows, specs = evaluate_day(township_id=org.township.pk, day=MON)
    assert {r.person_id: r.status for r in rows}[org.staff.pk] == DayStatus.MISSING_PUNCH


def test_punch_workbook_bomb_is_refused_before_it_is_unpacked(tmp_path, settings):
    """A tiny workbook that would unpack past the limit is refused from the zip's directory."""
    from django.core.exceptions import ValidationError as Refused

    from conduct.services.attendance import punch_file_open
    from township.tests.bombs import bomb_xlsx

    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024  # the punch limit is four times this
    path = tmp_path / "punches.xlsx"
    path.write_bytes(bomb_xlsx(100_000))  # ~9 MB unpacked, a few KB packed
    assert path.stat().st_size < 200_000
    with pytest.raises(Refused, match="split it into smaller files"):
        punch_file_open(path)
    small = tmp_path / "ok.xlsx"
    small.write_bytes(bomb_xlsx(10))
    opened = punch_file_open(small)
    assert opened.headers == ["x", "y"]  # the generator writes x, y rows only
    opened.close()
