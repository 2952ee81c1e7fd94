"""The roll-up's triggers (PostgreSQL; see reporting/sql.py): installed by 0008, removed here when
migrating back. SQLite counts from the duties directly and needs none."""

from django.db import migrations

from reporting import sql


def install(apps, schema_editor):
    """Nothing now: 0008 installs the functions and triggers and counts every cell, once every table they
    use exists (a trigger installed earlier would write to columns not made yet)."""


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(sql.DROP_TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("contacts", "0014_obligation_team_bcu"),
        ("cases", "0007_restricted_index"),
    ]

    operations = [migrations.RunPython(install, remove)]
