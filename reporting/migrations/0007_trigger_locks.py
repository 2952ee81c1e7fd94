"""The triggers again: a new duty waits for a reclassification of its crime still in flight, and a
reclassification locks the duties it counts, so that neither misses the other (reporting/sql.py)."""

from django.db import migrations

from reporting import sql


def install(apps, schema_editor):
    """Nothing now: 0008 installs the functions and triggers and counts every cell, once every table they
    use exists (a trigger installed earlier would write to columns not made yet)."""


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_open_grains")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
