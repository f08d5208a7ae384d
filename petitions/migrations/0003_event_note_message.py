"""Petition case steps keep a system-written note as a message id and its parameters (issue 13).

Existing "Responsible leader: <name>" notes (written in English or in Chinese, whichever language
was active then) become the same stored message, so they read in each reader's language; other
notes (what people typed) stay as they are."""

import re

from django.db import migrations, models

LEADER_ID = "Responsible leader: %(who)s"
# The note as written in each language the site has had (en, zh-Hans).
LEADER_NOTE = re.compile(r"^(?:Responsible leader: |包案领导：)(?P<who>.+)$", re.S)


def leader_notes_to_messages(apps, schema_editor):
    PetitionEvent = apps.get_model("petitions", "PetitionEvent")
    rows = PetitionEvent.objects.filter(note_message__isnull=True, verb__in=["assign", "reassign"])
    for event in rows.only("pk", "note").iterator():
        match = LEADER_NOTE.match(event.note)
        if match:
            event.note_message = {"id": LEADER_ID, "params": {"who": match["who"].strip()}}
            event.save(update_fields=["note_message"])


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0002_alter_petitionevent_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="petitionevent",
            name="note_message",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="note message"),
        ),
        migrations.RunPython(leader_notes_to_messages, migrations.RunPython.noop),
    ]
