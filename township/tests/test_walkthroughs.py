"""The first hour as each demo login (issue 13): every role does its main job end to end in a real
browser, on the demo data of `manage.py seed_demo`, and visits its menu in both languages at both
sizes.  Every page visited is checked: nothing wider than the screen, every menu link answers 200,
no Chinese in the chrome of an English page, 0 serious or critical axe-core violations (each page once
per role and size); 403 and 404 answer with the styled page in the shell.  Screenshots:
.data/screens/<role>-<lang>-<size>-<page>.jpg.

How the demo is shared (pytest-django 4.14): seeding takes a minute or more, so the module seeds
once into the test database under `django_db_blocker.unblock()` (committed, no test transaction)
and starts its own LiveServer beside it.  The tests do not use the `live_server` / `transactional_db`
fixtures, which would flush the database after each test; instead the module fixture flushes it
(the way a TransactionTestCase does) when the module ends, so no seeded row outlives the module.
The tests are one story in file order (a leave asked by ganbu1 is approved by kezhang1 ...); run
the module whole.  WALKTHROUGH_KEEP=1 keeps the seeded database between runs (for working on it).
"""

import os
import re
from pathlib import Path

import pytest

from conftest import CHROMIUM

SCREENS = Path(__file__).resolve().parents[2] / ".data" / "screens"
SCREENS.mkdir(parents=True, exist_ok=True)
PASSWORD = "Demo-2026"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
COMBOS = [("zh", "desktop"), ("en", "phone"), ("en", "desktop"), ("zh", "phone")]
KEEP = os.environ.get("WALKTHROUGH_KEEP") == "1"
# Logins appear in the chrome (the user menu, approvers): Latin that is no English.
LOGINS = [
    "admin",
    "jiwei",
    "shuji",
    "zhenzhang",
    "fenguan1",
    "kezhang1",
    "dangzhengban",
    "caizheng",
    "ganbu1",
    "county_inspector",
    "county_admin",
    "xitong",
    "anquan",
    "shenji",
]

# The plain `django_db` mark makes pytest-django create the test database (a module with no db
# mark would run against the real one); each test's own transaction only wraps the test thread,
# which reads, while the LiveServer thread writes and commits on its own connection.
pytestmark = [pytest.mark.browser, pytest.mark.walkthrough, pytest.mark.django_db]

# Text a person reads as the page's own words (headings, labels, buttons, menu, table heads,
# badges, help and error texts): on an English page none of it may be Chinese.  Names of people
# and places and what users typed are marked translate="no" where the chrome shows them.
CHROME_HAN = r"""
() => {
  const gloss = /[(（][\u3400-\u9fff、]+[)）]/g;
  const han = { test: (t) => /[\u3400-\u9fff]/.test(t.replace(gloss, '')) };
  const sel = 'h1,h2,h3,h4,h5,h6,label,legend,th,button,.btn,.nav-link,.dropdown-item,.badge,'
    + '.form-text,.invalid-feedback,.alert,.empty-state,.breadcrumb,caption,summary';
  // Not <title>: a record's page is titled by the record (a meeting's own name), which cannot be
  // marked translate="no" there; the page's own wording is checked in its headings.
  const out = new Set();
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('[translate="no"],[data-user],.form-check-label,th[scope=row],option')) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest('[translate="no"],[data-user]')) continue;
      if (han.test(n.textContent)) out.add(n.textContent.trim().slice(0, 60));
    }
  }
  for (const el of document.querySelectorAll('[placeholder]')) {
    if (el.closest('[translate="no"],[data-user]')) continue;
    for (const a of ['placeholder']) {
      const v = el.getAttribute(a);
      if (v && han.test(v)) out.add(a + '=' + v.slice(0, 60));
    }
  }
  return [...out];
}
"""

