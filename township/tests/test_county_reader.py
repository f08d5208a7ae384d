"""A county-level inspector (township=None, the inspector role) reads every township of the county:
every menu link answers, pages about one township offer a township picker, lists that mix
townships say which township a row belongs to and filter by it, and the inspectors' dashboard
compares the townships (issue 13).

The county here: ``org`` (township "A镇") and ``other_org`` ("B乡"), one department each, both
named "党政办" (two departments of the same name, as in every real county)."""

import datetime as dt
import html
import io
import json
import re
import zoneinfo
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import build_org, clear_cache
from township.findings import finding_raise
from township.hooks import NAV
from township.models import Role
from township.scoping import township_choice
from township.tests.factories import CountyFactory, TownshipFactory, UserFactory

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def county(org, other_org):
    org.township.name, other_org.township.name = "A镇", "B乡"
    org.township.save(update_fields=["name"])
    other_org.township.save(update_fields=["name"])
    for o in (org, other_org):
        o.department.name = "党政办"
        o.department.save(update_fields=["name"])
    return org, other_org


@pytest.fixture
def county_inspector(county):
    org, _other = county
    # As the demo's county_inspector: the inspector role only, no township, no department.
    return UserFactory(township=None, department=None, county=org.township.county, roles=[Role.INSPECTOR])


def nav_urls(user) -> list[str]:
    """Every menu link the user sees, filtered by role exactly as the nav context processor does."""
    return [reverse(i.url_name) for i in NAV if i.roles is None or user.has_role(*i.roles)]


# --- every menu link -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county_inspector", "inspector", "staff", "head", "admin"])
def test_every_menu_link_answers_200(who, county, county_inspector, login):
    org, _other = county
    user = county_inspector if who == "county_inspector" else getattr(org, who)
    client = login(user)
    urls = nav_urls(user)
    assert len(urls) >= 5
    answers = {url: client.get(url).status_code for url in urls}
    assert {url: code for url, code in answers.items() if code != 200} == {}


def test_the_county_inspector_sees_the_pages_that_failed_in_the_menu(county_inspector):
    urls = nav_urls(county_inspector)
    for url in ("/conduct/", "/conduct/summary/", "/meetings/calendar/", "/reception/budget/"):
        assert url in urls


# --- the township picker ---------------------------------------------------------------------------


def _request(user, query=""):
    request = RequestFactory().get("/x/" + query)
    request.user = user
    return request


def test_township_choice_is_the_users_own_township_whatever_the_query(county):
    org, other = county
    assert township_choice(_request(org.inspector, f"?township={other.township.pk}")) == org.township


def test_township_choice_of_a_county_user_is_the_chosen_one_else_the_first_by_name(county, county_inspector):
    org, other = county
    stranger = TownshipFactory(county=CountyFactory(name="另一个县"))  # never chosen
    assert township_choice(_request(county_inspector)) == org.township  # "A镇" before "B乡"
    assert township_choice(_request(county_inspector, f"?township={other.township.pk}")) == other.township
    assert township_choice(_request(county_inspector, f"?township={stranger.pk}")) == org.township
    assert township_choice(_request(county_inspector, "?township=junk")) == org.township


def _picker_options(content: str) -> list[str]:
    form = re.search(r'data-testid="township-picker".*?</form>', content, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", form.group(0)) if form else []


@pytest.mark.parametrize(
    "url", ["/conduct/", "/conduct/summary/", "/meetings/calendar/", "/reception/budget/"]
)
def test_pages_about_one_township_offer_the_county_inspector_a_picker(url, county, county_inspector, login):
    org, other = county
    content = login(county_inspector).get(f"{url}?township={other.township.pk}").content.decode()
    assert _picker_options(content) == ["A镇", "B乡"]
    assert re.search(rf'<option value="{other.township.pk}" selected>B乡</option>', content)


def test_the_county_inspectors_attendance_tabs_all_open(county, county_inspector, login):
    client = login(county_inspector)
    content = client.get("/conduct/").content.decode()
    tabs = re.search(r'<ul class="[^"]*conduct-subnav">(.*?)</ul>', content, re.S).group(1)
    links = re.findall(r'href="([^"]+)"', tabs)
    assert "/conduct/summary/" in links and "/conduct/roster/" not in links
    assert {url: client.get(url).status_code for url in links} == dict.fromkeys(links, 200)


def test_a_township_inspectors_attendance_tabs_are_unchanged(county, login):
    org, _other = county
    content = login(org.inspector).get("/conduct/").content.decode()
    assert 'href="/conduct/roster/"' in content and 'href="/conduct/corrections/"' in content


def test_a_township_inspector_gets_no_picker(county, login):
    org, _other = county
    assert _picker_options(login(org.inspector).get("/meetings/calendar/").content.decode()) == []


def test_the_calendar_shows_the_chosen_townships_meetings(county, county_inspector, login):
    from meetings.tests import factories as mf
    from township.tests.world import meeting_approver

    org, other = county
    for o, title in ((org, "A镇安全生产会"), (other, "B乡防汛工作会")):
        meeting = mf.submit(o, title=title)
        mf.approve(meeting, meeting_approver(o, meeting))
    month = mf.next_month_day().strftime("%Y-%m")
    client = login(county_inspector)
    content = client.get(f"/meetings/calendar/?month={month}&township={other.township.pk}").content.decode()
    assert "B乡防汛工作会" in content and "A镇安全生产会" not in content
    # The month's arrows keep the township.
    arrows = re.findall(r'href="(\?month=[^"]*)"', content)
    assert arrows and all(f"township={other.township.pk}" in a for a in arrows)


# --- lists that mix townships ---------------------------------------------------------------------


def _headers(content: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", content, re.S)
    return [
        html.unescape(re.sub(r"<[^>]+>", "", h)).strip()
        for h in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), re.S)
    ]


