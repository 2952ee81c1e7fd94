"""Obligations carry their crime's team and BCU (copied; a crime never changes either), so Team and BCU
work read one index range per team or BCU."""

import django.db.models.deletion
from django.db import migrations, models


def copy_from_crimes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE contacts_obligation o SET team_id = c.team_id, bcu_id = c.bcu_id "
            "FROM cases_crime c WHERE c.id = o.crime_id"
        )
    else:
        schema_editor.execute(
            "UPDATE contacts_obligation SET "
            "team_id = (SELECT team_id FROM cases_crime WHERE cases_crime.id = contacts_obligation.crime_id), "
            "bcu_id = (SELECT bcu_id FROM cases_crime WHERE cases_crime.id = contacts_obligation.crime_id)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contacts", "0013_correct_details_duty"),
    ]

    operations = [
        migrations.AddField(
            model_name="obligation",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.team",
            ),
        ),
        migrations.AddField(
            model_name="obligation",
            name="bcu",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.bcu",
            ),
        ),
        migrations.RunPython(copy_from_crimes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="obligation",
            name="team",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.team"
            ),
        ),
        migrations.AlterField(
            model_name="obligation",
            name="bcu",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.bcu"
            ),
        ),
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(
                condition=models.Q(("state", "open")), fields=["team", "due_at", "id"], name="obl_team_open_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(
                condition=models.Q(("state", "open")), fields=["bcu", "due_at", "id"], name="obl_bcu_open_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(
                condition=models.Q(("state", "open")), fields=["due_at", "id"], name="obl_open_due_idx"
            ),
        ),
    ]
