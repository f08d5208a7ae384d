"""The numbers of the reception and expense rules (RULES.md), read through township.policy.policy()."""

from django.utils.translation import gettext_lazy as _

from township.policy import PolicyDef, register

register(
    PolicyDef(
        "R-REC-2",
        "50.00",
        _("Working-meal standard per person per meal (yuan)"),
        kind="decimal",
        minimum="0.00",
    ),
    PolicyDef(
        "R-REC-3.small_group",
        10,
        _("Largest group of guests for which the fixed cap of accompanying staff applies"),
        minimum=1,
    ),
    PolicyDef("R-REC-3.small_cap", 3, _("Accompanying staff allowed for a small group"), minimum=0),
    PolicyDef(
        "R-REC-3.ratio",
        3,
        _("For larger groups, one accompanying person per this many guests"),
        minimum=1,
    ),
    PolicyDef("R-REC-6.guests", 10, _("A reception with more guests than this is major"), minimum=1),
    PolicyDef(
        "R-REC-6.cost",
        "3000.00",
        _("A reception costing more than this is major (yuan)"),
        kind="decimal",
        minimum="0.00",
    ),
    PolicyDef(
        "R-EXP-1.head_limit",
        "2000.00",
        _("Expenses up to this amount are approved by the department head (yuan)"),
        kind="decimal",
        minimum="0.00",
    ),
    PolicyDef(
        "R-EXP-1.leader_limit",
        "10000.00",
        _(
            "Expenses up to this amount are approved by the leader in charge; above, a principal leader (yuan)"
        ),
        kind="decimal",
        minimum="0.00",
    ),
    PolicyDef(
        "R-EXP-2",
        "1000.00",
        _("Cash payments above this amount are a finding (yuan)"),
        kind="decimal",
        minimum="0.00",
    ),
    PolicyDef(
        "R-VEH-1.late_minutes",
        30,
        _("A vehicle use logged this many minutes after its departure counts as logged late"),
        minimum=0,
    ),
    PolicyDef(
        "R-VEH-1.odometer_gap",
        1,
        _("Odometer gap between two uses tolerated (km)"),
        minimum=0,
    ),
)
