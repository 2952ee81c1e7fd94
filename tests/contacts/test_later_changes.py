"""What happens to open duties when the victim's situation changes after they were created."""

import pytest

from cases import services as case_services
from contacts import services

from .support import end_of, event, one, record, victims


@pytest.mark.django_db
def test_victim_found_vulnerable_later_gets_shorter_limits_on_open_duties(clock, officer):
    crime = record(officer)  # Monday 2 Nov 2026 10:00; a standard adult victim
    arrest = event(crime, "ARREST", officer)
    ob = one(crime, "ARREST")
    assert ob.due_at == end_of(2026, 11, 9) and not ob.enhanced
    cv = victims(crime)[0]
    case_services.needs_assessment_save(crime_victim=cv, by=officer, data={"mental_disorder": True})
    ob.refresh_from_db()
    assert ob.enhanced and ob.due_at == end_of(2026, 11, 3)  # 1 WD from the arrest, not from now
    assert ob.triggered_at == arrest.occurred_at


@pytest.mark.django_db
def test_officer_added_reason_brings_deadlines_forward_never_back(clock, officer):
    crime = record(officer)
    event(crime, "ARREST", officer)
    cv = victims(crime)[0]
    services.eligibility_add(crime_victim=cv, by=officer, reason="Victim is a carer and isolated")
    ob = one(crime, "ARREST")
    assert ob.enhanced and ob.due_at == end_of(2026, 11, 3)
    ack = one(crime, "ACKNOWLEDGE")  # 5 WD either way: unchanged
    assert ack.due_at == end_of(2026, 11, 9)


@pytest.mark.django_db
def test_consent_given_after_declining_restores_the_referral_duty(clock, officer):
    crime = record(officer)
    cv = victims(crime)[0]
    case_services.needs_assessment_save(crime_victim=cv, by=officer, data={"referral_consent": "declined"})
    assert one(crime, "SUPPORT_REFERRAL").state == "not_required"
    case_services.needs_assessment_save(crime_victim=cv, by=officer, data={"referral_consent": "given"})
    states = sorted(crime.obligations.filter(code="SUPPORT_REFERRAL").values_list("state", flat=True))
    assert states == ["not_required", "open"]
    case_services.needs_assessment_save(crime_victim=cv, by=officer, data={"referral_consent": "given"})
    assert crime.obligations.filter(code="SUPPORT_REFERRAL").count() == 2  # not duplicated


@pytest.mark.django_db
def test_digest_lists_a_duty_once_at_its_most_serious_stage(clock, officer, settings):
    from django.core import mail

    from contacts import digest
    from contacts.scan import tick
    from messaging.models import StaffNotification

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    crime = record(officer)
    ack = one(crime, "ACKNOWLEDGE")
    clock.move_to(ack.remind_at, tick=False)  # the reminder, while the duty is still due...
    tick()
    clock.shift(60 * 60 * 24 * 10)  # ...then nothing ran for ten days: the breach, in the same digest
    tick()
    assert set(
        StaffNotification.objects.filter(obligation=ack, recipient=officer).values_list("stage", flat=True)
    ) >= {
        "reminder",
        "breach",
    }
    digest.digest_run()
    body = next(m.body for m in mail.outbox if officer.email in m.to)
    # (The victim has no safe written channel, so a draft acknowledgement waits for the officer too: that
    # is its own line, about the draft, not another stage of the duty.)
    lines = [
        line
        for line in body.splitlines()
        if line.startswith("- ") and "Acknowledge" in line and "draft is ready" not in line
    ]
    assert len(lines) == 1 and lines[0].startswith("- Overdue")
