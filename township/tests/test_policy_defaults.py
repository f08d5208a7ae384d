"""The default numbers of the rules, copied by hand from the "default" column of RULES.md (the
customer's catalogue), against what the apps register (township.policy).  A default changed in
code and not in the catalogue (or the other way round) fails here; mutmut does not mutate the
apps' policies.py (module-level registrations), so this test is what guards them."""

from decimal import Decimal

import pytest

from township.policy import REGISTRY

# RULES.md, column "default", 2026 edition.  Where the catalogue gives several numbers the
# comment quotes it.
CATALOGUE = {
    # R-ATT-1 "work day 08:30-12:00, 14:30-18:00; 5 min grace"
    "R-ATT-1.morning_start": "08:30",
    "R-ATT-1.morning_end": "12:00",
    "R-ATT-1.afternoon_start": "14:30",
    "R-ATT-1.afternoon_end": "18:00",
    "R-ATT-2.grace_minutes": 5,
    # R-LV-1 "≤1 day head of department, ≤3 days leader in charge, >3 days principal leader"
    "R-LV-1.head_max_days": Decimal("1"),
    "R-LV-1.leader_max_days": Decimal("3"),
    # R-LV-2 "1 day"
    "R-LV-2.days": 1,
    # R-LV-4 "national rule": 1-10 years of service 5 days, 10-20 years 10, 20 years and more 15
    "R-LV-4.min_years": 1,
    "R-LV-4.middle_years": 10,
    "R-LV-4.long_years": 20,
    "R-LV-4.days_short": 5,
    "R-LV-4.days_middle": 10,
    "R-LV-4.days_long": 15,
    # R-STUDY-1 "1/week, ≥60 min"
    "R-STUDY-1.per_week": 1,
    "R-STUDY-1.min_minutes": 60,
    # R-TRIP-2 "due 15 days after return"
    "R-TRIP-2.due_days": 15,
    # R-MTG-2 "2", R-MTG-3 "3", R-MTG-5 "120 min", R-MTG-6 "2", R-MTG-10 "window 7 days", R-MTG-11 "4"
    "R-MTG-2": 2,
    "R-MTG-3": 3,
    "R-MTG-5": 120,
    "R-MTG-6": 2,
    "R-MTG-10": 7,
    "R-MTG-11": 4,
    # R-DOC-1 "2000 / 3000" (general documents / reports, characters)
    "R-DOC-1.general": 2000,
    "R-DOC-1.report": 3000,
    # R-FLD-1 "120 / 180 / 60 / 240" days a year: section-level leaders, village-resident cadres,
    # other township cadres, village cadres
    "R-FLD-1.section_leader": 120,
    "R-FLD-1.village_resident": 180,
    "R-FLD-1.other_cadre": 60,
    "R-FLD-1.village_cadre": 240,
    # R-FLD-2 "2"
    "R-FLD-2": 2,
    # R-FLD-3 "4 / 2 / 1" research reports a year: section-level leaders, village-resident cadres, others
    "R-FLD-3.section_leader": 4,
    "R-FLD-3.village_resident": 2,
    "R-FLD-3.other_cadre": 1,
    "R-FLD-3.village_cadre": 1,
    # R-FLD-6 "2 / 1": section-level leaders, others
    "R-FLD-6.section_leader": 2,
    "R-FLD-6.village_resident": 1,
    "R-FLD-6.other_cadre": 1,
    "R-FLD-6.village_cadre": 1,
    # R-REC-3 "3 / ⅓": at most 3 accompanying staff for a small group, else one per three guests
    "R-REC-3.small_cap": 3,
    "R-REC-3.ratio": 3,
    # R-REC-6 "guests > 10 or cost above a set amount"
    "R-REC-6.guests": 10,
    # R-PET-2 "15 days", R-PET-3 "60 / 30", R-PET-4 "30"
    "R-PET-2": 15,
    "R-PET-3": 60,
    "R-PET-3.extension_max": 30,
    "R-PET-4": 30,
    # R-XCK-2 "60 s, 3 times a month", R-XCK-5 "7 days", R-XCK-7 "3 a quarter"
    "R-XCK-2.seconds": 60,
    "R-XCK-2.times": 3,
    "R-XCK-5": 7,
    "R-XCK-7": 3,
}


def _typed(key):
    default = REGISTRY[key].default
    if isinstance(CATALOGUE[key], Decimal):
        return Decimal(str(default))
    return default


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_the_default_is_the_catalogues_number(key):
    assert key in REGISTRY, f"{key} is in RULES.md but no app registers it"
    assert _typed(key) == CATALOGUE[key]


def test_every_rule_with_a_number_in_the_catalogue_is_covered_here():
    """The rule ids whose catalogue default is a number all appear above (a new numbered rule
    must be added to this table by hand)."""
    numbered = {
        "R-ATT-1", "R-ATT-2", "R-LV-1", "R-LV-2", "R-LV-4", "R-STUDY-1", "R-TRIP-2", "R-MTG-2", "R-MTG-3",
        "R-MTG-5", "R-MTG-6", "R-MTG-10", "R-MTG-11", "R-DOC-1", "R-FLD-1", "R-FLD-2", "R-FLD-3", "R-FLD-6",
        "R-REC-3", "R-REC-6", "R-PET-2", "R-PET-3", "R-PET-4", "R-XCK-2", "R-XCK-5", "R-XCK-7",
    }  # fmt: skip
    assert {key.split(".")[0] for key in CATALOGUE} == numbered
