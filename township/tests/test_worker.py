"""A real Celery worker process consumes from the real Redis broker and writes to the test
database."""

import os
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


def start_worker(queue, **extra):
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
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        env=worker_env(**extra),
        cwd=settings.BASE_DIR,
    )


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def real_worker(transactional_db):
    queue = f"test-{os.getpid()}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "township",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        env=worker_env(),
        cwd=settings.BASE_DIR,
    )
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        app.conf.task_always_eager = True
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


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


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_appraisal_worker_killed_halfway_leaves_no_report_and_finishes_when_a_worker_returns():
    """R-SUP-3 / issue 9: acks_late + reject_on_worker_lost; the report is written in one
    transaction at the end, so a killed worker leaves nothing and the redelivered message
    produces the report."""
    import signal

    from django.core.cache import cache

    from conftest import build_org
    from township.models import AppraisalReport
    from township.tasks import _progress_key, compute_appraisal

    org = build_org()
    queue = f"kill-{os.getpid()}-{int(time.time())}"
    key = _progress_key(org.township.pk, "quarter", 2026, 1)
    cache.delete(key)
    first = start_worker(queue, APPRAISAL_PAUSE_BEFORE_WRITE="30", CELERY_VISIBILITY_TIMEOUT="4")
    app.conf.task_always_eager = False
    second = None
    try:
        compute_appraisal.apply_async(args=[org.township.pk, 2026, 1], queue=queue)
        deadline = time.time() + 60
        while time.time() < deadline and (cache.get(key) or {}).get("done", 0) < 3:
            time.sleep(0.2)
        assert (cache.get(key) or {}).get("done") == 3, "the worker never reached the write"
        first.send_signal(signal.SIGKILL)  # killed halfway, before the report is written
        first.wait(timeout=10)
        assert not AppraisalReport.objects.exists()
        second = start_worker(
            queue,
            CELERY_VISIBILITY_TIMEOUT="4",
            CELERY_UNACKED_RESTORE_INTERVAL="1",
            CELERY_UNACKED_RESTORE_THROTTLE="1",
        )
        deadline = time.time() + 90
        while time.time() < deadline and not AppraisalReport.objects.exists():
            time.sleep(0.5)
        report = AppraisalReport.objects.get()
        from township.models import User

        assert report.scores.count() == User.objects.filter(township=org.township).count()
        assert AppraisalReport.objects.count() == 1
    finally:
        app.conf.task_always_eager = True
        if first.poll() is None:
            first.kill()
        if second is not None:
            stop(second)
