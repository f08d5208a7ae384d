"""meetings/rules.py's pure functions against values worked out by hand, each at its boundary."""

import pytest

from meetings.models import DocumentKind, MealKind, MeetingType, OutsideKind, PressSubject, VenueKind
from meetings.rules import (
    cap_rule,
    r_doc_1_char_count,
    r_doc_1_policy_key,
    r_mtg_1_approval_level,
    r_mtg_2_3_within_cap,
    r_mtg_5_duration_ok,
    r_mtg_6_speakers_ok,
    r_mtg_7_items_ticked,
    r_mtg_8_problems,
    r_mtg_9_venue_ok,
    r_mtg_11_subject_reportable,
    r_mtg_11_within_yearly_cap,
    split_speakers,
)


@pytest.mark.parametrize(
    "kind, major, level",
    [
        (MeetingType.PLENARY, False, "principal_leader"),
        (MeetingType.PEOPLES_CONGRESS, False, "principal_leader"),
        (MeetingType.PARTY_CONGRESS, False, "principal_leader"),
        (MeetingType.THREE_LEVEL_CADRE, False, "principal_leader"),
        (MeetingType.SPECIAL_TOPIC, False, "leader_in_charge"),
        (MeetingType.BUSINESS, False, "leader_in_charge"),
        (MeetingType.HIGHER_LEVEL, False, "leader_in_charge"),
        (MeetingType.SPECIAL_TOPIC, True, "principal_leader"),  # a major event
    ],
)
def test_r_mtg_1_who_approves(kind, major, level):
    assert r_mtg_1_approval_level(kind, major) == level


def test_r_mtg_2_3_4_which_cap_and_the_last_slot():
    assert cap_rule(MeetingType.PLENARY) == "R-MTG-2"
    assert cap_rule(MeetingType.BUSINESS) == "R-MTG-3"
    assert cap_rule(MeetingType.HIGHER_LEVEL) is None and cap_rule(MeetingType.SPECIAL_TOPIC) is None
    assert r_mtg_2_3_within_cap(1, 2) and not r_mtg_2_3_within_cap(2, 2)


def test_r_mtg_5_two_hours_except_statutory_meetings():
    assert r_mtg_5_duration_ok(MeetingType.PLENARY, 120, 120)
    assert not r_mtg_5_duration_ok(MeetingType.PLENARY, 121, 120)
    assert r_mtg_5_duration_ok(MeetingType.PEOPLES_CONGRESS, 480, 120)


def test_r_mtg_6_speakers_counted_without_blanks():
    assert r_mtg_6_speakers_ok(["张三", "李四"], 2)
    assert not r_mtg_6_speakers_ok(["张三", "李四", "王五"], 2)
    assert r_mtg_6_speakers_ok(["张三", " ", "", "李四"], 2)


def test_r_mtg_7_ticked_items_in_the_checklists_order():
    ticked = r_mtg_7_items_ticked({"flowers": True, "backdrop": True, "carpet": False, "other": True})
    assert ticked == ["backdrop", "flowers"]
    assert r_mtg_7_items_ticked({}) == []


def test_r_mtg_8_what_is_wrong_with_the_meals():
    clean = {"alcohol": False, "cigarettes": False, "fruit": False, "retired_symposium": False}
    assert r_mtg_8_problems(meals=MealKind.NONE, **clean) == []
    assert r_mtg_8_problems(meals=MealKind.CANTEEN, **clean) == []
    assert r_mtg_8_problems(meals=MealKind.RESTAURANT, **clean) == ["meal"]
    assert r_mtg_8_problems(meals=MealKind.BANQUET, **{**clean, "alcohol": True, "cigarettes": True}) == [
        "meal",
        "alcohol",
        "cigarettes",
    ]
    assert r_mtg_8_problems(meals=MealKind.NONE, **{**clean, "fruit": True}) == ["fruit"]
    assert r_mtg_8_problems(meals=MealKind.NONE, **{**clean, "fruit": True, "retired_symposium": True}) == []


def test_r_mtg_9_no_scenic_spot_or_high_end_hotel():
    assert r_mtg_9_venue_ok(VenueKind.ROOM, "")
    assert r_mtg_9_venue_ok(VenueKind.ROOM, OutsideKind.SCENIC_SPOT)  # the outside kind is moot
    assert r_mtg_9_venue_ok(VenueKind.OUTSIDE, OutsideKind.VILLAGE_OFFICE)
    assert not r_mtg_9_venue_ok(VenueKind.OUTSIDE, OutsideKind.SCENIC_SPOT)
    assert not r_mtg_9_venue_ok(VenueKind.OUTSIDE, OutsideKind.HIGH_END_HOTEL)


def test_r_mtg_11_what_the_press_may_report_and_how_often():
    assert r_mtg_11_subject_reportable(PressSubject.WORK_DEPLOYMENT)
    assert not r_mtg_11_subject_reportable(PressSubject.GENERAL_MEETING)
    assert not r_mtg_11_subject_reportable(PressSubject.LEADER_ACTIVITY)
    assert r_mtg_11_within_yearly_cap(3, 4) and not r_mtg_11_within_yearly_cap(4, 4)


def test_r_doc_1_characters_as_word_counts_them():
    assert r_doc_1_char_count("关于 做好\n春耕\t工作的通知。") == 12  # 2 + 2 + 2 + 5 + the full stop
    assert r_doc_1_char_count("") == 0 and r_doc_1_char_count(None) == 0
    assert r_doc_1_policy_key(DocumentKind.REPORT) == "R-DOC-1.report"
    assert r_doc_1_policy_key(DocumentKind.GENERAL) == "R-DOC-1.general"


def test_split_speakers_on_every_separator():
    assert split_speakers("张三，李四、王五;赵六；孙八,钱七\n周九") == [
        "张三",
        "李四",
        "王五",
        "赵六",
        "孙八",
        "钱七",
        "周九",
    ]
