"""petitions/rules.py's pure functions against values worked out by hand (calendar days, as the
2022 Regulations count them), each at its boundary."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from petitions.rules import (
    acceptance_due,
    extension_allowed,
    id_number_check_char,
    id_number_valid,
    is_backlog,
    is_collective,
    matter_similarity,
    may_see_identity,
    on_time_rate,
    reply_due,
    review_in_time,
    validate_id_number,
)

D = dt.date


def test_gb11643_check_characters_worked_out_by_hand():
    # 11010519491231002X, the standard's example: weighted sum 167, 167 mod 11 = 2 -> "X".
    assert id_number_check_char("11010519491231002") == "X"
    # 440524188001010014 (born 1880: a valid check, refused below for its year): 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195, 195 mod 11 = 8 -> "4".
    assert id_number_check_char("44052418800101001") == "4"
    # 11010519900510002: 7+9+0+5+0+20+2+9+54+0+0+45+10+0+0+0+4 = 165, 165 mod 11 = 0 -> "1".
    assert id_number_check_char("11010519900510002") == "1"
    with pytest.raises(ValueError):  # not 17 digits: refused, not silently shortened
        id_number_check_char("1101051949")


def test_id_numbers_valid_and_not():
    assert id_number_valid("11010519491231002X")
    assert id_number_valid(" 11010519491231002x ")  # lower-case x and spaces, as typed
    assert id_number_valid("110105199005100021")  # born on the 10th: both digits of the day count
    assert not id_number_valid("110105194912310021")  # wrong check character
    assert not id_number_valid("11010519491231002")  # 17 characters
    assert not id_number_valid("1101051949123100 X")
    assert not id_number_valid("110105194902300020")  # 30 February
    assert not id_number_valid("")
    assert not id_number_valid(None)


def test_id_numbers_born_before_1900_are_refused():
    born_1899, born_1900 = "11010518991231002", "11010519000101002"
    assert not id_number_valid(born_1899 + id_number_check_char(born_1899))
    assert id_number_valid(born_1900 + id_number_check_char(born_1900))


def test_validate_id_number_allows_empty_and_names_the_error():
    validate_id_number("")
    validate_id_number("11010519491231002X")
    with pytest.raises(ValidationError) as info:
        validate_id_number("110105194912310021")
    assert info.value.code == "id_number"
    assert info.value.messages == [
        "This is not a valid 18-character ID number (check the digits and the last character)."
    ]


def test_r_pet_1_five_people_make_a_collective_petition():
    assert is_collective(5, 5) and not is_collective(4, 5) and is_collective(6, 5)


def test_r_pet_2_and_3_deadlines_in_calendar_days():
    assert acceptance_due(D(2026, 1, 1), 15) == D(2026, 1, 16)
    # 16 January + 60 days: 15 to 31 January, 28 in February, 17 in March.
    assert reply_due(D(2026, 1, 16), 60) == D(2026, 3, 17)
    assert reply_due(D(2026, 1, 16), 60, 30) == D(2026, 4, 16)
    assert reply_due(D(2026, 1, 16), 60, extension_days=0) == D(2026, 3, 17)


def test_r_pet_3_one_extension_of_at_most_thirty_days():
    assert extension_allowed(30, 30, "") == (True, "")
    assert extension_allowed(1, 30, "rejected") == (True, "")
    assert extension_allowed(31, 30, "") == (False, "too_long")
    assert extension_allowed(0, 30, "") == (False, "too_long")
    assert extension_allowed(10, 30, "pending") == (False, "second")
    assert extension_allowed(10, 30, "approved") == (False, "second")


def test_r_pet_4_review_within_thirty_days_of_the_reply():
    replied = D(2026, 3, 1)
    assert review_in_time(replied, D(2026, 3, 1), 30)
    assert review_in_time(replied, D(2026, 3, 31), 30)
    assert not review_in_time(replied, D(2026, 4, 1), 30)
    assert not review_in_time(replied, D(2026, 2, 28), 30)


def test_r_pet_5_backlog_after_more_than_ninety_days():
    assert not is_backlog(D(2026, 1, 1), D(2026, 4, 1), 90)  # 90 days open
    assert is_backlog(D(2026, 1, 1), D(2026, 4, 2), 90)  # 91


def test_r_pet_7_on_time_rate_in_percent_to_one_decimal():
    assert on_time_rate(19, 20) == 95.0
    assert on_time_rate(1, 3) == 33.3
    assert on_time_rate(2, 3) == 66.7
    assert on_time_rate(0, 4) == 0.0
    assert on_time_rate(0, 0) is None


def test_repeat_detection_similarity_of_character_pairs():
    assert matter_similarity("拆迁补偿", "拆迁补偿") == 1.0
    assert matter_similarity("拆 迁补\n偿", "拆迁补偿") == 1.0  # white space ignored
    # {拆迁, 迁补, 补偿} and {拆迁, 迁款}: one pair shared of four.
    assert matter_similarity("拆迁补偿", "拆迁款") == 0.25
    assert matter_similarity("水", "水") == 1.0  # one character is its own pair
    assert matter_similarity("水", "电") == 0.0
    assert matter_similarity("", "拆迁") == 0.0 and matter_similarity("拆迁", None) == 0.0
    assert matter_similarity("", "") == 0.0 and matter_similarity(None, " ") == 0.0  # nothing is like nothing


@pytest.mark.parametrize(
    "who, inspector, expected",
    [
        (1, False, True),  # the registering clerk
        (2, False, True),  # the responsible leader
        (3, False, True),  # a handler
        (7, True, True),  # an inspector
        (8, False, False),  # anyone else
        (9, True, False),  # the petition concerns them: never, even as an inspector
    ],
)
def test_r_pet_8_who_sees_the_petitioners_identity(who, inspector, expected):
    seen = may_see_identity(
        user_id=who,
        is_inspector=inspector,
        registered_by_id=1,
        leader_id=2,
        handler_ids=[3, 4],
        concerned_ids=[9, 3] if who == 9 else [9],
    )
    assert seen is expected
