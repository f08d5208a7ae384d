"""The petition clocks, worked out by hand (petitions/services.py: _next_due, _check_date,
petition_case_extend, petition_clocks_run, _flag_late_decision, _raise_reply_overdue).

Defaults (petitions/policies.py): R-PET-2 decide within 15 days of registration, R-PET-3 reply
within 60 days of acceptance, one extension of at most 30, R-PET-4 review reply within 30 days of
the request, reminders 3 days before a deadline (R-PET-7), the satisfaction prompt 28 days after
the reply (R-PET-9).  All of them count CALENDAR days (信访工作条例; township.workcalendar is not
used): the dates below are plain calendar arithmetic, whatever day of the week they fall on.
Time is frozen; every earlier step is dated with ``on=``."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from petitions import services
from petitions.models import PetitionCase, PetitionEvent, Status
from petitions.tests.factories import accepted, in_progress, register, replied
from township.approvals import approval_decide, approvals_for_target
from township.models import Finding, Notification, PolicyValue

TODAY = dt.date(2026, 6, 15)


def at(day: dt.date):
    """10:00 in Shanghai on ``day``."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), tick=False)


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


def set_policy(org, key: str, year: int, value) -> None:
    PolicyValue.objects.create(
        county=org.township.county, township=org.township, key=key, year=year, value=value
    )


def findings():
    return sorted(
        (f.rule_id, f.target_id, f.on_date, f.person_id, f.department_id, f.detail)
        for f in Finding.objects.filter(rule_id__startswith="R-PET")
    )


def notes_after(pk: int):
    return sorted(
        (n.recipient_id, n.text, n.url) for n in Notification.objects.filter(pk__gt=pk).order_by("pk")
    )


def last_note_pk() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- _next_due: which deadline runs in which state ------------------------------------------------


def test_next_due_follows_the_state():
    case = PetitionCase(acceptance_due=d(5, 1), reply_due=d(6, 2), review_due=d(7, 3))
    expected = {
        Status.REGISTERED: d(5, 1),
        Status.ACCEPTED: d(6, 2),
        Status.IN_PROGRESS: d(6, 2),
        Status.REVIEW_REQUESTED: d(7, 3),
        Status.NOT_ACCEPTED: None,
        Status.REPLIED: None,
        Status.SATISFIED: None,
        Status.DISSATISFIED: None,
        Status.REVIEW_REPLIED: None,
        Status.CLOSED: None,
    }
    for status, due in expected.items():
        case.status = status
        assert services._next_due(case) == due, status


# --- _check_date: no future dates, nothing before the previous step --------------------------------


def test_check_date_defaults_to_today_and_refuses_the_future():
    with at(TODAY):
        assert services._check_date(None, field="on") == TODAY
        assert services._check_date(d(6, 1), field="on") == d(6, 1)
        assert services._check_date(TODAY, field="on") == TODAY  # today itself is allowed
        with pytest.raises(ValidationError) as exc:
            services._check_date(d(6, 16), field="registered_on")  # tomorrow
    assert exc.value.message_dict == {"registered_on": ["The date cannot be in the future."]}


def test_check_date_not_before_the_previous_step():
    with at(TODAY):
        # the previous step's own day is allowed; no earlier step: any past day
        assert services._check_date(d(6, 2), field="on", not_before=d(6, 2)) == d(6, 2)
        assert services._check_date(d(1, 2), field="on", not_before=None) == d(1, 2)
        with pytest.raises(ValidationError) as exc:
            services._check_date(d(6, 1), field="on", not_before=d(6, 2), before_label="the acceptance")
        with pytest.raises(ValidationError) as bare:
            services._check_date(d(6, 1), field="at", not_before=d(6, 2))
    assert exc.value.message_dict == {"on": ["The date cannot be before the acceptance (2026-06-02)."]}
    assert bare.value.message_dict == {"at": ["The date cannot be before  (2026-06-02)."]}


# --- R-PET-2: a late acceptance decision ---------------------------------------------------------------


