"""The triggers again: a new duty waits for a reclassification of its crime still in flight, and a
reclassification locks the duties it counts, so that neither misses the other (reporting/sql.py)."""

from django.db import migrations

from reporting import sql


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(sql.TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_open_grains")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
