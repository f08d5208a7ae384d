"""Reads of the core that leave it, scoped by who asks."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from township.models import Department, Finding, Role, RoleGrant, SecurityEvent, User, Village
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


def person_managed_get(*, user, pk: int) -> User:
    """A person the user manages as an administrator (township.admin_site.people_q): their
    township's people, inactive ones too; 404 otherwise."""
    from township.admin_site import people_q

    return get_or_404(User.objects.filter(people_q(user)), pk=pk)


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


# --- the security auditor's reads (三员分立) ------------------------------------------------------


def audit_township_ids(user) -> list[int] | None:
    """The townships whose security log and role grants ``user`` reads as the security auditor:
    their own township's; a county-level auditor (no township) reads every row (``None``)."""
    if not user.is_authenticated or not user.has_role(Role.SECURITY_AUDITOR):
        return []
    return None if user.township_id is None else [user.township_id]


def security_event_list_for(
    *, user, kind: str = "", person: str = "", date_from=None, date_to=None
) -> QuerySet[SecurityEvent]:
    """The security log as the security auditor reads it, newest first; ``person``: part of a
    user name or of a full name; dates are the township's local dates, both ends included."""
    townships = audit_township_ids(user)
    qs = SecurityEvent.objects.all()
    if townships is not None:
        qs = qs.filter(township_id__in=townships)
    if kind:
        qs = qs.filter(kind=kind)
    if person:
        ids = User.objects.filter(full_name__icontains=person).values("pk")
        qs = qs.filter(Q(username__icontains=person) | Q(person_id__in=ids))
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs.order_by("-pk")


def role_grant_list_for(*, user, person: str = "", date_from=None, date_to=None) -> QuerySet[RoleGrant]:
    """Every role given or taken away, as the security auditor reads it, newest first."""
    townships = audit_township_ids(user)
    qs = RoleGrant.objects.select_related("person", "actor")
    if townships is not None:
        qs = qs.filter(township_id__in=townships)
    if person:
        qs = qs.filter(
            Q(person__full_name__icontains=person)
            | Q(person__username__icontains=person)
            | Q(actor__full_name__icontains=person)
        )
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs.order_by("-at", "-pk")


def people_names(ids) -> dict[int, str]:
    """Full names of the people with these ids (the security log keeps ids, not rows)."""
    return dict(User.objects.filter(pk__in={i for i in ids if i}).values_list("pk", "full_name"))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_trail_for(*, user, person: str = "", date_from=None, date_to=None):
    """The audit trail (django-pghistory's events of every tracked model) as the security auditor
    reads it, newest first: a township's auditor, the changes made by their township's people; a
    county-level auditor, every change."""
    import pghistory.models

    townships = audit_township_ids(user)
    qs = pghistory.models.Events.objects.all()
    if townships is not None:
        if not townships:
            return qs.none()
        people = User.objects.filter(township_id__in=townships)
        qs = qs.filter(pgh_context__user__in=list(people.values_list("pk", flat=True)))
    if person:
        ids = User.objects.filter(Q(full_name__icontains=person) | Q(username__icontains=person))
        qs = qs.filter(pgh_context__user__in=list(ids.values_list("pk", flat=True)[:500]))
    if date_from:
        qs = qs.filter(pgh_created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(pgh_created_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs.order_by("-pgh_created_at", "-pgh_slug")
