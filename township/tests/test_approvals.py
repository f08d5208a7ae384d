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
