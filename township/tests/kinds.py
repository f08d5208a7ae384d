"""A request kind used only by the platform's tests: a "day off" whose length picks the level, like
leave (≤1 day head, ≤3 days leader in charge, more: principal leader)."""

from township.approvals import ApprovalKind, StepSpec, approvers_at_level, register_kind

DECIDED = []


def route(target, requester):
    days = target._test_days
    level = "department_head" if days <= 1 else "leader_in_charge" if days <= 3 else "principal_leader"
    steps = []
    lvl, people = approvers_at_level(
        level, township_id=target.township_id, department=requester.department, exclude=requester
    )
    steps.append(StepSpec(lvl, people))
    if getattr(target, "_test_chain", False):
        lvl, people = approvers_at_level(
            "principal_leader",
            township_id=target.township_id,
            department=requester.department,
            exclude=requester,
        )
        steps.append(StepSpec(lvl, people))
    return steps


TEST_KIND = register_kind(
    ApprovalKind(
        code="test_day_off",
        label="test day off",
        route=route,
        on_approved=lambda t, a, r: DECIDED.append(("approved", r.pk)),
        on_rejected=lambda t, a, r: DECIDED.append(("rejected", r.pk)),
    )
)


def submit(actor, days, chain=False):
    from township.approvals import approval_submit
    from township.models import Village

    target = Village.objects.create(
        township_id=actor.township_id, name=f"t{Village.objects.count()}", code=f"c{Village.objects.count()}"
    )
    target._test_days = days
    target._test_chain = chain
    return approval_submit(actor=actor, kind="test_day_off", target=target, summary=f"{days} days off")
