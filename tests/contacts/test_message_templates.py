"""Standard messages in English and Welsh: complete, personalised, and alerts carry no case details."""

import json
from pathlib import Path

import pytest

from messaging import templates
from messaging.models import MessageTemplate
from tests.factories import CrimeFactory, PersonFactory

FIXTURE = Path(__file__).resolve().parents[2] / "contacts" / "fixtures" / "message_templates.json"
CODES = sorted({row["code"] for row in json.loads(FIXTURE.read_text(encoding="utf-8"))})


@pytest.fixture
def case(officer):
    officer.contact_phone = "01632 960 123"
    officer.working_pattern = "Monday to Thursday, 7am to 5pm"
    officer.save()
    person = PersonFactory(title="Mrs", first_name="Gwen", last_name="Jones")
    return CrimeFactory(team=officer.team, oic=officer, victims=[person]), person


@pytest.mark.django_db
@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_template_renders_completely_in_both_languages(case, code, language):
    crime, person = case
    ctx = templates.context_for(
        crime, person, details="Details here", portal_url="https://portal.example/portal/"
    )
    out = templates.render(code, language, ctx)
    newest = MessageTemplate.objects.filter(code=code, language=language, active=True).order_by("-version")[0]
    assert out.version == newest.version and out.language == language
    assert out.body and "{{" not in out.body and "{%" not in out.body and "{{" not in out.subject
    if code.startswith("ALERT"):
        # Alerts go by email/SMS: never the crime reference, a name or case details.
        for secret in (crime.reference, "Jones", "Gwen", "Details here"):
            assert secret not in out.body and secret not in out.subject
        assert "https://portal.example/portal/" in out.body
    else:
        assert "Jones" in out.body and crime.reference in out.body and "01632 960 123" in out.body
        assert out.subject


@pytest.mark.django_db
def test_welsh_is_really_welsh(case):
    crime, person = case
    ctx = templates.context_for(crime, person)
    en = templates.render("ARREST", "en", ctx)
    cy = templates.render("ARREST", "cy", ctx)
    assert en.body != cy.body and "Annwyl Mrs Jones" in cy.body and "arestio" in cy.body


@pytest.mark.django_db
def test_newest_active_version_wins_and_old_versions_stay(case):
    crime, person = case
    MessageTemplate.objects.create(
        code="ARREST",
        language="en",
        version=2,
        subject="Arrest made",
        body="Dear {{ victim_name }}, version two.",
    )
    MessageTemplate.objects.create(
        code="ARREST", language="en", version=3, subject="x", body="draft", active=False
    )
    out = templates.render("ARREST", "en", templates.context_for(crime, person))
    assert out.version == 2 and "version two" in out.body
    assert MessageTemplate.objects.filter(code="ARREST", language="en").count() == 3


@pytest.mark.django_db
def test_data_is_never_template_code(case):
    crime, person = case
    person.last_name = "{{ crime_reference }}{% now 'Y' %}"
    out = templates.render("ARREST", "en", templates.context_for(crime, person))
    assert "{{ crime_reference }}{% now 'Y' %}" in out.body


@pytest.mark.django_db
def test_unknown_language_falls_back_to_english_and_bad_input_is_refused(case):
    crime, person = case
    assert templates.render("ARREST", "fr", templates.context_for(crime, person)).language == "en"
    with pytest.raises(templates.TemplateMissing):
        templates.render("NOPE", "en", {})
    with pytest.raises(ValueError, match="Unknown message context keys"):
        templates.render("ARREST", "en", {"password": "x"})


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_bail_message_says_bail_and_until_when_or_released_under_investigation(case, language):
    crime, person = case
    bail = templates.render(
        "BAIL", language, templates.context_for(crime, person, bail_until="15 December 2026 at 10:00")
    )
    rui = templates.render("BAIL", language, templates.context_for(crime, person))
    assert "15 December 2026 at 10:00" in bail.body
    assert ("on bail" if language == "en" else "ar fechnïaeth") in bail.body + bail.subject
    assert ("under investigation" if language == "en" else "dan ymchwiliad") in rui.body + rui.subject
    assert "15 December" not in rui.body
