"""The small interfaces through which apps answer each other's questions without importing each
other (STYLE.md): each app registers in its AppConfig.ready(); the core and other apps ask.

- ``nav``: navigation entries by role;
- ``home_panels``: "what needs me today" panels on the home page;
- ``demo_seeders``: the parts of ``manage.py seed_demo``;
- ``answer``/``ask``: named questions (e.g. "fieldwork_days": who was in the villages on which
  days), answered by whichever apps are installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


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


def answer(question: str, func: Callable) -> None:
    ANSWERS.setdefault(question, []).append(func)


def ask(question: str, **kwargs) -> list:
    return [func(**kwargs) for func in ANSWERS.get(question, [])]


@dataclass
class Panel:
    title: object
    template: str
    context: dict = field(default_factory=dict)
