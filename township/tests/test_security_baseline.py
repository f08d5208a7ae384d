"""The security baseline of issue 14, findings 2-8: formula-safe exports, import limits, the
secret key, the role permission sync on a fresh install, lockout by IP alone, exports with time
zones, Cache-Control on signed-in pages and a /healthz that tells strangers only up or down."""

import datetime as dt
import io
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from township.models import User
from township.tests.bombs import bomb_xlsx

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _read_xlsx(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content)).active


# --- 2. formula injection ----------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 5, 6, 10, 0, tzinfo=SHANGHAI))
def test_trip_export_writes_formula_like_text_as_text_and_numbers_as_numbers(org, login):
    from conduct.models import TripRequest

    evil = '=HYPERLINK("http://x","y")'
    TripRequest.objects.create(
        township=org.township,
        person=org.staff,
        kind="study",
        purpose=evil,
        destination="@SUM(1+1)",
        start_date=dt.date(2026, 5, 6),
        end_date=dt.date(2026, 5, 7),
        budget=Decimal("1200.50"),
        county_reference="-2+3",
        declaration=True,
    )
    sheet = _read_xlsx(login(org.staff).get("/conduct/trips/?export=xlsx"))
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=False)}
    purpose = row[header[3]]
    assert purpose.value == evil  # the text is unchanged ...
    assert purpose.data_type == "s"  # ... and it is text, not a formula
    assert purpose.quotePrefix  # editing the cell in Excel keeps it text
    assert row[header[2]].data_type == "s" and row[header[2]].value == "@SUM(1+1)"
    assert row[header[8]].data_type == "s" and row[header[8]].value == "-2+3"
    budget = row[header[6]]
    assert budget.data_type == "n" and budget.value == 1200.5  # numbers stay numbers
    assert row[header[4]].value == dt.datetime(2026, 5, 6)  # noqa: DTZ001 - dates stay dates (Excel has no zone)


def test_roster_export_is_formula_safe_in_xlsx_and_csv(org, login):
    org.staff.full_name = "=1+2"
    org.staff.save()
    client = login(org.admin)
    sheet = _read_xlsx(client.get("/settings/roster/?kind=people&export=xlsx"))
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == "=1+2"]
    assert cells and all(c.data_type == "s" for c in cells)
    body = client.get("/settings/roster/?kind=people&export=csv").content.decode("utf-8-sig")
    assert "'=1+2" in body and ",=1+2" not in body


# --- 7. exports with aware datetimes -------------------------------------------------------------


def test_identity_access_log_export_writes_local_times(org, login):
    from petitions.services import identity_access_record
    from petitions.tests.factories import register

    case = register(org)
    with time_machine.travel(dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)):
        identity_access_record(user=org.inspector, case=case, via="page")
    sheet = _read_xlsx(login(org.inspector).get("/petitions/access-log/?export=xlsx"))
    # 01:30 UTC is 09:30 in Shanghai, written without a zone (Excel has none).
    assert sheet["A2"].value == dt.datetime(2026, 3, 2, 9, 30)  # noqa: DTZ001
    assert sheet["C2"].value == case.number


# --- 3. import limits ----------------------------------------------------------------------------

ROSTER_HEADER = "employee_no,full_name,username,mobile,email,department,category,roles"


@pytest.fixture
def own_media(settings, tmp_path):
    """Staged uploads in a folder of this test's own (others may import at the same time)."""
    settings.MEDIA_ROOT = str(tmp_path)


def _post_import(client, name, content):
    before = User.objects.count()
    staged = Path(settings.MEDIA_ROOT) / "imports"
    staged_before = set(staged.iterdir()) if staged.exists() else set()
    t0 = time.monotonic()
    response = client.post("/settings/roster/", {"kind": "people", "file": SimpleUploadedFile(name, content)})
    elapsed = time.monotonic() - t0
    assert response.status_code == 200
    assert User.objects.count() == before  # nothing saved
    assert (set(staged.iterdir()) if staged.exists() else set()) == staged_before  # nothing staged
    assert response.context["outcome"] is None  # refused before any row was imported
    return response, elapsed