def _select_options(content: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', content, re.S)
    assert select, f"no {name} filter"
    return [html.unescape(o).strip() for o in re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))]


def _findings(county):
    org, other = county
    finding_raise(
        rule_id="R-ATT-2",
        township=org.township,
        person=org.staff,
        department=org.department,
        detail="A late",
        on_date=dt.date(2026, 3, 2),
    )
    finding_raise(
        rule_id="R-ATT-2",
        township=other.township,
        person=other.staff,
        department=other.department,
        detail="B late",
        on_date=dt.date(2026, 3, 3),
    )


def test_findings_list_has_a_township_column_and_filter_for_the_county_inspector(
    county, county_inspector, login
):
    org, other = county
    _findings(county)
    client = login(county_inspector)
    content = client.get("/findings/").content.decode()
    assert "Township" in _headers(content)
    assert _select_options(content, "township") == ["All", "A镇", "B乡"]
    assert _select_options(content, "department") == ["All", "A镇 · 党政办", "B乡 · 党政办"]
    only_b = client.get(f"/findings/?township={other.township.pk}").content.decode()
    assert "B late" in only_b and "A late" not in only_b


def test_findings_list_of_a_township_inspector_has_no_township_column(county, login):
    org, _other = county
    _findings(county)
    content = login(org.inspector).get("/findings/").content.decode()
    assert "Township" not in _headers(content)
    assert 'name="township"' not in content
    assert _select_options(content, "department") == ["All", "党政办"]


def test_triage_inbox_keeps_the_township_filter(county, county_inspector, login):
    _org, other = county
    response = login(county_inspector).get(f"/supervision/triage/?township={other.township.pk}")
    assert response.status_code == 302 and f"township={other.township.pk}" in response["Location"]


def test_people_list_has_a_township_column_and_filter(county, county_inspector, login):
    org, other = county
    client = login(county_inspector)
    content = client.get("/people/").content.decode()
    assert "Township" in _headers(content)
    assert _select_options(content, "township") == ["All townships", "A镇", "B乡"]
    assert _select_options(content, "department") == ["All departments", "A镇 · 党政办", "B乡 · 党政办"]
    only_b = client.get(f"/people/?township={other.township.pk}").content.decode()
    assert other.staff.full_name in only_b and org.staff.full_name not in only_b
    assert "Township" not in _headers(login(org.inspector).get("/people/").content.decode())


def test_petition_list_has_a_township_column_and_filter(county, county_inspector, login):
    from petitions.tests.factories import in_progress

    org, other = county
    in_progress(org, matter="A镇村道损坏")
    in_progress(other, matter="B乡水渠堵塞")
    client = login(county_inspector)
    content = client.get("/petitions/").content.decode()
    assert "Township" in _headers(content)
    assert _select_options(content, "township")[1:] == ["A镇", "B乡"]
    only_b = client.get(f"/petitions/?township={other.township.pk}").content.decode()
    assert "B乡水渠堵塞" in only_b and "A镇村道损坏" not in only_b
    assert "Township" not in _headers(login(org.inspector).get("/petitions/").content.decode())


def test_meeting_list_has_a_township_column_and_filter(county, county_inspector, login):
    from meetings.tests import factories as mf

    org, other = county
    mf.submit(org, title="A镇安全生产会")
    mf.submit(other, title="B乡防汛工作会")
    client = login(county_inspector)
    content = client.get("/meetings/").content.decode()
    assert "Township" in _headers(content)
    assert _select_options(content, "township")[1:] == ["A镇", "B乡"]
    assert _select_options(content, "department")[1:] == ["A镇 · 党政办", "B乡 · 党政办"]
    only_b = client.get(f"/meetings/?township={other.township.pk}").content.decode()
    assert "B乡防汛工作会" in only_b and "A镇安全生产会" not in only_b
    assert "Township" not in _headers(login(org.inspector).get("/meetings/").content.decode())


