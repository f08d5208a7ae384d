import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from petitions import rules, services
from petitions.models import PetitionCase, PetitionEvent, Status
from petitions.tests.factories import (
    ID_A,
    ID_B,
    ID_C,
    ID_D,
    accepted,
    days_ago,
    in_progress,
    register,
    replied,
)
from township.approvals import approval_decide, approvals_for_target
from township.models import ApprovalStatus, Finding, Notification, PolicyValue

# --- R-PET-1: every petition registered, numbered, collective, repeats ---------------------------


def test_r_pet_1_registration_numbers_per_year_and_township(org, other_org):
    a = register(org, on=dt.date(2025, 12, 30))
    b = register(org)
    c = register(org)
    d = register(other_org)
    year = b.registered_on.year
    assert a.number == "2025-0001"
    assert (b.number, c.number) == (f"{year}-0001", f"{year}-0002")
    assert d.number == f"{year}-0001"  # each township counts its own
    assert PetitionEvent.objects.filter(case=b, verb="register", actor=org.clerk).exists()
    assert b.status == Status.REGISTERED and b.next_due == b.acceptance_due


def test_r_pet_1_collective_when_five_or_more(org):
    people = [{"name": f"村民{i}", "id_number": ""} for i in range(3)]
    assert not register(org, petitioners=people).is_collective
    assert register(org, petitioners=people, headcount=5).is_collective
    PolicyValue.objects.create(
        county=org.township.county, township=org.township, key="R-PET-1.collective_min", year=2000, value=3
    )
    assert register(org, petitioners=people).is_collective


def test_r_pet_1_only_clerk_or_leader_registers(org):
    with pytest.raises(ValidationError, match="clerk or a leader"):
        register(org, by=org.staff)


def test_r_pet_1_bad_id_number_refused_nothing_saved(org):
    with pytest.raises(ValidationError) as exc:
        register(org, petitioners=[{"name": "李四", "id_number": "110101199003070012"}])
    assert "ID number" in str(exc.value.message_dict["petitioners"])
    assert not PetitionCase.objects.exists()


def test_r_pet_1_id_number_checksum_gb11643():
    assert rules.id_number_valid(ID_A) and rules.id_number_valid(ID_B)
    assert rules.id_number_valid(ID_C.lower()) and rules.id_number_valid(ID_D)
    assert not rules.id_number_valid("11010519491231002Y")
    assert not rules.id_number_valid("110105194912310021")  # wrong check character
    assert not rules.id_number_valid("110105194913310023")  # month 13
    assert not rules.id_number_valid("1101051949123100")  # 16 characters


def test_r_pet_1_repeat_candidates_by_id_or_similar_matter(org):
    first = register(org, matter="东河村道路损坏，雨天无法通行，请求维修")
    other = register(
        org, matter="低保评定不公", petitioners=[{"name": "王五", "id_number": ID_B}], category="social"
    )
    by_id = services.repeat_candidates(
        township_id=org.township.pk, id_numbers=[ID_B], matter="完全不同的事情"
    )
    assert [c for c, _why in by_id] == [other]
    by_text = services.repeat_candidates(
        township_id=org.township.pk, id_numbers=[], matter="东河村道路损坏，雨天无法通行，再次请求维修"
    )
    assert [c for c, _why in by_text] == [first]


def test_r_pet_1_repeat_after_final_review_is_marked(org):
    case = replied(org, on=days_ago(0))
    services.petition_case_request_review(actor=org.clerk, case_id=case.pk, reason="不服")
    services.petition_case_reply_review(actor=org.principal, case_id=case.pk, text="维持原答复")
    again = register(org, linked_cases=[case])
    assert again.is_repeat and again.after_final_review
    plain = register(org, linked_cases=[register(org)])
    assert plain.is_repeat and not plain.after_final_review


@pytest.mark.django_db(transaction=True)
def test_r_pet_1_case_numbers_unique_under_concurrency():
    from conftest import build_org

    org = build_org()
    numbers, errors = [], []
    barrier = threading.Barrier(4)

    def work():
        try:
            barrier.wait()
            numbers.append(register(org).number)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(numbers)) == 4
    assert sorted(int(n.split("-")[1]) for n in numbers) == [1, 2, 3, 4]


# --- the transition table and roles ---------------------------------------------------------------


