"""A real Celery worker process consumes from the real Redis broker and writes to the test
database."""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from township.celery import app


def worker_env(**extra):
    env = dict(os.environ)
    env["CACHE_KEY_PREFIX"] = settings.CACHES["default"]["KEY_PREFIX"]
    url = urlsplit(os.environ["DATABASE_URL"])
    env["DATABASE_URL"] = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    env["DJANGO_SETTINGS_MODULE"] = "township.settings"
    env["CELERY_TASK_ALWAYS_EAGER"] = "0"
    env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env.update(extra)
    return env


def start_worker(queue, *, pool="solo", **extra):
    """A worker on ``queue``.  ``pool="prefork"`` is the README's deployment (two pool processes
    forked from a main process); ``"solo"`` runs tasks in the one process.  The worker gets a
    session of its own, so ``kill_worker`` can take its pool processes down with it."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "township",
            "worker",
            "-Q",
            queue,
            f"--pool={pool}",
            "--concurrency=2" if pool == "prefork" else "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        env=worker_env(**extra),
        cwd=settings.BASE_DIR,
        start_new_session=True,
    )


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kill_worker(proc)


def kill_worker(proc):
    """SIGKILL the worker's main process and every pool process it forked."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=20)


@pytest.fixture
def real_worker(transactional_db):
    queue = f"test-{os.getpid()}"
    proc = start_worker(queue, pool="prefork")
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        app.conf.task_always_eager = True
        stop(proc)


@pytest.mark.worker
def test_real_worker_executes_a_task_against_the_database(real_worker):
    from conftest import build_org
    from township.models import Notification
    from township.tasks import send_notification_email

    org = build_org()
    note = Notification.objects.create(recipient=org.staff, text="hello", url="/")
    result = send_notification_email.apply_async(args=[note.pk], queue=real_worker)
    result.get(timeout=60)
    note.refresh_from_db()
    assert note.emailed_at is not None
    deadline = time.time() + 30
    while time.time() < deadline:
        if app.control.ping(timeout=1):
            break
    assert app.control.ping(timeout=2)


def _parent_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def _is_dead(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _wait_until(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


def _backend_state(backend_pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", [backend_pid])
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_appraisal_worker_killed_inside_the_report_transaction_leaves_nothing_and_one_report_after_restart():
    """R-SUP-3 / issue 12: acks_late + reject_on_worker_lost, and the report written in ONE
    transaction.  The README's prefork worker is killed while that transaction is open (every row
    written, nothing committed): nothing of the period is left, and a restarted worker, handed the
    redelivered message, writes exactly one complete report."""
    from django.core.cache import cache

    from conftest import build_org
    from township.models import AppraisalReport, AppraisalScore, DepartmentScore, User
    from township.models.supervision import Indicator
    from township.tasks import _progress_key, compute_appraisal

    org = build_org()
    people = set(User.objects.filter(township=org.township).values_list("pk", flat=True))
    assert len(people) == 10
    of_period = {"township": org.township, "period": "quarter", "year": 2026, "number": 1}
    in_transaction = _progress_key(org.township.pk, "quarter", 2026, 1) + ":in-transaction"
    queue = f"kill-{os.getpid()}-{int(time.time())}"
    # The first worker waits inside the transaction; it never redelivers to itself meanwhile
    # (the default visibility timeout of an hour).
    first = start_worker(queue, pool="prefork", APPRAISAL_PAUSE_IN_TRANSACTION="300")
    app.conf.task_always_eager = False
    second = None
    try:
        compute_appraisal.apply_async(args=[org.township.pk, 2026, 1], queue=queue)
        _wait_until(
            lambda: cache.get(in_transaction) or first.poll() is not None,
            120,
            "the worker never reached the end of the report transaction",
        )
        where = cache.get(in_transaction)
        assert where, "the worker stopped before reaching the report transaction"
        # A pool process of the prefork worker runs it, inside its transaction, with every score
        # written, and none of it is visible from outside.
        assert where["pid"] != first.pid and _parent_of(where["pid"]) == first.pid
        assert where["scores"] == 10
        assert _backend_state(where["backend_pid"]) == "idle in transaction"
        assert not AppraisalReport.objects.filter(**of_period).exists()

        # The worker dies: its main process frozen first (it can neither requeue nor fork a new
        # pool process), the pool process in the transaction killed, then the rest of the worker.
        os.kill(first.pid, signal.SIGSTOP)
        os.kill(where["pid"], signal.SIGKILL)
        _wait_until(lambda: _is_dead(where["pid"]), 20, "the pool process survived SIGKILL")
        _wait_until(
            lambda: _backend_state(where["backend_pid"]) is None,
            20,
            "PostgreSQL kept the killed worker's session (and its transaction) open",
        )
        kill_worker(first)

        # No worker runs: nothing of the period was committed.
        assert not AppraisalReport.objects.filter(**of_period).exists()
        assert not AppraisalScore.objects.filter(report__township=org.township).exists()
        assert not DepartmentScore.objects.filter(report__township=org.township).exists()

        second = start_worker(
            queue,
            pool="prefork",
            CELERY_VISIBILITY_TIMEOUT="4",
            CELERY_UNACKED_RESTORE_INTERVAL="1",
            CELERY_UNACKED_RESTORE_THROTTLE="1",
        )
        _wait_until(
            lambda: AppraisalReport.objects.filter(**of_period).exists(),
            120,
            "the redelivered task never produced the report",
        )
        time.sleep(3)  # a second, duplicate delivery would have written by now
        report = AppraisalReport.objects.get(**of_period)
        assert report.version == 1
        scores = list(report.scores.all())
        assert {s.person_id for s in scores} == people
        codes = {code.value for code in Indicator}
        assert all(set(s.details) >= codes for s in scores)
        assert list(report.department_scores.values_list("department_id", "people")) == [
            (org.department.pk, 10)
        ]
    finally:
        app.conf.task_always_eager = True
        if first.poll() is None:
            kill_worker(first)
        if second is not None:
            stop(second)