def test_r_pet_2_decision_on_the_due_day_is_in_time_the_next_day_is_late(org):
    with at(TODAY):
        on_time = register(org, on=d(5, 1))  # 2026-0001, due 5-01 + 15 = 5-16
        late = register(org, on=d(5, 1))  # 2026-0002, due 5-16
        refused = register(org, on=d(5, 2))  # 2026-0003, due 5-17
        services.petition_case_accept(actor=org.clerk, case_id=on_time.pk, on=d(5, 16))
        services.petition_case_accept(actor=org.clerk, case_id=late.pk, on=d(5, 17))
        services.petition_case_refuse(
            actor=org.clerk, case_id=refused.pk, reason="不属于信访事项", on=d(5, 20)
        )
    # the finding is dated the first late day (due + 1); the person is the registering clerk,
    # the department the clerk's own
    assert findings() == [
        (
            "R-PET-2",
            late.pk,
            d(5, 17),
            org.clerk.pk,
            org.department.pk,
            "Petition 2026-0002: acceptance decided on 2026-05-17, due 2026-05-16",
        ),
        (
            "R-PET-2",
            refused.pk,
            d(5, 18),
            org.clerk.pk,
            org.department.pk,
            "Petition 2026-0003: acceptance decided on 2026-05-20, due 2026-05-17",
        ),
    ]


# --- R-PET-3: a late reply ---------------------------------------------------------------------------------


def test_r_pet_3_reply_on_the_due_day_is_in_time_the_next_day_is_late(org):
    with at(TODAY):
        # accepted 4-01: 4-01 + 60 days = 5-31 (29 days to 4-30, 31 to 5-31)
        on_time = in_progress(org, on=d(4, 1))  # 2026-0001
        late = in_progress(org, on=d(4, 1))  # 2026-0002
        assert (on_time.reply_due, late.reply_due) == (d(5, 31), d(5, 31))
        services.petition_case_reply(actor=org.leader, case_id=on_time.pk, text="已答复", on=d(5, 31))
        services.petition_case_reply(actor=org.leader, case_id=late.pk, text="迟复", on=d(6, 1))
    assert findings() == [
        (
            "R-PET-3",
            late.pk,
            d(6, 1),
            org.leader.pk,
            org.department.pk,
            "Petition 2026-0002: reply due 2026-05-31 not given in time",
        ),
    ]


# --- R-PET-3: the one extension --------------------------------------------------------------------------


def test_r_pet_3_extension_request_saved_and_sent_for_approval(org):
    reason = "  需要土地鉴定" + "延" * 300 + "  "  # 306 characters before stripping
    with at(TODAY):
        case = in_progress(org, on=d(5, 1))  # 2026-0001, reply due 5-01 + 60 = 6-30
        returned = services.petition_case_extend(actor=org.leader, case_id=case.pk, days=20, reason=reason)
    kept = ("需要土地鉴定" + "延" * 300)[:300]  # stripped, then cut to the field's 300 characters
    case.refresh_from_db()
    assert (case.extension_status, case.extension_days, case.extension_reason) == ("pending", 20, kept)
    assert (returned.extension_status, returned.extension_days) == ("pending", 20)
    assert case.reply_due == d(6, 30)  # unchanged until a principal leader approves
    req = approvals_for_target(case).get()
    assert (req.kind, req.requester) == ("petition_extension", org.leader)
    assert req.summary == f"Petition 2026-0001: extend the reply deadline by 20 days ({kept})"[:300]
    event = PetitionEvent.objects.get(case=case, verb="extend_request")
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "in_progress",
        "in_progress",
        org.leader,
        kept,
    )


def test_r_pet_3_extension_needs_a_reason_nothing_saved(org):
    with at(TODAY):
        case = in_progress(org, on=d(5, 1))
        with pytest.raises(ValidationError) as exc:
            services.petition_case_extend(actor=org.leader, case_id=case.pk, days=10, reason="   ")
    assert exc.value.message_dict == {"reason": ["Say why the case needs more time."]}
    case.refresh_from_db()
    assert (case.extension_status, case.extension_days) == ("", 0)
    assert not approvals_for_target(case).exists()


def test_r_pet_3_extension_only_while_the_case_is_handled(org):
    with at(TODAY):
        waiting = register(org, on=d(6, 10))
        with pytest.raises(ValidationError) as exc:
            services.petition_case_extend(actor=org.clerk, case_id=waiting.pk, days=10, reason="需要时间")
        done = replied(org, on=d(5, 1), reply_on=d(5, 20))
        with pytest.raises(ValidationError) as exc2:
            services.petition_case_extend(actor=org.clerk, case_id=done.pk, days=10, reason="需要时间")
        # accepted, not yet assigned: the clerk may ask
        acc = accepted(org, on=d(5, 1))
        services.petition_case_extend(actor=org.clerk, case_id=acc.pk, days=10, reason="需要时间")
    assert exc.value.messages == exc2.value.messages == ["Only a case being handled can be extended."]
    assert not approvals_for_target(waiting).exists() and not approvals_for_target(done).exists()
    acc.refresh_from_db()
    assert (acc.status, acc.extension_status, acc.extension_days) == ("accepted", "pending", 10)


