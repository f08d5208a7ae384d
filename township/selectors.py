"""Reads of the core that leave it, scoped by who asks."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from township.models import Department, Finding, Role, User, Village
from township.scoping import (
    get_or_404,
    people_for,
    reads_many_townships,
    sees_whole_township,
    township_ids_for,
)


def department_list_for(*, user) -> QuerySet[Department]:
    return Department.objects.filter(township_id__in=township_ids_for(user)).select_related(
        "head", "leader_in_charge", "township"
    )


def department_options(*, user) -> list[tuple[int, str]]:
    """The departments of every township the user reads, for a filter: "township · department"
    when the user reads more than one township (two townships may each have a 党政办)."""
    many = reads_many_townships(user)
    departments = department_list_for(user=user).order_by("township__name", "order", "name")
    return [(d.pk, f"{d.township.name} · {d.name}" if many else d.name) for d in departments]


def village_list_for(*, user) -> QuerySet[Village]:
    return Village.objects.filter(township_id__in=township_ids_for(user))


def person_list_for(
    *, user, q: str = "", department: int | None = None, township: int | None = None
) -> QuerySet[User]:
    qs = people_for(user).select_related("department", "township").prefetch_related("groups")
    if township:
        qs = qs.filter(township_id=township)
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(employee_no__icontains=q) | Q(mobile__icontains=q))
    if department:
        qs = qs.filter(department_id=department)
    return qs.order_by("township", "department__order", "employee_no")


def person_get_for(*, user, pk: int) -> User:
    return get_or_404(person_list_for(user=user).prefetch_related("villages"), pk=pk)


def finding_list_for(
    *,
    user,
    rule: str = "",
    department: int | None = None,
    status: str = "",
    date_from=None,
    date_to=None,
    township: int | None = None,
) -> QuerySet[Finding]:
    qs = Finding.objects.filter(township_id__in=township_ids_for(user))
    if township:
        qs = qs.filter(township_id=township)
    if not sees_whole_township(user):
        qs = qs.none()
    if rule:
        qs = qs.filter(rule_id__iexact=rule.strip())
    if department:
        qs = qs.filter(department_id=department)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(on_date__gte=date_from)
    if date_to:
        qs = qs.filter(on_date__lte=date_to)
    return qs.select_related("person", "department", "township")


def principal_leaders(*, township_id) -> QuerySet[User]:
    return User.objects.filter(township_id=township_id, is_active=True, groups__name=Role.PRINCIPAL_LEADER)