# The converse on a Chinese page (test_zh_pages.py does the same without a browser): the page's
# own words hold no English a translator has not seen: no Latin word of three letters or more and
# no two Latin words in a row, besides rule ids, units, file kinds, logins and e-mail addresses.
CHROME_LATIN = r"""
(logins) => {
  const allowed = [
    /\bR-[A-Z]+(?:-\d+[a-z]?)?\b/g, /[\w.+-]+@[\w.-]+/g, /\S+\.(?:xlsx|xls|csv|pdf|ics|png|jpe?g|docx?)\b/g,
    /\bhttps?:\/\/\S+/g,
    /\b(?:Excel|Word|PDF|CSV|ID|iCal|ICS|QR|GPS|Wi-?Fi|DingTalk|UTF-8|HTTP|URL|API|AA|WCAG|GB\/T)\b/g,
    /\b(?:xlsx|xls|csv|pdf|ics|png|jpe?g|docx?)\b/g, /\b(?:km|kg|min|h|m|cm|MB|KB|GB|px|am|pm|AM|PM)\b/g,
  ];
  const skip = '[translate="no"],[data-user],[lang^="en"],script,style,template,code,pre,kbd,samp';
  const english = (text) => {
    let t = ' ' + text.split(/\s+/).join(' ') + ' ';
    for (const login of logins) t = t.split(' ' + login + ' ').join('  ');
    for (const re of allowed) t = t.replace(re, ' ');
    return (t.match(/[A-Za-z][A-Za-z'-]*(?:\s+[A-Za-z][A-Za-z'-]*)*/g) || [])
      .filter((run) => run.split(/\s+/).length > 1 || run.replace(/^['-]+|['-]+$/g, '').length >= 3);
  };
  const sel = 'h1,h2,h3,h4,h5,h6,th,label,button,nav,legend,caption,summary,select option,.badge,.btn,'
    + '.nav-link,.dropdown-item,.form-text,.invalid-feedback,.alert,.empty-state,.breadcrumb';
  const out = new Set();
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest(skip)) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest(skip)) continue;
      for (const run of english(n.textContent)) out.add(run.slice(0, 60));
    }
  }
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title]')) {
    if (el.closest(skip) || el.tagName === 'HTML') continue;
    for (const a of ['placeholder', 'aria-label', 'title']) {
      const v = el.getAttribute(a);
      if (v) for (const run of english(v)) out.add(a + '=' + run.slice(0, 60));
    }
  }
  return [...out];
}
"""

MENU_LINKS = """
() => [...document.querySelectorAll('nav a[href]')].map(a => a.getAttribute('href'))
  .filter(h => h && h !== '#' && !h.startsWith('http'))
"""


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo county seeded once, served by a LiveServer of this module's own."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        if not get_user_model().objects.filter(username="ganbu1").exists():
            call_command("seed_demo", force=True)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            if not KEEP:
                call_command("flush", verbosity=0, interactive=False)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        try:
            yield browser
        finally:
            browser.close()


HTMX_SETTLED = "() => !document.querySelector('.htmx-request')"


