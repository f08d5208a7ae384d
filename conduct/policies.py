"""The numbers of this app's rules (RULES.md), read through township.policy.policy()."""

from django.utils.translation import gettext_lazy as _

from township.policy import PolicyDef, register

register(
    # R-ATT-1: the work schedule, winter and summer hours.
    PolicyDef("R-ATT-1.morning_start", "08:30", _("Winter hours: morning starts"), kind="time"),
    PolicyDef("R-ATT-1.morning_end", "12:00", _("Winter hours: morning ends"), kind="time"),
    PolicyDef("R-ATT-1.afternoon_start", "14:30", _("Winter hours: afternoon starts"), kind="time"),
    PolicyDef("R-ATT-1.afternoon_end", "18:00", _("Winter hours: afternoon ends"), kind="time"),
    PolicyDef("R-ATT-1.summer_morning_start", "08:30", _("Summer hours: morning starts"), kind="time"),
    PolicyDef("R-ATT-1.summer_morning_end", "12:00", _("Summer hours: morning ends"), kind="time"),
    PolicyDef("R-ATT-1.summer_afternoon_start", "15:00", _("Summer hours: afternoon starts"), kind="time"),
    PolicyDef("R-ATT-1.summer_afternoon_end", "18:30", _("Summer hours: afternoon ends"), kind="time"),
    PolicyDef(
        "R-ATT-1.summer_from_month", 5, _("Summer hours from month (1-12)"), kind="int", minimum=1, maximum=12
    ),
    PolicyDef(
        "R-ATT-1.summer_to_month",
        9,
        _("Summer hours to month, inclusive (1-12)"),
        kind="int",
        minimum=1,
        maximum=12,
    ),
    PolicyDef(
        "R-ATT-1.radius_m",
        500,
        _("Browser punches farther than this from the township office (metres) are marked"),
        kind="int",
        minimum=10,
    ),
    PolicyDef("R-ATT-2.grace_minutes", 5, _("Grace minutes for late arrival and early departure"), minimum=0),
    PolicyDef(
        "R-ATT-5.minutes",
        30,
        _(
            "Minutes a punch taken on the phone without signal may take to arrive with no "
            "connection gap to explain it before it is flagged; also how late a work log taken "
            "offline may arrive and still count for the day it was taken"
        ),
        minimum=1,
    ),
    PolicyDef("R-ATT-4.monthly_cap", 3, _("Punch corrections a person may ask for per month"), minimum=0),
    PolicyDef(
        "R-ATT-4.window_days",
        3,
        _(
            "Days after a month ends within which its missing punches may still be corrected; "
            "a missing punch with no correction asked by then is a finding"
        ),
        minimum=0,
        maximum=28,
    ),
    # R-LV-1: approver by length (days); longer goes to a principal leader.
    PolicyDef(
        "R-LV-1.head_max_days",
        "1",
        _("Leave up to this many days: the department head approves"),
        kind="decimal",
    ),
    PolicyDef(
        "R-LV-1.leader_max_days",
        "3",
        _("Leave up to this many days: the leader in charge approves"),
        kind="decimal",
    ),
    PolicyDef(
        "R-LV-2.days",
        1,
        _("Working days after the leave ends within which it must be reported back"),
        minimum=0,
    ),
    # R-LV-4: the national annual paid leave scale.
    PolicyDef("R-LV-4.min_years", 1, _("Years of service before annual leave is due"), minimum=0),
    PolicyDef("R-LV-4.days_short", 5, _("Annual leave days for service up to the middle band"), minimum=0),
    PolicyDef("R-LV-4.middle_years", 10, _("Years of service from which the middle band applies"), minimum=1),
    PolicyDef("R-LV-4.days_middle", 10, _("Annual leave days in the middle band"), minimum=0),
    PolicyDef("R-LV-4.long_years", 20, _("Years of service from which the long band applies"), minimum=1),
    PolicyDef("R-LV-4.days_long", 15, _("Annual leave days in the long band"), minimum=0),
    PolicyDef("R-TRIP-2.due_days", 15, _("Days after return within which the trip report is due"), minimum=1),
    PolicyDef(
        "R-LOG-1.min_percent",
        90,
        _("Monthly work-log completeness below this percentage is a finding"),
        minimum=0,
        maximum=100,
    ),
    PolicyDef("R-STUDY-1.per_week", 1, _("Group study sessions per week"), minimum=0),
    PolicyDef("R-STUDY-1.min_minutes", 60, _("Minimum length of a group study session (minutes)"), minimum=1),
)
