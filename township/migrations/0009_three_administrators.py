"""The three administrators (三员分立): the security administrator's and the security auditor's
groups (the system administrator keeps the group "administrator").  Their permissions are set
by township.signals.sync_role_permissions after every migrate, this one included (on a fresh
database the feature apps' permissions do not exist yet while this migration runs)."""

from django.db import migrations, models

ROLES = ["security_admin", "security_auditor"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("township", "0008_audit_chains_security_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="securityevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("login", "signed in"),
                    ("logout", "signed out"),
                    ("login_failed", "failed sign-in"),
                    ("lockout", "locked out"),
                    ("refused", "request refused"),
                    ("password_changed", "password changed"),
                    ("sessions_ended", "sessions ended"),
                    ("admin_added", "added in the admin"),
                    ("admin_changed", "changed in the admin"),
                    ("admin_deleted", "deleted in the admin"),
                    ("exported", "audit log exported"),
                ],
                max_length=20,
                verbose_name="event",
            ),
        ),
        migrations.RunPython(create_roles, remove_roles),
    ]
