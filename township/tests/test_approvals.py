import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from township.approvals import (
    approval_cancel,
    approval_decide,
    approval_handover,
    approval_inbox_for,
    approval_pending_count,
)
from township.models import ApprovalRequest, ApprovalStatus, Notification
from township.tests.kinds import DECIDED, submit


def test_routing_by_length_goes_to_head_leader_or_principal(org):
    one = submit(org.staff, 1)
    three = submit(org.staff, 3)
    five = submit(org.staff, 5)
    assert list(one.steps.get().candidates.all()) == [org.head]
    assert list(three.steps.get().candidates.all()) == [org.leader]
    assert set(five.steps.get().candidates.all()) == {org.principal, org.principal2}
    assert approval_pending_count(user=org.head) == 1
    assert list(approval_inbox_for(user=org.leader)) == [three]


def test_self_approval_refused_and_routed_upwards(org):
    # The head's own one-day request goes to the leader in charge, never to the head.
    req = submit(org.head, 1)
    assert list(req.steps.get().candidates.all()) == [org.leader]
    with pytest.raises(ValidationError, match="own request"):
        approval_decide(actor=org.head, request_id=req.pk, decision="approve")


def test_only_candidates_decide_and_decision_is_final(org):
    req = submit(org.staff, 1)
    with pytest.raises(ValidationError, match="not an approver"):
        approval_decide(actor=org.colleague, request_id=req.pk, decision="approve")
    approval_decide(actor=org.head, request_id=req.pk, decision="approve", comment="ok")
    req.refresh_from_db()
    assert req.status == ApprovalStatus.APPROVED
    assert ("approved", req.pk) in DECIDED
    with pytest.raises(ValidationError, match="already been decided"):
        approval_decide(actor=org.head, request_id=req.pk, decision="reject", comment="no")
    # The database itself refuses to change a decided request (pgtrigger).
    from django.db import ProgrammingError, transaction

    with pytest.raises(ProgrammingError, match="pgtrigger"), transaction.atomic():
        ApprovalRequest.objects.filter(pk=req.pk).update(status=ApprovalStatus.PENDING)


def test_steps_chain_and_notify_each_approver(org):
    req = submit(org.staff, 1, chain=True)
    assert Notification.objects.filter(recipient=org.head).count() == 1
    approval_decide(actor=org.head, request_id=req.pk, decision="approve")
    req.refresh_from_db()
    assert req.status == ApprovalStatus.PENDING and req.current_step == 2
    assert approval_pending_count(user=org.principal) == 1
    approval_decide(actor=org.principal, request_id=req.pk, decision="approve")
    req.refresh_from_db()
    assert req.status == ApprovalStatus.APPROVED
    assert Notification.objects.filter(recipient=org.staff).exists()


def test_reject_and_return_need_a_comment(org):
    req = submit(org.staff, 1)
    with pytest.raises(ValidationError):
        approval_decide(actor=org.head, request_id=req.pk, decision="return")
    approval_decide(actor=org.head, request_id=req.pk, decision="return", comment="add the dates")
    req.refresh_from_db()
    assert req.status == ApprovalStatus.RETURNED


def test_handover_passes_the_step_to_a_colleague(org):
    req = submit(org.staff, 1)
    approval_handover(actor=org.head, request_id=req.pk, to_user=org.colleague, comment="on leave")
    with pytest.raises(ValidationError):
        approval_decide(actor=org.head, request_id=req.pk, decision="approve")
    approval_decide(actor=org.colleague, request_id=req.pk, decision="approve")
    with pytest.raises(ValidationError):
        approval_handover(actor=org.colleague, request_id=submit(org.staff, 1).pk, to_user=org.staff)