class Walk:
    """One login in one language at one size; `visit` checks and photographs each page."""

    axe = None
    sessions = {}  # role -> storage state after its first sign-in
    axed = set()  # (role, page, size) already checked by axe-core

    def __init__(self, browser, base, role, lang, size):
        self.base, self.role, self.lang, self.size = base, role, lang, size
        phone = size == "phone"
        # A role signs in once per module; its later walks reuse the session (cookies), in their
        # own language and size.  A walk that finds itself signed out fails (see `go`).
        self.context = browser.new_context(
            locale="zh-CN",
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            storage_state=Walk.sessions.get(role),
        )
        self.context.add_cookies(
            [{"name": "django_language", "value": "en" if lang == "en" else "zh-hans", "url": base}]
        )
        self.page = self.context.new_page()
        self.page.on("dialog", lambda d: d.accept())
        self.problems = []
        self.visited = []
        if role in Walk.sessions:
            return
        self.page.goto(base + "/accounts/login/")
        self.page.fill("#id_username", role)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("#login-submit")
        self.page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in self.page.url, f"{role} could not log in"
        Walk.sessions[role] = self.context.storage_state()

    def go(self, url, name=None, *, status=200, axe=True, menu=False):
        # goto waits for the load event (scripts, styles, images); then only the htmx requests a
        # page starts on load are awaited (not "networkidle": half a second of silence per page
        # was half of this module's time).
        response = self.page.goto(self.base + url)
        self.page.wait_for_function(HTMX_SETTLED)
        if response.status != status:
            self.problems.append(f"{url}: {response.status}")
        if "/accounts/login/" in self.page.url and not url.startswith("/accounts/"):
            self.problems.append(f"{url}: signed out (sent to the sign-in page)")
        if menu and response.request.redirected_from is not None:  # a menu link answers itself
            self.problems.append(f"menu {url}: {response.request.redirected_from.response().status}")
        return self.check(name or (url.strip("/").replace("/", "-") or "home"), axe=axe)

    def check(self, name, *, axe=True):
        page = self.page
        name = re.sub(r"[^\w-]+", "_", name)[:60]
        self.visited.append(name)
        shot = SCREENS / f"{self.role}-{self.lang}-{self.size}-{name}.jpg"
        page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=70)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            self.problems.append(f"{name}: {overflow}px wider than the screen")
        if self.lang == "en":
            han = page.evaluate(CHROME_HAN)
            if han:
                self.problems.append(f"{name}: Chinese on an English page: {han[:8]}")
        else:
            latin = page.evaluate(CHROME_LATIN, LOGINS)
            if latin:
                self.problems.append(f"{name}: untranslated English on a Chinese page: {latin[:8]}")
        # axe-core checks structure, names, roles and contrast, which the two languages share: each
        # page is checked once per role and size, in whichever language it is first walked (the
        # four walks alternate languages across sizes, so both languages are checked).
        if axe and (self.role, name, self.size) not in Walk.axed:
            Walk.axed.add((self.role, name, self.size))
            from axe_playwright_python.sync_playwright import Axe

            Walk.axe = Walk.axe or Axe()
            result = Walk.axe.run(page, options={"resultTypes": ["violations"]})
            for v in result.response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in v["nodes"]][:4]
                    self.problems.append(f"{name}: axe {v['id']} ({v['impact']}) {targets}")
        return page

    def menu(self, *, visit=True, axe=True):
        """Every link of the shell answers 200 (fetched with this login's cookies); visit each."""
        self.page.goto(self.base + "/")
        links = sorted(set(self.page.evaluate(MENU_LINKS)))
        visited = [href for href in links if visit and not href.startswith("/admin/")]
        for href in links:
            if href in visited:
                continue  # its visit below checks the same answer (a page is not rendered twice)
            answer = self.context.request.get(self.base + href, max_redirects=0)
            if answer.status != 200:
                self.problems.append(f"menu {href}: {answer.status}")
        for href in visited:
            self.go(href, axe=axe, menu=True)
        return links

    def close(self):
        self.context.close()
        assert not self.problems, f"{self.role} {self.lang} {self.size}:\n" + "\n".join(self.problems)


def walk_menus(chromium, demo, role, skip=("zh", "desktop")):
    """The role's menu pages in the combinations its main flow did not use."""
    for lang, size in COMBOS:
        if (lang, size) == skip:
            continue
        w = Walk(chromium, demo.url, role, lang, size)
        try:
            w.menu()
        finally:
            w.close()


def _free_working_day(person):
    """A recent working day on which the person has no leave yet (the demo has history)."""
    from django.utils import timezone

    from conduct.models import LeaveRequest
    from township.workcalendar import previous_working_day

    day = timezone.localdate()
    for _ in range(30):
        day = previous_working_day(day, township=person.township)
        if not LeaveRequest.objects.filter(person=person, start_date__lte=day, end_date__gte=day).exists():
            return day
    raise AssertionError("no free working day in the last 30")


