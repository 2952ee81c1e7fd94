"""Indexes for the case lists at scale (cases.selectors.case_rows and _search_q).

- One covering index per kind of list range (an officer's cases, a team's, a BCU's), newest first with the
  id as tie-break, carrying every column the lists filter on: the count and a page's ids, however deep,
  come from the index alone, and the ranges of a user's scope merge in order.
- Trigram (pg_trgm) indexes for the search box, on the same expressions Django's icontains uses
  (UPPER(column::text) LIKE UPPER('%...%')): crime references and victims' first and last names. PostgreSQL
  only: on SQLite (`make run` without DATABASE_URL) they are skipped, and the search scans as before.
"""

from django.conf import settings
from django.db import migrations, models

TRIGRAM_INDEXES = {  # name: (table, column)
    "crime_reference_trgm_idx": ("cases_crime", "reference"),
    "person_first_name_trgm_idx": ("cases_person", "first_name"),
    "person_last_name_trgm_idx": ("cases_person", "last_name"),
}


def trigram_forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}::text) gin_trgm_ops)"
        )
    # Statistics on the indexed expressions (only ANALYZE gathers them), so that the planner knows how few
    # rows a search matches and starts from them.
    schema_editor.execute("ANALYZE cases_crime, cases_person")


def trigram_backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


LIST_COLUMNS = (
    "oic",
    "team",
    "bcu",
    "is_restricted",
    "status",
    "is_domestic_abuse",
    "is_hate_crime",
    "is_sensitive",
)


def list_index(key: str) -> models.Index:
    return models.Index(
        fields=[key, "-recorded_at", "-id"],
        include=tuple(c for c in LIST_COLUMNS if c != key),
        name=f"crime_{key}_list_idx",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("cases", "0005_change_time_as_given"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="crime", name="crime_oic_recorded_idx"),
        migrations.RemoveIndex(model_name="crime", name="crime_team_recorded_idx"),
        migrations.RemoveIndex(model_name="crime", name="crime_bcu_recorded_idx"),
        migrations.AddIndex(model_name="crime", index=list_index("oic")),
        migrations.AddIndex(model_name="crime", index=list_index("team")),
        migrations.AddIndex(model_name="crime", index=list_index("bcu")),
        migrations.RunPython(trigram_forward, trigram_backward),
    ]
