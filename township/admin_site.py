"""Who gets into the admin, and what its forms may offer and save.

The admin is for administrators and inspectors (inspectors get view permissions).  Its lists are
scoped by ``township.admin.ScopedAdmin.get_queryset``; its forms by ``ScopedFormsMixin``: every
foreign key and many-to-many field offers only rows of the user's townships (``scoped_choices``),
so another township's id posted into any field is a form error ("Select a valid choice").

County-level accounts: a superuser, or an administrator without a township (``User.is_county_level``)
— a small, separate set.  Only they grant roles other than the township roles (``Role``) or the
superuser flag, and only they make people without a township (county-wide readers).

The three administrators (三员分立, township.roles): the system administrator adds and changes
people and the organisation and gives the business roles; the security administrator changes
only people's roles (every township role) and unlocks accounts; the security auditor reads.
Which roles a form offers is ``township.roles.grantable_roles``.
"""

from django.contrib.auth.models import Group
from django.db.models import Q

from township.models import County, Role, Township, User
from township.scoping import township_ids_for

TOWNSHIP_ROLES = frozenset(Role.values)
ADMIN_SITE_ROLES = (Role.ADMINISTRATOR, Role.INSPECTOR, Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR)


def restrict_admin(site):
    """The admin is for the three administrators and inspectors only (inspectors and the
    security auditor get view permissions)."""

    def has_permission(request):
        user = request.user
        return user.is_active and (user.is_superuser or (user.is_staff and user.has_role(*ADMIN_SITE_ROLES)))

    site.has_permission = has_permission


def is_county_admin(user) -> bool:
    """May grant county roles and superuser, and manage counties, townships and county-level people."""
    return user.is_active and (
        user.is_superuser or (user.township_id is None and user.has_role(Role.ADMINISTRATOR))
    )


def sees_everything(user) -> bool:
    """An installation superuser without a township: the unscoped admin."""
    return user.is_superuser and user.township_id is None


def people_q(user) -> Q:
    """The people an admin user manages: their townships' (county-level accounts: also the
    county's people without a township); superusers only by superusers."""
    q = Q(township_id__in=township_ids_for(user))
    if user.township_id is None:
        q |= Q(township__isnull=True, county_id=user.county_id)
    if not user.is_superuser:
        q &= Q(is_superuser=False)
    return q


def scoped_choices(user, model, qs):
    """The rows of ``model`` an admin form may offer ``user`` (a queryset of ``model``)."""
    if sees_everything(user):
        return qs
    if model is Township:
        return qs.filter(pk__in=township_ids_for(user))
    if model is County:
        return qs.filter(pk=user.county_id)
    if model is Group:
        from township.roles import grantable_roles

        reach = grantable_roles(user)
        return qs if reach is None else qs.filter(name__in=reach)
    if issubclass(model, User):
        return qs.filter(people_q(user))
    names = {f.name for f in model._meta.get_fields()}
    if "township" in names:
        return qs.filter(township_id__in=township_ids_for(user))
    if "county" in names:
        return qs.filter(county_id=user.county_id)
    return qs


class ScopedFormsMixin:
    """Admin form fields offer only the user's townships' rows (see scoped_choices)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped_choices(request.user, db_field.related_model, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped_choices(request.user, db_field.related_model, field.queryset)
        return field
