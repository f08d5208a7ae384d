"""The numbers of this app's rules (RULES.md), read through township.policy.policy()."""

from django.utils.translation import gettext_lazy as _

from township.policy import PolicyDef, register

register(
    PolicyDef("R-MTG-2", 2, _("Plenary (town-wide) meetings allowed per calendar month"), minimum=0),
    PolicyDef("R-MTG-3", 3, _("Business meetings allowed per calendar month"), minimum=0),
    PolicyDef("R-MTG-5", 120, _("Longest meeting in minutes (statutory meetings excepted)"), minimum=10),
    PolicyDef("R-MTG-6", 2, _("Most speakers on the same agenda item"), minimum=1),
    PolicyDef(
        "R-MTG-10",
        7,
        _("Days either side within which meetings with the same audience are offered to merge"),
        minimum=0,
    ),
    PolicyDef("R-MTG-11", 4, _("Press coverage requests allowed per year"), minimum=0),
    PolicyDef("R-DOC-1.general", 2000, _("Longest general document, in characters"), minimum=100),
    PolicyDef("R-DOC-1.report", 3000, _("Longest report material, in characters"), minimum=100),
)
