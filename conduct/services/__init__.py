"""Every write of the conduct app (keyword-only ``<entity>_<verb>(*, actor, ...)``).

Views, the admin, imports and Celery tasks all call these, so no door skips a rule."""

from .attendance import (
    attendance_compute_day,
    attendance_compute_range,
    correction_submit,
    punch_clock,
    punch_file_open,
    punch_import,
)
from .duty import duty_check_in, roster_assign, roster_generate, roster_publish, swap_request
from .leave import (
    leave_balance,
    leave_cancel,
    leave_report_back,
    leave_submit,
    registration_submit,
    trip_cancel,
    trip_report_submit,
    trip_submit,
)
from .logs import study_record, worklog_comment, worklog_write

__all__ = [
    "attendance_compute_day",
    "attendance_compute_range",
    "correction_submit",
    "duty_check_in",
    "leave_balance",
    "leave_cancel",
    "leave_report_back",
    "leave_submit",
    "punch_clock",
    "punch_file_open",
    "punch_import",
    "registration_submit",
    "roster_assign",
    "roster_generate",
    "roster_publish",
    "study_record",
    "swap_request",
    "trip_cancel",
    "trip_report_submit",
    "trip_submit",
    "worklog_comment",
    "worklog_write",
]
