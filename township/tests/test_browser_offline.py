"""Issue 18 in Chromium (Playwright's offline emulation): a cadre without signal records a village
visit with a photo and a clock-in, the kept form opens again offline, both are saved once when the
signal returns (and once more when the same queue is sent again), a refused work log shows its
message and is corrected, records wait through an expired session until the person signs in again,
and sign-out clears the phone.

No sleeps: every step waits for a condition the page states (``body[data-offline-count]`` is the
number of records waiting on the phone, ``body[data-offline-sending]`` is set while they go)."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT = """async () => {
  if (!navigator.serviceWorker.controller) return false;
  const pages = await caches.open("township-pages-v1");
  const kept = await Promise.all(["/fieldwork/visits/new/", "/conduct/", "/conduct/logs/"].map(p => pages.match(p)));
  return kept.every(Boolean);
}"""
SETTLED = "n => document.body.dataset.offlineCount === n && !document.body.dataset.offlineSending"


def _photo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (3200, 2400), "green").save(buf, "PNG")
    return buf.getvalue()


def test_visit_and_clock_in_recorded_offline_are_sent_once_and_sign_out_clears_the_phone(phone_page):
    from conduct.models import LeavingRegistration, Punch, WorkLog
    from conftest import build_org
    from fieldwork.models import VillageVisit, VisitPhoto
    from township.models import OfflineRecord, OfflineStatus, Role
    from township.tests.factories import UserFactory, VillageFactory

    org = build_org()
    village = VillageFactory(township=org.township, name="高山村", code="gaoshan")
    cadre = UserFactory(township=org.township, department=org.department, roles=[Role.STAFF])
    cadre.villages.add(village)
    page = phone_page
    context = page.context
    browser_login(page, cadre.username)
    page.goto(page.base_url + "/fieldwork/visits/new/")
    page.wait_for_function(KEPT, polling=100, timeout=20000)

    context.set_offline(True)
    page.select_option("#id_village", str(village.pk))
    page.click("label[for=id_purposes_0]")  # research (R-FLD-7)
    page.set_input_files(
        "#id_photos", files=[{"name": "hill.png", "mimeType": "image/png", "buffer": _photo()}]
    )
    page.click("#save-visit")
    page.wait_for_function(SETTLED, arg="1", polling=100)
    assert page.locator("[data-testid=offline-notice]").is_visible()
    assert page.locator("[data-testid=offline-banner]").is_visible()
    # The photo was made smaller on the phone before it was stored: a JPEG 1600 px wide.
    stored = page.evaluate(
        """async () => { const [r] = await TownshipOffline.all(); const b = r.files[0][1];
           const img = await createImageBitmap(b); return [r.kind, b.type, img.width, img.height]; }"""
    )
    assert stored == ["visit", "image/jpeg", 1600, 1200]

    reloaded = (
        page.reload()
    )  # still offline: the kept form opens, the phone's copy (the service worker's fetch failed)
    assert reloaded.headers.get("x-offline-copy") == "1" and page.locator("#visit-form").is_visible()
    page.goto(page.base_url + "/conduct/")
    page.click("#clock-in")
    page.wait_for_function(SETTLED, arg="2", polling=100)
    # A work log for a day too far back (R-LOG-1): kept now, refused when it arrives.
    page.goto(page.base_url + "/conduct/logs/")
    page.fill("#id_date", (timezone.localdate() - dt.timedelta(days=10)).isoformat())
    page.fill("#id_content", "补写十天前的日志")
    page.click("#worklog-submit")
    page.wait_for_function(SETTLED, arg="3", polling=100)
    # The queue as it stands, to send it again below.
    page.evaluate("async () => { window.queueCopy = await TownshipOffline.all(); }")
    assert not VillageVisit.objects.exists() and not Punch.objects.exists()

    context.set_offline(False)  # the signal returns: the page sends what waits
    page.wait_for_function(SETTLED, arg="0", polling=100, timeout=20000)
    visit = VillageVisit.objects.get(person=cadre)
    punch = Punch.objects.get(person=cadre)
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    records = {r.kind: r for r in OfflineRecord.objects.filter(person=cadre)}
    assert set(records) == {"visit", "punch", "worklog"}
    assert records["visit"].status == records["punch"].status == OfflineStatus.SENT
    assert records["worklog"].status == OfflineStatus.REFUSED and not WorkLog.objects.exists()
    assert (
        page.locator("[data-testid=offline-notice]").inner_text()
        == "被退回的记录：1条。请打开“本机记录”修改或放弃。"
    )
    assert punch.at == records["punch"].taken_at  # the punch counts when it was taken

    # The same queue sent again: answered as sent, saved nothing twice.
    again = page.evaluate(
        """async () => { for (const r of window.queueCopy) await TownshipOffline.put(r);
           return TownshipOffline.send(); }"""
    )
    assert (again["sent"], again["refused"], again["waiting"]) == (2, 1, 0)
    assert (VillageVisit.objects.count(), Punch.objects.count(), OfflineRecord.objects.count()) == (1, 1, 3)

    # The refused log shows its message on the queue page, with the rule, to correct or discard.
    page.goto(page.base_url + "/offline/")
    refusal = page.locator(f"[data-client-id='{records['worklog'].client_id}'] [data-testid=offline-refusal]")
    assert "R-LOG-1" in refusal.inner_text() and "工作日志" in refusal.inner_text()
    assert page.locator("[data-testid=offline-waiting] li[data-client-id]").count() == 1  # kept on the phone

    # Correct: the form opens filled with what was sent, the phone lets go of the refused record.
    log_record = records["worklog"]
    page.click(f"[data-client-id='{log_record.client_id}'] form[action$='/correct/'] button")
    page.wait_for_url("**/conduct/logs/?offline_correct=*")
    page.wait_for_function("async () => (await TownshipOffline.all()).length === 0", polling=100)
    assert page.input_value("#id_content") == "补写十天前的日志"
    log_record.refresh_from_db()
    assert log_record.status == OfflineStatus.DISCARDED

    # The session expires while records wait: they stay on the phone and go once the person signs in again.
    leaving_on = timezone.localdate() + dt.timedelta(days=3)
    page.evaluate(
        """([start, end]) => TownshipOffline.put({id: TownshipOffline.uuid(), owner: document.body.dataset.offlineUser,
           kind: "leaving", label: "", taken_at: new Date().toISOString(), offline: true, files: [],
           fields: [["destination", "县城"], ["start_date", start], ["end_date", end], ["phone", "13800000000"],
                    ["reason", "探亲"]], status: "waiting"})""",
        [leaving_on.isoformat(), (leaving_on + dt.timedelta(days=1)).isoformat()],
    )
    context.clear_cookies()
    waited = page.evaluate("TownshipOffline.send()")
    assert waited["signedOut"] and page.evaluate("TownshipOffline.all().then(r => r.length)") == 1
    assert (
        page.locator("[data-testid=offline-notice]").inner_text() == "本机有待发送的记录：请重新登录后发送。"
    )
    browser_login(page, cadre.username)
    page.wait_for_function(SETTLED, arg="0", polling=100)
    assert LeavingRegistration.objects.get(person=cadre).start_date == leaving_on

    # Sign-out clears the phone, asking first when a record has not been sent: its records and the kept pages.
    page.evaluate(
        """TownshipOffline.put({id: TownshipOffline.uuid(), owner: document.body.dataset.offlineUser,
           kind: "worklog", label: "", taken_at: new Date().toISOString(), offline: true, fields: [],
           files: [], status: "waiting"})"""
    )
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation(url="**/accounts/login/**"):
        page.evaluate("document.querySelector('form[data-offline-signout]').requestSubmit()")
    left = page.evaluate(
        """async () => [(await TownshipOffline.all()).length, await caches.has("township-pages-v1")]"""
    )
    assert left == [0, False]
    assert asked == ["本机还有1条记录未发送，退出登录将从本机删除。仍要退出吗？"]
