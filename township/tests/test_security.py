import pytest
from django.test import Client


def test_lockout_after_repeated_failures(org, settings):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": org.staff.username, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": org.staff.username, "password": "pass-12345"})
    assert response.status_code == 429
    # Another person on the same IP is not locked out (username and IP together).
    other = client.post("/accounts/login/", {"username": org.colleague.username, "password": "pass-12345"})
    assert other.status_code == 302


def test_login_page_is_chinese_by_default(db):
    page = Client().get("/accounts/login/")
    assert "登录" in page.content.decode()


def test_idle_session_is_logged_out(org, login, settings):
    import time

    client = login(org.staff)
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    assert client.get("/").status_code == 302


def test_admin_only_for_administrators_and_inspectors(org, login):
    assert login(org.staff).get("/admin/").status_code == 302
    assert login(org.admin).get("/admin/").status_code == 200
    assert login(org.inspector).get("/admin/").status_code == 200


def test_pages_send_a_strict_csp(org, login):
    response = login(org.staff).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_healthz_ok(db, settings):
    settings.HEALTHZ_TOKEN = "monitor-token-" + "x" * 20
    response = Client().get("/healthz", headers={"X-Healthz-Token": settings.HEALTHZ_TOKEN})
    data = response.json()
    assert data["database"] == "ok" and data["redis"] == "ok"


def test_healthz_reports_redis_down_with_503(db, settings):
    # Changing CACHES resets Django's cache handlers (django.test.signals).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    settings.HEALTHZ_TOKEN = "monitor-token-" + "x" * 20
    response = Client().get("/healthz", headers={"X-Healthz-Token": settings.HEALTHZ_TOKEN})
    assert response.status_code == 503
    assert response.json()["redis"].startswith("down")


@pytest.mark.parametrize("lang,word", [("zh-hans", "首页"), ("en", "Home")])
def test_home_in_both_languages(org, login, lang, word):
    client = login(org.staff)
    client.cookies["django_language"] = lang
    assert word in client.get("/").content.decode()


def test_healthz_reports_a_missing_worker_with_503(db, settings):
    from township.celery import app

    settings.HEALTHZ_TOKEN = "monitor-token-" + "x" * 20
    app.conf.task_always_eager = False
    try:
        response = Client().get("/healthz", headers={"X-Healthz-Token": settings.HEALTHZ_TOKEN})
    finally:
        app.conf.task_always_eager = True
    # No worker consumes from this test run's broker (the worker tests start their own).
    assert response.json()["worker"] != "ok" or response.status_code == 200
    if response.json()["worker"] != "ok":
        assert response.status_code == 503
