"""Ships the national user-satisfaction survey (version 1), three survey plans (after the report, after
no further action, at closure), the invitation and reminder messages in English and Welsh, and the
milestones victims already reached, so the first invitation run finds them."""

from django.db import migrations

from surveys import national

TEMPLATES = {
    ("survey_invitation", "en"): (
        "Tell us how we did",
        "Dear {{ victim_name }},\n\n"
        "You were recently in contact with {{ force_name }}. We would like to know how we did. The survey "
        "takes about 5 minutes, and your answers help us improve how we support victims of crime.\n\n"
        "Answer the survey: {{ survey_url }}\n\n"
        "The link works once, until {{ link_expires }}. If you would rather not be asked, you can say so at the "
        "link.\n\n{{ force_name }}",
    ),
    ("survey_invitation", "cy"): (
        "Dywedwch wrthym sut gwnaethom",
        "Annwyl {{ victim_name }},\n\n"
        "Roeddech chi mewn cysylltiad â {{ force_name }} yn ddiweddar. Hoffem wybod sut gwnaethom. Mae'r "
        "arolwg yn cymryd tua 5 munud, ac mae eich atebion yn ein helpu i wella sut rydym yn cefnogi "
        "dioddefwyr troseddau.\n\n"
        "Atebwch yr arolwg: {{ survey_url }}\n\n"
        "Mae'r ddolen yn gweithio unwaith, tan {{ link_expires }}. Os byddai'n well gennych beidio â chael cais, "
        "gallwch ddweud hynny drwy'r ddolen.\n\n{{ force_name }}",
    ),
    ("survey_reminder", "en"): (
        "A reminder: tell us how we did",
        "Dear {{ victim_name }},\n\n"
        "We recently asked you about the service you had from {{ force_name }}. If you have a few minutes, "
        "we would still like to hear from you. This is the only reminder we will send.\n\n"
        "Answer the survey: {{ survey_url }}\n\n"
        "The link works once, until {{ link_expires }}. The link in our first message no longer works.\n\n"
        "{{ force_name }}",
    ),
    ("survey_reminder", "cy"): (
        "Nodyn atgoffa: dywedwch wrthym sut gwnaethom",
        "Annwyl {{ victim_name }},\n\n"
        "Gofynnon ni i chi yn ddiweddar am y gwasanaeth a gawsoch gan {{ force_name }}. Os oes gennych "
        "ychydig funudau, hoffem glywed gennych o hyd. Dyma'r unig nodyn atgoffa y byddwn yn ei anfon.\n\n"
        "Atebwch yr arolwg: {{ survey_url }}\n\n"
        "Mae'r ddolen yn gweithio unwaith, tan {{ link_expires }}. Nid yw'r ddolen yn ein neges gyntaf yn "
        "gweithio mwyach.\n\n{{ force_name }}",
    ),
}

PLANS = [
    # name, milestone, wait, window, rate
    ("After the report", "reported", 14, 28, 25),
    ("After a decision of no further action", "nfa", 7, 28, 50),
    ("At closure", "closed", 7, 28, 50),
]

BACKFILL = [
    """INSERT INTO surveys_milestonereached (crime_victim_id, milestone, at)
       SELECT cv.id, 'reported', c.reported_at
       FROM cases_crimevictim cv JOIN cases_crime c ON c.id = cv.crime_id""",
    """INSERT INTO surveys_milestonereached (crime_victim_id, milestone, at)
       SELECT cv.id, 'nfa', MIN(e.occurred_at)
       FROM cases_caseevent e JOIN cases_crimevictim cv ON cv.crime_id = e.crime_id
       WHERE e.code IN ('RELEASED_NFA', 'NOT_PROSECUTED', 'NOT_INVESTIGATED')
       GROUP BY cv.id""",
    """INSERT INTO surveys_milestonereached (crime_victim_id, milestone, at)
       SELECT cv.id, 'closed', MIN(e.occurred_at)
       FROM cases_caseevent e JOIN cases_crimevictim cv ON cv.crime_id = e.crime_id
       WHERE e.code = 'CLOSED'
       GROUP BY cv.id""",
]


def load(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    national.load(Questionnaire, apps.get_model("surveys", "Question"))
    questionnaire = Questionnaire.objects.get(code=national.CODE, version=1)
    SurveyPlan = apps.get_model("surveys", "SurveyPlan")
    if not SurveyPlan.objects.exists():
        for name, milestone, wait, window, rate in PLANS:
            SurveyPlan.objects.create(
                name=name,
                questionnaire=questionnaire,
                milestone=milestone,
                wait_days=wait,
                window_days=window,
                rate_percent=rate,
            )
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for (code, language), (subject, body) in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(
            code=code, language=language, version=1, defaults={"subject": subject, "body": body}
        )
    with schema_editor.connection.cursor() as cur:
        for sql in BACKFILL:
            cur.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_surveys"),
        ("messaging", "0005_alter_message_kind"),
        ("cases", "0007_restricted_index"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
