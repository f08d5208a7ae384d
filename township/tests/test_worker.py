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


def worker_env():
    env = dict(os.environ)
    url = urlsplit(os.environ["DATABASE_URL"])
    env["DATABASE_URL"] = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    env["DJANGO_SETTINGS_MODULE"] = "township.settings"
    env["CELERY_TASK_ALWAYS_EAGER"] = "0"
    env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    return env


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
