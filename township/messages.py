"""Text shown to people, stored as a message id with parameters and rendered in the reader's
language (STYLE.md).

A finding, a notification or an approval request's summary is written once, by a job or a request
in whatever language was active then, and read later by people reading in either language.  So
the row keeps the message id (the English source string) and its parameters, and each page renders
them in its own language::

    from django.utils.translation import gettext_noop

    from township.messages import msg

    text = msg(gettext_noop("%(name)s: arrived %(n)d min late"), name=person.full_name, n=31)
    text.render()  # in the active language
    row.message = text.to_json()

Write the id as a literal ``gettext_noop("...")`` call at the call site (not an alias of it):
``makemessages`` finds ids by that function name, and a message id it cannot see is never
translated.

Parameters are plain values (names of people and places, numbers, user data: never translated),
dates and times (formatted when rendered), or messages themselves (a status label: pass the
model's lazy label, e.g. ``ApprovalStatus.APPROVED.label``, or another ``msg(...)``), rendered in
the same language as the message around them.  Anything else is turned into its ``str()`` at once.
A lazy label is stored by its message id; a ``pgettext_lazy`` label loses its context (none of the
labels passed today has one).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, override, pgettext
from django.utils.translation.trans_real import CONTEXT_SEPARATOR

log = logging.getLogger(__name__)


class Message:
    """A message id (the English source) and its parameters."""

    __slots__ = ("id", "params")

    def __init__(self, message_id: str, params: dict | None = None):
        self.id = str(message_id)
        self.params = {str(k): _param(v) for k, v in (params or {}).items()}

    def render(self) -> str:
        """The text in the active language (the source text if a translation does not fit its
        parameters, so a translator's slip never becomes an error page)."""
        values = {k: _render(v) for k, v in self.params.items()}
        context, _sep, source = self.id.rpartition(CONTEXT_SEPARATOR)
        translated = pgettext(context, source) if context else gettext(source)
        if not values:
            return translated
        try:
            return translated % values
        except (KeyError, ValueError, TypeError):
            log.warning("translation of %r does not fit its parameters", self.id)
            return source % values

    def to_json(self) -> dict:
        return {"id": self.id, "params": {k: _encode(v) for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, data: dict) -> Message:
        obj = cls.__new__(cls)
        obj.id = str(data["id"])
        obj.params = {str(k): _decode(v) for k, v in (data.get("params") or {}).items()}
        return obj

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.id!r}, {self.params!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and (self.id, self.params) == (other.id, other.params)

    def __hash__(self) -> int:
        return hash(self.id)


def msg(message_id: str, /, **params) -> Message:
    """``msg(gettext_noop("Petition %(no)s: reply due %(due)s"), no=..., due=...)``."""
    return Message(message_id, params)


def message_json(text) -> dict | None:
    """What a model's message field stores for ``text``: a Message's JSON, nothing for plain
    text (which stays as it was written, e.g. typed by a person)."""
    return text.to_json() if isinstance(text, Message) else None


def source_text(text) -> str:
    """What to store for a short label (an approval step's): a lazy label's message id, translated
    where it is shown (``{% translate step.label %}``); other text as it is."""
    value = _param(text)
    return value.id if isinstance(value, Message) else str(text)


def render_text(data: dict | None, fallback: str = "") -> str:
    """A stored message rendered in the active language; ``fallback`` (the text stored beside it)
    for rows written before messages were stored, or a message that cannot be read."""
    if not data:
        return fallback
    try:
        return Message.from_json(data).render()
    except (KeyError, ValueError, TypeError, AttributeError, InvalidOperation):
        log.warning("unreadable stored message %r", data)
        return fallback


# --- parameters ---------------------------------------------------------------------------------


def _param(value):
    if isinstance(value, Message | bool | int | float | str | Decimal | dt.date | dt.time) or value is None:
        return value  # dt.datetime is a dt.date
    if isinstance(value, Promise):
        # A lazy label: gettext_lazy's message id (what it yields with translation deactivated);
        # pgettext_lazy's keeps its context ("context\x04id", as gettext catalogues key it), or
        # "Registered" of a petition would be looked up without it and never translated.
        args = getattr(value, "_args", ())
        if len(args) == 2 and all(isinstance(a, str) for a in args):
            return Message(f"{args[0]}{CONTEXT_SEPARATOR}{args[1]}")
        with override(None):
            return Message(str(value))
    return str(value)


def _render(value):
    if isinstance(value, Message):
        return value.render()
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


def _encode(value):
    if isinstance(value, Message):
        return {"msg": value.to_json()}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return value


def _decode(value):
    if not isinstance(value, dict):
        return value
    ((kind, raw),) = value.items()
    return {
        "msg": Message.from_json,
        "datetime": dt.datetime.fromisoformat,
        "date": dt.date.fromisoformat,
        "time": dt.time.fromisoformat,
        "decimal": Decimal,
    }[kind](raw)
