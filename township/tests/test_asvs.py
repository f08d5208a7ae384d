"""OWASP ASVS level 2 for authentication, sessions, access control and security logging:
logins and refusals are logged, administrators can end a person's sessions, deactivating a
person ends them, production settings pass `check --deploy`."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from township.security import sessions_end, user_session_keys

SECURITY = "township.security"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)  # a session of its own, like another device
    return client


def test_logins_logouts_and_failed_logins_are_logged(org, caplog):
    caplog.set_level(logging.INFO, logger=SECURITY)
    client = Client(REMOTE_ADDR="10.9.9.9")
    client.post("/accounts/login/", {"username": org.staff.username, "password": "wrong"})
    client.post("/accounts/login/", {"username": org.staff.username, "password": "pass-12345"})
    client.post("/accounts/logout/")
    text = [r.getMessage() for r in caplog.records if r.name == SECURITY]
    assert any(t.startswith("login failed") and org.staff.username in t and "10.9.9.9" in t for t in text)
    assert any(t.startswith("login user=" + org.staff.username) for t in text)
    assert any(t.startswith("logout user=" + org.staff.username) for t in text)


def test_refused_requests_are_logged_with_who_what_and_status(org, other_org, login, caplog):
    caplog.set_level(logging.INFO, logger=SECURITY)
    client = login(org.staff)
    assert client.get(reverse("policy_settings")).status_code == 403
    assert client.get(reverse("person_detail", args=[other_org.staff.pk])).status_code == 404
    denied = [
        r.getMessage() for r in caplog.records if r.name == SECURITY and r.getMessage().startswith("denied")
    ]
    assert any(
        "status=403" in t and f"user={org.staff.username}" in t and "/settings/policy/" in t for t in denied
    )
    assert any("status=404" in t and f"/people/{other_org.staff.pk}/" in t for t in denied)


def test_an_anonymous_404_is_not_logged_as_a_refusal(db, caplog):
    caplog.set_level(logging.INFO, logger=SECURITY)
    assert Client().get("/no-such-page/").status_code == 404
    assert not [r for r in caplog.records if r.name == SECURITY]


def test_sessions_end_signs_the_person_out_everywhere_and_nobody_else(org):
    phone, desk = _signed_in(org.staff), _signed_in(org.staff)
    other = _signed_in(org.colleague)
    assert len(user_session_keys(org.staff)) == 2
    assert sessions_end(user=org.staff, actor=org.admin) == 2
    for client in (phone, desk):
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert other.get("/").status_code == 200
    assert user_session_keys(org.colleague)


def _security_admin(org):
    from township.models import Role
    from township.tests.factories import UserFactory

    return UserFactory(township=org.township, roles=[Role.SECURITY_ADMIN], is_staff=True)


def test_security_administrator_ends_sessions_from_the_person_page(org, other_org, login):
    """Sessions are the security administrator's (三员分立), not the system administrator's."""
    victim = _signed_in(org.staff)
    url = reverse("person_sessions_end", args=[org.staff.pk])
    assert login(org.head).post(url).status_code == 403
    assert login(org.admin).post(url).status_code == 403
    admin = login(_security_admin(org))
    page = admin.get(reverse("person_detail", args=[org.staff.pk])).content.decode()
    assert 'id="end-sessions"' in page
    response = admin.post(url)
    assert response.status_code == 302
    assert victim.get("/").status_code == 302
    # a person of another township is out of reach
    assert admin.post(reverse("person_sessions_end", args=[other_org.staff.pk])).status_code == 404


def test_security_administrator_ends_sessions_from_the_admin_action(org, login):
    from township.models import User

    victim = _signed_in(org.staff)
    admin = login(_security_admin(org))
    response = admin.post(
        reverse("admin:township_user_changelist"),
        {"action": "end_sessions", "_selected_action": [org.staff.pk]},
    )
    assert response.status_code == 302
    assert victim.get("/").status_code == 302
    assert User.objects.get(pk=org.staff.pk).is_active


def test_deactivating_a_person_ends_their_sessions(org):
    client = _signed_in(org.staff)
    assert client.get("/").status_code == 200
    org.staff.is_active = False
    org.staff.save()
    assert not Session.objects.filter(session_key__in=user_session_keys(org.staff)).exists()
    assert client.get("/").status_code == 302
    org.colleague.save()  # saving an active person ends nothing
    assert _signed_in(org.colleague).get("/").status_code == 200


def test_session_cookie_and_csrf_settings_are_strict():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_ENGINE.endswith(".db")
    assert settings.SESSION_IDLE_SECONDS <= 30 * 60
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.X_FRAME_OPTIONS == "DENY" and settings.SECURE_CONTENT_TYPE_NOSNIFF


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set for Playwright
    env.update(
        DJANGO_SETTINGS_MODULE="township.settings",
        DJANGO_PRODUCTION="1",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="ci-" + "k3y-" * 16,
        DJANGO_ALLOWED_HOSTS="conduct.example.gov.cn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/conduct/", "/petitions/"])
def test_site_wide_csp_has_no_unsafe_inline(org, login, path):
    response = login(org.admin).get(path)
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "object-src 'none'" in csp


def test_a_person_sees_their_sessions_and_signs_out_everywhere_else(org):
    """Concurrent sessions on the person's own page (when, from where, which browser; this one
    marked), and "sign out everywhere else": the other devices are signed out, this one stays;
    nobody ends a colleague's sessions but the security administrator."""
    phone = Client(REMOTE_ADDR="10.1.1.7", HTTP_USER_AGENT="Mozilla/5.0 (iPhone) 手机")
    phone.post("/accounts/login/", {"username": org.staff.username, "password": "pass-12345"})
    desk = Client(REMOTE_ADDR="10.2.2.9", HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0)")
    desk.post("/accounts/login/", {"username": org.staff.username, "password": "pass-12345"})
    assert len(user_session_keys(org.staff)) == 2
    url = reverse("person_detail", args=[org.staff.pk])
    page = desk.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count('data-testid="session"') == 2
    assert "10.1.1.7" in page and "10.2.2.9" in page and "(iPhone)" in page
    assert page.count("this device") == 1 and "Sign out everywhere else" in page
    # a colleague can neither see nor end them
    colleague = _signed_in(org.colleague)
    assert 'data-testid="session"' not in colleague.get(url).content.decode()
    assert colleague.post(reverse("person_sessions_end", args=[org.staff.pk])).status_code == 403
    assert len(user_session_keys(org.staff)) == 2
    # GET does not end anything
    assert desk.get(reverse("person_sessions_end", args=[org.staff.pk])).status_code == 405
    response = desk.post(reverse("person_sessions_end", args=[org.staff.pk]))
    assert response.status_code == 302
    assert phone.get("/").status_code == 302  # signed out
    assert desk.get("/").status_code == 200  # this device stays
    assert len(user_session_keys(org.staff)) == 1
