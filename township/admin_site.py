from township.models import Role


def restrict_admin(site):
    """The admin is for administrators and inspectors only (inspectors get view permissions)."""

    def has_permission(request):
        user = request.user
        return user.is_active and (
            user.is_superuser or (user.is_staff and user.has_role(Role.ADMINISTRATOR, Role.INSPECTOR))
        )

    site.has_permission = has_permission
