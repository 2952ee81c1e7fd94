"""A small index of restricted cases. Built CONCURRENTLY on PostgreSQL, so recording and case work go on
while it builds on a force's table of millions of crimes (the migration is not atomic for that)."""

from django.conf import settings
from django.db import migrations, models

INDEX = models.Index(
    condition=models.Q(("is_restricted", True)), fields=["bcu", "team", "oic"], name="crime_restricted_idx"
)


def add_index(apps, schema_editor):
    model = apps.get_model("cases", "Crime")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(model, INDEX, concurrently=True)
    else:
        schema_editor.add_index(model, INDEX)


def remove_index(apps, schema_editor):
    model = apps.get_model("cases", "Crime")
    schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0002_working_pattern_cy"),
        ("cases", "0006_case_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="crime", index=INDEX)],
            database_operations=[migrations.RunPython(add_index, remove_index)],
        ),
    ]
