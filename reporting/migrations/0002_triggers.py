"""The roll-up's triggers (PostgreSQL; see reporting/sql.py). The cells are counted from the duties already
there by 0003, once every grain exists. SQLite counts from the duties directly and needs neither."""

from django.db import migrations

from reporting import sql


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(sql.OUTCOME_FUNCTION)
    schema_editor.execute(sql.TRIGGERS)


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
