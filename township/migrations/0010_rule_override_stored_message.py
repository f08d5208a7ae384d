"""A rule override keeps what the rule said as a message id and its parameters (issue 13), shown
in the reader's language.  Rows written before keep their ``message`` text, which ``text`` shows
as it was written (the text cannot be parsed back into its parameters in general)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("township", "0009_three_administrators"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="ruleoverride",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="ruleoverride",
            name="update_update",
        ),
        migrations.AddField(
            model_name="ruleoverride",
            name="stored_message",
            field=models.JSONField(
                blank=True, editable=False, null=True, verbose_name="what the rule said (message)"
            ),
        ),
        migrations.AddField(
            model_name="ruleoverrideevent",
            name="stored_message",
            field=models.JSONField(
                blank=True, editable=False, null=True, verbose_name="what the rule said (message)"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="ruleoverride",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "township_ruleoverrideevent" ("actor_id", "created_at", "id", "message", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "rule_id", "stored_message", "target_id", "target_type_id", "township_id") VALUES (NEW."actor_id", NEW."created_at", NEW."id", NEW."message", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."reason", NEW."rule_id", NEW."stored_message", NEW."target_id", NEW."target_type_id", NEW."township_id"); RETURN NULL;',
                    hash="a3cad4bb1d07f72eb15ed4808350b127a589d9e5",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_81429",
                    table="township_ruleoverride",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="ruleoverride",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "township_ruleoverrideevent" ("actor_id", "created_at", "id", "message", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "rule_id", "stored_message", "target_id", "target_type_id", "township_id") VALUES (NEW."actor_id", NEW."created_at", NEW."id", NEW."message", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."reason", NEW."rule_id", NEW."stored_message", NEW."target_id", NEW."target_type_id", NEW."township_id"); RETURN NULL;',
                    hash="a99c939f74602e7c20b9ffbd8ef8827af6fde06e",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_ace95",
                    table="township_ruleoverride",
                    when="AFTER",
                ),
            ),
        ),
    ]