def _user(username):
    from township.models import User

    return User.objects.get(username=username)


# ---------------------------------------------------------------- the story, in file order


def test_ganbu1_clocks_in_and_asks_a_days_leave(demo, chromium):
    from conduct.models import LeaveRequest

    me = _user("ganbu1")
    day = _free_working_day(me)
    w = Walk(chromium, demo.url, "ganbu1", "zh", "phone")
    try:
        w.go("/", "home")
        w.page.click("[data-testid=clock-in]")
        w.page.wait_for_load_state("networkidle")
        w.check("clocked-in")
        w.go("/conduct/leave/new/", "leave-form")
        w.page.select_option("#id_kind", "personal")
        w.page.fill("#id_start_date", day.isoformat())
        w.page.fill("#id_end_date", day.isoformat())
        w.page.fill("#id_reason", "家中有事")
        w.page.click("#leave-submit")
        w.page.wait_for_load_state("networkidle")
        w.check("leave-asked")
        leave = LeaveRequest.objects.filter(person=me).latest("pk")
        assert leave.start_date == day and leave.status == "pending"
        w.menu()
        # a page not for staff, and one that does not exist: the styled page in the shell
        w.go("/settings/policy/", "forbidden", status=403)
        assert w.page.locator("[data-testid=error-page][data-status='403'] ").count() == 1
        assert w.page.locator("nav .navbar-brand").count() == 1
        w.go("/no-such-page/", "not-found", status=404)
        assert w.page.locator("[data-testid=error-page][data-status='404']").count() == 1
    finally:
        w.close()
    walk_menus(chromium, demo, "ganbu1", skip=("zh", "phone"))


def _approval_of(obj):
    from django.contrib.contenttypes.models import ContentType

    from township.models import ApprovalRequest

    return ApprovalRequest.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk
    ).latest("pk")


def _approve(w, obj, name):
    """In the approvals inbox, open the request of `obj` and approve it."""
    approval = _approval_of(obj)
    w.go("/approvals/", "approvals")
    w.page.click(f"a[href='/approvals/{approval.pk}/']")
    w.page.wait_for_load_state("networkidle")
    w.check(f"approval-{name}")
    w.page.select_option("#id_decision", "approve")
    w.page.locator("form:has(#id_decision) button[type=submit]").click()
    w.page.wait_for_load_state("networkidle")
    w.check(f"approved-{name}")
    approval.refresh_from_db()
    return approval


def _fill_meeting(w, *, title, meeting_type, day):
    from meetings.models import Room

    room = Room.objects.filter(township__code="qingshan").first()
    w.page.fill("#id_title", title)
    w.page.select_option("#id_meeting_type", meeting_type)
    w.page.fill("#id_date", day.isoformat())
    w.page.fill("#id_start_time", "15:00")
    w.page.fill("#id_planned_minutes", "60")
    w.page.select_option("#id_room", str(room.pk))
    w.page.fill("#id_agenda-0-title", "部署冬季防火工作")
    w.page.fill("#id_agenda-0-speakers", "张三")


def test_dangzhengban_requests_a_special_topic_and_a_plenary_meeting(demo, chromium):
    from meetings.models import Meeting
    from meetings.tests.factories import next_month_day

    w = Walk(chromium, demo.url, "dangzhengban", "en", "desktop")
    try:
        w.go("/meetings/new/", "meeting-form")
        _fill_meeting(w, title="秸秆禁烧专题会", meeting_type="special_topic", day=next_month_day(8))
        w.page.check("#id_audience_departments_0")
        w.page.click("#submit-meeting")
        w.page.wait_for_load_state("networkidle")
        w.check("meeting-asked")
        assert Meeting.objects.filter(title="秸秆禁烧专题会", status="pending").exists()
        w.go("/meetings/new/", "meeting-form-plenary")
        _fill_meeting(w, title="全镇冬季防火大会", meeting_type="plenary", day=next_month_day(9))
        w.page.check("#id_audience_departments_0")
        w.page.click("#submit-meeting")
        w.page.wait_for_load_state("networkidle")
        w.check("plenary-asked")
        assert Meeting.objects.filter(title="全镇冬季防火大会", status="pending").exists()
        w.menu()
    finally:
        w.close()
    walk_menus(chromium, demo, "dangzhengban", skip=("en", "desktop"))


