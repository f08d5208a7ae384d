"""Shared fixtures: a township with a department (head, leader in charge), principal leaders and
staff, and a second township that must never see the first one's records."""

import os
import shutil
from dataclasses import dataclass

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop beside live_server

pytest_plugins = ["township.devtools.untranslated", "township.devtools.testdb"]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_report_header(config):
    if not CHROMIUM:
        return [
            "!" * 78,
            "!! NO CHROMIUM FOUND: the browser tests (marker 'browser') are SKIPPED.",
            "!! Install Debian's 'chromium' package to run them (.ci/run does).",
            "!" * 78,
        ]
    return [f"browser tests use {CHROMIUM}"]


def pytest_collection_modifyitems(config, items):
    # The walkthroughs first (stable; after pytest-django's own ordering): under `--dist loadfile`
    # the longest file then starts at once on one worker while the others share the rest.
    items.sort(key=lambda item: "walkthrough" not in item.keywords)
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="no system Chromium installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@dataclass
class Org:
    township: object
    department: object
    head: object
    leader: object
    principal: object
    principal2: object
    staff: object
    colleague: object
    inspector: object
    admin: object
    clerk: object
    finance: object


def build_org(township=None):
    from township.models import Role
    from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory

    township = township or TownshipFactory()
    dept = DepartmentFactory(township=township)

    def person(roles, **kw):
        return UserFactory(township=township, department=dept, roles=roles, **kw)

    head = person([Role.DEPARTMENT_HEAD, Role.STAFF])
    leader = person([Role.LEADER_IN_CHARGE, Role.STAFF], category="section_leader")
    dept.head, dept.leader_in_charge = head, leader
    dept.save()
    return Org(
        township=township,
        department=dept,
        head=head,
        leader=leader,
        principal=person([Role.PRINCIPAL_LEADER, Role.STAFF], category="section_leader"),
        principal2=person([Role.PRINCIPAL_LEADER, Role.STAFF], category="section_leader"),
        staff=person([Role.STAFF]),
        colleague=person([Role.STAFF]),
        inspector=person([Role.INSPECTOR, Role.STAFF], is_staff=True),
        admin=person([Role.ADMINISTRATOR, Role.STAFF], is_staff=True),
        clerk=person([Role.OFFICE_CLERK, Role.STAFF]),
        finance=person([Role.FINANCE_CLERK, Role.STAFF]),
    )


@pytest.fixture
def org(db):
    return build_org()


@pytest.fixture
def other_org(db, org):
    from township.tests.factories import TownshipFactory

    return build_org(TownshipFactory(county=org.township.county))


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture
def browser_page(live_server):
    """A Playwright page in the system Chromium, Chinese locale, against live_server."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.base_url = live_server.url
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture
def phone_page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.base_url = live_server.url
        try:
            yield page
        finally:
            context.close()
            browser.close()


def browser_login(page, username, password="pass-12345"):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")
    page.wait_for_load_state("networkidle")


def clear_cache():
    """Empty this run's cache.  Only this run's keys go (its KEY_PREFIX, one per xdist worker):
    the Celery broker shares the Redis database, and cache.clear() would flush it whole."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _cold_cache():
    """Every test starts with an empty cache, so no test passes (or counts its queries) on what an
    earlier one cached.  Tests about Redis itself use a private Redis or prefix of their own."""
    clear_cache()


@pytest.fixture(autouse=True)
def _english_messages_in_unit_tests():
    """Services' messages in English inside tests (pages still negotiate their own language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
