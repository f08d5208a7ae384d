"""The platform's own settings.  Each feature app declares its rules' numbers in its policies.py."""

from django.utils.translation import gettext_lazy as _

from township.policy import PolicyDef, register

register(
    # Cross-record checks (township.crosschecks).
    PolicyDef(
        "R-XCK-1.noon",
        "13:00",
        _("Punches, vehicle departures and meals before this time belong to the morning half day"),
        kind="time",
    ),
    PolicyDef(
        "R-XCK-2.seconds",
        60,
        _("Two people's punches from one device or browser this many seconds apart or less are a pair"),
        minimum=1,
    ),
    PolicyDef(
        "R-XCK-2.times",
        3,
        _("Pairs of the same two people in one month that make a finding"),
        minimum=1,
    ),
    PolicyDef(
        "R-XCK-5",
        7,
        _("Expenses of one category to one payee within this many days are looked at together"),
        minimum=0,
        maximum=31,
    ),
    PolicyDef(
        "R-XCK-7",
        3,
        _("Receptions with a meal of the same visiting unit in one quarter that make a finding"),
        minimum=2,
    ),
    PolicyDef(
        "R-XCK-8",
        "18:00",
        _("A meal outside the canteen at or after this time is after working hours"),
        kind="time",
    ),
)
