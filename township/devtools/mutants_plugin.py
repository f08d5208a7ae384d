"""pytest plugin for `make mutants` (loaded with ``-p`` from setup.cfg, only inside mutmut runs).

mutmut forks one process per mutant and runs up to ``--max-children`` of them at once.  Two runs
sharing one test database could block each other on unique rows or see each other's flushes, and
the cache's ``clear()`` empties a whole Redis database.  So each running pytest takes a free slot
(an exclusive lock file) and uses that slot's own test database (pytest-django's TOX_PARALLEL_ENV
kept between runs by --reuse-db) and its own Redis database.

Two more things make a mutant run cost its tests and little else:

- The slot databases are created and migrated once per module, before the mutants run
  (``prepare``), so a mutant's pytest does not run ``migrate`` again (Django's keepdb set-up
  still walks every migration and runs every post_migrate handler: seconds per mutant): its
  database set-up only points the connection at the slot's database.
- Transactional tests (``django_db(transaction=True)``, ``transactional_db``, ``live_server``) are
  left out: pytest-django empties the database after each of them, which would take the rows
  the data migrations wrote (the role groups, ...) away from every later run on that slot, and
  they test locks, concurrency and faults, not the arithmetic a mutant changes.
"""

from __future__ import annotations

import fcntl
import os
import re

SLOTS = 8
_held = None


def _take_slot() -> int:
    global _held
    lock_dir = os.environ.get("MUTANTS_LOCK_DIR", "/tmp")
    for slot in range(SLOTS):
        f = open(os.path.join(lock_dir, f"township-mutants-slot-{slot}.lock"), "w")  # noqa: SIM115
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            continue
        _held = f
        return slot
    raise RuntimeError("make mutants: no free test-database slot")


def pytest_configure(config):
    config._mutants_slot = _take_slot()


def pytest_sessionstart(session):
    """Point the test database and the cache at this slot's own (settings are already loaded:
    pytest-django sets Django up before the session; mutmut forks from a process that ran pytest
    before, so the names are set outright, never appended to)."""
    from asgiref.local import Local
    from django.conf import settings
    from django.core.cache import caches

    slot = session.config._mutants_slot
    test_db = os.environ.get("MUTANTS_TEST_DB", "test_township_mutants")
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{test_db}_slot{slot}"

    base = int(os.environ.get("MUTANTS_REDIS_DB_BASE", "8"))
    location = settings.CACHES["default"]["LOCATION"]
    if "db=" in location:
        location = re.sub(r"db=\d+", f"db={base + slot}", location)
    else:
        location += ("&" if "?" in location else "?") + f"db={base + slot}"
    settings.CACHES["default"]["LOCATION"] = location
    caches.__dict__.pop("settings", None)
    caches._connections = Local(caches.thread_critical)

    import django.test.utils

    global _django_setup_databases
    if django.test.utils.setup_databases is not _prepared_databases:
        _django_setup_databases = django.test.utils.setup_databases
        django.test.utils.setup_databases = _prepared_databases


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    dropped = [item for item in items if _transactional(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not _transactional(item)]


_django_setup_databases = None


def _prepared_databases(*args, **kwargs):
    """Stands in for django.test.utils.setup_databases (which pytest-django's django_db_setup
    calls): the slot's database exists and is migrated (``prepare``); use it as it is.  A slot
    ``prepare`` did not make (more parallel runs than it expected) gets Django's own set-up."""
    from django.conf import settings
    from django.db import OperationalError, connections

    connection = connections["default"]
    old, name = connection.settings_dict["NAME"], connection.settings_dict["TEST"]["NAME"]
    connection.close()
    settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = name
    try:
        connection.ensure_connection()
    except OperationalError:
        connection.close()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = old
        return _django_setup_databases(*args, **kwargs)
    return []


def pytest_unconfigure(config):
    global _held
    if _held is not None:
        fcntl.flock(_held, fcntl.LOCK_UN)
        _held.close()
        _held = None


def prepare(slot: int) -> None:
    """Create or migrate slot ``slot``'s test database (run from the project, not from mutants/)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "township.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    test_db = os.environ.get("MUTANTS_TEST_DB", "test_township_mutants")
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{test_db}_slot{slot}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)
    from django.contrib.auth.models import Group

    if not Group.objects.exists():
        # emptied by a transactional test of a run before they were left out: the data
        # migrations' rows are gone, so make the database again
        connection.close()
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)


if __name__ == "__main__":
    import sys

    prepare(int(sys.argv[1]))