def test_caizheng_records_an_expense_with_its_invoice(demo, chromium, tmp_path):
    from django.utils import timezone

    from conduct.reception.models import Expense

    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    w = Walk(chromium, demo.url, "caizheng", "zh", "desktop")
    try:
        w.go("/reception/expenses/new/", "expense-form")
        w.page.fill("#id_spent_on", timezone.localdate().isoformat())
        w.page.select_option("#id_category", "office")
        w.page.fill("#id_payee", "青山文具店")
        w.page.fill("#id_amount", "86.50")
        w.page.set_input_files("#id_invoice", str(invoice))
        w.page.fill("#id_description", "打印纸两箱")
        w.page.click("#expense-submit")
        w.page.wait_for_load_state("networkidle")
        w.check("expense-recorded")
        assert Expense.objects.filter(payee="青山文具店", status="pending").exists()
        w.menu()
    finally:
        w.close()
    walk_menus(chromium, demo, "caizheng")


def test_kezhang1_approves_the_leave_and_the_expense(demo, chromium):
    from conduct.models import LeaveRequest
    from conduct.reception.models import Expense

    leave = LeaveRequest.objects.filter(person__username="ganbu1", status="pending").latest("pk")
    expense = Expense.objects.filter(payee="青山文具店").latest("pk")
    w = Walk(chromium, demo.url, "kezhang1", "en", "phone")
    try:
        _approve(w, leave, "leave")
        _approve(w, expense, "expense")
        leave.refresh_from_db()
        expense.refresh_from_db()
        assert (leave.status, expense.status) == ("approved", "approved")
        w.go("/conduct/sheet/", "monthly-sheet")
        w.menu()
    finally:
        w.close()
    walk_menus(chromium, demo, "kezhang1", skip=("en", "phone"))


def test_ganbu1_reports_back(demo, chromium):
    from django.utils import timezone

    from conduct.models import LeaveRequest

    leave = LeaveRequest.objects.filter(person__username="ganbu1", status="approved").latest("pk")
    w = Walk(chromium, demo.url, "ganbu1", "en", "phone")
    try:
        w.go(leave.get_absolute_url(), "leave")
        w.page.fill("#id_returned_on", timezone.localdate().isoformat())
        w.page.click("#report-back")
        w.page.wait_for_load_state("networkidle")
        w.check("reported-back")
        leave.refresh_from_db()
        assert leave.status == "reported_back"
    finally:
        w.close()


def test_fenguan1_approves_the_special_topic_meeting(demo, chromium):
    from meetings.models import Meeting

    meeting = Meeting.objects.filter(title="秸秆禁烧专题会").latest("pk")
    w = Walk(chromium, demo.url, "fenguan1", "zh", "desktop")
    try:
        _approve(w, meeting, "meeting")
        meeting.refresh_from_db()
        assert meeting.status == "approved"
        w.menu()
    finally:
        w.close()
    walk_menus(chromium, demo, "fenguan1")


def test_shuji_approves_the_plenary_meeting(demo, chromium):
    from meetings.models import Meeting

    meeting = Meeting.objects.filter(title="全镇冬季防火大会").latest("pk")
    w = Walk(chromium, demo.url, "shuji", "en", "desktop")
    try:
        _approve(w, meeting, "meeting")
        meeting.refresh_from_db()
        assert meeting.status == "approved"
        w.menu()
    finally:
        w.close()
    walk_menus(chromium, demo, "shuji", skip=("en", "desktop"))


