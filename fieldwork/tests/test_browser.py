"""The issue's browser test on a phone-sized window, plus screenshots of the main pages."""

import os

import pytest

from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_org_3_resident_cadre_logs_a_visit_on_a_phone_and_the_village_page_lists_the_number(phone_page):
    from conftest import build_org
    from fieldwork.models import FollowUp, VillageVisit
    from township.models import Role
    from township.tests.factories import UserFactory, VillageFactory

    org = build_org()
    village = VillageFactory(township=org.township, name="东河村", code="donghe")
    cadre = UserFactory(
        township=org.township, department=org.department, category="village_resident", roles=[Role.STAFF]
    )
    cadre.villages.add(village)
    page = phone_page
    browser_login(page, cadre.username)
    page.goto(page.base_url + "/fieldwork/")
    page.click("#log-visit")
    page.select_option("#id_village", str(village.pk))
    page.click("label[for=id_purposes_0]")  # research
    page.click("label[for=id_purposes_1]")  # 下访
    page.select_option("#id_transport", "bus")
    page.fill("#id_people_met", "村支书、脱贫户")
    page.fill("#id_problem_1", "村道塌方需要修复")
    page.click("#save-visit")
    page.wait_for_load_state("networkidle")
    visit = VillageVisit.objects.get(person=cadre)
    assert visit.purposes == ["research", "petition_down"]
    assert FollowUp.objects.get(visit=visit).owner == cadre
    assert page.locator("[data-testid=visit-purposes] .badge").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "visit-detail-phone")

    page.goto(page.base_url + "/fieldwork/quota/")  # a cadre sees their own line
    assert page.locator("[data-testid=my-days]").inner_text().strip() == "1.0"
    _shot(page, "progress-phone")

    page.context.clear_cookies()
    page.goto(page.base_url + f"/fieldwork/public/{org.township.code}/donghe/")
    cadres = page.locator("[data-testid=public-cadres]").inner_text()
    assert cadre.full_name in cadres and cadre.mobile in cadres
    _shot(page, "public-village-phone")


def _shot(page, name):
    folder = os.environ.get("FIELDWORK_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_quota_page_on_a_desktop_with_a_year_of_demo_data(browser_page):
    import random

    from django.utils import timezone

    from conftest import build_org
    from fieldwork.demo import seed_fieldwork
    from township.tests.factories import UserFactory, VillageFactory

    org = build_org()
    villages = [VillageFactory(township=org.township) for _ in range(4)]
    for i in range(10):
        u = UserFactory(
            township=org.township,
            department=org.department,
            category=["village_resident", "other_cadre"][i % 2],
        )
        u.villages.add(villages[i % 4])
    seed_fieldwork(township=org.township, size="normal", rng=random.Random(3), today=timezone.localdate())
    page = browser_page
    browser_login(page, org.principal.username)
    page.goto(page.base_url + "/fieldwork/quota/")
    assert page.locator("[data-testid=quota-table] tbody tr").count() >= 10
    assert page.locator("canvas[data-chart-bound]").count() == 1  # the chart was drawn
    _shot(page, "quota-desktop")
    for name, url in [
        ("index-desktop", "/fieldwork/"),
        ("visits-desktop", "/fieldwork/visits/"),
        ("reports-desktop", "/fieldwork/reports/"),
        ("households-desktop", "/fieldwork/households/"),
        ("village-desktop", f"/fieldwork/villages/{villages[0].pk}/"),
        ("topics-desktop", "/fieldwork/topics/"),
        ("home-desktop", "/"),
    ]:
        page.goto(page.base_url + url)
        assert page.locator(".page-title").count() >= 1, url
        _shot(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    for name, url in [("visit-form-phone", "/fieldwork/visits/new/"), ("quota-phone", "/fieldwork/quota/")]:
        page.goto(page.base_url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 400, url
        _shot(page, name)
