"""The core's questions as typed contracts (township.hooks.QUESTIONS) and the start-up check that
keeps them (township.checks).  The registries are module globals: every test that touches them
restores them."""

import datetime as dt
import typing
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from township import hooks
from township.checks import ask_calls, check_questions
from township.hooks import (
    ANSWERS,
    ANY,
    AT_MOST_ONE,
    ONE,
    QUESTIONS,
    AttendanceFigures,
    PetitionCounts,
    Question,
    answer,
    ask,
    conforms,
    mismatches,
)


@pytest.fixture
def registry():
    """ANSWERS and QUESTIONS as they were, whatever the test does to them."""
    answers = {q: list(funcs) for q, funcs in ANSWERS.items()}
    questions = dict(QUESTIONS)
    yield
    ANSWERS.clear()
    ANSWERS.update(answers)
    QUESTIONS.clear()
    QUESTIONS.update(questions)


def ids(errors: list[Error]) -> list[tuple[str, str]]:
    return sorted((e.id, e.obj) for e in errors)


def summary(*, township_id, start, end):
    return {}


# --- the project as installed ----------------------------------------------------------------------


def test_the_installed_apps_keep_every_contract():
    assert check_questions() == []


def test_every_declared_question_is_asked_by_the_code_not_by_tests():
    calls = ask_calls()
    assert {c.question for c in calls} == set(QUESTIONS)
    assert not any("/tests/" in c.where or c.where.startswith("conftest") for c in calls)
    # meetings/hooks.py shows ask("meeting_summary", ...) in its docstring: that is no ask.
    assert not any(c.where.startswith("meetings/hooks.py") for c in calls)


def test_the_declared_cardinalities():
    assert {name: q.cardinality for name, q in QUESTIONS.items()} == {
        "fieldwork_days": ANY,
        "attendance_summary": ONE,
        "fieldwork_summary": ONE,
        "petition_summary": ONE,
        "meeting_summary": AT_MOST_ONE,
        "spending_summary": AT_MOST_ONE,
        "reception_days": ANY,
        "day_statuses_recompute": ANY,
        # the cross-record checks (township.crosschecks)
        "xck_punches": ANY,
        "xck_absences": ANY,
        "xck_visits": ANY,
        "xck_day_records": ANY,
        "xck_expenses": ANY,
        "xck_vehicle_uses": ANY,
        "xck_meals": ANY,
    }
    # conduct, meetings and reception each have day records; reception and meetings have meals.
    assert {name: len(ANSWERS.get(name, [])) for name in QUESTIONS} == {
        **dict.fromkeys(QUESTIONS, 1),
        "xck_day_records": 3,
        "xck_meals": 2,
    }


# --- answer() and ask() refuse what nobody declared ------------------------------------------------


def test_answer_refuses_an_undeclared_question(registry):
    with pytest.raises(ImproperlyConfigured, match="invented_summary"):
        answer("invented_summary", summary)
    assert "invented_summary" not in ANSWERS


def test_ask_refuses_an_undeclared_question():
    with pytest.raises(LookupError, match="leave_days"):
        ask("leave_days", township_id=1, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))


def test_ask_returns_one_result_per_answer_in_order(registry):
    ANSWERS["reception_days"] = [
        lambda *, township_id: [{"weekday": "Monday", "place": "Hall", "leader_name": f"L{township_id}"}],
        lambda *, township_id: [],
    ]
    assert ask("reception_days", township_id=7) == [
        [{"weekday": "Monday", "place": "Hall", "leader_name": "L7"}],
        [],
    ]


# --- the check, on fake registrations ----------------------------------------------------------------


def test_e010_a_question_that_takes_one_answer_has_none(registry):
    ANSWERS["attendance_summary"] = []
    assert ids(check_questions()) == [("township.E010", "attendance_summary")]


def test_e010_a_question_that_takes_one_answer_has_two(registry):
    answer("attendance_summary", summary)
    errors = check_questions()
    assert ids(errors) == [("township.E010", "attendance_summary")]
    assert "exactly one answer but has 2" in errors[0].msg


