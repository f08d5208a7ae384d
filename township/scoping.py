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


def townships_for(user) -> list[Township]:
    """The townships the user reads, by name (a county-level user: every township of the county)."""
    cached = getattr(user, "_townships", None)
    if cached is None:
        cached = list(Township.objects.filter(pk__in=township_ids_for(user)).order_by("name", "pk"))
        user._townships = cached
    return cached


def reads_many_townships(user) -> bool:
    """Whether the user's lists mix townships (and so show a township column and filter)."""
    return len(township_ids_for(user)) > 1


def township_choice(request) -> Township | None:
    """The one township a page about one township shows: the user's own; for a county-level user
    the one chosen with ``?township=<id>`` among those they read, else the first by name (junk or
    a township out of reach falls back to it too).  None only for a county with no township."""
    user = request.user
    if user.township_id is not None:
        return user.township
    townships = townships_for(user)
    raw = request.GET.get("township", "")
    chosen = next((t for t in townships if str(t.pk) == raw), None)
    return chosen or (townships[0] if townships else None)


def township_picker(request, township) -> dict:
    """Template context for ``includes/township_picker.html``: the choice for county-level users,
    nothing for a user of one township (the page is about their own)."""
    if request.user.township_id is not None or township is None:
        return {"picker_townships": [], "picker_township": township, "picker_query": ""}
    return {
        "picker_townships": townships_for(request.user),
        "picker_township": township,
        "picker_query": f"&township={township.pk}",
    }


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