def test_transitions_only_by_the_right_role(org):
    case = register(org)
    with pytest.raises(ValidationError, match="Only these people"):
        services.petition_case_accept(actor=org.staff, case_id=case.pk)
    with pytest.raises(ValidationError, match="not possible"):
        services.petition_case_reply(actor=org.leader, case_id=case.pk, text="x")
    services.petition_case_accept(actor=org.clerk, case_id=case.pk)
    with pytest.raises(ValidationError, match="not possible"):
        services.petition_case_accept(actor=org.clerk, case_id=case.pk)
    services.petition_case_assign(
        actor=org.principal,
        case_id=case.pk,
        leader=org.leader,
        department=org.department,
        handlers=[org.staff],
    )
    with pytest.raises(ValidationError, match="Only these people"):
        services.petition_case_reply(actor=org.colleague, case_id=case.pk, text="x")  # not on the case
    with pytest.raises(ValidationError, match="Only these people"):
        services.petition_case_reply(actor=org.clerk, case_id=case.pk, text="x")
    services.petition_case_reply(actor=org.staff, case_id=case.pk, text="已答复")  # a handler
    with pytest.raises(ValidationError, match="Only these people"):
        services.petition_case_record_satisfaction(actor=org.leader, case_id=case.pk, satisfied=True)
    services.petition_case_record_satisfaction(actor=org.clerk, case_id=case.pk, satisfied=True, note="满意")
    services.petition_case_close(actor=org.clerk, case_id=case.pk)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.satisfied is True and case.next_due is None
    verbs = list(PetitionEvent.objects.filter(case=case).values_list("verb", flat=True))
    assert verbs == ["register", "accept", "assign", "reply", "satisfied", "close"]