@pytest.mark.parametrize("url", ["/findings/", "/people/", "/petitions/", "/meetings/"])
def test_county_lists_run_the_same_number_of_queries_with_3_and_30_rows(
    url, county, county_inspector, client
):
    org, other = county
    counts = []
    for n in (3, 27):
        for i in range(n):
            o = (org, other)[i % 2]
            if url == "/findings/":
                finding_raise(
                    rule_id="R-ATT-2",
                    township=o.township,
                    person=o.staff,
                    department=o.department,
                    detail=f"late {len(counts)} {i}",
                    on_date=dt.date(2026, 3, 1) + dt.timedelta(days=i),
                )
            elif url == "/people/":
                UserFactory(township=o.township, department=o.department)
            elif url == "/petitions/":
                from petitions.tests.factories import accepted

                accepted(o)
            else:
                from meetings.tests.test_views import bulk_meetings

                bulk_meetings(o, 1, dt.date(2026, 12, 1) + dt.timedelta(days=i))
        client.force_login(county_inspector)
        client.get("/")  # the first request after signing in also writes the session
        clear_cache()
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- the dashboard ---------------------------------------------------------------------------------


def _chart(response, key):
    return json.loads(response.context[key])


def test_county_dashboard_draws_the_rule_chart_it_lists(county, county_inspector, login):
    _findings(county)
    response = login(county_inspector).get("/supervision/?from=2026-01-01&to=2026-12-31")
    chart = _chart(response, "rule_chart")
    assert chart["data"]["labels"] == ["R-ATT-2"]
    assert chart["data"]["datasets"][0]["data"] == [2]
    trend = _chart(response, "trend_chart")
    assert trend["data"]["labels"] == ["2026-03"]
    assert trend["data"]["datasets"][0]["data"] == [2]


def test_county_dashboard_names_the_township_of_each_department(county, county_inspector, login):
    _findings(county)
    content = login(county_inspector).get("/supervision/?from=2026-01-01&to=2026-12-31").content.decode()
    section = content.split("Open findings by department", 1)[1]
    assert "A镇 · 党政办" in section and "B乡 · 党政办" in section


def test_county_dashboard_shows_the_app_widgets_of_the_chosen_township(county, county_inspector, login):
    org, other = county
    client = login(county_inspector)
    response = client.get(f"/supervision/?from=2026-01-01&to=2026-12-31&township={other.township.pk}")
    township_view = login(other.inspector).get("/supervision/?from=2026-01-01&to=2026-12-31")
    assert set(response.context["widgets"]) == set(township_view.context["widgets"]) != set()
    assert _picker_options(response.content.decode()) == ["Whole county", "A镇", "B乡"]


def test_county_dashboard_drills_down_to_one_township(county, county_inspector, login):
    _org, other = county
    _findings(county)
    client = login(county_inspector)
    whole = client.get("/supervision/?from=2026-01-01&to=2026-12-31")
    assert re.search(r'<option value="" selected>Whole county</option>', whole.content.decode())
    one = client.get(f"/supervision/?from=2026-01-01&to=2026-12-31&township={other.township.pk}")
    assert _chart(one, "rule_chart")["data"]["datasets"][0]["data"] == [1]
    assert [name for name, _pk, _n in one.context["open_by_dept"]] == ["党政办"]
    assert re.search(rf'<option value="{other.township.pk}" selected>B乡</option>', one.content.decode())


def _report(o, year, number, scores):
    from township.models.supervision import AppraisalReport, AppraisalScore

    rep = AppraisalReport.objects.create(
        township=o.township,
        year=year,
        number=number,
        start=dt.date(year, 3 * number - 2, 1),
        end=dt.date(year, 3 * number, 28),
        computed_at=NOW,
    )
    for person, total, village, petitions in scores:
        details = {"village_days": {"value": village, "score": "0", "weight": "10"}}
        if petitions is not None:
            details["petitions"] = {"value": petitions, "score": "0", "weight": "10"}
        AppraisalScore.objects.create(
            report=rep, person=person, department=o.department, total=total, rank=1, details=details
        )
    return rep


