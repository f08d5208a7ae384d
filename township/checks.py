"""System checks (``manage.py check``, run before every server start, migrate and CI's deploy check).

The core's questions (township.hooks.QUESTIONS) are contracts; a broken one fails at start instead
of giving a wrong appraisal months later:

- township.E010: a question has fewer or more answers than it takes (its cardinality);
- township.E011: an app answers a question that is not declared;
- township.E012: a declared question is never asked (outside tests): a dead answer;
- township.E013: the code asks a question that is not declared, or with other arguments than the
  question's;
- township.E014: an answer does not take the question's arguments.

Who asks what is read from the source (every ``ask("name", ...)`` call of the project's apps,
tests and migrations left out), so a question cannot be declared "for later".
"""

from __future__ import annotations

import ast
import inspect
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register


@dataclass(frozen=True)
class AskCall:
    question: str
    where: str  # path:line
    keywords: frozenset[str]
    open_keywords: bool  # ask("q", **kwargs): the keywords cannot be read


def _source_files() -> list[Path]:
    """The .py files of the project's own apps, without tests and migrations."""
    base = Path(settings.BASE_DIR).resolve()
    files: set[Path] = set()
    for config in apps.get_app_configs():
        root = Path(config.path).resolve()
        if base not in root.parents:
            continue  # Django's and third-party apps
        for path in root.rglob("*.py"):
            parts = path.relative_to(base).parts
            if "tests" in parts or "migrations" in parts or path.name.startswith(("test_", "conftest")):
                continue
            files.add(path)
    return sorted(files)


def ask_calls(files: list[Path] | None = None) -> list[AskCall]:
    """Every ``ask("name", ...)`` / ``hooks.ask("name", ...)`` call in the given files (the
    project's apps by default); docstrings and comments do not count."""
    base = Path(settings.BASE_DIR).resolve()
    calls = []
    for path in _source_files() if files is None else files:
        text = path.read_text(encoding="utf-8")
        if "ask(" not in text:
            continue
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name != "ask" or not node.args:
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            try:
                shown = path.relative_to(base)
            except ValueError:
                shown = path
            calls.append(
                AskCall(
                    question=first.value,
                    where=f"{shown}:{node.lineno}",
                    keywords=frozenset(k.arg for k in node.keywords if k.arg),
                    open_keywords=any(k.arg is None for k in node.keywords),
                )
            )
    return calls


def _name(func) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


def check_questions(*, questions=None, answers=None, calls=None) -> list[Error]:
    """The checks themselves, on the registries given (the real ones by default)."""
    from township import hooks

    questions = hooks.QUESTIONS if questions is None else questions
    answers = hooks.ANSWERS if answers is None else answers
    calls = ask_calls() if calls is None else calls
    errors = []
    for name, question in questions.items():
        given = answers.get(name, [])
        n = len(given)
        card = question.cardinality
        if (card is hooks.ONE and n != 1) or (card is hooks.AT_MOST_ONE and n > 1):
            errors.append(
                Error(
                    f"The question {name!r} takes {card.value} but has {n}: "
                    f"{', '.join(map(_name, given)) or 'no app answers it'}.",
                    hint="Install the app that answers it, or remove the extra answer() call.",
                    obj=name,
                    id="township.E010",
                )
            )
        wanted = question.arguments + question.optional
        for func in given:
            try:
                inspect.signature(func).bind(**dict.fromkeys(wanted))
            except TypeError:
                errors.append(
                    Error(
                        f"The answer {_name(func)} to {name!r} does not take the arguments "
                        f"{', '.join(wanted)}.",
                        obj=name,
                        id="township.E014",
                    )
                )
    for name, given in answers.items():
        if name not in questions and given:
            errors.append(
                Error(
                    f"{', '.join(map(_name, given))} answer(s) the question {name!r}, which nobody declared.",
                    hint="Declare it in township.hooks.QUESTIONS, with its answer's shape and cardinality.",
                    obj=name,
                    id="township.E011",
                )
            )
    asked = defaultdict(list)
    for call in calls:
        asked[call.question].append(call)
    for name in questions:
        if not asked.get(name):
            errors.append(
                Error(
                    f"The question {name!r} is declared but never asked.",
                    hint="Remove the question and its answers, or ask it where it is needed.",
                    obj=name,
                    id="township.E012",
                )
            )
    for name, found in sorted(asked.items()):
        question = questions.get(name)
        for call in found:
            if question is None:
                errors.append(
                    Error(f"{call.where} asks {name!r}, which nobody declared.", obj=name, id="township.E013")
                )
            elif not call.open_keywords and not (
                set(question.arguments) <= call.keywords <= set(question.arguments + question.optional)
            ):
                errors.append(
                    Error(
                        f"{call.where} asks {name!r} with {', '.join(sorted(call.keywords)) or 'no arguments'}; "
                        f"the question takes {', '.join(question.arguments)}"
                        + (f" (optionally {', '.join(question.optional)})" if question.optional else "")
                        + ".",
                        obj=name,
                        id="township.E013",
                    )
                )
    return errors


@register()
def hooks_check(app_configs=None, **kwargs) -> list[Error]:
    return check_questions()
