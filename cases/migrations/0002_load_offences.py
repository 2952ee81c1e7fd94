import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "offences.json"


def load(apps, schema_editor):
    Offence = apps.get_model("cases", "Offence")
    for row in json.loads(FIXTURE.read_text()):
        code = row.pop("code")
        Offence.objects.update_or_create(code=code, defaults=row)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
