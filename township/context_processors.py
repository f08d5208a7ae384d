from django.urls import reverse

from township.hooks import NAV
from township.models import Role


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    main, admin = [], []
    path = request.path
    for item in NAV:
        if item.roles is not None and not user.has_role(*item.roles):
            continue
        url = reverse(item.url_name)
        entry = {
            "label": item.label,
            "url": url,
            "url_name": item.url_name,
            "icon": item.icon,
            "badge": item.badge(user) if item.badge else 0,
            "active": url != "/" and path.startswith(url) or url == path,
        }
        (admin if item.section == "admin" else main).append(entry)
    labels = dict(Role.choices)
    return {
        "nav_main": main,
        "nav_admin": admin,
        "user_roles": [labels[c] for c in sorted(user.role_codes) if c in labels],
        "show_admin_link": user.has_role(Role.ADMINISTRATOR, Role.INSPECTOR),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
