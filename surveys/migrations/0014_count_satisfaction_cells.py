"""Counts the answers already kept into the satisfaction cells (surveys.rollup.rebuild)."""

from django.db import migrations


def count(apps, schema_editor):
    from surveys import rollup

    rollup.rebuild()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0013_satisfaction_cells")]
    operations = [migrations.RunPython(count, migrations.RunPython.noop)]