def test_zip_bomb_xlsx_is_refused_before_parsing(org, login, own_media):
    content = bomb_xlsx(300_000)
    assert len(content) < 200_000
    response, elapsed = _post_import(login(org.admin), "people.xlsx", content)
    assert elapsed < 2, elapsed
    errors = response.context["form"].errors["file"]
    assert any("解压后" in e for e in errors), errors  # "unpacked would take ... MB" (zh-Hans page)


def test_xlsx_with_too_many_rows_is_refused_while_streaming(org, login, own_media, settings):
    settings.IMPORT_MAX_ROWS = 1000
    response, elapsed = _post_import(login(org.admin), "people.xlsx", bomb_xlsx(1500))
    assert elapsed < 2, elapsed
    errors = response.context["form"].errors["file"]
    assert any("1000" in e for e in errors), errors


def test_over_long_csv_is_refused_fast(org, login, own_media):
    limit = settings.IMPORT_MAX_ROWS
    line = f"N1,某人,u1,13900000001,,{org.department.name},other_cadre,staff\n"
    content = (ROSTER_HEADER + "\n" + line * (limit + 1)).encode()
    response, elapsed = _post_import(login(org.admin), "people.csv", content)
    assert elapsed < 2, elapsed
    errors = response.context["form"].errors["file"]
    assert any(str(limit) in e.replace(",", "") for e in errors), errors


def test_import_time_budget_refuses_a_slow_file(org, login, own_media, settings):
    settings.IMPORT_MAX_SECONDS = 0
    line = f"N1,某人,u1,13900000001,,{org.department.name},other_cadre,staff\n"
    response, _ = _post_import(login(org.admin), "people.csv", (ROSTER_HEADER + "\n" + line * 50).encode())
    assert response.context["form"].errors["file"]


def test_a_file_within_the_limits_still_previews(org, login):
    line = f"N900,某人,n900,13900000009,,{org.department.name},other_cadre,staff\n"
    response = login(org.admin).post(
        "/settings/roster/",
        {"kind": "people", "file": SimpleUploadedFile("p.csv", (ROSTER_HEADER + "\n" + line).encode())},
    )
    assert response.context["outcome"].total == 1 and response.context["outcome"].ok


# --- 4. the secret key ---------------------------------------------------------------------------


def _manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="township.settings", DJANGO_ALLOWED_HOSTS="conduct.example.gov.cn")
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_PRODUCTION="1", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_the_example_secret_key():
    result = _manage(
        "check",
        DJANGO_PRODUCTION="1",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="change-me-to-50-random-characters",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_fails_on_the_default_secret_key():
    result = _manage("check", "--deploy", DJANGO_PRODUCTION="0", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "township.E001" in result.stderr + result.stdout


def test_secret_key_check_is_an_error_only_for_a_public_key(settings):
    from django.core.checks import ERROR, run_checks

    DEFAULT_SECRET_KEY = settings.DEFAULT_SECRET_KEY
    settings.SECRET_KEY = DEFAULT_SECRET_KEY
    errors = [m for m in run_checks(include_deployment_checks=True) if m.id == "township.E001"]
    assert errors and errors[0].level == ERROR
    settings.SECRET_KEY = "a-real-key-" + "Zq8#p" * 10
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id == "township.E001"]
    # Not a deploy check's business in development.
    settings.SECRET_KEY = DEFAULT_SECRET_KEY
    assert not [m for m in run_checks(include_deployment_checks=False) if m.id == "township.E001"]


# --- 5. role permissions on a fresh install ------------------------------------------------------


def test_role_permission_sync_runs_after_every_app_has_its_permissions(db):
    """On a fresh database migrate creates each app's permissions in the post_migrate of that
    app; the sync must see the feature apps' permissions, not only the core's."""
    from django.contrib.auth.models import Group, Permission
    from django.core.management.sql import emit_post_migrate_signal

    feature_apps = ["conduct", "reception", "meetings", "fieldwork", "petitions"]
    Permission.objects.filter(content_type__app_label__in=feature_apps).delete()  # as before migrate
    for group in Group.objects.filter(name__in=["administrator", "inspector"]):
        group.permissions.clear()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    inspector = set(
        Group.objects.get(name="inspector").permissions.values_list("content_type__app_label", "codename")
    )
    for app, codename in [
        ("conduct", "view_triprequest"),
        ("reception", "view_expense"),
        ("meetings", "view_meeting"),
        ("fieldwork", "view_villagevisit"),
        ("petitions", "view_petitioncase"),
        ("township", "view_user"),
    ]:
        assert (app, codename) in inspector
    assert not [c for _, c in inspector if not c.startswith("view_")]
    admin = set(
        Group.objects.get(name="administrator").permissions.values_list("content_type__app_label", "codename")
    )
    assert ("meetings", "change_room") in admin and ("reception", "add_allowancetype") in admin
    # Running it again (every later migrate) changes nothing.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert (
        set(
            Group.objects.get(name="inspector").permissions.values_list("content_type__app_label", "codename")
        )
        == inspector
    )


