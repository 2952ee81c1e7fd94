"""The bail message says whether the suspect is on bail (and until when) or released under investigation;
version 1 said "released while we investigate" for both and left out the bail date."""

from django.db import migrations

BODY_EN = """Dear {{ victim_name }},

{% if bail_until %}The suspect has been released on bail until {{ bail_until }}, while the investigation continues.{% else %}The suspect has been released under investigation: they are not on bail, and the investigation continues.{% endif %}{% if details %}

Conditions that matter to you: {{ details }}{% endif %}

If you think the suspect has broken a condition, or you feel unsafe, call 999 in an emergency or 101 otherwise.

Your officer is {{ oic_name }}{% if oic_phone %} ({{ oic_phone }}){% endif %}. Your crime reference is {{ crime_reference }}.
{{ force_name }}"""

BODY_CY = """Annwyl {{ victim_name }},

{% if bail_until %}Mae'r un a ddrwgdybir wedi cael ei ryddhau ar fechnïaeth tan {{ bail_until }}, tra bod yr ymchwiliad yn parhau.{% else %}Mae'r un a ddrwgdybir wedi cael ei ryddhau dan ymchwiliad: nid yw ar fechnïaeth, ac mae'r ymchwiliad yn parhau.{% endif %}{% if details %}

Amodau sy'n bwysig i chi: {{ details }}{% endif %}

Os ydych chi'n meddwl bod yr un a ddrwgdybir wedi torri amod, neu os nad ydych chi'n teimlo'n ddiogel, ffoniwch 999 mewn argyfwng neu 101 fel arall.

Eich swyddog yw {{ oic_name }}{% if oic_phone %} ({{ oic_phone }}){% endif %}. Cyfeirnod eich trosedd yw {{ crime_reference }}.
{{ force_name }}"""

NEW = {
    "en": (
        "{% if bail_until %}The suspect has been released on bail{% else %}The suspect has been released under investigation{% endif %}",
        BODY_EN,
    ),
    "cy": (
        "{% if bail_until %}Mae'r un a ddrwgdybir wedi cael ei ryddhau ar fechnïaeth{% else %}Mae'r un a ddrwgdybir wedi cael ei ryddhau dan ymchwiliad{% endif %}",
        BODY_CY,
    ),
}


def add_version(apps, schema_editor):
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for language, (subject, body) in NEW.items():
        current = MessageTemplate.objects.filter(code="BAIL", language=language).order_by("-version").first()
        version = (current.version + 1) if current else 1
        MessageTemplate.objects.filter(code="BAIL", language=language).update(active=False)
        MessageTemplate.objects.create(
            code="BAIL", language=language, version=version, subject=subject, body=body, active=True
        )


def remove_version(apps, schema_editor):
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for language, (_subject, body) in NEW.items():
        MessageTemplate.objects.filter(code="BAIL", language=language, body=body).delete()
        latest = MessageTemplate.objects.filter(code="BAIL", language=language).order_by("-version").first()
        if latest is not None:
            MessageTemplate.objects.filter(pk=latest.pk).update(active=True)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(add_version, remove_version)]