def test_jiwei_triages_findings_and_starts_an_appraisal(demo, chromium):
    from township.models import Finding

    w = Walk(chromium, demo.url, "jiwei", "zh", "desktop")
    try:
        w.go("/supervision/", "dashboard")
        w.go("/findings/?status=open", "findings")
        box = w.page.locator("[data-testid^=finding-]").first
        finding = Finding.objects.get(pk=box.get_attribute("value"))
        box.check()
        w.page.select_option("select[name=action]", "dismiss")
        w.page.fill("input[name=reason]", "门卫记录证实当日在岗")
        w.page.click("#triage-submit")
        w.page.wait_for_load_state("networkidle")
        w.check("findings-triaged")
        finding.refresh_from_db()
        assert finding.status == "dismissed"
        w.go("/supervision/", "dashboard-appraisal")
        w.page.select_option("#ap-q", "3")
        w.page.click("#start-appraisal")
        w.page.wait_for_selector("[data-testid=appraisal-progress]")
        w.check("appraisal-started")
        w.menu()
    finally:
        w.close()
    walk_menus(chromium, demo, "jiwei")


def test_county_inspector_compares_townships_and_drills_into_one(demo, chromium):
    w = Walk(chromium, demo.url, "county_inspector", "en", "desktop")
    try:
        w.go("/supervision/", "dashboard")
        assert w.page.locator("[data-testid=township-comparison] tbody tr").count() >= 2
        w.page.locator("[data-testid=township-comparison] tbody th a").first.click()
        w.page.wait_for_load_state("networkidle")
        w.check("dashboard-township")
        assert "township=" in w.page.url
        w.menu()
    finally:
        w.close()
    walk_menus(chromium, demo, "county_inspector", skip=("en", "desktop"))


def test_admin_changes_a_policy_setting_with_a_reason(demo, chromium):
    from django.utils import timezone

    w = Walk(chromium, demo.url, "xitong", "zh", "desktop")
    try:
        w.go("/settings/policy/", "policy")
        form = w.page.locator("form:has(input[name=key][value='R-LV-1.head_max_days'])")
        form.locator("input[name=value]").fill("2")
        form.locator("input[name=reason]").fill("镇党委会议决定")
        form.locator("button[type=submit]").click()
        w.page.wait_for_load_state("networkidle")
        w.check("policy-changed")
        from township.models import PolicyValue

        changed = PolicyValue.objects.filter(key="R-LV-1.head_max_days", year=timezone.localdate().year)
        assert [float(v.value) for v in changed] == [2.0]
        w.menu()
    finally:
        w.close()
    walk_menus(chromium, demo, "xitong")


def test_anquan_signs_a_colleague_out_on_every_device(demo, chromium):
    from township.models.security import SecurityEvent

    person = _user("ganbu1")
    w = Walk(chromium, demo.url, "anquan", "zh", "phone")
    try:
        w.go(f"/people/{person.pk}/", "person")
        w.page.click("#end-sessions")  # confirmed (the walk accepts the dialog)
        w.page.wait_for_load_state("networkidle")
        w.check("sessions-ended")
        assert SecurityEvent.objects.filter(
            kind="sessions_ended", person_id=person.pk, detail__by="anquan"
        ).exists()
        w.menu()
    finally:
        w.close()
    walk_menus(chromium, demo, "anquan", skip=("zh", "phone"))


def test_shenji_reads_the_security_log_checks_the_chains_and_exports(demo, chromium):
    w = Walk(chromium, demo.url, "shenji", "en", "desktop")
    try:
        w.go("/audit/security-log/", "security-log")
        assert w.page.locator("[data-chain-status=intact]").count() == 2
        assert w.page.locator("#security-log tbody tr").count() > 0
        with w.page.expect_download() as download:
            w.page.locator("a[href*='export=xlsx']").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        w.go("/audit/role-grants/", "role-grants")
        w.go("/audit/trail/", "audit-trail")
        w.menu()
    finally:
        w.close()
    walk_menus(chromium, demo, "shenji", skip=("en", "desktop"))
