"""Who may see whose records: one answer for every app's selectors.

- administrators, inspectors and principal leaders: everyone of their township (county-level
  inspectors and administrators: every township of their county); inspectors read only;
- leaders in charge: the departments they are in charge of, and themselves;
- department heads: their departments, and themselves;
- everyone else: themselves.
A record outside a user's scope answers 404, exactly like a missing one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from township.models import Department, Role, Township, User

WIDE_ROLES = (Role.ADMINISTRATOR, Role.INSPECTOR, Role.PRINCIPAL_LEADER)


def township_ids_for(user) -> list[int]:
    cached = getattr(user, "_township_ids", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        ids = []
    elif user.township_id is None:
        ids = list(Township.objects.filter(county_id=user.county_id).values_list("pk", flat=True))
    else:
        ids = [user.township_id]
    user._township_ids = ids
    return ids


def sees_whole_township(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*WIDE_ROLES))


def department_ids_for(user) -> list[int] | None:
    """Departments whose people the user sees; None means all of the user's townships."""
    cached = getattr(user, "_department_ids", False)
    if cached is not False:
        return cached
    if sees_whole_township(user):
        ids = None
    else:
        ids = list(
            Department.objects.filter(
                Q(head=user) | Q(leader_in_charge=user), township_id__in=township_ids_for(user)
            ).values_list("pk", flat=True)
        )
    user._department_ids = ids
    return ids


def person_q(user, path: str = "person") -> Q:
    """Q for rows whose ``path`` person the user may see."""
    prefix = f"{path}__" if path else ""
    depts = department_ids_for(user)
    if depts is None:
        return Q(**{f"{prefix}township_id__in": township_ids_for(user)})
    own = Q(**{path: user}) if path else Q(pk=user.pk)
    if depts:
        return own | Q(**{f"{prefix}department_id__in": depts})
    return own


def scope(qs: QuerySet, user, *, person_path: str | None = "person") -> QuerySet:
    """Limit a township-scoped queryset to what the user may see."""
    qs = qs.filter(township_id__in=township_ids_for(user))
    if person_path is not None:
        qs = qs.filter(person_q(user, person_path))
    return qs


def people_for(user) -> QuerySet[User]:
    qs = User.objects.filter(township_id__in=township_ids_for(user), is_active=True)
    return qs.filter(person_q(user, ""))


def get_or_404(qs: QuerySet, **lookup):
    """The one row of ``qs`` matching ``lookup``; 404 when there is none, or when the lookup's
    value cannot even be an id (junk typed into a URL or a form)."""
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