def test_r_pet_3_extension_asked_by_leader_handler_or_clerk_only(org):
    with at(TODAY):
        cases = [in_progress(org, on=d(5, 1), handlers=[org.head]) for _ in range(3)]
        for who in (org.staff, org.principal):
            with pytest.raises(ValidationError) as exc:
                services.petition_case_extend(actor=who, case_id=cases[0].pk, days=10, reason="需要时间")
            assert exc.value.messages == [
                "Only the responsible leader, a handler or the clerk can ask for an extension."
            ]
        assert not approvals_for_target(cases[0]).exists()
        for case, who in zip(cases, (org.leader, org.head, org.clerk), strict=True):
            services.petition_case_extend(actor=who, case_id=case.pk, days=10, reason="需要时间")
            assert approvals_for_target(case).get().requester == who


def test_r_pet_3_extension_between_one_and_thirty_days(org):
    with at(TODAY):
        case = in_progress(org, on=d(5, 1))
        for days in (31, 0):
            with pytest.raises(ValidationError) as exc:
                services.petition_case_extend(actor=org.leader, case_id=case.pk, days=days, reason="鉴定")
            assert exc.value.message_dict == {"days": ["An extension is at most 30 days (rule R-PET-3)."]}
        case.refresh_from_db()
        assert (case.extension_status, case.extension_days) == ("", 0)
        services.petition_case_extend(actor=org.leader, case_id=case.pk, days=30, reason="鉴定")
    case.refresh_from_db()
    assert (case.extension_status, case.extension_days) == ("pending", 30)


def test_r_pet_3_extension_only_once_a_rejected_one_may_be_asked_again(org):
    with at(TODAY):
        case = in_progress(org, on=d(5, 1))  # reply due 6-30
        services.petition_case_extend(actor=org.leader, case_id=case.pk, days=10, reason="鉴定")
        with pytest.raises(ValidationError) as pending:
            services.petition_case_extend(actor=org.leader, case_id=case.pk, days=5, reason="再延")
        first = approvals_for_target(case).get()
        approval_decide(actor=org.principal, request_id=first.pk, decision="reject", comment="抓紧")
        services.petition_case_extend(actor=org.leader, case_id=case.pk, days=15, reason="再次申请")
        second = approvals_for_target(case).exclude(pk=first.pk).get()
        approval_decide(actor=org.principal, request_id=second.pk, decision="approve")
        with pytest.raises(ValidationError) as approved:
            services.petition_case_extend(actor=org.leader, case_id=case.pk, days=5, reason="再延")
    assert pending.value.messages == [
        "A case can be extended only once (rule R-PET-3); this case already has an extension "
        "Waiting for approval."
    ]
    assert approved.value.messages == [
        "A case can be extended only once (rule R-PET-3); this case already has an extension Approved."
    ]
    case.refresh_from_db()
    assert (case.extension_status, case.extension_days) == ("approved", 15)
    assert case.reply_due == d(7, 15)  # 6-30 + 15 days


def test_r_pet_3_extension_maximum_of_the_acceptance_year(org):
    # The township set 10 days from 2027; a case accepted in 2026 keeps 2026's 30.
    set_policy(org, "R-PET-3.extension_max", 2027, 10)
    with at(d(1, 4, 2027)):
        old = in_progress(org, on=d(12, 1))
        new = in_progress(org, on=d(1, 4, 2027))
        services.petition_case_extend(actor=org.leader, case_id=old.pk, days=20, reason="鉴定")
        with pytest.raises(ValidationError) as exc:
            services.petition_case_extend(actor=org.leader, case_id=new.pk, days=11, reason="鉴定")
        services.petition_case_extend(actor=org.leader, case_id=new.pk, days=10, reason="鉴定")
    assert exc.value.message_dict == {"days": ["An extension is at most 10 days (rule R-PET-3)."]}
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.extension_days, new.extension_days) == (20, 10)


