from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    """The life of a request decided through township.approvals (leave, trip, correction, swap)."""

    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    CANCELLED = "cancelled", _("Cancelled")
    REPORTED_BACK = "reported_back", _("Reported back")


# Allowed transitions (the services enforce them under a row lock).
TRANSITIONS: dict[str, set[str]] = {
    RequestStatus.PENDING: {
        RequestStatus.APPROVED,
        RequestStatus.REJECTED,
        RequestStatus.RETURNED,
        RequestStatus.CANCELLED,
    },
    RequestStatus.APPROVED: {RequestStatus.CANCELLED, RequestStatus.REPORTED_BACK},
    RequestStatus.REJECTED: set(),
    RequestStatus.RETURNED: set(),
    RequestStatus.CANCELLED: set(),
    RequestStatus.REPORTED_BACK: set(),
}

# Requests that hold the person's time (R-LV-3) or count against the balance (R-LV-4).
ACTIVE = [RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.REPORTED_BACK]
GRANTED = [RequestStatus.APPROVED, RequestStatus.REPORTED_BACK]
