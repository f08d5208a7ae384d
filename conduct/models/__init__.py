"""The conduct app's records: attendance (punches, day statuses, corrections), leave and
report-back, trips, leaving-the-township registrations, the duty roster, work logs and group
study.  Every domain model is township-scoped; see each module for its invariants."""

from .attendance import AttendanceDay, DayStatus, Punch, PunchCorrection, PunchDirection, PunchSource
from .choices import RequestStatus
from .duty import DutyRoster, DutyShift, DutySwap, RosterStatus
from .leave import (
    HalfDay,
    LeaveKind,
    LeaveRequest,
    LeavingRegistration,
    TripKind,
    TripRequest,
)
from .logs import StudySession, WorkLog

__all__ = [
    "AttendanceDay",
    "DayStatus",
    "DutyRoster",
    "DutyShift",
    "DutySwap",
    "HalfDay",
    "LeaveKind",
    "LeaveRequest",
    "LeavingRegistration",
    "Punch",
    "PunchCorrection",
    "PunchDirection",
    "PunchSource",
    "RequestStatus",
    "RosterStatus",
    "StudySession",
    "TripKind",
    "TripRequest",
    "WorkLog",
]