# --- the daily clock: reminders, overdue findings, satisfaction prompts ---------------------------


def test_petition_clocks_run_reminds_flags_and_prompts(org, other_org):
    """Today 2026-06-15.  Reminders for deadlines today .. today + 3 (6-15 .. 6-18); a finding for
    every deadline before today, dated the day after it; a prompt for replies on or before
    6-15 - 28 = 5-18."""
    with at(TODAY):
        a = register(org, on=d(6, 3))  # 0001 registered: due 6-03 + 15 = 6-18 (today + 3)
        b = register(org, on=d(6, 4))  # 0002 due 6-19 (today + 4): not yet
        c = register(org, on=d(5, 30))  # 0003 due 6-14: overdue (R-PET-2)
        dd = accepted(org, on=d(4, 16))  # 0004 accepted, no leader: due 4-16 + 60 = 6-15 (today)
        e = in_progress(org, on=d(4, 17), handlers=[org.head])  # 0005 due 6-16 (today + 1)
        f = in_progress(org, on=d(4, 15))  # 0006 due 6-14: overdue (R-PET-3)
        g = accepted(org, on=d(4, 10))  # 0007 due 4-10 + 60 = 6-09: overdue (R-PET-3)
        h = replied(org, on=d(4, 1), reply_on=d(5, 10))  # 0008 replied in time (due 5-31)
        services.petition_case_request_review(actor=org.clerk, case_id=h.pk, reason="不服", on=d(5, 15))
        # review due 5-15 + 30 = 6-14: overdue (R-PET-4)
        i = replied(org, on=d(5, 1), reply_on=d(5, 18))  # 0009 replied 28 days ago: prompt
        j = replied(org, on=d(5, 1), reply_on=d(5, 19))  # 0010 replied 27 days ago: not yet
        k = replied(org, on=d(5, 1), reply_on=d(5, 19))  # 0011 the same
        x = register(other_org, on=d(5, 1))  # the other township's 2026-0001, due 5-16: overdue
        assert [c_.next_due for c_ in (a, b, c, dd, e, f, g)] == [
            d(6, 18),
            d(6, 19),
            d(6, 14),
            d(6, 15),
            d(6, 16),
            d(6, 14),
            d(6, 9),
        ]
        before = last_note_pk()
        counts = services.petition_clocks_run()
    assert counts == {"reminded": 3, "overdue": 5, "prompted": 1}
    # a registered case and a case without leader or handlers: the registering clerk is told
    assert notes_after(before) == sorted(
        [
            (org.clerk.pk, "Petition 2026-0001: deadline 2026-06-18 (3 days left).", a.get_absolute_url()),
            (org.clerk.pk, "Petition 2026-0004: deadline 2026-06-15 (0 days left).", dd.get_absolute_url()),
            (org.leader.pk, "Petition 2026-0005: deadline 2026-06-16 (1 days left).", e.get_absolute_url()),
            (org.head.pk, "Petition 2026-0005: deadline 2026-06-16 (1 days left).", e.get_absolute_url()),
            (
                org.clerk.pk,
                "Petition 2026-0009: ask the petitioner whether the matter was resolved.",
                i.get_absolute_url(),
            ),
        ]
    )
    first = [
        (
            "R-PET-2",
            c.pk,
            d(6, 15),
            org.clerk.pk,
            None,
            "Petition 2026-0003: deadline 2026-06-14 passed (Registered)",
        ),
        (
            "R-PET-3",
            f.pk,
            d(6, 15),
            org.leader.pk,
            org.department.pk,
            "Petition 2026-0006: deadline 2026-06-14 passed (In progress)",
        ),
        (
            "R-PET-3",
            g.pk,
            d(6, 10),
            org.clerk.pk,
            None,
            "Petition 2026-0007: deadline 2026-06-09 passed (Accepted)",
        ),
        (
            "R-PET-4",
            h.pk,
            d(6, 15),
            org.leader.pk,
            org.department.pk,
            "Petition 2026-0008: deadline 2026-06-14 passed (Review requested)",
        ),
        (
            "R-PET-2",
            x.pk,
            d(5, 17),
            other_org.clerk.pk,
            None,
            "Petition 2026-0001: deadline 2026-05-16 passed (Registered)",
        ),
    ]
    assert findings() == sorted(first)
    assert PetitionCase.objects.get(pk=a.pk).reminded_for == d(6, 18)

    # The next day, for the other township only: its one overdue case (finding already raised),
    # nothing of the first township's (0010 and 0011 are not its replies to prompt).
    with at(TODAY):
        before = last_note_pk()
        counts = services.petition_clocks_run(today=d(6, 16), township_ids=[other_org.township.pk])
    assert counts == {"reminded": 0, "overdue": 1, "prompted": 0}
    assert notes_after(before) == []

    # The next day, for the first township only: 0001 and 0005 were reminded of these deadlines
    # already; 0002 (6-19 = 6-16 + 3) is now due soon; 0004 (6-15) is now overdue; 0010 and 0011 (5-19 =
    # 6-16 - 28) gets its prompt.  The other township's case is not looked at.
    with at(TODAY):
        before = last_note_pk()
        counts = services.petition_clocks_run(today=d(6, 16), township_ids=[org.township.pk])
    assert counts == {"reminded": 1, "overdue": 5, "prompted": 2}  # overdue: 0003 0004 0006 0007 0008
    assert notes_after(before) == sorted(
        [
            (org.clerk.pk, "Petition 2026-0002: deadline 2026-06-19 (3 days left).", b.get_absolute_url()),
            (
                org.clerk.pk,
                "Petition 2026-0010: ask the petitioner whether the matter was resolved.",
                j.get_absolute_url(),
            ),
            (
                org.clerk.pk,
                "Petition 2026-0011: ask the petitioner whether the matter was resolved.",
                k.get_absolute_url(),
            ),
        ]
    )
    new = (
        "R-PET-3",
        dd.pk,
        d(6, 16),
        org.clerk.pk,
        None,
        "Petition 2026-0004: deadline 2026-06-15 passed (Accepted)",
    )
    assert findings() == sorted([*first, new])  # the earlier ones not raised twice