# --- 6. lockout by IP alone ----------------------------------------------------------------------


def _login(ip, username, password="wrong"):
    return Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": password})


def test_password_spraying_locks_the_ip_across_usernames(org, settings):
    assert settings.AXES_IP_FAILURE_LIMIT == 10
    assert settings.AXES_IP_FAILURE_WINDOW == dt.timedelta(minutes=15)
    ip = "10.7.7.7"
    start = dt.datetime(2026, 5, 6, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as clock:
        for i in range(9):  # one failure per username: the username+IP lockout never fires
            assert _login(ip, f"nobody{i}").status_code == 200
        assert _login(ip, org.staff.username, "pass-12345").status_code == 302  # 9 failures: still open
        clock.shift(dt.timedelta(minutes=1))
        assert _login(ip, "nobody9").status_code == 429  # the tenth failure locks the IP
        assert _login(ip, org.colleague.username, "pass-12345").status_code == 429
        assert _login("10.7.7.8", org.colleague.username, "pass-12345").status_code == 302  # other IPs
        clock.shift(dt.timedelta(minutes=14, seconds=30))
        # The first nine failures are now older than 15 minutes: the IP is open again.
        assert _login(ip, org.colleague.username, "pass-12345").status_code == 302


def test_failures_spread_over_more_than_the_window_do_not_lock_the_ip(org):
    ip = "10.7.7.9"
    start = dt.datetime(2026, 5, 6, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as clock:
        for i in range(12):
            assert _login(ip, f"someone{i}").status_code == 200
            clock.shift(dt.timedelta(minutes=2))  # 12 failures in 24 minutes, never 10 in 15
        assert _login(ip, org.staff.username, "pass-12345").status_code == 302


# --- 8. Cache-Control and /healthz ---------------------------------------------------------------


def test_signed_in_pages_are_not_cached(org, login):
    response = login(org.staff).get("/")
    assert response.status_code == 200
    cache_control = {p.strip() for p in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def test_signed_in_exports_are_not_cached(org, login):
    response = login(org.staff).get("/conduct/trips/?export=xlsx")
    assert "no-store" in response["Cache-Control"]


def test_healthz_tells_the_public_only_up_or_down(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_detail_for_the_monitoring_token(db, settings):
    settings.HEALTHZ_TOKEN = "monitor-" + "t0k3n" * 6
    detail = Client().get("/healthz", headers={"X-Healthz-Token": settings.HEALTHZ_TOKEN}).json()
    assert detail["database"] == "ok" and detail["redis"] == "ok" and detail["status"] == "ok"
    wrong = Client().get("/healthz", headers={"X-Healthz-Token": "guess"}).json()
    assert wrong == {"status": "ok"}


def test_healthz_without_a_configured_token_gives_no_detail_to_an_empty_one(db, settings):
    settings.HEALTHZ_TOKEN = ""
    assert Client().get("/healthz", headers={"X-Healthz-Token": ""}).json() == {"status": "ok"}


def test_healthz_detail_for_signed_in_administrators_only(org, login):
    assert "database" in login(org.admin).get("/healthz").json()
    assert login(org.staff).get("/healthz").json() == {"status": "ok"}


def test_healthz_bare_503_when_redis_is_down(db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    from axes.models import AccessAttempt, AccessFailureLog

    AccessAttempt.objects.all().delete()
    AccessFailureLog.objects.all().delete()
