from .approvals import ApprovalRequest, ApprovalStatus, ApprovalStep, StepStatus
from .base import TownshipScoped
from .calendar import CalendarOverride
from .findings import Finding, FindingStatus, RuleOverride
from .notifications import Notification
from .offline import OfflineRecord, OfflineStatus
from .org import Category, County, Department, Role, Township, User, Village, VillageKind
from .policy import PolicyValue
from .roles import RoleGrant
from .security import AuditAnchor, PasswordHistory, SecurityEvent
from .supervision import (
    AppraisalIndicator,
    AppraisalReport,
    AppraisalScore,
    DepartmentScore,
    SpotCheck,
    SurveyRating,
    SurveyRound,
    SurveyRoundStatus,
    Violation,
)

__all__ = [
    "AppraisalIndicator",
    "AppraisalReport",
    "AppraisalScore",
    "DepartmentScore",
    "SpotCheck",
    "SurveyRating",
    "SurveyRound",
    "SurveyRoundStatus",
    "Violation",
    "ApprovalRequest",
    "ApprovalStatus",
    "ApprovalStep",
    "CalendarOverride",
    "OfflineRecord",
    "OfflineStatus",
    "Category",
    "County",
    "Department",
    "Finding",
    "FindingStatus",
    "Notification",
    "PasswordHistory",
    "SecurityEvent",
    "AuditAnchor",
    "PolicyValue",
    "Role",
    "RoleGrant",
    "RuleOverride",
    "StepStatus",
    "Township",
    "TownshipScoped",
    "User",
    "Village",
    "VillageKind",
]
