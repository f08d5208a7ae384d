"""The numbers of this app's rules (RULES.md), read through township.policy.policy()."""

from django.utils.translation import gettext_lazy as _

from township.policy import PolicyDef, register

# Categories of R-ORG-1, in the order the quota table shows them.
CATEGORIES = ("section_leader", "village_resident", "other_cadre", "village_cadre")

register(
    # R-FLD-1: days in the villages per year, by category.
    PolicyDef("R-FLD-1.section_leader", 120, _("Village days a year: section-level leaders"), minimum=0),
    PolicyDef("R-FLD-1.village_resident", 180, _("Village days a year: village-resident cadres"), minimum=0),
    PolicyDef("R-FLD-1.other_cadre", 60, _("Village days a year: other township cadres"), minimum=0),
    PolicyDef("R-FLD-1.village_cadre", 240, _("Village days a year: village cadres"), minimum=0),
    PolicyDef(
        "R-FLD-1.warning_days",
        "10",
        _("Warn a cadre who is behind the pro-rated village-day line by more than this many days"),
        kind="decimal",
        minimum="0",
    ),
    # R-FLD-2: key research topics a year (section-level leaders).
    PolicyDef("R-FLD-2", 2, _("Key research topics a year: section-level leaders"), minimum=0),
    # R-FLD-3: research reports a year, by category.
    PolicyDef("R-FLD-3.section_leader", 4, _("Research reports a year: section-level leaders"), minimum=0),
    PolicyDef(
        "R-FLD-3.village_resident", 2, _("Research reports a year: village-resident cadres"), minimum=0
    ),
    PolicyDef("R-FLD-3.other_cadre", 1, _("Research reports a year: other township cadres"), minimum=0),
    PolicyDef("R-FLD-3.village_cadre", 1, _("Research reports a year: village cadres"), minimum=0),
    # R-FLD-6: poor households paired per year, by category.
    PolicyDef(
        "R-FLD-6.section_leader", 2, _("Poor households paired a year: section-level leaders"), minimum=0
    ),
    PolicyDef(
        "R-FLD-6.village_resident", 1, _("Poor households paired a year: village-resident cadres"), minimum=0
    ),
    PolicyDef("R-FLD-6.other_cadre", 1, _("Poor households paired a year: other township cadres"), minimum=0),
    PolicyDef("R-FLD-6.village_cadre", 1, _("Poor households paired a year: village cadres"), minimum=0),
)

QUOTA_KEYS = (
    [f"R-FLD-1.{c}" for c in CATEGORIES]
    + ["R-FLD-1.warning_days", "R-FLD-2"]
    + [f"R-FLD-3.{c}" for c in CATEGORIES]
    + [f"R-FLD-6.{c}" for c in CATEGORIES]
)
