"""The small interfaces through which apps answer each other's questions without importing each
other (STYLE.md): each app registers in its AppConfig.ready(); the core and other apps ask.

- ``nav``: navigation entries by role;
- ``home_panels``: "what needs me today" panels on the home page;
- ``demo_seeders``: the parts of ``manage.py seed_demo``;
- ``answer``/``ask``: named questions (e.g. "fieldwork_days": who was in the villages on which
  days), answered by whichever apps are installed.

The questions are typed contracts declared here, in ``QUESTIONS``: the keyword arguments the
askers pass, the shape of one answer (a type expression built from the TypedDicts below, which
stay plain dicts at run time) and how many answers the question takes (``ONE``: exactly one,
the core cannot do without it; ``AT_MOST_ONE``: the asker shows nothing when no app answers, and
would silently drop a second answer; ``ANY``: the asker merges every answer).  ``answer()`` and
``ask()`` refuse a question that is not declared; ``township.checks`` fails at start when a
question has too many or too few answers, an answer does not take the question's arguments, or
a question is declared but never asked; ``conforms()`` lets each app's tests check that its
answers have exactly the declared keys and types.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class NavItem:
    label: object
    url_name: str
    icon: str = "circle"
    roles: tuple[str, ...] | None = None  # None: everyone signed in
    order: int = 50
    badge: Callable | None = None  # badge(user) -> int
    section: str = "main"  # "admin": the Manage menu (core settings pages)
    group: str | None = None  # items of one group share a dropdown; default: the URL namespace


NAV: list[NavItem] = []
HOME_PANELS: list[tuple[int, Callable]] = []
DEMO_SEEDERS: list[tuple[int, str, Callable]] = []
ANSWERS: dict[str, list[Callable]] = {}


def nav(*items: NavItem) -> None:
    NAV.extend(items)
    NAV.sort(key=lambda i: i.order)


def home_panel(order: int = 50):
    def deco(func):
        HOME_PANELS.append((order, func))
        HOME_PANELS.sort(key=lambda p: p[0])
        return func

    return deco


def demo_seeder(order: int, name: str):
    def deco(func):
        DEMO_SEEDERS.append((order, name, func))
        DEMO_SEEDERS.sort(key=lambda s: s[0])
        return func

    return deco


# --- the questions -----------------------------------------------------------------------------


class AttendanceFigures(TypedDict):
    """One person's attendance over a period (conduct; R-ATT-2/3, R-LOG-1)."""

    working_days: int
    present: int
    late: int
    early: int
    absent: int
    leave_days: Decimal
    logs: int


class FieldworkFigures(TypedDict):
    """One person's field work of a year up to a date (fieldwork; R-FLD-1/2/3/6)."""

    village_days: Decimal
    target: Decimal
    prorated_target: Decimal
    topics: int
    topics_target: int
    reports: int
    reports_target: int
    pairings: int
    pairings_target: int


class MeetingMonth(TypedDict):
    month: dt.date
    counts: dict[str, int]
    caps: dict[str, int]
    over: list[str]


class MeetingDepartment(TypedDict):
    department_id: int
    department: str
    count: int


class MeetingSummary(TypedDict):
    """The meetings of a period (meetings; R-MTG-2/3)."""

    months: list[MeetingMonth]
    totals: dict[str, int]
    average_minutes: float | None
    overrides: int
    refusals: int
    by_department: list[MeetingDepartment]


class PetitionCounts(TypedDict):
    received: int
    accepted: int
    on_time: int
    overdue: int
    satisfied: int


class PetitionSummary(PetitionCounts):
    """The petition cases registered in a period (petitions; R-PET-3), by leader and department."""

    by_leader: dict[int, PetitionCounts]
    by_department: dict[int, PetitionCounts]


class SpendingLine(TypedDict):
    label: str
    budget: Decimal
    spent: Decimal


class SpendingTotals(TypedDict):
    budget: Decimal
    spent: Decimal


class SpendingSummary(TypedDict):
    """A year's (or a quarter's) approved spending against the year's budget (reception)."""

    township_id: int
    year: int
    quarter: int | None
    categories: dict[str, SpendingLine]
    three_public: SpendingTotals
    over_budget: list[str]


class ReceptionDay(TypedDict):
    """A published leader reception day (petitions; R-PET-6)."""

    weekday: str
    place: str
    leader_name: str