def _comparison_world(org, other):
    """Open findings in 2026: A镇 3 R-ATT (2 R-ATT-2, 1 R-ATT-3) and 1 R-FLD; B乡 1 R-PET; one
    closed R-ATT-2 of B乡 that does not count.  Appraisal: each township's latest report."""
    from township.models import FindingStatus

    def f(o, rule, day, status=None):
        made = finding_raise(
            rule_id=rule,
            township=o.township,
            person=o.staff,
            department=o.department,
            detail=f"{rule} {day}",
            on_date=dt.date(2026, 3, day),
        )
        if status:
            type(made).objects.filter(pk=made.pk).update(status=status)

    f(org, "R-ATT-2", 2)
    f(org, "R-ATT-2", 3)
    f(org, "R-ATT-3", 4)
    f(org, "R-FLD-1", 5)
    f(other, "R-PET-3", 6)
    f(other, "R-ATT-2", 7, status=FindingStatus.DISMISSED)

    # An older report of A镇 that must not count.
    _report(org, 2026, 2, [(org.staff, Decimal("10.00"), "0.10", None)])
    # A镇 Q3: totals 80, 90 -> 85.00; village days 0.50 and 1.00 -> 75 %; petitions 1.00 (one
    # leader with cases; "n/a" for the other) -> 100 %.
    _report(
        org,
        2026,
        3,
        [(org.staff, Decimal("80.00"), "0.50", "1.00"), (org.head, Decimal("90.00"), "1.00", "n/a")],
    )
    # B乡 Q3: totals 70, 71, 72 -> 71.00; village days 0.20, 0.40, 0.60 -> 40 %; petitions 0.50 and
    # 0.00 -> 25 %.
    _report(
        other,
        2026,
        3,
        [
            (other.staff, Decimal("70.00"), "0.20", "0.50"),
            (other.head, Decimal("71.00"), "0.40", "0.00"),
            (other.leader, Decimal("72.00"), "0.60", None),
        ],
    )


def test_county_dashboard_compares_the_townships(county, county_inspector, login):
    org, other = county
    _comparison_world(org, other)
    with time_machine.travel(NOW):
        response = login(county_inspector).get("/supervision/?from=2026-01-01&to=2026-12-31")
    comparison = response.context["comparison"]
    assert comparison["groups"] == ["R-ATT", "R-FLD", "R-PET"]
    rows = {r["township"].name: r for r in comparison["rows"]}
    assert list(rows) == ["A镇", "B乡"]
    assert rows["A镇"]["open"] == [3, 1, 0] and rows["A镇"]["open_total"] == 4
    assert rows["B乡"]["open"] == [0, 0, 1] and rows["B乡"]["open_total"] == 1
    assert rows["A镇"]["village_days"] == Decimal("75") and rows["B乡"]["village_days"] == Decimal("40")
    assert rows["A镇"]["petitions_on_time"] == Decimal("100") and rows["B乡"]["petitions_on_time"] == Decimal(
        "25"
    )
    assert rows["A镇"]["average_score"] == Decimal("85.00") and rows["B乡"]["average_score"] == Decimal(
        "71.00"
    )
    content = response.content.decode()
    assert f'href="/supervision/?township={org.township.pk}&amp;from=2026-01-01&amp;to=2026-12-31"' in content
    chart = _chart(response, "comparison_chart")
    assert chart["data"]["labels"] == ["A镇", "B乡"]
    assert [d["data"] for d in chart["data"]["datasets"]][:3] == [[3, 0], [1, 0], [0, 1]]


def test_county_dashboard_exports_the_comparison(county, county_inspector, login):
    org, other = county
    _comparison_world(org, other)
    with time_machine.travel(NOW):
        response = login(county_inspector).get(
            "/supervision/?from=2026-01-01&to=2026-12-31&export=comparison"
        )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Township", "R-ATT", "R-FLD", "R-PET"]
    assert rows[1] == ["A镇", 3, 1, 0, 4, 75, 100, 85]
    assert rows[2] == ["B乡", 0, 0, 1, 1, 40, 25, 71]


def test_a_township_inspector_gets_no_comparison(county, login):
    org, _other = county
    response = login(org.inspector).get("/supervision/?from=2026-01-01&to=2026-12-31")
    assert response.context["comparison"] is None


def test_the_comparison_runs_the_same_number_of_queries_for_2_and_4_townships(
    county, county_inspector, client
):
    org, other = county
    _comparison_world(org, other)
    counts = []
    for round_ in range(2):
        client.force_login(county_inspector)
        client.get("/")  # the first request after signing in also writes the session
        clear_cache()
        ContentType.objects.clear_cache()
        with time_machine.travel(NOW), CaptureQueriesContext(connection) as captured:
            response = client.get("/supervision/?from=2026-01-01&to=2026-12-31")
        counts.append((len(response.context["comparison"]["rows"]), len(captured.captured_queries)))
        for name in ("C镇", "D乡") if round_ == 0 else ():
            extra = build_org(TownshipFactory(county=org.township.county, name=name))
            finding_raise(
                rule_id="R-MTG-2",
                township=extra.township,
                department=extra.department,
                detail=name,
                on_date=dt.date(2026, 4, 1),
            )
            _report(extra, 2026, 3, [(extra.staff, Decimal("60.00"), "0.30", "0.90")])
    assert [n for n, _q in counts] == [2, 4]
    assert counts[0][1] == counts[1][1]