def test_refusal_needs_a_reason_and_is_final(org):
    case = register(org)
    with pytest.raises(ValidationError):
        services.petition_case_refuse(actor=org.clerk, case_id=case.pk, reason=" ")
    services.petition_case_refuse(
        actor=org.clerk, case_id=case.pk, reason="不属于本机关职权范围，已告知向县法院起诉"
    )
    case.refresh_from_db()
    assert case.status == Status.NOT_ACCEPTED and case.notice_text and case.next_due is None
    with pytest.raises(ValidationError):
        services.petition_case_accept(actor=org.clerk, case_id=case.pk)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_accepting_at_once_only_one_step_applies():
    from conftest import build_org
    from township.models import Role
    from township.tests.factories import UserFactory

    org = build_org()
    clerk2 = UserFactory(township=org.township, department=org.department, roles=[Role.OFFICE_CLERK])
    case = register(org)
    results = []
    barrier = threading.Barrier(2)

    def work(actor):
        try:
            barrier.wait()
            services.petition_case_accept(actor=actor, case_id=case.pk)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in (org.clerk, clerk2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert PetitionEvent.objects.filter(case=case, verb="accept").count() == 1


# --- R-PET-2: acceptance decision within 15 days ------------------------------------------------


def test_r_pet_2_acceptance_due_fifteen_calendar_days(org):
    case = register(org, on=dt.date(2026, 1, 26))  # before the Spring Festival: calendar days
    assert case.acceptance_due == dt.date(2026, 2, 10)


def test_r_pet_2_late_decision_and_overdue_clock_raise_a_finding(org):
    case = register(org, on=days_ago(20))
    counts = services.petition_clocks_run()
    assert counts["overdue"] == 1
    services.petition_clocks_run()  # idempotent
    f = Finding.objects.get(rule_id="R-PET-2")
    assert f.on_date == case.acceptance_due + dt.timedelta(days=1)
    services.petition_case_accept(actor=org.clerk, case_id=case.pk)
    assert Finding.objects.filter(rule_id="R-PET-2").count() == 1


def test_r_pet_2_decision_cannot_predate_registration(org):
    case = register(org, on=days_ago(3))
    with pytest.raises(ValidationError) as exc:
        services.petition_case_accept(actor=org.clerk, case_id=case.pk, on=days_ago(5))
    assert "on" in exc.value.message_dict


# --- R-PET-3: reply within 60 days, one extension of at most 30, approved ----------------------------


def test_r_pet_3_reply_due_sixty_days_after_acceptance(org):
    case = in_progress(org, on=days_ago(10))
    assert case.reply_due == days_ago(10) + dt.timedelta(days=60)
    assert case.next_due == case.reply_due


def test_r_pet_3_reply_dated_before_acceptance_refused(org):
    case = in_progress(org, on=days_ago(5), registered=days_ago(9))
    with pytest.raises(ValidationError) as exc:
        services.petition_case_reply(actor=org.leader, case_id=case.pk, text="答复", on=days_ago(7))
    assert "before the acceptance" in str(exc.value.message_dict["on"])
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and not case.reply_text


def test_r_pet_3_extension_approved_once_through_approvals(org):
    case = in_progress(org, on=days_ago(50))
    due = case.reply_due
    with pytest.raises(ValidationError) as exc:
        services.petition_case_extend(actor=org.leader, case_id=case.pk, days=31, reason="需要鉴定")
    assert "30 days" in str(exc.value)
    services.petition_case_extend(actor=org.leader, case_id=case.pk, days=30, reason="需要土地鉴定")
    req = approvals_for_target(case).get()
    assert org.leader not in req.steps.get().candidates.all()
    with pytest.raises(ValidationError, match="only once"):
        services.petition_case_extend(actor=org.head, case_id=case.pk, days=10, reason="再延")
    approval_decide(actor=org.principal, request_id=req.pk, decision="approve")
    case.refresh_from_db()
    assert req.__class__.objects.get(pk=req.pk).status == ApprovalStatus.APPROVED
    assert case.extension_status == "approved" and case.reply_due == due + dt.timedelta(days=30)
    assert case.next_due == case.reply_due
    with pytest.raises(ValidationError, match="only once"):
        services.petition_case_extend(actor=org.leader, case_id=case.pk, days=5, reason="再延")


def test_r_pet_3_rejected_extension_keeps_the_deadline(org):
    case = in_progress(org, on=days_ago(50))
    services.petition_case_extend(actor=org.head, case_id=case.pk, days=20, reason="需要协调")
    req = approvals_for_target(case).get()
    approval_decide(actor=org.principal, request_id=req.pk, decision="reject", comment="抓紧办理")
    case.refresh_from_db()
    assert case.extension_status == "rejected" and case.reply_due == days_ago(50) + dt.timedelta(days=60)


def test_r_pet_3_overdue_reply_raises_one_finding(org):
    case = in_progress(org, on=days_ago(70))
    services.petition_clocks_run()
    services.petition_clocks_run(today=timezone.localdate())
    assert Finding.objects.filter(rule_id="R-PET-3").count() == 1
    services.petition_case_reply(actor=org.leader, case_id=case.pk, text="答复")
    f = Finding.objects.get(rule_id="R-PET-3")
    assert f.person == org.leader and f.department == org.department


def test_r_pet_3_reminder_three_days_before_once(org):
    case = in_progress(org, on=days_ago(57), handlers=[org.head])
    services.petition_clocks_run()
    services.petition_clocks_run()
    for person in (org.leader, org.head):
        assert (
            Notification.objects.filter(recipient=person, text__contains=case.number)
            .filter(text__contains="deadline")
            .count()
            == 1
        )


# --- R-PET-4: review within 30 days of the reply ---------------------------------------------------------


def test_r_pet_4_review_within_thirty_days(org):
    late = replied(org, on=days_ago(40), reply_on=days_ago(31))
    with pytest.raises(ValidationError, match="R-PET-4"):
        services.petition_case_request_review(actor=org.clerk, case_id=late.pk, reason="不服")
    ok = replied(org, on=days_ago(40), reply_on=days_ago(30))
    services.petition_case_record_satisfaction(actor=org.clerk, case_id=ok.pk, satisfied=False)
    services.petition_case_request_review(actor=org.clerk, case_id=ok.pk, reason="不服答复")
    ok.refresh_from_db()
    assert ok.status == Status.REVIEW_REQUESTED and ok.next_due == timezone.localdate() + dt.timedelta(
        days=30
    )
    services.petition_case_reply_review(actor=org.leader, case_id=ok.pk, text="复查维持")
    services.petition_case_close(actor=org.principal, case_id=ok.pk)


# --- R-PET-5: one responsible leader; backlog -----------------------------------------------------------


def test_r_pet_5_assignment_needs_a_leader_and_department(org, other_org):
    case = accepted(org)
    with pytest.raises(ValidationError) as exc:
        services.petition_case_assign(
            actor=org.clerk, case_id=case.pk, leader=org.staff, department=org.department
        )
    assert "leader" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.petition_case_assign(
            actor=org.clerk, case_id=case.pk, leader=org.leader, department=other_org.department
        )
    assert "department" in exc.value.message_dict
    services.petition_case_assign(
        actor=org.clerk, case_id=case.pk, leader=org.leader, department=org.department
    )
    services.petition_case_reassign(
        actor=org.principal, case_id=case.pk, leader=org.principal2, department=org.department
    )
    case.refresh_from_db()
    assert case.responsible_leader == org.principal2


def test_r_pet_5_backlog_cases_for_the_responsible_leader(org):
    from petitions.selectors import backlog_for

    old = in_progress(org, on=days_ago(100))
    in_progress(org, on=days_ago(10))
    assert backlog_for(user=org.leader) == [old]
    assert backlog_for(user=org.principal) == []


# --- R-PET-8: concerned people never act or see -------------------------------------------------------


def test_r_pet_8_concerned_leader_cannot_be_assigned_or_act(org):
    case = register(org, concerned_people=[org.leader, org.principal2, org.colleague])
    services.petition_case_accept(actor=org.clerk, case_id=case.pk)
    with pytest.raises(ValidationError) as exc:
        services.petition_case_assign(
            actor=org.clerk, case_id=case.pk, leader=org.leader, department=org.department
        )
    assert "R-PET-8" in exc.value.message_dict["leader"][0]
    with pytest.raises(ValidationError) as exc:  # nor handle it
        services.petition_case_assign(
            actor=org.clerk,
            case_id=case.pk,
            leader=org.principal,
            department=org.department,
            handlers=[org.head, org.colleague],
        )
    assert "R-PET-8" in exc.value.message_dict["handlers"][0]
    # a principal leader the petition concerns loses the principal's part in this case
    with pytest.raises(ValidationError) as exc:
        services.petition_case_assign(
            actor=org.principal2, case_id=case.pk, leader=org.principal, department=org.department
        )
    assert "R-PET-8" in " ".join(exc.value.messages)
    case.refresh_from_db()
    assert (case.status, case.responsible_leader, case.handling_department) == (Status.ACCEPTED, None, None)
    assert not case.handlers.exists()
    # the people it does not concern may
    services.petition_case_assign(
        actor=org.clerk, case_id=case.pk, leader=org.principal, department=org.department, handlers=[org.head]
    )
    case.refresh_from_db()
    assert (case.status, case.responsible_leader) == (Status.IN_PROGRESS, org.principal)
    assert list(case.handlers.all()) == [org.head]


# --- satisfaction prompt ------------------------------------------------------------------------------


def test_r_pet_9_satisfaction_prompt_four_weeks_after_reply(org):
    case = replied(org, on=days_ago(40), reply_on=days_ago(28))
    recent = replied(org, on=days_ago(40), reply_on=days_ago(27))  # one day short of four weeks
    told_before = Notification.objects.filter(text__contains=recent.number).count()
    counts = services.petition_clocks_run()
    assert counts["prompted"] == 1
    assert services.petition_clocks_run()["prompted"] == 0
    assert Notification.objects.filter(recipient=org.clerk, text__contains=case.number).count() == 1
    assert Notification.objects.filter(text__contains=recent.number).count() == told_before


# --- R-PET-7: on-time quota -------------------------------------------------------------------------


def test_r_pet_7_leader_below_on_time_target_gets_a_monthly_finding(org):
    from petitions.tasks import petition_on_time_quota_monthly

    replied(org, on=days_ago(20), reply_on=days_ago(0))  # both replies today: the same month
    late = in_progress(org, on=days_ago(80))
    services.petition_case_reply(actor=org.leader, case_id=late.pk, text="迟复")
    month = timezone.localdate().replace(day=1)
    assert services.petition_on_time_quota_run(month_start=month) >= 1
    assert services.petition_on_time_quota_run(month_start=month) >= 1  # idempotent
    f = Finding.objects.get(rule_id="R-PET-7")
    assert f.person == org.leader and "50.0%" in f.detail
    petition_on_time_quota_monthly.delay()  # the beat entry point runs