# --- cross-record checks (township.crosschecks, R-XCK-1..8) ---------------------------------------
# Each question takes (township_id, start, end) and answers every record of the township dated in
# [start, end] in a fixed number of queries, whatever the township's size.  ``url`` is the record's
# page ("" when it has none).  Halves of a day are "full", "am" or "pm".


class PunchFact(TypedDict):
    """One punch (conduct): where and on what it was made."""

    id: int
    person_id: int
    at: dt.datetime
    source: str  # "browser" | "device" | "correction"
    device: str  # the attendance machine, or the browser's token ("" when unknown)
    latitude: Decimal | None
    longitude: Decimal | None
    distance_m: int | None  # from the township office
    outside_radius: bool


class AbsenceFact(TypedDict):
    """A person's approved absence on one date (conduct): one row per person, date and record."""

    kind: str  # "leave" | "trip"
    id: int
    person_id: int
    date: dt.date
    half: str  # the half of the date it takes
    label: str  # the kind of leave or the trip's destination (user data)
    url: str


class VisitFact(TypedDict):
    """A village visit (fieldwork)."""

    id: int
    person_id: int
    date: dt.date
    half: str
    transport: str  # fieldwork.models.Transport values
    village: str
    url: str


class DayRecordFact(TypedDict):
    """Something a person did on a date: a work log (conduct), a meeting attended (meetings), a
    reception accompanied (reception)."""

    kind: str  # "work_log" | "meeting" | "reception"
    id: int
    person_id: int
    date: dt.date
    label: str
    url: str


class ExpenseFact(TypedDict):
    """An expense awaiting approval or approved (reception); ``person_id`` is who claimed it."""

    id: int
    person_id: int
    spent_on: dt.date
    payee: str
    category: str
    amount: Decimal
    is_fuel: bool
    transport: str  # "" | "official_vehicle" | "private_car" | "public"
    village_visit: bool
    url: str


class VehicleUseFact(TypedDict):
    """One use of an official vehicle (reception), by its driver."""

    id: int
    person_id: int
    departs_at: dt.datetime
    plate: str
    url: str


class MealFact(TypedDict):
    """A reception or a meeting with a meal (reception, meetings)."""

    kind: str  # "reception" | "meeting"
    id: int
    person_id: int  # the reception's handler, the meeting's requester
    start_date: dt.date
    end_date: dt.date
    ends_at: dt.datetime | None  # when the meeting ends; None for a reception (no times kept)
    in_canteen: bool
    visiting_unit: str  # "" for a meeting
    label: str
    url: str
    off_hours_reason: str  # the reason stated for a meal off working days or hours ("" when none)


class Cardinality(enum.Enum):
    ONE = "exactly one answer"
    AT_MOST_ONE = "at most one answer"
    ANY = "any number of answers"


ONE, AT_MOST_ONE, ANY = Cardinality.ONE, Cardinality.AT_MOST_ONE, Cardinality.ANY


@dataclass(frozen=True)
class Question:
    answer_type: Any  # the shape of ONE answer: a TypedDict, dict[K, V], list[T], ...
    cardinality: Cardinality
    arguments: tuple[str, ...]  # keyword arguments every asker passes
    optional: tuple[str, ...] = ()  # keyword arguments an asker may pass


QUESTIONS: dict[str, Question] = {
    # Attendance's "in the villages" day status; several answers are merged (the larger share).
    "fieldwork_days": Question(dict[tuple[int, dt.date], Decimal], ANY, ("township_id", "start", "end")),
    # The appraisal cannot rank without these: exactly one app answers each.
    "attendance_summary": Question(dict[int, AttendanceFigures], ONE, ("township_id", "start", "end")),
    "fieldwork_summary": Question(dict[int, FieldworkFigures], ONE, ("township_id", "year", "on")),
    "petition_summary": Question(PetitionSummary, ONE, ("township_id", "start", "end")),
    # Dashboard widgets: no app, no widget.
    "meeting_summary": Question(MeetingSummary, AT_MOST_ONE, ("township_id", "start", "end")),
    "spending_summary": Question(SpendingSummary, AT_MOST_ONE, ("township_id", "year"), ("quarter",)),
    # The public village pages list every answering app's reception days.
    "reception_days": Question(list[ReceptionDay], ANY, ("township_id",)),
    # A past day turned working or rest (township.calendar_services): every app that keeps day
    # statuses recomputes those it has already computed for these dates; answer: days recomputed.
    "day_statuses_recompute": Question(int, ANY, ("township_id", "dates")),
    # Cross-record checks (township.crosschecks): every app keeping such records answers.
    "xck_punches": Question(list[PunchFact], ANY, ("township_id", "start", "end")),
    "xck_absences": Question(list[AbsenceFact], ANY, ("township_id", "start", "end")),
    "xck_visits": Question(list[VisitFact], ANY, ("township_id", "start", "end")),
    "xck_day_records": Question(list[DayRecordFact], ANY, ("township_id", "start", "end")),
    "xck_expenses": Question(list[ExpenseFact], ANY, ("township_id", "start", "end")),
    "xck_vehicle_uses": Question(list[VehicleUseFact], ANY, ("township_id", "start", "end")),
    "xck_meals": Question(list[MealFact], ANY, ("township_id", "start", "end")),
}


