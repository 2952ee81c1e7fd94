import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "message_templates.json"


def load(apps, schema_editor):
    """Standard messages added since 0007 (drafts for duties that need a personal contact, and the officer
    letter). Only (code, language, version) rows that are missing are inserted: an admin's edits to an
    existing row, or newer versions, are left alone."""
    MessageTemplate = apps.get_model("contacts", "MessageTemplate")
    existing = set(MessageTemplate.objects.values_list("code", "language", "version"))
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        if (row["code"], row["language"], row["version"]) not in existing:
            MessageTemplate.objects.create(**row)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0008_portal_messages")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
