"""The Citizen Focus self-assessment's six components and their key indicators, in the guide's words
(surveys.assessment_data). Rerunnable: matched by number and code, so a corrected wording is updated in
place and the scores already given keep pointing at the same indicator."""

from django.db import migrations


def load(apps, schema_editor):
    from surveys.assessment_data import COMPONENTS

    Component = apps.get_model("surveys", "AssessmentComponent")
    Indicator = apps.get_model("surveys", "AssessmentIndicator")
    for c in COMPONENTS:
        component, _ = Component.objects.update_or_create(
            number=c["number"], defaults={"name": c["name"], "pages": c["pages"]}
        )
        for order, ind in enumerate(c["indicators"], start=1):
            Indicator.objects.update_or_create(
                code=ind["code"],
                defaults={
                    "component": component,
                    "order": order,
                    "name": ind["name"],
                    **{f"descriptor_{score}": words for score, words in enumerate(ind["descriptors"])},
                },
            )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0010_self_assessment")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
