"""Automatic standard messages and drafts, written with the case change that caused them
(contacts.auto_messages, called from the hooks in contacts.services)."""

import io
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services as case_services
from contacts import auto_messages as auto
from messaging import outbox
from messaging.models import Message, StaffNotification
from portal.models import PortalAccount
from tests.factories import CrimeFactory, PersonFactory

from .support import NOW, event, london, one, person, record, victims


@pytest.fixture
def files(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.VC_SMS_FILE_PATH = str(tmp_path / "sms")
    settings.VC_LETTER_FILE_PATH = str(tmp_path / "letters")
    settings.PORTAL_OPT_IN_ALL_SAFE_EMAIL = False
    return tmp_path


def portal_victim(officer, **over):
    """A person already on one of the officer's cases, with an active portal account: recording a new crime
    with their name and date of birth finds them again (a repeat victim), account and all."""
    data = person(**{"safe_sms": True, **over})
    known = PersonFactory(
        **{
            k: data[k] for k in ("title", "first_name", "last_name", "date_of_birth", "email", "mobile_phone")
        },
        safe_email=data["safe_email"],
        safe_sms=data["safe_sms"],
    )
    CrimeFactory(team=officer.team, oic=officer, victims=[known])
    PortalAccount.objects.create(person=known, status="active", alerts=True, language="en")
    return data, known


def msgs(crime, **filters):
    return list(Message.objects.filter(crime=crime, **filters).order_by("id"))


@pytest.mark.django_db
def test_portal_victim_gets_the_acknowledgement_in_the_portal_and_an_email_alert(clock, officer, files):
    data, known = portal_victim(officer, safe_sms=False)
    crime = record(officer, people=[data])
    cv = victims(crime)[0]
    assert cv.person_id == known.id
    ack = one(crime, "ACKNOWLEDGE")
    portal = msgs(crime, channel="portal")
    alerts = msgs(crime, kind="alert")
    assert [(m.kind, m.template_code, m.obligation_id, m.status) for m in portal] == [
        ("automatic", "ACKNOWLEDGE", ack.id, "queued")
    ]
    assert crime.reference in portal[0].body and "Khan" in portal[0].body
    assert [(m.channel, m.to_address, m.obligation_id) for m in alerts] == [("email", data["email"], None)]
    # The alert says nothing about the case.
    assert crime.reference not in alerts[0].body + alerts[0].subject and "Khan" not in alerts[0].body
    assert "/portal/" in alerts[0].body
    # Recorded and allocated at once: no separate "an officer has your case" message.
    assert not msgs(crime, template_code="ALLOCATED")
    # Delivered, the portal message meets the acknowledgement duty; the alert does not need to.
    assert outbox.message_deliver(message_id=portal[0].pk)
    ack.refresh_from_db()
    assert ack.state == "met" and ack.met_on_time
    assert outbox.message_deliver(message_id=alerts[0].pk)


@pytest.mark.django_db
def test_text_alert_is_held_overnight(clock, officer, files):
    clock.move_to(london(2026, 11, 2, 22, 30), tick=False)
    data, _ = portal_victim(officer)
    crime = record(officer, people=[data])
    sms = one_msg(crime, channel="sms")
    email = one_msg(crime, channel="email")
    assert sms.next_attempt_at == london(2026, 11, 3, 8, 0)
    assert email.next_attempt_at <= london(2026, 11, 2, 22, 30)
    assert outbox.message_deliver(message_id=sms.pk, now=london(2026, 11, 2, 23, 0)) is False
    assert sms.pk not in outbox.outbox_sweep(now=london(2026, 11, 2, 23, 0))
    assert sms.pk in outbox.outbox_sweep(now=london(2026, 11, 3, 8, 0))


def one_msg(crime, **filters) -> Message:
    found = msgs(crime, **filters)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.django_db
def test_alerts_follow_the_account_settings(clock, officer, files):
    data, known = portal_victim(officer)
    PortalAccount.objects.filter(person=known).update(alerts=False)
    crime = record(officer, people=[data])
    assert len(msgs(crime, channel="portal")) == 1 and not msgs(crime, kind="alert")
    # Invited but not yet activated: the message waits in the portal, no alert.
    PortalAccount.objects.filter(person=known).update(alerts=True, status="invited")
    event(crime, "ARREST", officer)
    assert len(msgs(crime, channel="portal", template_code="ARREST")) == 1 and not msgs(crime, kind="alert")


@pytest.mark.django_db
def test_no_portal_and_a_safe_address_gets_a_large_print_letter(clock, officer, files, settings):
    data = person(
        safe_email=False,
        safe_letter=True,
        needs_large_print=True,
        address_line_1="12 Ffordd y Môr",
        town="Aberystwyth",
        postcode="sy23 1aa",
    )
    crime = record(officer, people=[data])
    letter = one_msg(crime, channel="letter")
    assert (letter.kind, letter.template_code, letter.letter_format) == (
        "automatic",
        "ACKNOWLEDGE",
        "large_print",
    )
    assert letter.to_address.splitlines() == ["Ms Aisha Khan", "12 Ffordd y Môr", "Aberystwyth", "SY23 1AA"]
    assert not msgs(crime, kind="alert") and not msgs(crime, status="draft")
    assert outbox.message_deliver(message_id=letter.pk)
    letter.refresh_from_db()
    assert letter.status == "sent"
    [pdf] = Path(settings.VC_LETTER_FILE_PATH).glob(f"*-{letter.pk}.pdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf.read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "12 Ffordd y Môr" in text and crime.reference in text and "Dear Ms Khan" in text
    sizes = set()
    reader.pages[0].extract_text(
        visitor_text=lambda t, cm, tm, font, size: sizes.add(size) if t.strip() else None
    )
    assert max(sizes) >= 18
    assert one(crime, "ACKNOWLEDGE").state == "met"


@pytest.mark.django_db
def test_standard_letter_when_no_large_print_is_needed(clock, officer, files):
    data = person(safe_letter=True, address_line_1="1 High St", town="Anytown", postcode="AN1 1AA")
    crime = record(officer, people=[data])
    assert one_msg(crime, channel="letter").letter_format == "standard"


@pytest.mark.django_db
def test_nothing_safe_means_no_message_and_the_officer_is_told(clock, officer, files):
    data = person(safe_email=False, address_line_1="1 High St", postcode="AN1 1AA", safe_letter=False)
    crime = record(officer, people=[data])
    ack = one(crime, "ACKNOWLEDGE")
    assert not msgs(crime, status__in=["queued", "sending", "sent", "delivered"])
    draft = one_msg(crime, status="draft")
    assert (draft.kind, draft.obligation_id, draft.template_code) == ("officer", ack.id, "ACKNOWLEDGE")
    note = StaffNotification.objects.get(message=draft)
    assert (note.recipient, note.stage, note.obligation_id) == (officer, "draft_ready", ack.id)
    assert ack.state == "open"


@pytest.mark.django_db
def test_victim_who_wants_no_updates_still_gets_the_acknowledgement_but_no_news(clock, officer, files):
    from contacts.services import plan_save

    data, known = portal_victim(officer, safe_sms=False)
    crime = record(officer, people=[data])
    cv = victims(crime)[0]
    plan_save(crime_victim=cv, by=officer, data={"wants_updates": False, "methods": ["email"]})
    before = Message.objects.filter(crime=crime).count()
    event(crime, "ARREST", officer)
    assert Message.objects.filter(crime=crime).count() == before
    assert one(crime, "ARREST").state == "not_required"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("codes", "duty"),
    [
        (["ARREST", "RELEASED_NFA"], "RELEASE_NO_FURTHER_ACTION"),
        (["NOT_INVESTIGATED"], "NOT_INVESTIGATED"),
        (["ARREST", "NOT_PROSECUTED"], "NOT_PROSECUTED"),
    ],
)
def test_news_the_officer_must_give_is_a_draft_never_sent(clock, officer, files, codes, duty):
    data, _ = portal_victim(officer)
    crime = record(officer, people=[data])
    for code in codes:
        event(crime, code, officer)
    ob = one(crime, duty)
    draft = one_msg(crime, obligation=ob)
    assert (draft.status, draft.kind, draft.template_code) == ("draft", "officer", duty)
    assert "Insufficient evidence" in draft.body or duty != "RELEASE_NO_FURTHER_ACTION"
    if duty in ("RELEASE_NO_FURTHER_ACTION", "NOT_PROSECUTED"):
        assert "Victims' Right to Review" in draft.body and "3 months" in draft.body
    note = StaffNotification.objects.get(message=draft, stage="draft_ready")
    assert note.recipient == officer
    # The news itself raised no alert: the victim hears it from the officer.
    assert not Message.objects.filter(crime=crime, kind="alert", pk__gt=draft.pk).exists()
    assert not Message.objects.filter(crime=crime, kind="alert").exclude(pk__lt=draft.pk).exists()
    # Drafts are not deliverable: no worker and no sweep ever sends one.
    assert outbox.message_deliver(message_id=draft.pk) is False
    assert draft.pk not in outbox.outbox_sweep(now=NOW + timedelta(days=30))
    draft.refresh_from_db()
    assert draft.status == "draft"
    ob.refresh_from_db()
    assert ob.state == "open"


@pytest.mark.django_db
def test_event_details_reach_the_message_in_the_victims_words(clock, officer, files):
    data, _ = portal_victim(officer)
    crime = record(officer, people=[data])
    event(crime, "ARREST", officer)  # bail follows an arrest
    event(crime, "BAIL", officer, conditions="Not to contact the victim")
    bail = one_msg(crime, template_code="BAIL")
    assert "Not to contact the victim" in bail.body
    event(
        crime,
        "CHARGED",
        officer,
        charges="Assault occasioning ABH",
        first_hearing_at="2026-12-01T10:00",
        court="Anytown Magistrates",
    )
    charge = one_msg(crime, template_code="CHARGE")
    assert "1 December 2026 at 10:00 at Anytown Magistrates" in charge.body
    assert "Assault occasioning ABH" in charge.body


@pytest.mark.django_db
def test_welsh_speaker_gets_welsh(clock, officer, files):
    data, known = portal_victim(officer, safe_sms=False)
    PortalAccount.objects.filter(person=known).update(language="cy")
    crime = record(officer, people=[data])
    ack = one_msg(crime, channel="portal")
    alert = one_msg(crime, kind="alert")
    assert ack.language == "cy" and "Annwyl Ms Khan" in ack.body
    assert alert.language == "cy" and "Mewngofnodwch" in alert.body


@pytest.mark.django_db
def test_plan_language_welsh_without_a_portal_account(clock, officer, files):
    data = person(
        safe_letter=True, address_line_1="1 Stryd Fawr", postcode="SY23 1AA", first_language="Cymraeg"
    )
    crime = record(officer, people=[data])
    letter = one_msg(crime, channel="letter")
    assert letter.language == "cy" and "Annwyl" in letter.body


@pytest.mark.django_db
def test_reallocation_tells_the_victim_who_their_new_officer_is(clock, officer, colleague, files):
    data, _ = portal_victim(officer, safe_sms=False)
    crime = record(officer, people=[data])
    colleague.first_name, colleague.last_name = "Colin", "Colleague"
    colleague.save()
    case_services.case_allocate(crime=crime, officer=colleague, by=officer)
    allocated = one_msg(crime, template_code="ALLOCATED")
    assert allocated.obligation_id is None and allocated.channel == "portal"
    assert "Colleague" in allocated.body
    assert len(msgs(crime, kind="alert")) == 2  # one for the acknowledgement, one for this


@pytest.mark.django_db
def test_progress_updates_are_not_sent_when_they_are_created(clock, officer, files):
    data, _ = portal_victim(officer)
    crime = record(officer, people=[data])
    assert one(crime, "PROGRESS_UPDATE").state == "open"
    assert not msgs(crime, template_code="PROGRESS_UPDATE")


@pytest.mark.django_db
def test_a_failed_case_change_leaves_no_message(clock, officer, files):
    data, _ = portal_victim(officer)
    crime = record(officer, people=[data])
    before = Message.objects.count()
    with pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            event(crime, "ARREST", officer)
            raise RuntimeError("the request failed after the event was written")
    assert Message.objects.count() == before


@pytest.mark.django_db
def test_queries_do_not_grow_per_obligation(clock, officer, files):
    """A constant per call plus a few inserts per victim: never a query per template or per account."""

    def queries_for(n: int) -> int:
        people = []
        for i in range(n):
            data, _ = portal_victim(officer, last_name=f"Khan{i}")
            people.append(data)
        crime = record(officer, people=people)
        made = list(
            crime.obligations.select_related("rule", "crime_victim__person", "crime_victim__contact_plan")
        )
        Message.objects.filter(crime=crime).delete()
        with CaptureQueriesContext(connection) as ctx:
            out = auto.on_obligations(crime=crime, obligations=made)
        assert len([m for m in out if m.channel == "portal"]) == n
        return len(ctx.captured_queries)

    one_victim, four_victims = queries_for(1), queries_for(4)
    # Per extra victim: the portal message and its two alerts (three inserts); nothing else.
    assert four_victims - one_victim <= 3 * 3


@pytest.mark.django_db
def test_the_bail_message_gives_the_bail_date(clock, officer, files):
    data, _ = portal_victim(officer)
    crime = record(officer, people=[data])
    event(crime, "ARREST", officer)
    event(crime, "BAIL", officer, conditions="Not to contact the victim", return_at="2026-12-15T10:00")
    bail = one_msg(crime, template_code="BAIL")
    assert "released on bail until 15 December 2026 at 10:00" in bail.body


@pytest.mark.django_db
def test_release_under_investigation_is_not_called_bail(clock, officer, files):
    data, _ = portal_victim(officer)
    crime = record(officer, people=[data])
    event(crime, "RUI", officer)
    rui = one_msg(crime, template_code="BAIL")
    assert "released under investigation" in rui.body and "released on bail" not in rui.body
