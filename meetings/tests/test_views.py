"""Pages: request form, refusals naming rules, calendar, iCal, figures, scoping, query budgets."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import CalendarFeed, Meeting, MeetingStatus, MeetingType
from meetings.services import feed_issue, feed_revoke
from meetings.tests.factories import RoomFactory, approve, next_month_day, submit
from township.tests.test_exports import filename_of

pytestmark = pytest.mark.django_db


def bulk_meetings(org, n, day, status=MeetingStatus.APPROVED, **kw):
    rows = []
    for i in range(n):
        start = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=i % 20), dt.time(8, 0)))
        rows.append(
            Meeting(
                township=org.township,
                title=f"会议{i}",
                department=org.department,
                meeting_type=[MeetingType.PLENARY, MeetingType.BUSINESS, MeetingType.SPECIAL_TOPIC][i % 3],
                date=start.date(),
                start_time=dt.time(8, 0),
                planned_minutes=60,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                venue_kind="outside",
                outside_place="村委会",
                outside_kind="village_office",
                requested_by=org.clerk,
                status=status,
                **kw,
            )  # fmt: skip
        )
    made = Meeting.objects.bulk_create(rows)
    for m in made:
        m.audience_departments.add(org.department)
    return made


def form_data(org, **kw):
    room = RoomFactory(township=org.township)
    data = {
        "title": "秋冬季森林防火工作会", "department": org.department.pk, "meeting_type": "business",
        "date": next_month_day().isoformat(), "start_time": "09:00", "planned_minutes": "60",
        "venue_kind": "room", "room": room.pk, "format": "in_person", "meals": "none",
        "audience_departments": [org.department.pk],
        "agenda-TOTAL_FORMS": "5", "agenda-INITIAL_FORMS": "0", "agenda-MIN_NUM_FORMS": "0", "agenda-MAX_NUM_FORMS": "20",
        "agenda-0-title": "部署防火工作", "agenda-0-speakers": "张三、李四",
    }  # fmt: skip
    data.update(kw)
    return data


def test_request_form_submits_and_shows_refusals_naming_the_rule(org, login):
    client = login(org.clerk)
    page = client.get(reverse("meetings:new"))
    assert page.status_code == 200 and "override_reason" not in page.content.decode()
    response = client.post(reverse("meetings:new"), form_data(org, banners="on"))
    text = response.content.decode()
    assert response.status_code == 200 and "R-MTG-7" in text and Meeting.objects.count() == 0
    response = client.post(reverse("meetings:new"), form_data(org, **{"agenda-0-speakers": "甲、乙、丙"}))
    assert "R-MTG-6" in response.content.decode()
    response = client.post(reverse("meetings:new"), form_data(org))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    assert [(i.title, i.speakers) for i in meeting.agenda.all()] == [("部署防火工作", ["张三", "李四"])]


def test_request_form_in_chinese_names_the_rule(org, client):
    client.force_login(org.clerk)
    for _ in range(2):
        submit(org, meeting_type="plenary")
    response = client.post(
        reverse("meetings:new"), form_data(org, meeting_type="plenary"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    text = response.content.decode()
    assert "R-MTG-2" in text and "全体性会议" in text


def test_principal_sees_override_box_and_can_set_cap_aside(org, login):
    for _ in range(2):
        submit(org, meeting_type="plenary")
    client = login(org.principal)
    assert "override_reason" in client.get(reverse("meetings:new")).content.decode()
    response = client.post(
        reverse("meetings:new"), form_data(org, meeting_type="plenary", override_reason="抗旱紧急")
    )
    assert response.status_code == 302


def test_r_mtg_10_merge_candidates_partial_and_merge_button(org, login):
    target = submit(org, title="综合工作会")
    client = login(org.staff)
    url = reverse("meetings:merge_candidates")
    response = client.get(
        url, {"date": next_month_day().isoformat(), "audience_departments": [org.department.pk]}
    )
    assert "综合工作会" in response.content.decode() and f'value="{target.pk}"' in response.content.decode()
    assert "综合工作会" not in client.get(url, {"date": "bad"}).content.decode()
    response = client.post(reverse("meetings:new"), form_data(org, merge_into=str(target.pk)))
    assert response.status_code == 302 and Meeting.objects.count() == 1
    assert target.agenda.filter(title="部署防火工作").exists()


def test_meeting_detail_scoped(org, other_org, login):
    meeting = submit(org)
    assert login(org.staff).get(meeting.get_absolute_url()).status_code == 404  # pending, not theirs
    assert login(org.head).get(meeting.get_absolute_url()).status_code == 200  # organising department
    approve(meeting, org.leader)
    assert login(org.staff).get(meeting.get_absolute_url()).status_code == 200  # approved: township calendar
    assert login(other_org.principal).get(meeting.get_absolute_url()).status_code == 404


def test_record_page_saves_minutes_and_file(org, login):
    meeting = approve(
        submit(org, date=timezone.localdate(), start_time=dt.time(0, 1), planned_minutes=30), org.leader
    )
    client = login(org.clerk)
    end = timezone.localtime(timezone.now() - dt.timedelta(minutes=1))
    start = end - dt.timedelta(minutes=40)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("meetings:record", args=[meeting.pk]),
        {
            "actual_start": start.strftime("%Y-%m-%dT%H:%M"),
            "actual_end": end.strftime("%Y-%m-%dT%H:%M"),
            "attendance": "25",
            "minutes_text": "",
            "minutes_file": SimpleUploadedFile("纪要.pdf", b"%PDF-1.4"),
        },  # fmt: skip
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.minutes_file
    download = client.get(reverse("meetings:minutes_file", args=[meeting.pk]))
    assert download.status_code == 200
    client.cookies["django_language"] = "en"
    download = client.get(reverse("meetings:minutes_file", args=[meeting.pk]))
    name = "-".join(meeting.title.split())
    assert filename_of(download) == f"minutes-{name}-{meeting.date.isoformat()}.pdf"  # not its number
    assert login(org.staff).get(reverse("meetings:record", args=[meeting.pk])).status_code == 403


def test_ical_feed_lists_my_meetings_and_404_for_wrong_or_revoked_token(org, other_org, client, login):
    mine = approve(submit(org, title="我参加的会"), org.leader)
    other_dept = other_org.department  # another township's department: never in my feed
    not_mine = approve(
        submit(other_org, title="别镇的会", department=other_dept, audience_departments=[other_dept]),
        other_org.leader,
    )
    feed = feed_issue(actor=org.staff)
    body = client.get(reverse("meetings:ical", args=[feed.token]))
    text = body.content.decode()
    assert body.status_code == 200 and body["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in text and f"UID:meeting-{mine.pk}@" in text and not_mine.title not in text
    assert client.get(reverse("meetings:ical", args=["wrong-token"])).status_code == 404
    feed_revoke(actor=org.staff)
    assert client.get(reverse("meetings:ical", args=[feed.token])).status_code == 404
    new = feed_issue(actor=org.staff)
    assert (
        new.token != feed.token
        and CalendarFeed.objects.filter(person=org.staff, revoked_at__isnull=True).count() == 1
    )
    page = login(org.staff).get(reverse("meetings:feed"))
    assert new.token in page.content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_calendar_month_and_week_query_budget(org, login, django_assert_max_num_queries, n):
    day = next_month_day(1)
    bulk_meetings(org, n, day)
    client = login(org.staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("meetings:calendar"), {"month": day.strftime("%Y-%m")})
    assert response.content.decode().count('data-testid="cal-event-') == n
    with django_assert_max_num_queries(12):
        client.get(
            reverse("meetings:calendar_week"), {"week": day.isoformat(), "department": org.department.pk}
        )
    with django_assert_max_num_queries(14):
        client.get(reverse("meetings:index"))
    feed = feed_issue(actor=org.staff)
    with django_assert_max_num_queries(6):
        text = client.get(reverse("meetings:ical", args=[feed.token])).content.decode()
    assert text.count("BEGIN:VEVENT") == n


@pytest.mark.parametrize("n", [3, 30])
def test_figures_page_query_budget_and_chart(org, login, django_assert_max_num_queries, n):
    day = next_month_day(1)
    bulk_meetings(org, n, day)
    client = login(org.inspector)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("meetings:figures"), {"year": day.year})
    text = response.content.decode()
    assert response.status_code == 200 and "data-chart" in text
    assert login(org.staff).get(reverse("meetings:figures")).status_code == 403


def test_documents_and_press_pages(org, login):
    client = login(org.clerk)
    response = client.post(
        reverse("meetings:document_new"),
        {"kind": "general", "title": "通知", "department": org.department.pk,
         "issued_on": timezone.localdate().isoformat(), "text": "字" * 2100},
    )  # fmt: skip
    assert "R-DOC-1" in response.content.decode() and "2100" in response.content.decode()
    response = client.post(
        reverse("meetings:document_new"),
        {"kind": "general", "title": "通知", "department": org.department.pk,
         "issued_on": timezone.localdate().isoformat(), "text": "字" * 100},
    )  # fmt: skip
    assert response.status_code == 302
    assert client.get(reverse("meetings:document_list"), {"export": "xlsx"}).status_code == 200
    response = client.post(
        reverse("meetings:press_new"),
        {"title": "书记调研", "subject": "leader_activity", "on_date": next_month_day().isoformat(),
         "department": org.department.pk},
    )  # fmt: skip
    assert "R-MTG-11" in response.content.decode()
    assert client.get(reverse("meetings:press_list")).status_code == 200
    assert client.get(reverse("meetings:index"), {"export": "xlsx"}).status_code == 200


def test_new_request_can_start_from_a_returned_one(org, login):
    from township.approvals import approval_decide

    meeting = submit(org, title="要改的会")
    approval_decide(actor=org.leader, request_id=meeting.approval_id, decision="return", comment="改时间")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.RETURNED
    text = login(org.clerk).get(reverse("meetings:new"), {"copy": meeting.pk}).content.decode()
    assert 'value="要改的会"' in text and "传达县安全生产会议精神" in text
    assert login(org.staff).get(reverse("meetings:new"), {"copy": meeting.pk}).status_code == 404


def test_pending_requests_show_on_the_calendar_marked_for_those_who_may_see_them(org, other_org, login):
    day = next_month_day(12)
    pending = submit(org, title="待批的专题会", date=day)
    approved = approve(submit(org, title="已批的专题会", date=day), org.leader)
    month = {"month": day.strftime("%Y-%m")}
    # the requester's department head sees the waiting request, marked
    page = login(org.head).get(reverse("meetings:calendar"), month).content.decode()
    assert (
        f'data-testid="cal-event-{pending.pk}"' in page and f'data-testid="cal-pending-{pending.pk}"' in page
    )
    assert f'data-testid="cal-event-{approved.pk}"' in page
    assert f'data-testid="cal-pending-{approved.pk}"' not in page
    week = login(org.head).get(reverse("meetings:calendar_week"), {"week": day.isoformat()}).content.decode()
    assert f'data-testid="cal-pending-{pending.pk}"' in week
    # a plain staff member sees the approved meeting only
    staff = login(org.staff).get(reverse("meetings:calendar"), month).content.decode()
    assert f'data-testid="cal-event-{approved.pk}"' in staff and f"cal-event-{pending.pk}" not in staff
    # someone of another township sees neither
    other = login(other_org.staff).get(reverse("meetings:calendar"), month).content.decode()
    assert f"cal-event-{pending.pk}" not in other and f"cal-event-{approved.pk}" not in other
