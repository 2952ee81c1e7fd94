import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "message_templates.json"


def load(apps, schema_editor):
    """The standard messages in English and Welsh, version 1. Admins add new versions; old ones stay."""
    MessageTemplate = apps.get_model("contacts", "MessageTemplate")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        key = {k: row.pop(k) for k in ("code", "language", "version")}
        MessageTemplate.objects.update_or_create(**key, defaults=row)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0006_message_templates")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
