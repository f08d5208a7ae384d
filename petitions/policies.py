"""The numbers of this app's rules (RULES.md), read through township.policy.policy().

All day counts are CALENDAR days (自然日), as the 2022 Regulations on Letters and Visits
(信访工作条例, arts. 22, 32, 35) count them; township.workcalendar is deliberately not used.
"""

from django.utils.translation import gettext_lazy as _

from township.policy import PolicyDef, register

register(
    PolicyDef(
        "R-PET-1.collective_min",
        5,
        _("A petition by at least this many people is a collective petition"),
        minimum=2,
        maximum=100,
    ),
    PolicyDef(
        "R-PET-2",
        15,
        _("Days after registration to decide whether to accept a petition (calendar days)"),
        minimum=1,
        maximum=60,
    ),
    PolicyDef(
        "R-PET-3",
        60,
        _("Days after acceptance to reply to a petition (calendar days)"),
        minimum=1,
        maximum=180,
    ),
    PolicyDef(
        "R-PET-3.extension_max",
        30,
        _("Longest extension of the reply deadline, approved once (calendar days)"),
        minimum=1,
        maximum=90,
    ),
    PolicyDef(
        "R-PET-4",
        30,
        _("Days after the reply within which the petitioner may ask for a review (calendar days)"),
        minimum=1,
        maximum=90,
    ),
    PolicyDef(
        "R-PET-4.review_reply_days",
        30,
        _("Days after a review request to reply to the review (calendar days)"),
        minimum=1,
        maximum=90,
    ),
    PolicyDef(
        "R-PET-5.backlog_days",
        90,
        _("An unresolved case registered longer ago than this many days is a backlog case"),
        minimum=15,
        maximum=730,
    ),
    PolicyDef(
        "R-PET-7.remind_before",
        3,
        _("Days before a petition deadline when the handler and leader are reminded"),
        minimum=1,
        maximum=15,
    ),
    PolicyDef(
        "R-PET-7.on_time_target",
        95,
        _("Target share of petitions replied on time (percent)"),
        minimum=0,
        maximum=100,
    ),
    PolicyDef(
        "R-PET-9.satisfaction_after",
        28,
        _("Days after the reply when the clerk asks whether the matter was resolved"),
        minimum=1,
        maximum=90,
    ),
)
