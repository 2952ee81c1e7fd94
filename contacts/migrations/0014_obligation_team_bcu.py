"""Obligations carry their crime's team and BCU (copied; a crime never changes either), so Team and BCU
work read one index range per team or BCU.

Safe on a force's table of millions of duties on PostgreSQL, so the scan, recording and contact logging
go on during the deployment: the migration is not atomic; the columns are added nullable (no rewrite),
filled in batches of 50,000 each in its own transaction, made NOT NULL through a CHECK constraint added
NOT VALID and validated (no exclusive lock held while the table is scanned), and the indexes are built
CONCURRENTLY. SQLite (development) takes the plain route."""

import copy

import django.db.models.deletion
from django.db import migrations, models, transaction

BATCH = 50_000
INDEXES = [
    models.Index(
        condition=models.Q(("state", "open")), fields=["team", "due_at", "id"], name="obl_team_open_idx"
    ),
    models.Index(
        condition=models.Q(("state", "open")), fields=["bcu", "due_at", "id"], name="obl_bcu_open_idx"
    ),
    models.Index(condition=models.Q(("state", "open")), fields=["due_at", "id"], name="obl_open_due_idx"),
]


def _fk(to: str, *, null: bool):
    return models.ForeignKey(
        db_index=False, null=null, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=to
    )


def copy_from_crimes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        crime = "FROM cases_crime c WHERE c.id = contacts_obligation.crime_id"
        schema_editor.execute(
            f"UPDATE contacts_obligation SET team_id = (SELECT c.team_id {crime}), "
            f"bcu_id = (SELECT c.bcu_id {crime})"
        )
        return
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM contacts_obligation")
        low, high = cur.fetchone()
    for start in range(low, high + 1, BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cur:
            cur.execute(
                "UPDATE contacts_obligation o SET team_id = c.team_id, bcu_id = c.bcu_id FROM cases_crime c "
                "WHERE c.id = o.crime_id AND o.id >= %s AND o.id < %s AND o.team_id IS NULL",
                [start, start + BATCH],
            )


def unfinish(apps, schema_editor):
    """Back: the indexes go (the columns go with the fields)."""
    model = apps.get_model("contacts", "Obligation")
    for index in INDEXES:
        schema_editor.remove_index(model, index)


def finish(apps, schema_editor):
    """NOT NULL on both columns, then the indexes."""
    model = apps.get_model("contacts", "Obligation")
    if schema_editor.connection.vendor == "postgresql":
        for sql in (
            "ALTER TABLE contacts_obligation ADD CONSTRAINT obl_team_bcu_set "
            "CHECK (team_id IS NOT NULL AND bcu_id IS NOT NULL) NOT VALID",
            "ALTER TABLE contacts_obligation VALIDATE CONSTRAINT obl_team_bcu_set",
            # PostgreSQL uses the validated CHECK instead of scanning the table again.
            "ALTER TABLE contacts_obligation ALTER COLUMN team_id SET NOT NULL, "
            "ALTER COLUMN bcu_id SET NOT NULL",
            "ALTER TABLE contacts_obligation DROP CONSTRAINT obl_team_bcu_set",
        ):
            schema_editor.execute(sql)
        for index in INDEXES:
            schema_editor.add_index(model, index, concurrently=True)
        return
    for name in ("team", "bcu"):
        old = model._meta.get_field(name)
        new = copy.deepcopy(old)
        new.null = False
        schema_editor.alter_field(model, old, new)
        # SQLite rebuilds the whole table for each change, from the model: keep the model in step.
        old.null = False
    for index in INDEXES:
        schema_editor.add_index(model, index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0001_initial"),
        ("contacts", "0013_correct_details_duty"),
    ]

    operations = [
        migrations.AddField(model_name="obligation", name="team", field=_fk("accounts.team", null=True)),
        migrations.AddField(model_name="obligation", name="bcu", field=_fk("accounts.bcu", null=True)),
        migrations.RunPython(copy_from_crimes, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="obligation", name="team", field=_fk("accounts.team", null=False)
                ),
                migrations.AlterField(
                    model_name="obligation", name="bcu", field=_fk("accounts.bcu", null=False)
                ),
                *[migrations.AddIndex(model_name="obligation", index=index) for index in INDEXES],
            ],
            database_operations=[migrations.RunPython(finish, unfinish)],
        ),
    ]
