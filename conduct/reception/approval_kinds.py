"""The request kinds of the reception app (township.approvals): a major reception's plan
(R-REC-6), an expense by amount (R-EXP-1), a rest-day use of an official vehicle (R-VEH-1)."""

from django.utils.translation import gettext_lazy

from township.approvals import ApprovalKind, StepSpec, approvers_at_level, register_kind, route_by_level
from township.policy import policies

from . import rules, services
from .models import ExpenseStatus


def _plan_route(rec, requester):
    # R-REC-6: the party committee or government decides: a principal leader.
    return route_by_level(
        "principal_leader", township_id=rec.township_id, department=requester.department, requester=requester
    )


def _expense_route(expense, requester):
    p = policies(
        ["R-EXP-1.head_limit", "R-EXP-1.leader_limit"], township=expense.township_id, on=expense.spent_on
    )
    level = rules.r_exp_1_approval_level(
        expense.amount, head_limit=p["R-EXP-1.head_limit"], leader_limit=p["R-EXP-1.leader_limit"]
    )
    steps = route_by_level(
        level, township_id=expense.township_id, department=requester.department, requester=requester
    )
    if expense.over_budget > 0:
        # R-EXP-1: over budget only when a principal leader approves the excess.
        lvl, people = approvers_at_level(
            "principal_leader",
            township_id=expense.township_id,
            department=requester.department,
            exclude=requester,
        )
        label = gettext_lazy("Principal leader: the excess over budget")
        if lvl == "principal_leader" and level == "principal_leader":
            steps[-1] = StepSpec(label, steps[-1].approvers)
        else:
            steps.append(StepSpec(label, people))
    return steps


def _rest_day_route(use, requester):
    return route_by_level(
        "leader_in_charge", township_id=use.township_id, department=requester.department, requester=requester
    )


register_kind(
    ApprovalKind(
        code="reception_plan",
        label=gettext_lazy("Major reception plan"),
        route=_plan_route,
        on_approved=lambda t, a, r: services.reception_plan_decided(t, True),
        on_rejected=lambda t, a, r: services.reception_plan_decided(t, False),
        on_returned=lambda t, a, r: services.reception_plan_decided(t, False),
        on_cancelled=lambda t, a, r: services.reception_plan_decided(t, False),
    )
)
register_kind(
    ApprovalKind(
        code="expense",
        label=gettext_lazy("Expense"),
        route=_expense_route,
        on_approved=lambda t, a, r: services.expense_decided(t, ExpenseStatus.APPROVED),
        on_rejected=lambda t, a, r: services.expense_decided(t, ExpenseStatus.REJECTED),
        on_returned=lambda t, a, r: services.expense_decided(t, ExpenseStatus.REJECTED),
        on_cancelled=lambda t, a, r: services.expense_decided(t, ExpenseStatus.CANCELLED),
    )
)
register_kind(
    ApprovalKind(
        code="vehicle_rest_day",
        label=gettext_lazy("Official vehicle on a rest day"),
        route=_rest_day_route,
        on_approved=lambda t, a, r: services.vehicle_rest_day_decided(t, True),
        on_rejected=lambda t, a, r: services.vehicle_rest_day_decided(t, False),
    )
)
