"""The issue's journey, end to end in a real browser with the real outbox (Celery tasks run eagerly, the
email backend writes files): an officer records a crime for a victim with an email; the activation message
lands in the file backend; the victim activates, signs in and reads the acknowledgement; the officer
records an arrest; the victim gets an alert and reads the message; the victim asks a question; the officer
answers; the victim reads it."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import Crime
from contacts.models import Obligation
from messaging.models import Message
from tests.browser.conftest import axe_violations
from tests.factories import TeamFactory, UserFactory
from victimcare.celery import app as celery_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def eager_outbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "sent-email")
    settings.VC_SMS_FILE_PATH = str(tmp_path / "sent-sms")
    settings.VC_LETTER_FILE_PATH = str(tmp_path / "letters")
    settings.SITE_URL = "http://testserver.invalid"
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield Path(settings.EMAIL_FILE_PATH)
    celery_app.conf.task_always_eager = before


def emails(folder: Path) -> list[str]:
    return [p.read_text() for p in sorted(folder.glob("*.log"))] if folder.exists() else []


def test_victim_follows_their_case_in_the_portal(browser, live_server, eager_outbox):
    mail_dir = eager_outbox
    officer = UserFactory(
        email="pc.journey@test.police.uk",
        team=TeamFactory(name="Response J"),
        first_name="Jo",
        last_name="Reyes",
        contact_phone="01632 960111",
        working_pattern="Monday to Thursday, 7am to 5pm",
    )
    now = timezone.now()
    staff_ctx = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    victim_ctx = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    staff, victim = staff_ctx.new_page(), victim_ctx.new_page()
    for p in (staff, victim):
        p.set_default_timeout(15000)

    # 1. The officer records the crime and offers the portal.
    staff.goto("/")
    staff.get_by_label("Email address").fill(officer.email)
    staff.get_by_label("Password").fill("correct-horse-battery")
    staff.get_by_role("button", name="Sign in").click()
    staff.get_by_role("heading", name="My work").wait_for()
    staff.get_by_role("link", name="Record a crime").click()
    staff.get_by_label("Crime reference").fill("VC/88001/26")
    staff.get_by_label("Offence").select_option(label="Burglary – residential (dwelling) (Burglary)")
    staff.get_by_label("When did it happen?").fill(local(now - timedelta(days=1)))
    staff.get_by_label("When was it reported?").fill(local(now - timedelta(hours=3)))
    staff.get_by_label("Where did it happen?").fill("12 Acacia Avenue")
    staff.locator("#id_victims-0-title").select_option("Ms")
    staff.locator("#id_victims-0-first_name").fill("Nia")
    staff.locator("#id_victims-0-last_name").fill("Hughes")
    staff.locator("#id_victims-0-date_of_birth").fill("1988-05-09")
    staff.locator("#id_victims-0-email").fill("nia.hughes@example.com")
    staff.locator("#id_victims-0-safe_email").check()
    staff.locator("#id_victims-0-offer_portal").check()
    staff.get_by_role("button", name="Record crime").click()
    staff.get_by_role("heading", name="VC/88001/26").wait_for()
    assert "Invited" in staff.locator("#victim-" + str(Crime.objects.get().victims.get().pk)).inner_text()
    assert axe_violations(staff) == [], "case page with the portal row"

    # 2. The activation message lands in the file backend.
    sent = emails(mail_dir)
    activation = [m for m in sent if "/portal/activate/" in m]
    assert len(activation) == 1 and "nia.hughes@example.com" in activation[0]
    link = re.search(r"http://testserver\.invalid(/portal/activate/[\w-]+/)", activation[0]).group(1)

    # 3. The victim activates, is signed in and reads the acknowledgement.
    victim.goto(link)
    assert axe_violations(victim) == []
    victim.locator("#dob-day").fill("9")
    victim.locator("#dob-month").fill("5")
    victim.locator("#dob-year").fill("1988")
    victim.locator("#id_password").fill("my own safe passphrase")
    victim.locator("#id_password2").fill("my own safe passphrase")
    victim.get_by_role("button", name="Create account").click()
    victim.wait_for_url("**/portal/case/")
    timeline = victim.locator("#timeline").inner_text()
    assert "We have recorded the crime you reported" in timeline
    assert "VC/88001/26" in victim.content() and "Jo Reyes" in victim.locator("#officer-name").inner_text()
    assert axe_violations(victim) == []

    # 4. The officer records an arrest; the victim gets an alert with no case details.
    staff.get_by_role("link", name="Record an event").click()
    staff.get_by_role("link", name="Suspect arrested").click()
    staff.get_by_label("When did it happen?").fill(local(now - timedelta(hours=1)))
    staff.get_by_role("button", name="Save").click()
    staff.get_by_text("Suspect arrested recorded.").wait_for()
    alerts = [m for m in emails(mail_dir) if "/portal/activate/" not in m]
    assert alerts, "an email alert about the new message"
    assert "VC/88001/26" not in alerts[-1] and "arrest" not in alerts[-1].lower()

    # 5. The victim reads the arrest message; it meets the arrest duty.
    victim.goto("/portal/case/")
    assert "arrest" in victim.locator("#timeline").inner_text().lower()
    assert Obligation.objects.get(code="ARREST").state == "met"

    # 6. The victim asks a question.
    victim.get_by_role("link", name="Send your officer a question or message").click()
    victim.get_by_label("Your question or message").fill("Will I need to go to court?")
    victim.get_by_role("button", name="Send").click()
    victim.wait_for_url("**/portal/case/")
    duty = Obligation.objects.get(code="QUERY_REPLY")
    assert duty.state == "open" and duty.owner == officer

    # 7. The officer answers it (preview first), from the victim's messages page.
    staff.goto(f"/cases/VC-88001-26/victims/{duty.crime_victim_id}/messages/")
    staff.get_by_role("link", name=re.compile("^Reply")).first.click()
    staff.get_by_label("Message").fill(
        "Not at the moment. If anyone is charged, the Witness Care Unit will tell you."
    )
    assert axe_violations(staff) == [], "staff reply form"
    staff.get_by_role("button", name="Preview").click()
    staff.get_by_role("heading", name="Check your message").wait_for()
    assert axe_violations(staff) == [], "staff preview"
    assert "Witness Care Unit will tell you" in staff.locator(".vc-portal-message").inner_text()
    staff.get_by_role("button", name="Send message").click()
    staff.get_by_role("heading", name="Messages", exact=True).wait_for()
    duty.refresh_from_db()
    assert duty.state == "met"

    # 8. The victim reads the answer.
    victim.goto("/portal/case/")
    first = victim.locator(".vc-portal-message").first.inner_text()
    assert "Witness Care Unit will tell you" in first and "Jo Reyes" in first
    assert Message.objects.filter(kind="officer", status="delivered", read_at__isnull=False).count() == 1
    staff_ctx.close()
    victim_ctx.close()
