"""Welsh pages and messages carry no English a victim would read: offence names, the officer's working
pattern and the force's name are in Welsh (an English working pattern, when no Welsh one is given, is
marked lang="en" for screen readers)."""

import json
from pathlib import Path

import pytest
from django.utils import translation

from cases.models import Offence
from cases.offence_names import OFFENCE_NAMES
from messaging.templates import context_for, render

from .conftest import signed_in_client

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).resolve().parents[2] / "cases" / "fixtures" / "offences.json"


def test_every_offence_has_a_welsh_name():
    names = [o["name"] for o in json.loads(FIXTURE.read_text())]
    assert sorted(names) == sorted(OFFENCE_NAMES)  # a new offence must be listed for translation
    with translation.override("cy"):
        untranslated = [n for n in names if Offence(name=n).display_name == n]
    assert untranslated == []


def welsh_case_page(victim) -> str:
    c = signed_in_client(victim)
    c.post("/portal/language/", {"language": "cy", "next": "/portal/case/"})
    return c.get("/portal/case/").content.decode()


def test_the_welsh_case_page_names_the_offence_and_working_pattern_in_welsh(victim, officer):
    officer.working_pattern = "Mon–Fri, 08:00–16:00"
    officer.working_pattern_cy = "Llun–Gwener, 08:00–16:00"
    officer.save()
    page = welsh_case_page(victim)
    offence = victim.crime.offence
    with translation.override("cy"):
        welsh_offence = offence.display_name
    assert welsh_offence != offence.name and welsh_offence in page
    assert offence.name not in page
    assert 'lang="cy">Llun–Gwener, 08:00–16:00' in page
    assert "Mon–Fri" not in page
    assert "Heddlu Demo" in page


def test_an_english_only_working_pattern_is_marked_as_english(victim, officer):
    officer.working_pattern, officer.working_pattern_cy = "Mon–Fri, 08:00–16:00", ""
    officer.save()
    assert 'lang="en">Mon–Fri, 08:00–16:00' in welsh_case_page(victim)


def test_welsh_messages_sign_off_with_the_forces_welsh_name_and_welsh_pattern(victim, officer):
    officer.working_pattern, officer.working_pattern_cy = "Mon–Fri", "Llun–Gwener"
    officer.save()
    victim.crime.oic = officer
    ctx = context_for(victim.crime, victim.person)
    welsh = render("ACKNOWLEDGE", "cy", ctx)
    assert welsh.body.rstrip().endswith("Heddlu Demo")
    english = render("ACKNOWLEDGE", "en", ctx)
    assert english.body.rstrip().endswith("Demo Constabulary")
    with translation.override("cy"):
        assert str(ctx["oic_pattern"]) == "Llun–Gwener"
    with translation.override("en"):
        assert str(ctx["oic_pattern"]) == "Mon–Fri"


def test_the_welsh_acknowledgement_says_what_happens_next_in_welsh(officer, settings, tmp_path):
    """Messages written in a batch (the acknowledgement when a crime is recorded) render like any other:
    the lazy 'what happens next' in the message's language, not the request's."""
    from messaging.models import Message
    from tests.contacts.support import person, record

    settings.VC_LETTER_FILE_PATH = str(tmp_path / "letters")
    crime = record(officer, people=[person(first_language="Welsh")])
    ack = Message.objects.get(crime=crime, template_code="ACKNOWLEDGE")
    assert ack.language == "cy"
    with translation.override("cy"):
        welsh = str(crime.next_steps)
    with translation.override("en"):
        english = str(crime.next_steps)
    assert welsh != english
    assert welsh in ack.body and english not in ack.body


@pytest.mark.parametrize(
    ("language", "heading", "other"),
    [("en", "Page not found", "Go to sign in"), ("cy", "Heb ddod o hyd i'r dudalen", "Mynd i fewngofnodi")],
)
def test_a_missing_portal_page_is_the_portals_own_in_the_victims_language(client, language, heading, other):
    client.cookies["django_language"] = language
    r = client.get("/portal/no-such-page/")
    page = r.content.decode()
    assert r.status_code == 404 and heading in page and other in page
    assert "Ask your supervisor" not in page and "Sign out" not in page  # not the staff page
    assert "Exit this page" in page or "Gadael y dudalen" in page
