"""Who may give which role, and the separation of the three administrators (三员分立, 等保 2.0
level 3; issue 14).

- The *system administrator* (``Role.ADMINISTRATOR``) manages people, the organisation, the
  settings and the calendar; gives the business roles only.
- The *security administrator* (``Role.SECURITY_ADMIN``) gives every township role (the three
  included) to the people of their township, unlocks accounts, ends sessions.
- The *security auditor* (``Role.SECURITY_AUDITOR``) reads the security log, the role grants, the
  audit trail and the identity access log; changes nothing.

No account holds two of the three (``separation_check``).  ``person_roles_set`` is the one
service that changes a person's roles (the admin's person form, the roster import); it refuses
roles out of the actor's reach and keeps those the person holds out of it.  The same rule is
checked again on every change of a person's groups, whatever the door
(township.security.role_separation_guard), so a shell or a script cannot break it either.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from township.models import Role, User
from township.models.org import THREE_ADMINS

# Roles that give access to the admin site (is_staff follows them).
STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.INSPECTOR, Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR})
SECURITY_ROLES = frozenset({Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR})
BUSINESS_ROLES = frozenset(Role.values) - frozenset(THREE_ADMINS)


def separation_check(codes: Iterable[str]) -> None:
    """Refuse a set of roles holding two or more of the three administrators."""
    held = [r for r in THREE_ADMINS if r in set(codes)]
    if len(held) > 1:
        raise ValidationError(
            _(
                "Separation of the three administrators (三员分立): one account cannot be %(roles)s "
                "at once. Give these roles to different people."
            )
            % {"roles": ", ".join(str(Role(r).label) for r in held)},
            code="three_admins",
        )


def grantable_roles(actor) -> frozenset[str] | None:
    """The role codes ``actor`` may give or take away (``None``: every group, the installation
    superuser).  Groups outside ``Role`` (county roles) only for county-level accounts, and
    callers still scope which *people* the actor reaches (township.admin_site.people_q)."""
    if actor.is_superuser:
        return None
    county = _county_groups() if actor.township_id is None else frozenset()
    if actor.has_role(Role.SECURITY_ADMIN):
        return frozenset(Role.values) | county
    if actor.has_role(Role.ADMINISTRATOR):
        return BUSINESS_ROLES | county
    return frozenset()


def _county_groups() -> frozenset[str]:
    return frozenset(Group.objects.exclude(name__in=Role.values).values_list("name", flat=True))


def roles_after(*, actor, person: User | None, roles: Iterable[str]) -> set[str]:
    """The roles ``person`` holds once ``actor`` asks for ``roles``: those out of the actor's
    reach stay as they are (a system administrator editing a security administrator's phone
    number does not take the security role away).  Refuses asking for a role out of reach."""
    wanted = set(roles)
    current = set(person.groups.values_list("name", flat=True)) if person is not None and person.pk else set()
    reach = grantable_roles(actor)
    if reach is None:
        return wanted
    refused = sorted(wanted - current - reach)
    if refused:
        raise ValidationError(
            _("You may not grant these roles: %(roles)s.")
            % {"roles": ", ".join(str(Role(r).label) if r in Role.values else r for r in refused)},
            code="role_not_grantable",
        )
    return (wanted & reach) | (current - reach)


def roles_check(*, actor, person: User | None, roles: Iterable[str]) -> set[str]:
    """The roles the person ends up with, or a ValidationError (out of reach, or two of the three)."""
    final = roles_after(actor=actor, person=person, roles=roles)
    separation_check(final)
    return final


def person_roles_set(*, actor, person: User, roles: Iterable[str]) -> set[str]:
    """Give ``person`` exactly ``roles`` (within the actor's reach); recorded as RoleGrant rows
    made by ``actor``; admin access (is_staff) follows the roles."""
    from township.security import acting_as

    final = roles_check(actor=actor, person=person, roles=roles)
    with transaction.atomic(), acting_as(actor):
        person.groups.set(Group.objects.filter(name__in=final))
        staff = person.is_superuser or bool(final & STAFF_ROLES)
        if person.is_staff != staff:
            person.is_staff = staff
            person.save(update_fields=["is_staff"])
    person._role_codes = None
    return final