def test_e010_at_most_one_refuses_two_and_allows_none(registry):
    answer("meeting_summary", summary)
    assert ids(check_questions()) == [("township.E010", "meeting_summary")]
    ANSWERS["meeting_summary"] = []
    assert check_questions() == []


def test_any_number_takes_none_and_three(registry):
    ANSWERS["fieldwork_days"] = []
    assert check_questions() == []
    answer("fieldwork_days", summary)
    answer("fieldwork_days", summary)
    answer("fieldwork_days", summary)
    assert check_questions() == []


def test_e011_an_answer_to_a_question_nobody_declared(registry):
    ANSWERS["invented_summary"] = [summary]  # past answer(), which would refuse it
    assert ids(check_questions()) == [("township.E011", "invented_summary")]


def test_e012_a_declared_question_nobody_asks(registry):
    QUESTIONS["leave_days"] = Question(
        dict[tuple[int, dt.date], Decimal], AT_MOST_ONE, ("township_id", "start", "end")
    )
    answer("leave_days", summary)
    assert ids(check_questions()) == [("township.E012", "leave_days")]


def test_e013_asking_an_undeclared_question_or_with_other_arguments(tmp_path: Path):
    source = tmp_path / "asker.py"
    source.write_text(
        '"""ask("in_a_docstring", township_id=1) is no ask."""\n'
        "from township import hooks\n"
        "from township.hooks import ask\n"
        'ask("nobody_declared", township_id=1)\n'
        'hooks.ask("meeting_summary", township_id=1)\n'
        'ask("spending_summary", township_id=1, year=2026, quarter=2)\n'
        'ask("spending_summary", township_id=1, year=2026, month=2)\n'
        'ask("meeting_summary", **{"township_id": 1})\n',
        encoding="utf-8",
    )
    calls = ask_calls([source])
    assert [(c.question, c.where.rsplit(":", 1)[1]) for c in calls] == [
        ("nobody_declared", "4"),
        ("meeting_summary", "5"),
        ("spending_summary", "6"),
        ("spending_summary", "7"),
        ("meeting_summary", "8"),
    ]
    errors = [e for e in check_questions(calls=calls) if e.id == "township.E013"]
    assert sorted((e.obj, e.msg.split(" asks")[0].rsplit(":", 1)[1]) for e in errors) == [
        ("meeting_summary", "5"),  # start and end missing
        ("nobody_declared", "4"),
        ("spending_summary", "7"),  # month is no argument of the question
    ]


def test_e014_an_answer_that_does_not_take_the_arguments(registry):
    def wrong(*, township_id, year):
        return {}

    ANSWERS["meeting_summary"] = [wrong]
    assert ids(check_questions()) == [("township.E014", "meeting_summary")]
    ANSWERS["meeting_summary"] = [lambda **kwargs: {}]
    assert check_questions() == []


def test_spending_answer_must_also_take_the_optional_quarter(registry):
    ANSWERS["spending_summary"] = [lambda *, township_id, year: {}]
    assert ids(check_questions()) == [("township.E014", "spending_summary")]


def test_manage_py_check_fails_at_start_on_a_broken_contract(registry):
    ANSWERS["petition_summary"] = []
    with pytest.raises(SystemCheckError, match=r"township\.E010"):
        call_command("check")


# --- conforms(): exactly the declared keys and types ------------------------------------------------

FIGURES = {
    "working_days": 21,
    "present": 19,
    "late": 2,
    "early": 1,
    "absent": 1,
    "leave_days": Decimal("1.5"),
    "logs": 18,
}


def test_conforms_on_exact_keys_and_types():
    assert conforms(FIGURES, AttendanceFigures)
    assert conforms({7: FIGURES}, dict[int, AttendanceFigures])
    assert mismatches({k: v for k, v in FIGURES.items() if k != "logs"}, AttendanceFigures) == [
        "answer: AttendanceFigures lacks logs"
    ]
    assert mismatches({**FIGURES, "study": 3}, AttendanceFigures) == [
        "answer: AttendanceFigures has no key 'study'"
    ]
    assert mismatches({**FIGURES, "leave_days": 1}, AttendanceFigures) == [
        "answer['leave_days']: 1 is not a Decimal"
    ]
    assert mismatches({**FIGURES, "late": True}, AttendanceFigures) == ["answer['late']: True is not a int"]
    assert mismatches({"7": FIGURES}, dict[int, AttendanceFigures]) == ["answer key '7': '7' is not a int"]
    assert mismatches([FIGURES], dict[int, AttendanceFigures]) == ["answer: list is not a dict"]
    assert mismatches(FIGURES, PetitionCounts)[0].startswith("answer: PetitionCounts lacks accepted")