def test_petition_clocks_run_reads_the_policy_of_the_day_it_is_run_for(org):
    """The township shortened the prompt to 5 days and lengthened the reminder to 10 from 2027;
    the run for 2027-01-02 uses them (the computer's clock still says 2026-12-31)."""
    set_policy(org, "R-PET-7.remind_before", 2027, 10)
    set_policy(org, "R-PET-9.satisfaction_after", 2027, 5)
    with at(d(12, 31)):
        soon = register(org, on=d(12, 26))  # 0001 due 12-26 + 15 = 2027-01-10: 8 days after 01-02
        done = replied(org, on=d(12, 1), reply_on=d(12, 28))  # 0002 replied 01-02 - 5 = 12-28
        before = last_note_pk()
        counts = services.petition_clocks_run(today=d(1, 2, 2027))
    assert counts == {"reminded": 1, "overdue": 0, "prompted": 1}
    assert notes_after(before) == sorted(
        [
            (org.clerk.pk, "Petition 2026-0001: deadline 2027-01-10 (8 days left).", soon.get_absolute_url()),
            (
                org.clerk.pk,
                "Petition 2026-0002: ask the petitioner whether the matter was resolved.",
                done.get_absolute_url(),
            ),
        ]
    )


def test_petition_clocks_run_query_count(org, django_assert_num_queries):
    """One township: a registered case due soon (the clerk told), a case due soon with a leader and
    a handler (both told), two overdue cases, one reply four weeks old.  Queries: 1 townships,
    2 policy (the township's county, the values), 1 due soon + 1 their handlers, 1 + 1 (notice,
    update) and 2 + 1, 1 overdue, 1 the findings, 1 replies to prompt, 1 + 1 (notice, update)
    = 15.  Every related row comes with its case: no query per case."""
    from django.contrib.contenttypes.models import ContentType

    with at(TODAY):
        register(org, on=d(6, 5))  # due 6-20: today + 5, nothing
        register(org, on=d(6, 1))  # due 6-16: reminder to the clerk
        in_progress(org, on=d(4, 17), handlers=[org.head])  # due 6-16: leader and handler
        register(org, on=d(5, 20))  # due 6-04: overdue
        in_progress(org, on=d(4, 1))  # due 5-31: overdue
        replied(org, on=d(4, 20), reply_on=d(5, 10))  # replied 5-10 <= 5-18: prompt
        ContentType.objects.get_for_model(PetitionCase)  # cached, as in any running process
        with django_assert_num_queries(15):
            counts = services.petition_clocks_run()
    assert counts == {"reminded": 2, "overdue": 2, "prompted": 1}
