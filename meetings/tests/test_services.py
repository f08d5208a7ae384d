"""Meeting requests: every BLOCK rule, caps, overrides, routing, rooms, records, merges."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Meeting, MeetingRefusal, MeetingStatus, MeetingType
from meetings.tests.factories import RoomFactory, approve, next_month_day, submit
from township.approvals import approval_decide
from township.models import ApprovalRequest, Finding, RuleOverride
from township.policy import policy_set
from township.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

# Mid-afternoon of a working day: a meeting held from just after midnight has ended by now.
AFTERNOON = dt.datetime(2026, 11, 25, 15, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def candidates(meeting):
    req = ApprovalRequest.objects.get(pk=meeting.approval_id)
    return set(req.steps.get(order=1).candidates.all())


def messages(exc):
    return " ".join(exc.value.messages)


# --- R-MTG-1 routing ---------------------------------------------------------------------------


def test_r_mtg_1_plenary_meeting_goes_to_the_principal_leaders(org):
    meeting = submit(org, meeting_type=MeetingType.PLENARY)
    assert meeting.status == MeetingStatus.PENDING
    assert candidates(meeting) == {org.principal, org.principal2}


def test_r_mtg_1_special_topic_meeting_goes_to_the_leader_in_charge(org):
    meeting = submit(org, meeting_type=MeetingType.SPECIAL_TOPIC)
    assert candidates(meeting) == {org.leader}


def test_r_mtg_1_business_meeting_to_leader_in_charge_and_major_event_to_principal(org):
    assert candidates(submit(org, meeting_type=MeetingType.BUSINESS)) == {org.leader}
    major = submit(org, meeting_type=MeetingType.SPECIAL_TOPIC, major_event=True)
    assert candidates(major) == {org.principal, org.principal2}
    statutory = submit(org, meeting_type=MeetingType.THREE_LEVEL_CADRE)
    assert candidates(statutory) == {org.principal, org.principal2}


@time_machine.travel(AFTERNOON)
def test_r_mtg_1_meeting_blocked_until_approved_then_rejection_frees_nothing_twice(org):
    """A plenary meeting waits for a principal leader: the leader in charge cannot approve it,
    and until it is approved it cannot be held (recorded); a rejected meeting never can."""
    day = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 5)))

    def record(meeting):
        return services.meeting_record_outcome(
            actor=org.clerk,
            meeting_id=meeting.pk,
            actual_start=start,
            actual_end=start + dt.timedelta(minutes=60),
            attendance=20,
            minutes_text="纪要",
        )

    meeting = submit(org, meeting_type=MeetingType.PLENARY, date=day, start_time=dt.time(0, 5))
    with pytest.raises(ValidationError):
        approval_decide(actor=org.leader, request_id=meeting.approval_id, decision="approve")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PENDING
    assert ApprovalRequest.objects.get(pk=meeting.approval_id).status == "pending"
    with pytest.raises(ValidationError) as exc:
        record(meeting)
    assert "R-MTG-1" in messages(exc)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.actual_start, meeting.minutes_text) == (MeetingStatus.PENDING, None, "")
    approve(meeting, org.principal)
    assert meeting.status == MeetingStatus.APPROVED
    held = record(meeting)
    assert held.status == MeetingStatus.HELD and held.actual_minutes == 60
    other = submit(org, meeting_type=MeetingType.SPECIAL_TOPIC, date=day, start_time=dt.time(0, 5))
    approval_decide(actor=org.leader, request_id=other.approval_id, decision="reject", comment="不必开")
    other.refresh_from_db()
    assert other.status == MeetingStatus.REJECTED
    with pytest.raises(ValidationError) as exc:
        record(other)
    assert "R-MTG-1" in messages(exc)
    other.refresh_from_db()
    assert (other.status, other.actual_start) == (MeetingStatus.REJECTED, None)


# --- R-MTG-2 / R-MTG-3 caps --------------------------------------------------------------------


def test_r_mtg_2_third_plenary_meeting_refused(org):
    first = submit(org, meeting_type=MeetingType.PLENARY)
    approve(first, org.principal)
    submit(org, meeting_type=MeetingType.PLENARY)  # pending counts too
    with pytest.raises(ValidationError) as exc:
        submit(org, meeting_type=MeetingType.PLENARY, title="第三次全体会")
    assert "R-MTG-2" in messages(exc)
    assert "meeting_type" in exc.value.message_dict
    assert Meeting.objects.filter(title="第三次全体会").count() == 0
    refusal = MeetingRefusal.objects.get()
    assert refusal.rule_ids == ["R-MTG-2"] and refusal.actor == org.clerk


def test_r_mtg_2_rejected_and_other_months_do_not_count(org):
    a = submit(org, meeting_type=MeetingType.PLENARY)
    submit(org, meeting_type=MeetingType.PLENARY)
    with pytest.raises(ValidationError, match="R-MTG-2"):
        submit(org, meeting_type=MeetingType.PLENARY, title="第三次")
    assert not Meeting.objects.filter(title="第三次").exists()
    approval_decide(actor=org.principal, request_id=a.approval_id, decision="reject", comment="合并开")
    third = submit(org, meeting_type=MeetingType.PLENARY, title="第三次")  # the rejected one freed its slot
    assert third.status == MeetingStatus.PENDING
    with pytest.raises(ValidationError, match="R-MTG-2"):
        submit(org, meeting_type=MeetingType.PLENARY, title="第四次")
    # The month after next has its own two.
    later = next_month_day(1) + dt.timedelta(days=40)
    for title in ("下月一", "下月二"):
        assert (
            submit(org, meeting_type=MeetingType.PLENARY, date=later, title=title).status
            == MeetingStatus.PENDING
        )
    assert Meeting.objects.filter(meeting_type=MeetingType.PLENARY).count() == 5
    # ... and they do not count for next month either: with one slot freed there, it is taken.
    approval_decide(actor=org.principal, request_id=third.approval_id, decision="reject", comment="再议")
    assert submit(org, meeting_type=MeetingType.PLENARY, title="第五次").status == MeetingStatus.PENDING


def test_r_mtg_2_cap_comes_from_policy(org):
    policy_set(actor=org.admin, key="R-MTG-2", year=next_month_day().year, value="3", township=org.township)
    for _ in range(3):  # the default would refuse the third
        submit(org, meeting_type=MeetingType.PLENARY)
    with pytest.raises(ValidationError, match="R-MTG-2"):
        submit(org, meeting_type=MeetingType.PLENARY)
    assert Meeting.objects.filter(meeting_type=MeetingType.PLENARY).count() == 3


def test_r_mtg_2_principal_leader_override_is_recorded_and_raises_a_finding(org):
    submit(org, meeting_type=MeetingType.PLENARY)
    submit(org, meeting_type=MeetingType.PLENARY)
    with pytest.raises(ValidationError, match="R-MTG-2"):
        submit(org, actor=org.clerk, meeting_type=MeetingType.PLENARY, override_reason="防汛紧急")
    assert Meeting.objects.count() == 2 and not RuleOverride.objects.exists()
    meeting = submit(
        org, actor=org.principal, meeting_type=MeetingType.PLENARY, override_reason="防汛紧急部署"
    )
    override = RuleOverride.objects.get(target_id=meeting.pk)
    assert override.rule_id == "R-MTG-2" and override.actor == org.principal
    assert override.stored_message["params"]["cap"] == 2  # what the rule said, in each reader's language
    assert Finding.objects.filter(rule_id="R-MTG-2", target_id=meeting.pk).exists()
    assert candidates(meeting) == {org.principal2}  # nobody approves their own request


def test_r_mtg_2_override_does_not_set_aside_other_rules(org):
    with pytest.raises(ValidationError, match="R-MTG-7"):
        submit(org, actor=org.principal, banners=True, override_reason="上级要求")
    assert not Meeting.objects.exists() and not RuleOverride.objects.exists()


def test_r_mtg_3_fourth_business_meeting_refused(org):
    for _ in range(3):
        submit(org, meeting_type=MeetingType.BUSINESS)
    with pytest.raises(ValidationError) as exc:
        submit(org, meeting_type=MeetingType.BUSINESS)
    assert "R-MTG-3" in messages(exc)
    assert Meeting.objects.filter(meeting_type=MeetingType.BUSINESS).count() == 3
    submit(org, meeting_type=MeetingType.SPECIAL_TOPIC)  # other kinds are not capped
    override = submit(org, actor=org.principal, meeting_type=MeetingType.BUSINESS, override_reason="县里要求")
    assert RuleOverride.objects.filter(rule_id="R-MTG-3", target_id=override.pk).exists()


def test_r_mtg_4_higher_level_meetings_are_outside_the_caps_but_recorded(org):
    submit(org, meeting_type=MeetingType.PLENARY)
    submit(org, meeting_type=MeetingType.PLENARY)
    for _ in range(3):
        submit(org, meeting_type=MeetingType.HIGHER_LEVEL, title="县里临时视频会")
    assert Meeting.objects.filter(meeting_type=MeetingType.HIGHER_LEVEL).count() == 3
    from township.hooks import ask

    day = next_month_day()
    (summary,) = ask("meeting_summary", township_id=org.township.pk, start=day.replace(day=1), end=day)
    assert summary["totals"]["higher_level"] == 3 and summary["totals"]["plenary"] == 2
    assert summary["months"][0]["over"] == []


# --- R-MTG-5 .. R-MTG-9 ------------------------------------------------------------------------


def test_r_mtg_5_request_over_two_hours_refused_except_statutory(org):
    with pytest.raises(ValidationError) as exc:
        submit(org, planned_minutes=150)
    assert "R-MTG-5" in messages(exc) and "planned_minutes" in exc.value.message_dict
    assert not Meeting.objects.exists()
    submit(org, meeting_type=MeetingType.PEOPLES_CONGRESS, planned_minutes=240)
    submit(org, planned_minutes=120)


@time_machine.travel(AFTERNOON)
def test_r_mtg_5_actual_overrun_raises_a_finding(org):
    day = timezone.localdate()
    meeting = submit(org, date=day, start_time=dt.time(0, 5), planned_minutes=60)
    approve(meeting, org.leader)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 5)))
    end = start + dt.timedelta(minutes=150)
    services.meeting_record_outcome(
        actor=org.clerk,
        meeting_id=meeting.pk,
        actual_start=start,
        actual_end=end,
        attendance=20,
        minutes_text="纪要",
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.actual_minutes == 150
    finding = Finding.objects.get(rule_id="R-MTG-5")
    assert finding.target_id == meeting.pk and "150" in finding.detail


@time_machine.travel(AFTERNOON)
def test_r_mtg_5_statutory_meeting_overrun_raises_no_finding(org):
    meeting = submit(
        org, meeting_type=MeetingType.PARTY_CONGRESS, date=timezone.localdate(), start_time=dt.time(0, 1)
    )
    approve(meeting, org.principal)
    end = timezone.now() - dt.timedelta(minutes=1)
    services.meeting_record_outcome(
        actor=org.clerk,
        meeting_id=meeting.pk,
        actual_start=end - dt.timedelta(minutes=200),
        actual_end=end,
        attendance=80,
        minutes_text="大会纪要",
    )
    assert not Finding.objects.filter(rule_id="R-MTG-5").exists()


def test_r_mtg_6_three_speakers_on_one_item_refused(org):
    with pytest.raises(ValidationError) as exc:
        submit(org, agenda=[("秋收安排", ["甲", "乙", "丙"]), ("其他", ["丁"])])
    assert "R-MTG-6" in messages(exc) and "秋收安排" in messages(exc)
    assert not Meeting.objects.exists() and not AgendaItem.objects.exists()
    two = submit(org, agenda=[("秋收安排", ["甲", "乙"]), ("其他", ["丁"])])
    assert two.status == MeetingStatus.PENDING


@pytest.mark.parametrize("item", ["backdrop", "carpet", "flowers", "tablecloth", "banners"])
def test_r_mtg_7_frugality_items_refused(org, item):
    with pytest.raises(ValidationError) as exc:
        submit(org, **{item: True})
    assert "R-MTG-7" in messages(exc) and item in exc.value.message_dict
    assert not Meeting.objects.exists()


def test_r_mtg_7_database_refuses_a_banner_too(org):
    meeting = submit(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(banners=True)
    meeting.refresh_from_db()
    assert meeting.banners is False


@pytest.mark.parametrize(
    "kw",
    [{"meals": "restaurant"}, {"meals": "banquet"}, {"alcohol": True}, {"cigarettes": True}, {"fruit": True}],
)
def test_r_mtg_8_meals_alcohol_cigarettes_fruit_refused(org, kw):
    with pytest.raises(ValidationError, match="R-MTG-8"):
        submit(org, **kw)
    assert not Meeting.objects.exists()


def test_r_mtg_8_fruit_allowed_at_retired_cadres_symposium_and_canteen_meal_allowed(org):
    meeting = submit(
        org, fruit=True, retired_cadres_symposium=True, meals="canteen", meeting_type="special_topic"
    )
    assert meeting.fruit and meeting.meals == "canteen"


@pytest.mark.parametrize("kind", ["scenic_spot", "high_end_hotel"])
def test_r_mtg_9_scenic_spot_or_high_end_hotel_refused(org, kind):
    with pytest.raises(ValidationError) as exc:
        submit(org, venue_kind="outside", room=None, outside_place="某山庄", outside_kind=kind)
    assert "R-MTG-9" in messages(exc)
    assert not Meeting.objects.exists()
    meeting = submit(
        org, venue_kind="outside", room=None, outside_place="东河村委会", outside_kind="village_office"
    )
    assert meeting.venue_label.startswith("东河村委会")


def test_all_broken_rules_are_reported_at_once(org):
    with pytest.raises(ValidationError) as exc:
        submit(org, planned_minutes=180, banners=True, alcohol=True)
    text = messages(exc)
    assert "R-MTG-5" in text and "R-MTG-7" in text and "R-MTG-8" in text
    assert sorted(MeetingRefusal.objects.get().rule_ids) == ["R-MTG-5", "R-MTG-7", "R-MTG-8"]


# --- rooms ---------------------------------------------------------------------------------------


def test_room_cannot_be_booked_twice_for_overlapping_times(org):
    room = RoomFactory(township=org.township)
    submit(org, room=room, start_time=dt.time(9, 0), planned_minutes=90)
    with pytest.raises(ValidationError) as exc:
        submit(org, room=room, start_time=dt.time(10, 0), planned_minutes=30, meeting_type="special_topic")
    assert "room" in exc.value.message_dict
    submit(org, room=room, start_time=dt.time(10, 30), planned_minutes=30, meeting_type="special_topic")


def test_room_overlap_is_refused_by_the_database_trigger(org):
    room = RoomFactory(township=org.township)
    first = submit(org, room=room, start_time=dt.time(14, 0), planned_minutes=60)
    second = submit(
        org, room=room, start_time=dt.time(16, 0), planned_minutes=60, meeting_type="special_topic"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=second.pk).update(starts_at=first.starts_at, ends_at=first.ends_at)


def test_cancelled_meeting_frees_its_room_and_its_slot(org):
    room = RoomFactory(township=org.township)
    m = approve(submit(org, room=room, meeting_type=MeetingType.PLENARY), org.principal)
    submit(org, meeting_type=MeetingType.PLENARY)
    with pytest.raises(ValidationError, match="R-MTG-2"):
        submit(org, room=room, meeting_type=MeetingType.PLENARY, title="补开")
    with pytest.raises(ValidationError, match="already booked"):  # the room is taken at that hour
        submit(
            org,
            room=room,
            start_time=m.starts_at.astimezone(timezone.get_current_timezone()).time(),
            meeting_type=MeetingType.SPECIAL_TOPIC,
            title="补开",
        )
    assert not Meeting.objects.filter(title="补开").exists()
    services.meeting_cancel(actor=org.clerk, meeting_id=m.pk, reason="改期")
    m.refresh_from_db()
    assert m.status == MeetingStatus.CANCELLED
    again = submit(
        org,
        room=room,
        start_time=m.starts_at.astimezone(timezone.get_current_timezone()).time(),
        meeting_type=MeetingType.PLENARY,
        title="补开",
    )
    assert again.status == MeetingStatus.PENDING and again.room == room and again.starts_at == m.starts_at


# --- bad input -----------------------------------------------------------------------------------


def test_bad_input_past_date_empty_agenda_missing_venue(org):
    with pytest.raises(ValidationError) as exc:
        submit(org, date=timezone.localdate() - dt.timedelta(days=1))
    assert "date" in exc.value.message_dict
    with pytest.raises(ValidationError, match="agenda item"):
        submit(org, agenda=[("  ", [])])
    with pytest.raises(ValidationError) as exc:
        submit(org, venue_kind="outside", room=None, outside_place="", outside_kind="")
    assert "outside_place" in exc.value.message_dict
    assert Meeting.objects.count() == 0 and MeetingRefusal.objects.count() == 0


def test_record_refuses_end_before_start_and_future_meetings(org):
    meeting = approve(submit(org), org.leader)
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.meeting_record_outcome(
            actor=org.clerk, meeting_id=meeting.pk, actual_start=now - dt.timedelta(hours=1),
            actual_end=now - dt.timedelta(hours=2), attendance=3, minutes_text="x",
        )  # fmt: skip
    assert "actual_end" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.meeting_record_outcome(
            actor=org.staff, meeting_id=meeting.pk, actual_start=now - dt.timedelta(hours=2),
            actual_end=now - dt.timedelta(hours=1), attendance=3, minutes_text="x",
        )  # fmt: skip
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.APPROVED


def test_other_township_room_or_department_refused(org, other_org):
    other_room = RoomFactory(township=other_org.township)
    with pytest.raises(ValidationError) as exc:
        submit(org, room=other_room, department=other_org.department)
    assert "room" in exc.value.message_dict and "department" in exc.value.message_dict


# --- R-MTG-10 merge ------------------------------------------------------------------------------


def test_r_mtg_10_close_meeting_with_same_audience_is_suggested_and_recorded(org):
    from meetings.selectors import merge_candidates

    day = next_month_day(10)
    first = submit(org, date=day, title="第一次")
    other_dept = DepartmentFactory(township=org.township)
    far = submit(org, date=day + dt.timedelta(days=20), title="远的", meeting_type="special_topic")
    unrelated = submit(
        org, date=day, audience_departments=[other_dept], title="别的部门", meeting_type="special_topic"
    )
    found = merge_candidates(
        township_id=org.township.pk,
        day=day + dt.timedelta(days=3),
        department_ids=[org.department.pk],
        people_ids=[],
    )
    assert first in found and far not in found and unrelated not in found
    second = submit(org, date=day + dt.timedelta(days=2), title="第二次", meeting_type="special_topic")
    assert first in second.merge_candidates.all()


def test_r_mtg_10_items_merged_into_the_other_meeting_instead(org):
    target = submit(org, title="综合工作会")
    services.meeting_merge_into(
        actor=org.staff, target_id=target.pk, agenda=[("森林防火", ["赵六"])], source_title="防火会"
    )
    items = list(AgendaItem.objects.filter(meeting=target).order_by("order"))
    assert items[-1].title == "森林防火" and items[-1].merged_from == "防火会" and items[-1].order == 3
    with pytest.raises(ValidationError, match="R-MTG-6"):
        services.meeting_merge_into(
            actor=org.staff, target_id=target.pk, agenda=[("x", ["a", "b", "c"])], source_title="y"
        )


# --- the summary hook ----------------------------------------------------------------------------


def test_meeting_summary_hook_counts_per_month_and_department(org):
    submit(org, meeting_type=MeetingType.PLENARY)
    submit(org, meeting_type=MeetingType.BUSINESS, planned_minutes=60)
    submit(org, actor=org.principal, meeting_type=MeetingType.PLENARY)
    submit(org, actor=org.principal, meeting_type=MeetingType.PLENARY, override_reason="紧急")
    day = next_month_day()
    from township.hooks import ask

    (s,) = ask(
        "meeting_summary", township_id=org.township.pk, start=day.replace(day=1), end=day.replace(day=28)
    )
    assert s["totals"]["plenary"] == 3 and s["totals"]["business"] == 1
    assert s["months"][0]["over"] == ["plenary"] and s["overrides"] == 1
    assert s["by_department"] == [
        {"department_id": org.department.pk, "department": org.department.name, "count": 4}
    ]
    assert s["average_minutes"] == pytest.approx((90 * 3 + 60) / 4, abs=0.1)


def test_staff_outside_township_cannot_request(org):
    county_user = UserFactory(township=None, county=org.township.county)
    with pytest.raises(ValidationError):
        submit(org, actor=county_user)