def answer(question: str, func: Callable) -> None:
    if question not in QUESTIONS:
        raise ImproperlyConfigured(f"No question {question!r} is declared in township.hooks.QUESTIONS.")
    ANSWERS.setdefault(question, []).append(func)


def ask(question: str, **kwargs) -> list:
    if question not in QUESTIONS:
        raise LookupError(f"No question {question!r} is declared in township.hooks.QUESTIONS.")
    return [func(**kwargs) for func in ANSWERS.get(question, [])]


# --- checking an answer's shape ------------------------------------------------------------------


def mismatches(value: Any, shape: Any, where: str = "answer") -> list[str]:
    """Where ``value`` departs from the type expression ``shape``: a TypedDict must have exactly
    its keys (none missing, none extra), each value of its declared type; dict[K, V], list[T],
    tuple[...], unions (``X | None``) and plain classes are followed.  An int is not a bool and a
    date is not a datetime here, as the askers' arithmetic and grouping would notice."""
    if shape is Any:
        return []
    if shape is None or shape is type(None):
        return [] if value is None else [f"{where}: {value!r} is not None"]
    if typing.is_typeddict(shape):
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__} is not a {shape.__name__} (a dict)"]
        problems = []
        hints = typing.get_type_hints(shape)
        missing = sorted(shape.__required_keys__ - value.keys())
        extra = sorted(value.keys() - hints.keys(), key=repr)
        if missing:
            problems.append(f"{where}: {shape.__name__} lacks {', '.join(missing)}")
        if extra:
            problems.append(f"{where}: {shape.__name__} has no key {', '.join(map(repr, extra))}")
        for key, hint in hints.items():
            if key in value:
                problems += mismatches(value[key], hint, f"{where}[{key!r}]")
        return problems
    origin, args = typing.get_origin(shape), typing.get_args(shape)
    if origin in (typing.Union, types.UnionType):
        found = [mismatches(value, alternative, where) for alternative in args]
        return [] if any(not f for f in found) else [p for f in found for p in f]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__} is not a dict"]
        key_type, value_type = args or (Any, Any)
        problems = []
        for key, item in value.items():
            problems += mismatches(key, key_type, f"{where} key {key!r}")
            problems += mismatches(item, value_type, f"{where}[{key!r}]")
        return problems
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__} is not a list"]
        (item_type,) = args or (Any,)
        return [p for i, item in enumerate(value) for p in mismatches(item, item_type, f"{where}[{i}]")]
    if origin is tuple:
        if not isinstance(value, tuple) or len(value) != len(args):
            return [f"{where}: {value!r} is not a tuple of {len(args)}"]
        return [
            p
            for i, (item, t) in enumerate(zip(value, args, strict=True))
            for p in mismatches(item, t, f"{where}[{i}]")
        ]
    if isinstance(shape, type):
        wrong = (
            not isinstance(value, shape)
            or (shape is int and isinstance(value, bool))
            or (shape is dt.date and isinstance(value, dt.datetime))
        )
        return [f"{where}: {value!r} is not a {shape.__name__}"] if wrong else []
    raise TypeError(f"township.hooks cannot check a value against {shape!r}")


def conforms(value: Any, shape: Any) -> bool:
    """True when ``value`` has exactly the shape ``shape`` (see ``mismatches``)."""
    return not mismatches(value, shape)


@dataclass
class Panel:
    title: object
    template: str
    context: dict = field(default_factory=dict)
