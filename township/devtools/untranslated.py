"""pytest plugin (loaded by the root conftest): every message a test shows is translated.

Each test records the message ids that gettext and pgettext look up while it runs (forms'
errors, services' refusals, templates' {% translate %}, stored messages rendered for a reader);
at its end, any id missing from the zh-Hans catalogue (the project's .po files merged with
Django's and the libraries') fails the test.  The project's catalogue is complete
(`make check-translations`), so an id that is missing is a message changed in the code and not
in the catalogue: Chinese readers would get English (or, under `make mutants`, a mutated text
that no test compared word for word).  A test about the message mechanism itself, which shows
ids no catalogue has on purpose, is marked ``any_message_id``.
"""

from __future__ import annotations

import pytest

_seen: set[str] | None = None


def _recording(real, key):
    def wrapper(*args):
        if _seen is not None:
            _seen.add(key(*args))
        return real(*args)

    wrapper.recording = True
    return wrapper


def _install() -> None:
    from django.utils.translation import _trans

    if getattr(_trans.gettext, "recording", False):
        return
    _trans.gettext = _recording(_trans.gettext, lambda message: message)
    _trans.pgettext = _recording(_trans.pgettext, lambda context, message: f"{context}\x04{message}")


def _catalog():
    from django.utils.translation import trans_real

    return trans_real.translation("zh-hans")._catalog


def _is_message(text) -> bool:
    return isinstance(text, str) and any(c.isalpha() for c in text)


@pytest.fixture(autouse=True)
def _messages_shown_are_translated(request):
    global _seen
    # Browser tests check their pages' language themselves (test_walkthroughs.py), from a server
    # thread this per-test record cannot tell apart.
    if request.node.get_closest_marker("any_message_id") or request.node.get_closest_marker("browser"):
        yield
        return
    try:
        from django.conf import settings

        if not settings.USE_I18N:
            yield
            return
    except Exception:  # noqa: BLE001 - no Django configured: nothing to check
        yield
        return
    _install()
    _seen = set()
    yield
    seen, _seen = _seen, None
    catalog = _catalog()
    missing = sorted(m for m in seen if _is_message(m) and m not in catalog)
    if missing:
        pytest.fail(
            "messages shown that the zh-Hans catalogue does not have (changed in the code and not "
            f"in locale/, or never translated): {missing}",
            pytrace=False,
        )