def test_requester_withdraws_pending_request(org):
    req = submit(org.staff, 1)
    with pytest.raises(ValidationError):
        approval_cancel(actor=org.head, request_id=req.pk)
    approval_cancel(actor=org.staff, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == ApprovalStatus.CANCELLED
    assert approval_pending_count(user=org.head) == 0


@pytest.mark.django_db(transaction=True)
def test_two_thread_approval_race_only_one_decision_applies():
    from conftest import build_org

    org = build_org()
    # Both principal leaders may decide the same step; they click at the same moment.
    req = submit(org.staff, 5)
    barrier = threading.Barrier(2)
    results = []

    def decide(user, decision):
        close_old_connections()
        try:
            barrier.wait()
            approval_decide(actor=user, request_id=req.pk, decision=decision, comment="race")
            results.append(("ok", decision))
        except ValidationError as exc:
            results.append(("refused", exc.messages[0]))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(org.principal, "approve")),
        threading.Thread(target=decide, args=(org.principal2, "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    req.refresh_from_db()
    winner = next(r[1] for r in results if r[0] == "ok")
    assert req.status == {"approve": "approved", "reject": "rejected"}[winner]
    assert req.steps.get().decided_by in (org.principal, org.principal2)


def test_approval_pages_inbox_and_decide(org, login):
    req = submit(org.staff, 1)
    client = login(org.head)
    page = client.get("/approvals/")
    assert req.summary in page.content.decode()
    response = client.post(f"/approvals/{req.pk}/", {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "approved"
    # Someone unrelated cannot even see the request.
    assert login(org.colleague).get(f"/approvals/{req.pk}/").status_code == 404


def test_remind_waiting_approvals(org):
    import datetime as dt

    from django.utils import timezone

    from township.tasks import remind_waiting_approvals

    req = submit(org.staff, 1)
    ApprovalRequest.objects.filter(pk=req.pk).update(submitted_at=timezone.now() - dt.timedelta(days=2))
    assert remind_waiting_approvals() == 1
    assert remind_waiting_approvals() == 0  # not twice in the same day
    assert Notification.objects.filter(recipient=org.head).count() == 2  # the ask, the reminder


# --- every branch of township/approvals.py, on a small team (fast: make mutants runs these) -------

import datetime as dt  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import time_machine  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.utils import timezone  # noqa: E402

from township import approvals  # noqa: E402
from township.approvals import (  # noqa: E402
    ApprovalKind,
    StepSpec,
    approval_get_for,
    approval_submit,
    approvals_for_target,
    approvals_remind,
    approvals_waiting_since,
    approvers_at_level,
    kind_label,
    register_kind,
    route_by_level,
)
from township.models import Role, StepStatus, Village  # noqa: E402
from township.tests.factories import DepartmentFactory, TownshipFactory, UserFactory  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")


def english():
    from django.utils import translation

    return translation.override("en")


@dataclass
class Team:
    town: object
    dept: object
    head: object
    leader: object
    boss: object
    boss2: object
    staff: object
    mate: object
    log: list


@pytest.fixture
def team(db, monkeypatch):
    town = TownshipFactory()
    dept = DepartmentFactory(township=town)

    def person(*roles, **kw):
        return UserFactory(township=town, department=dept, roles=list(roles), **kw)

    t = Team(
        town=town,
        dept=dept,
        head=person(Role.DEPARTMENT_HEAD),
        leader=person(Role.LEADER_IN_CHARGE),
        boss=person(Role.PRINCIPAL_LEADER),
        boss2=person(Role.PRINCIPAL_LEADER),
        staff=person(Role.STAFF),
        mate=person(Role.STAFF),
        log=[],
    )
    dept.head, dept.leader_in_charge = t.head, t.leader
    dept.save()

    def record(what):
        return lambda target, actor, req: t.log.append((what, target.pk, actor.pk, req.pk))

    kind = ApprovalKind(
        code="mut_kind",
        label="mutation kind",
        route=lambda target, requester: target._steps,
        on_approved=record("approved"),
        on_rejected=record("rejected"),
        on_returned=record("returned"),
        on_cancelled=record("cancelled"),
    )
    monkeypatch.setitem(approvals.KINDS, "mut_kind", kind)
    return t


def ask(team, actor, *steps, summary="two days off"):
    n = Village.objects.count()
    target = Village.objects.create(township=team.town, name=f"v{n}", code=f"m{n}")
    target._steps = [StepSpec(f"step {i}", people) for i, people in enumerate(steps, start=1)]
    return approval_submit(actor=actor, kind="mut_kind", target=target, summary=summary)


def texts(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("text", flat=True))


def test_register_kind_and_its_label(monkeypatch):
    kind = ApprovalKind(code="k_label", label="Leave of absence", route=lambda t, r: [])
    monkeypatch.setitem(approvals.KINDS, "k_label", None)
    assert register_kind(kind) is kind
    assert approvals.KINDS["k_label"] is kind
    assert kind_label("k_label") == "Leave of absence"
    assert kind_label("no_such_kind") == "no_such_kind"
    default = ApprovalKind(code="k", label="l", route=lambda t, r: [])
    assert default.on_approved(None, None, None) is None and default.extra == {}


def test_approvers_escalate_past_missing_inactive_or_self(team):
    kw = {"township_id": team.town.pk, "department": team.dept}
    assert approvers_at_level("department_head", exclude=team.staff, **kw) == ("department_head", [team.head])
    assert approvers_at_level("leader_in_charge", exclude=team.staff, **kw) == (
        "leader_in_charge",
        [team.leader],
    )
    assert approvers_at_level("principal_leader", exclude=team.staff, **kw) == (
        "principal_leader",
        [team.boss, team.boss2],  # in pk order
    )
    # The head's own request climbs to the leader in charge; the leader's to the principal leaders.
    assert approvers_at_level("department_head", exclude=team.head, **kw) == (
        "leader_in_charge",
        [team.leader],
    )
    assert approvers_at_level("leader_in_charge", exclude=team.leader, **kw)[0] == "principal_leader"
    assert approvers_at_level("principal_leader", exclude=team.boss, **kw) == (
        "principal_leader",
        [team.boss2],
    )
    # No department: straight to the principal leaders.
    assert approvers_at_level(
        "department_head", township_id=team.town.pk, department=None, exclude=team.staff
    )[0] == ("principal_leader")
    # An inactive head is skipped; so are inactive principal leaders.
    team.head.is_active = False
    team.head.save()
    team.dept.refresh_from_db()
    assert approvers_at_level("department_head", exclude=team.staff, **kw) == (
        "leader_in_charge",
        [team.leader],
    )
    team.boss2.is_active = False
    team.boss2.save()
    assert approvers_at_level("principal_leader", exclude=team.staff, **kw) == (
        "principal_leader",
        [team.boss],
    )
    # Nobody left: the asked level and no one.
    assert approvers_at_level("principal_leader", exclude=team.boss, **kw) == ("principal_leader", [])


def test_approvers_of_a_department_without_head_or_leader(team):
    bare = DepartmentFactory(township=team.town)
    kw = {"township_id": team.town.pk, "department": bare, "exclude": team.staff}
    assert approvers_at_level("department_head", **kw) == ("principal_leader", [team.boss, team.boss2])
    assert approvers_at_level("leader_in_charge", **kw) == ("principal_leader", [team.boss, team.boss2])
    # Principal leaders of another township never approve here.
    other = TownshipFactory(county=team.town.county)
    assert approvers_at_level(
        "principal_leader", township_id=other.pk, department=None, exclude=team.staff
    ) == (
        "principal_leader",
        [],
    )


def test_route_by_level_labels_the_step_with_the_level_found(team):
    from django.utils import translation

    with translation.override("en"):
        [step] = route_by_level(
            "department_head", township_id=team.town.pk, department=team.dept, requester=team.head
        )
    assert step == StepSpec("Leader in charge", [team.leader])


def test_submit_opens_the_chain_and_asks_only_the_first_step(team):
    with time_machine.travel(dt.datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI), tick=False), english():
        req = ask(team, team.staff, [team.head, team.staff], [team.boss], summary="字" * 310)
    req.refresh_from_db()
    assert req.summary == "字" * 300
    assert req.requester == team.staff
    assert req.township_id == team.town.pk
    assert req.kind == "mut_kind"
    assert req.target_id == Village.objects.latest("pk").pk
    assert req.status == ApprovalStatus.PENDING and req.current_step == 1
    assert req.decided_at is None
    steps = list(req.steps.order_by("order"))
    assert [(s.order, s.label, s.status) for s in steps] == [
        (1, "step 1", StepStatus.PENDING),
        (2, "step 2", StepStatus.WAITING),
    ]
    assert list(steps[0].candidates.all()) == [team.head]  # the requester is never a candidate
    assert list(steps[1].candidates.all()) == [team.boss]
    assert texts(team.head) == [(f"{team.staff} asks for your approval: " + "字" * 300)[:300]]
    assert texts(team.boss) == []  # asked when the first step is approved
    assert Notification.objects.get(recipient=team.head).url == f"/approvals/{req.pk}/"


def test_submit_without_any_approver_is_refused_and_saves_nothing(team):
    with pytest.raises(ValidationError, match="administrator"):
        ask(team, team.staff)
    with pytest.raises(ValidationError, match="administrator"):
        ask(team, team.staff, [team.head], [])
    assert ApprovalRequest.objects.count() == 0


def test_decide_unknown_or_missing(team):
    req = ask(team, team.staff, [team.head])
    with pytest.raises(ValidationError, match="Unknown decision"):
        approval_decide(actor=team.head, request_id=req.pk, decision="maybe")
    with pytest.raises(ValidationError, match="does not exist"):
        approval_decide(actor=team.head, request_id=req.pk + 1000, decision="approve")
    for decision in ("reject", "return"):
        with pytest.raises(ValidationError) as info:
            approval_decide(actor=team.head, request_id=req.pk, decision=decision, comment="   ")
        assert list(info.value.message_dict) == ["comment"]
    req.refresh_from_db()
    assert req.status == ApprovalStatus.PENDING
    assert team.log == []


def test_approving_the_last_step_applies_the_decision(team):
    req = ask(team, team.staff, [team.head], [team.boss, team.boss2])
    approved_at = dt.datetime(2025, 3, 4, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(approved_at, tick=False):
        approval_decide(actor=team.head, request_id=req.pk, decision="approve", comment="  fine  ")
    req.refresh_from_db()
    first, second = req.steps.order_by("order")
    assert (first.status, first.decided_by, first.decided_at, first.comment) == (
        StepStatus.APPROVED,
        team.head,
        approved_at,
        "fine",
    )
    assert second.status == StepStatus.PENDING and req.current_step == 2
    assert req.status == ApprovalStatus.PENDING and team.log == []
    assert len(texts(team.boss)) == 1 and len(texts(team.boss2)) == 1
    assert texts(team.staff) == []
    with pytest.raises(ValidationError, match="not an approver"):
        approval_decide(actor=team.head, request_id=req.pk, decision="approve")
    final_at = dt.datetime(2025, 3, 5, 11, 0, tzinfo=SHANGHAI)
    with time_machine.travel(final_at, tick=False), english():
        approval_decide(actor=team.boss2, request_id=req.pk, decision="approve")
    req.refresh_from_db()
    assert req.status == ApprovalStatus.APPROVED
    assert req.decided_at == final_at
    assert team.log == [("approved", req.target_id, team.boss2.pk, req.pk)]
    assert texts(team.staff) == [f"two days off: Approved by {team.boss2}"]


@pytest.mark.parametrize(
    "decision, status, step_status",
    [
        ("reject", ApprovalStatus.REJECTED, StepStatus.REJECTED),
        ("return", ApprovalStatus.RETURNED, StepStatus.RETURNED),
    ],
)
def test_reject_or_return_ends_the_request_and_skips_later_steps(team, decision, status, step_status):
    req = ask(team, team.staff, [team.head], [team.leader], [team.boss])
    when = dt.datetime(2025, 3, 4, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(when, tick=False):
        approval_decide(actor=team.head, request_id=req.pk, decision=decision, comment=" no dates ")
    req.refresh_from_db()
    assert req.status == status and req.decided_at == when
    assert [(s.status, s.comment) for s in req.steps.order_by("order")] == [
        (step_status, "no dates"),
        (StepStatus.SKIPPED, ""),
        (StepStatus.SKIPPED, ""),
    ]
    assert team.log == [(status, req.target_id, team.head.pk, req.pk)]
    assert len(texts(team.staff)) == 1
    assert texts(team.leader) == [] and texts(team.boss) == []


def test_handover_rules(team):
    outsider = UserFactory(township=TownshipFactory(county=team.town.county))
    retired = UserFactory(township=team.town, is_active=False)
    req = ask(team, team.staff, [team.head])
    with pytest.raises(ValidationError) as info:
        approval_handover(actor=team.head, request_id=req.pk, to_user=team.staff)
    assert list(info.value.message_dict) == ["to_user"]
    for bad in (outsider, retired):
        with pytest.raises(ValidationError, match="active colleague"):
            approval_handover(actor=team.head, request_id=req.pk, to_user=bad)
    with pytest.raises(ValidationError, match="not an approver"):
        approval_handover(actor=team.mate, request_id=req.pk, to_user=team.boss)
    with english():
        step = approval_handover(actor=team.head, request_id=req.pk, to_user=team.mate, comment="字" * 310)
    step.refresh_from_db()
    assert list(step.candidates.all()) == [team.mate]
    assert step.handed_over_by == team.head
    assert step.handover_comment == "字" * 300
    assert step.status == StepStatus.PENDING
    assert texts(team.mate) == [f"{team.head} handed over an approval to you: two days off"]


def test_cancel_keeps_approved_steps_and_skips_the_rest(team):
    req = ask(team, team.staff, [team.head], [team.boss])
    approval_decide(actor=team.head, request_id=req.pk, decision="approve")
    with pytest.raises(ValidationError, match="Only the requester"):
        approval_cancel(actor=team.boss, request_id=req.pk)
    when = dt.datetime(2025, 3, 6, 8, 0, tzinfo=SHANGHAI)
    with time_machine.travel(when, tick=False):
        approval_cancel(actor=team.staff, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == ApprovalStatus.CANCELLED and req.decided_at == when
    assert [s.status for s in req.steps.order_by("order")] == [StepStatus.APPROVED, StepStatus.SKIPPED]
    assert team.log == [("cancelled", req.target_id, team.staff.pk, req.pk)]
    with pytest.raises(ValidationError, match="already been decided"):
        approval_cancel(actor=team.staff, request_id=req.pk)
    with pytest.raises(ValidationError, match="does not exist"):
        approval_cancel(actor=team.staff, request_id=req.pk + 1000)


def test_inbox_count_and_visibility(team):
    first = ask(team, team.staff, [team.head], [team.boss])
    second = ask(team, team.mate, [team.head])
    ApprovalRequest.objects.filter(pk=first.pk).update(submitted_at=timezone.now() + dt.timedelta(hours=1))
    assert list(approval_inbox_for(user=team.head)) == [second, first]  # oldest first
    assert approval_pending_count(user=team.head) == 2
    assert approval_pending_count(user=team.boss) == 0  # a later step is not yet theirs
    assert approval_pending_count(user=AnonymousUser()) == 0
    approval_decide(actor=team.head, request_id=first.pk, decision="approve")
    assert approval_pending_count(user=team.boss) == 1
    assert approval_pending_count(user=team.head) == 1
    approval_decide(actor=team.boss, request_id=first.pk, decision="approve")
    assert approval_pending_count(user=team.boss) == 0
    # Who may open a request: requester, candidates, deciders, wide readers; not a colleague.
    from django.http import Http404

    for user in (team.staff, team.head, team.boss2):
        assert approval_get_for(user=user, pk=first.pk) == first
    with pytest.raises(Http404):
        approval_get_for(user=team.mate, pk=first.pk)
    with pytest.raises(Http404):
        approval_get_for(user=UserFactory(township=TownshipFactory(county=team.town.county)), pk=first.pk)
    assert list(approvals_for_target(first.target)) == [first]


def test_remind_only_requests_waiting_since_the_cutoff(team):
    old = ask(team, team.staff, [team.head], [team.boss])
    fresh = ask(team, team.mate, [team.leader])
    now = timezone.now()
    ApprovalRequest.objects.filter(pk=old.pk).update(submitted_at=now - dt.timedelta(days=3))
    approval_decide(actor=team.head, request_id=old.pk, decision="approve")  # now waiting on the boss
    cutoff = now - dt.timedelta(days=1)
    assert list(approvals_waiting_since(cutoff)) == [old]
    with time_machine.travel(dt.datetime(2025, 3, 7, 9, 0, tzinfo=SHANGHAI), tick=False):
        ApprovalRequest.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=3))
        with english():
            assert approvals_remind(cutoff=timezone.now() - dt.timedelta(days=1)) == 1
    reminders = [t for t in texts(team.boss) if t.startswith("Reminder")]
    assert reminders == ["Reminder: waiting for your approval since 2025-03-04 09:00: two days off"]
    assert not any("2025-03-04" in t for t in texts(team.head))
    assert fresh.pk not in [r.pk for r in approvals_waiting_since(cutoff)]
    old.refresh_from_db()
    assert old.reminded_at == dt.datetime(2025, 3, 7, 9, 0, tzinfo=SHANGHAI)
    # Reminded after the cutoff: not again; reminded before it: again.
    assert approvals_remind(cutoff=dt.datetime(2025, 3, 6, tzinfo=SHANGHAI)) == 0
    assert approvals_remind(cutoff=dt.datetime(2025, 3, 8, tzinfo=SHANGHAI)) == 1


def refusal(call):
    """The one message of the ValidationError ``call`` raises, in English."""
    with english(), pytest.raises(ValidationError) as info:
        call()
    return info.value.messages


def test_every_refusal_says_exactly_why(team):
    req = ask(team, team.staff, [team.head])
    decide = approval_decide
    assert refusal(lambda: decide(actor=team.head, request_id=req.pk, decision="maybe")) == [
        "Unknown decision."
    ]
    assert refusal(lambda: decide(actor=team.head, request_id=req.pk + 1000, decision="approve")) == [
        "This request does not exist."
    ]
    assert refusal(lambda: decide(actor=team.head, request_id=req.pk, decision="reject")) == [
        "Say why, so the requester knows what to change."
    ]
    assert refusal(lambda: decide(actor=team.staff, request_id=req.pk, decision="approve")) == [
        "Nobody can approve their own request."
    ]
    assert refusal(lambda: decide(actor=team.mate, request_id=req.pk, decision="approve")) == [
        "You are not an approver of this step."
    ]
    assert refusal(lambda: approval_handover(actor=team.head, request_id=req.pk, to_user=team.staff)) == [
        "Nobody can approve their own request."
    ]
    retired = UserFactory(township=team.town, is_active=False)
    assert refusal(lambda: approval_handover(actor=team.head, request_id=req.pk, to_user=retired)) == [
        "Choose an active colleague of this township."
    ]
    assert refusal(lambda: approval_cancel(actor=team.head, request_id=req.pk)) == [
        "Only the requester can withdraw a request."
    ]
    assert refusal(lambda: ask(team, team.staff, [])) == [
        "No approver could be found for this request; ask the administrator to set the "
        "department's head and leader in charge."
    ]
    decide(actor=team.head, request_id=req.pk, decision="approve")
    assert refusal(lambda: decide(actor=team.head, request_id=req.pk, decision="approve")) == [
        "This request has already been decided (Approved)."
    ]
    assert refusal(lambda: approval_cancel(actor=team.staff, request_id=req.pk)) == [
        "This request has already been decided."
    ]


@pytest.mark.any_message_id
def test_a_message_summary_is_stored_and_passed_on_as_a_message(team):
    from township.messages import msg

    summary = msg("%(n)d days off", n=2)  # an id nobody translates
    with english():
        req = ask(team, team.staff, [team.head], summary=summary)
    req.refresh_from_db()
    days = {"id": "%(n)d days off", "params": {"n": 2}}
    assert req.summary == "2 days off"
    assert req.summary_message == days
    note = Notification.objects.get(recipient=team.head)
    assert note.message == {
        "id": "%(who)s asks for your approval: %(what)s",
        "params": {"who": str(team.staff), "what": {"msg": days}},
    }
    assert note.text == f"{team.staff} asks for your approval: 2 days off"


# --- what mutation testing found (docs/testing.md, township/approvals.py) ---------------------


def test_inbox_shows_a_step_only_while_it_and_its_request_are_pending_and_current(team):
    """Each of the three conditions of the inbox holds on its own, even when a row says
    otherwise (an old or hand-edited row must not put a decided request in anyone's inbox)."""
    req = ask(team, team.staff, [team.head], [team.boss])
    req.steps.filter(order=2).update(status=StepStatus.PENDING)  # a later step marked pending
    assert list(approval_inbox_for(user=team.boss)) == []  # still not the boss's turn
    assert list(approval_inbox_for(user=team.head)) == [req]
    ApprovalRequest.objects.filter(pk=req.pk).update(  # cancelled, its step left pending
        status=ApprovalStatus.CANCELLED, decided_at=timezone.now()
    )
    assert list(approval_inbox_for(user=team.head)) == []
    other = ask(team, team.mate, [team.head])
    other.steps.update(status=StepStatus.APPROVED)  # the current step decided, the request not
    assert list(approval_inbox_for(user=team.head)) == []
    assert approval_pending_count(user=team.head) == 0


def test_a_colleague_cannot_open_a_pending_request_and_the_page_reads_it_in_five_queries(
    team, django_assert_num_queries
):
    from django.http import Http404

    req = ask(team, team.staff, [team.head], [team.leader], [team.boss])
    with pytest.raises(Http404):  # nobody has decided yet: the colleague is no decider either
        approval_get_for(user=team.mate, pk=req.pk)
    approval_decide(actor=team.head, request_id=req.pk, decision="approve")
    approval_decide(actor=team.leader, request_id=req.pk, decision="approve")
    with pytest.raises(Http404):
        approval_get_for(user=team.mate, pk=req.pk)
    # The reader's roles; the request with its requester; its steps; their candidates; their deciders.
    with django_assert_num_queries(5):
        got = approval_get_for(user=team.head, pk=req.pk)
        seen = [got.requester.username]
        for step in got.steps.all():
            seen += [c.username for c in step.candidates.all()]
            seen += [step.decided_by.username] if step.decided_by else []
    assert len(seen) == 1 + 3 + 2


def test_handover_without_a_comment_and_its_notification_links_the_request(team):
    outsider = UserFactory(township=TownshipFactory(county=team.town.county))
    req = ask(team, team.staff, [team.head])
    with pytest.raises(ValidationError) as info:
        approval_handover(actor=team.head, request_id=req.pk, to_user=outsider)
    assert list(info.value.message_dict) == ["to_user"]
    step = approval_handover(actor=team.head, request_id=req.pk, to_user=team.mate)
    step.refresh_from_db()
    assert step.handover_comment == ""
    note = Notification.objects.get(recipient=team.mate)
    assert note.url == req.get_absolute_url() == f"/approvals/{req.pk}/"


def test_inbox_reads_requesters_and_departments_in_one_query(team, django_assert_num_queries):
    ask(team, team.staff, [team.head])
    ask(team, team.mate, [team.head])
    with django_assert_num_queries(1):
        assert [r.requester.department.name for r in approval_inbox_for(user=team.head)] == [
            team.dept.name
        ] * 2


def test_approvals_of_a_target_are_of_that_model_only_and_read_in_four_queries(
    team, django_assert_num_queries
):
    from django.contrib.contenttypes.models import ContentType

    from township.models import Department

    mine = ask(team, team.staff, [team.head], [team.leader], [team.boss])
    approval_decide(actor=team.head, request_id=mine.pk, decision="approve")
    approval_decide(actor=team.leader, request_id=mine.pk, decision="approve")
    other = ask(team, team.staff, [team.leader])
    # Another model's row with the same primary key as mine's target.
    ApprovalRequest.objects.filter(pk=other.pk).update(
        target_type=ContentType.objects.get_for_model(Department), target_id=mine.target_id
    )
    ContentType.objects.get_for_model(mine.target)  # cached, as in a running server
    with django_assert_num_queries(4):
        found = list(approvals_for_target(mine.target))
        [[c.pk for c in s.candidates.all()] + [s.decided_by_id] for r in found for s in r.steps.all()]
    assert found == [mine]


def test_remind_counts_every_request_links_it_and_skips_decided_ones(team, django_assert_num_queries):
    old = timezone.now() - dt.timedelta(days=3)
    first = ask(team, team.staff, [team.head])
    second = ask(team, team.mate, [team.leader])
    done = ask(team, team.mate, [team.boss])
    ApprovalRequest.objects.filter(pk__in=[first.pk, second.pk, done.pk]).update(submitted_at=old)
    approval_decide(actor=team.boss, request_id=done.pk, decision="approve")  # decided: no reminder
    assert sorted(r.pk for r in approvals_waiting_since(timezone.now() - dt.timedelta(days=1))) == sorted(
        [first.pk, second.pk]
    )
    Notification.objects.all().delete()
    assert approvals_remind(cutoff=timezone.now() - dt.timedelta(days=1)) == 2
    assert Notification.objects.get(recipient=team.head).url == first.get_absolute_url()
    assert Notification.objects.get(recipient=team.leader).url == second.get_absolute_url()


def test_principal_leaders_are_found_in_the_requesters_township(team, other_org):
    [step] = route_by_level(
        "principal_leader", township_id=team.town.pk, department=team.dept, requester=team.staff
    )
    assert step.approvers == [team.boss, team.boss2]


def test_reminders_load_steps_and_candidates_once_for_all_requests(team, django_assert_num_queries):
    """The beat task reminds every waiting request: steps and candidates come in two queries for
    all of them (prefetched), not two more per request."""
    old = timezone.now() - dt.timedelta(days=3)
    reqs = [
        ask(team, team.staff, [team.head]),
        ask(team, team.mate, [team.leader]),
        ask(team, team.staff, [team.boss]),
    ]
    ApprovalRequest.objects.filter(pk__in=[r.pk for r in reqs]).update(submitted_at=old)
    # requests + steps + candidates (3), then per request one notification and one reminded_at (3 x 2)
    with django_assert_num_queries(9):
        assert approvals_remind(cutoff=timezone.now() - dt.timedelta(days=1)) == 3


@pytest.mark.parametrize("decision", ["approve", "reject", "return"])
def test_the_requester_is_told_the_decision_with_a_link_to_the_request(team, decision):
    req = ask(team, team.staff, [team.head])
    Notification.objects.all().delete()
    approval_decide(actor=team.head, request_id=req.pk, decision=decision, comment="ok")
    [told] = Notification.objects.filter(recipient=team.staff)
    assert told.url == f"/approvals/{req.pk}/"
