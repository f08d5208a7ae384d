import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from township.audit import security_event_record

log = logging.getLogger("township.security")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    from township.security import session_mark

    log.info("login user=%s ip=%s", user.username, request.META.get("REMOTE_ADDR"))
    security_event_record(kind="login", user=user, request=request)
    if hasattr(request, "session"):
        session_mark(request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    log.info("logout user=%s", getattr(user, "username", None))
    security_event_record(kind="logout", user=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    log.warning(
        "login failed username=%s ip=%s",
        credentials.get("username"),
        request.META.get("REMOTE_ADDR") if request else None,
    )
    security_event_record(
        kind="login_failed", username=str(credentials.get("username") or ""), request=request
    )


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    security_event_record(kind="lockout", username=str(username or ""), request=request, ip=ip_address)


@receiver(post_save, sender="admin.LogEntry", dispatch_uid="township.admin_action_logged")
def _admin_action_logged(sender, instance, created, **kwargs):
    """Every add, change and delete made in the admin goes to the security log (三员分立: the
    auditor reads what the system and security administrators do)."""
    if created:
        from township.audit import admin_action_record

        admin_action_record(instance)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _remember_active(sender, instance, **kwargs):
    instance._was_active = (
        sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _deactivated_ends_sessions(sender, instance, created, **kwargs):
    """Deactivating a person signs them out everywhere (ASVS 3.3)."""
    if not created and getattr(instance, "_was_active", None) and not instance.is_active:
        from township.security import sessions_end

        sessions_end(user=instance)


# What only the security auditor reads (and the inspectors, who read everything): the security
# log, the role grants, the audit chains' anchors, the identity access log (R-PET-8) and the
# audit trail's event tables (pghistory's).
AUDIT_MODELS = ("securityevent", "rolegrant", "auditanchor", "passwordhistory", "identityaccess")
# The security administrator: people's roles (the person form shows only the roles field to
# them, township.admin.UserAdmin), lockouts (axes), nothing else.
SECURITY_ADMIN_PERMISSIONS = [
    ("township", "view_user"),
    ("township", "change_user"),
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accessfailurelog"),
]
SECURITY_AUDITOR_PERMISSIONS = [
    ("township", "view_securityevent"),
    ("township", "view_rolegrant"),
    ("petitions", "view_identityaccess"),
]


def _audit_trail_types(apps) -> list:
    """Content types of the audit trail's event tables (django-pghistory's ``<Model>Event``)."""
    import pghistory.models
    from django.contrib.contenttypes.models import ContentType

    return [
        ct
        for ct in ContentType.objects.filter(app_label__in=apps)
        if (model := ct.model_class()) is not None and issubclass(model, pghistory.models.Event)
    ]


def sync_role_permissions(sender, **kwargs):
    """After every migrate: system administrators hold every permission of the project's apps
    (the admin site) except reading the audit records; inspectors hold the view permissions
    (they read everything, write through their own registers' pages); the security
    administrator and the security auditor hold their short lists above (三员分立).  New models
    are covered without another data migration.

    migrate sends post_migrate once per app, in INSTALLED_APPS order, and each app's permissions
    are created in its own turn: on a fresh database the core's turn comes before the feature
    apps have any.  So the sync runs in the turn of the last app with models (connected for
    every sender), and is idempotent."""
    from django.apps import apps as installed
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    with_models = [c for c in installed.get_app_configs() if c.models_module is not None]
    if with_models and getattr(sender, "label", None) != with_models[-1].label:
        return

    apps = ["township", "conduct", "reception", "meetings", "fieldwork", "petitions"]
    perms = Permission.objects.filter(content_type__app_label__in=apps)
    audit = Q(content_type__model__in=AUDIT_MODELS) | Q(content_type__in=_audit_trail_types(apps))
    admin, _ = Group.objects.get_or_create(name="administrator")
    admin.permissions.set(perms.exclude(audit))
    inspector, _ = Group.objects.get_or_create(name="inspector")
    inspector.permissions.set(perms.filter(codename__startswith="view_"))
    for name, pairs in (
        ("security_admin", SECURITY_ADMIN_PERMISSIONS),
        ("security_auditor", SECURITY_AUDITOR_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        for app, codename in pairs:
            wanted |= Q(content_type__app_label=app, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
