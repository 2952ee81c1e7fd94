import json
from datetime import date
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "rulesets.json"


def load(apps, schema_editor):
    """Ship vcop-2020 (default), vcop-2006 and the optional local overlays as data; admins edit them."""
    RuleSet = apps.get_model("contacts", "RuleSet")
    Rule = apps.get_model("contacts", "Rule")
    for item in json.loads(FIXTURE.read_text()):
        rules = item.pop("rules")
        item["effective_from"] = date.fromisoformat(item["effective_from"])
        rs, _ = RuleSet.objects.update_or_create(code=item.pop("code"), defaults=item)
        for rule in rules:
            Rule.objects.update_or_create(rule_set=rs, code=rule.pop("code"), defaults=rule)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_deadline_engine")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