def test_conforms_follows_lists_tuples_and_optional_values():
    day = dt.date(2026, 3, 2)
    assert conforms({(7, day): Decimal("0.5")}, QUESTIONS["fieldwork_days"].answer_type)
    assert not conforms(
        {(7, dt.datetime(2026, 3, 2, 9, 0)): Decimal("1")},  # noqa: DTZ001 - a datetime is not a date
        QUESTIONS["fieldwork_days"].answer_type,
    )
    assert not conforms({(7,): Decimal("1")}, QUESTIONS["fieldwork_days"].answer_type)
    assert not conforms({7: Decimal("1")}, QUESTIONS["fieldwork_days"].answer_type)
    rows = [{"weekday": "Tuesday", "place": "Hall", "leader_name": "Wang"}]
    assert conforms(rows, QUESTIONS["reception_days"].answer_type)
    assert mismatches(
        [*rows, {"weekday": "Friday", "place": "Hall"}], QUESTIONS["reception_days"].answer_type
    ) == ["answer[1]: ReceptionDay lacks leader_name"]
    assert not conforms(tuple(rows), QUESTIONS["reception_days"].answer_type)
    assert conforms(None, float | None) and conforms(12.5, float | None)
    assert mismatches("12.5", float | None) == ["answer: '12.5' is not a float", "answer: '12.5' is not None"]
    assert mismatches(1, None) == ["answer: 1 is not None"]


def test_conforms_refuses_a_shape_it_cannot_check():
    with pytest.raises(TypeError):
        conforms(1, "int")


def test_the_shapes_are_plain_dicts_at_run_time():
    assert type(AttendanceFigures(**FIGURES)) is dict
    assert hooks.Cardinality.ONE.value == "exactly one answer"


class _Two(typing.TypedDict):
    a: int
    b: int


def test_mismatches_names_every_missing_and_extra_key_exactly():
    assert hooks.mismatches({1: 0, "z": 0}, _Two) == [
        "answer: _Two lacks a, b",
        "answer: _Two has no key 'z', 1",  # mixed key types sorted by their repr
    ]


def test_mismatches_reports_a_bad_key_and_a_bad_value_of_one_dict():
    problems = hooks.mismatches({"k": "v"}, dict[int, int], "fig")
    assert problems == ["fig key 'k': 'k' is not a int", "fig['k']: 'v' is not a int"]


def test_mismatches_of_a_union_keep_where_it_was():
    assert hooks.mismatches("x", int | None, "fig[3]") == [
        "fig[3]: 'x' is not a int",
        "fig[3]: 'x' is not None",
    ]


def test_nav_panels_and_seeders_are_kept_in_their_order(monkeypatch):
    monkeypatch.setattr(hooks, "NAV", [])
    monkeypatch.setattr(hooks, "HOME_PANELS", [])
    monkeypatch.setattr(hooks, "DEMO_SEEDERS", [])
    hooks.nav(hooks.NavItem("b", "b", order=20), hooks.NavItem("a", "a", order=10))
    hooks.nav(hooks.NavItem("c", "c", order=15))
    assert [i.url_name for i in hooks.NAV] == ["a", "c", "b"]

    def p1():
        pass

    def p2():
        pass

    assert hooks.home_panel(30)(p1) is p1 and hooks.home_panel()(p2) is p2
    hooks.home_panel(10)(p2)
    assert hooks.HOME_PANELS == [(10, p2), (30, p1), (50, p2)]
    assert hooks.demo_seeder(900, "late")(p1) is p1
    hooks.demo_seeder(100, "early")(p2)
    assert hooks.DEMO_SEEDERS == [(100, "early", p2), (900, "late", p1)]
