from django.urls import reverse

from township.admin_site import ADMIN_SITE_ROLES
from township.hooks import NAV
from township.models import Role


def _group_of(item) -> str:
    if item.group:
        return item.group
    return item.url_name.split(":", 1)[0] if ":" in item.url_name else item.url_name


def shell(request):
    """The navigation by role: each app's entries share one dropdown (the app's first entry names
    it), so the bar fits a laptop and folds into one menu on a phone."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups: dict[str, dict] = {}
    admin = []
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
            "active": url == path or (url != "/" and path.startswith(url)),
        }
        if item.section == "admin" and ":" not in item.url_name and not item.group:
            admin.append(entry)
            continue
        group = groups.setdefault(_group_of(item), {"items": []})
        group["items"].append(entry)
    main = []
    for key, group in groups.items():
        first = group["items"][0]
        main.append(
            {
                "key": key.replace("_", "-"),
                "label": first["label"],
                "icon": first["icon"],
                "url": first["url"],
                "url_name": first["url_name"],
                "badge": sum(i["badge"] for i in group["items"]),
                "active": any(i["active"] for i in group["items"]),
                "items": group["items"] if len(group["items"]) > 1 else [],
            }
        )
    labels = dict(Role.choices)
    return {
        "nav_main": main,
        "nav_admin": admin,
        "user_roles": [labels[c] for c in sorted(user.role_codes) if c in labels],
        "show_admin_link": user.has_role(*ADMIN_SITE_ROLES),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
