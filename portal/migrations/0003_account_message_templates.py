import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "account_templates.json"


def load(apps, schema_editor):
    """Activation and password-reset messages in English and Welsh (version 1; new versions via the admin)."""
    MessageTemplate = apps.get_model("contacts", "MessageTemplate")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        key = {k: row.pop(k) for k in ("code", "language", "version")}
        MessageTemplate.objects.get_or_create(**key, defaults=row)


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_feedback"), ("contacts", "0008_portal_messages")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
