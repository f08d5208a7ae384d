"""The role groups (township.roles).  Their permissions are set by
township.signals.sync_role_permissions after every migrate (on a fresh database the feature apps'
permissions do not exist yet while this migration runs).

The migrations were squashed into one initial migration per app on 2026-12-01 (issue 15): no
installation had to be upgraded yet; the data conversions of the replaced migrations (chaining
existing role grants, petition notes to stored messages) had no rows to convert."""

from django.db import migrations

ROLES = [
    "staff",
    "department_head",
    "leader_in_charge",
    "principal_leader",
    "office_clerk",
    "finance_clerk",
    "inspector",
    "administrator",
    "security_admin",
    "security_auditor",
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("township", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, remove_roles)]
