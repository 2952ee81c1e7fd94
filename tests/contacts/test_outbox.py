"""The outbox: delivery, retries with backoff, permanent failure, receipts, the sweep."""

from datetime import datetime, timedelta

import pytest
from django.core import mail

from cases.models import Person
from contacts import services as contacts_services
from messaging import channels, outbox
from messaging.constants import MessageStatus
from messaging.models import Message, StaffNotification

from .support import NOW, one, person, record, victims


@pytest.fixture
def setup(clock, officer, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.VC_SMS_FILE_PATH = str(tmp_path / "sms")
    crime = record(
        officer,
        people=[
            person(
                email="v@example.com",
                mobile_phone="07700 900 111",
                safe_sms=True,
                safe_letter=True,
                address_line_1="1 High St",
                postcode="AN1 1AA",
            )
        ],
    )
    return crime, victims(crime)[0]


def queue(cv, **kw):
    defaults = {
        "crime_victim": cv,
        "channel": "email",
        "kind": "alert",
        "to_address": "v@example.com",
        "subject": "You have an update",
        "body": "Sign in to read it.",
    }
    return outbox.message_queue(**{**defaults, **kw})


class Flaky(channels.Backend):
    """Fails temporarily `fails` times, then succeeds."""

    calls = 0
    fails = 0

    def send(self, message):
        Flaky.calls += 1
        if Flaky.calls <= Flaky.fails:
            raise channels.TemporaryFailure("provider timed out")
        return channels.Delivery(status="sent", provider_ref="abc-123")


class Rejects(channels.Backend):
    def send(self, message):
        raise channels.PermanentFailure("Not a UK mobile number")


@pytest.mark.django_db
def test_email_alert_is_delivered_once(setup):
    _, cv = setup
    msg = queue(cv)
    assert outbox.message_deliver(message_id=msg.pk) is True
    assert outbox.message_deliver(message_id=msg.pk) is False  # already sent: nothing to claim
    msg.refresh_from_db()
    assert msg.status == "sent" and msg.attempts == 1 and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["v@example.com"] and mail.outbox[0].extra_headers[
        "X-Victimcare-Reference"
    ] == str(msg.pk)


@pytest.mark.django_db
def test_sms_file_backend_writes_the_text(setup, settings):
    from pathlib import Path

    _, cv = setup
    msg = queue(
        cv, channel="sms", to_address="07700900111", body="You have a new update. Sign in to read it."
    )
    outbox.message_deliver(message_id=msg.pk)
    msg.refresh_from_db()
    files = list(Path(settings.VC_SMS_FILE_PATH).glob("*.txt"))
    assert msg.status == "delivered" and len(files) == 1 and "Sign in to read it" in files[0].read_text()


@pytest.mark.django_db
def test_temporary_failures_back_off_then_succeed(setup, settings):
    _, cv = setup
    settings.VC_EMAIL_BACKEND = "tests.contacts.test_outbox.Flaky"
    Flaky.calls, Flaky.fails = 0, 2
    msg = queue(cv)
    assert outbox.message_deliver(message_id=msg.pk, now=NOW)
    msg.refresh_from_db()
    assert msg.status == "temporary_failure" and msg.next_attempt_at == NOW + timedelta(minutes=1)
    assert outbox.message_deliver(message_id=msg.pk, now=NOW) is False  # not due yet
    assert outbox.message_deliver(message_id=msg.pk, now=NOW + timedelta(minutes=1))
    msg.refresh_from_db()
    assert msg.status == "temporary_failure" and msg.next_attempt_at == NOW + timedelta(minutes=5)
    assert outbox.message_deliver(message_id=msg.pk, now=NOW + timedelta(minutes=5))
    msg.refresh_from_db()
    assert (msg.status, msg.attempts, msg.provider_ref) == ("sent", 3, "abc-123")


@pytest.mark.django_db
def test_permanent_failure_tells_the_oic_and_leaves_the_duty_open(setup, settings, officer):
    crime, cv = setup
    settings.VC_SMS_BACKEND = "tests.contacts.test_outbox.Rejects"
    ack = one(crime, "ACKNOWLEDGE")
    Person.objects.filter(pk=cv.person_id).update(mobile_phone="0123")  # as the provider sees it
    msg = queue(cv, channel="sms", to_address="0123")
    outbox.message_deliver(message_id=msg.pk)
    msg.refresh_from_db()
    assert msg.status == "permanent_failure" and "Not a UK mobile" in msg.last_error
    note = StaffNotification.objects.get(message=msg)
    assert note.recipient == officer and note.stage == "delivery_failed"
    ack.refresh_from_db()
    assert ack.state == "open"


@pytest.mark.django_db
def test_gives_up_after_max_attempts(setup, settings):
    _, cv = setup
    settings.VC_EMAIL_BACKEND = "tests.contacts.test_outbox.Flaky"
    Flaky.calls, Flaky.fails = 0, 100
    msg = queue(cv)
    at = NOW
    for _ in range(outbox.MAX_ATTEMPTS):
        assert outbox.message_deliver(message_id=msg.pk, now=at)
        at += timedelta(hours=7)
    msg.refresh_from_db()
    assert msg.status == "permanent_failure" and msg.attempts == outbox.MAX_ATTEMPTS
    assert "Gave up after 6 attempts" in msg.last_error


@pytest.mark.django_db
def test_content_message_meets_its_duty_but_an_alert_never_does(setup):
    crime, cv = setup
    arrest_rule_duty = one(crime, "ACKNOWLEDGE")  # automatic messages may meet it
    with pytest.raises(ValueError, match="cannot meet a duty"):
        queue(cv, obligation=arrest_rule_duty)
    portal = queue(
        cv,
        channel="portal",
        kind="automatic",
        to_address="",
        obligation=arrest_rule_duty,
        body="We have recorded the crime VC/…",
    )
    outbox.message_deliver(message_id=portal.pk)
    arrest_rule_duty.refresh_from_db()
    # In a portal the victim has not activated, it waits: the duty is met only when they can read it.
    assert arrest_rule_duty.state == "open"
    from portal.models import PortalAccount

    PortalAccount.objects.create(person=cv.person, status="active", password="x")
    assert contacts_services.meet_waiting_duties(person_id=cv.person_id, at=NOW + timedelta(hours=1)) == 1
    arrest_rule_duty.refresh_from_db()
    assert arrest_rule_duty.state == "met" and arrest_rule_duty.met_on_time
    later = queue(
        cv, channel="portal", kind="automatic", to_address="", obligation=one(crime, "CONTACT_PLAN")
    )
    outbox.message_deliver(message_id=later.pk)  # not an automatic-message duty: still open
    assert one(crime, "CONTACT_PLAN").state == "open"


@pytest.mark.django_db
def test_a_duty_that_needs_a_personal_contact_is_not_met_by_a_message(setup):
    crime, cv = setup
    needs = one(crime, "NEEDS_ASSESSMENT")  # rule says no automatic message
    msg = queue(
        cv, channel="letter", kind="automatic", to_address="1 High St", obligation=needs, body="Letter"
    )
    outbox.message_deliver(message_id=msg.pk)
    needs.refresh_from_db()
    assert needs.state == "open"


@pytest.mark.django_db
def test_sweep_requeues_stuck_messages_and_lists_due_ones(setup):
    _, cv = setup
    stuck = queue(cv)
    Message.objects.filter(pk=stuck.pk).update(status="sending", claimed_at=NOW - timedelta(minutes=30))
    later = queue(cv, not_before=NOW + timedelta(hours=1))
    due = outbox.outbox_sweep(NOW)
    stuck.refresh_from_db()
    assert stuck.status == "temporary_failure" and stuck.pk in due and later.pk not in due


@pytest.mark.django_db
def test_delivery_receipts(setup, settings):
    _, cv = setup
    msg = queue(cv)
    outbox.message_deliver(message_id=msg.pk)
    assert outbox.delivery_receipt(reference=str(msg.pk), provider_ref="", status="delivered")
    msg.refresh_from_db()
    assert msg.status == MessageStatus.DELIVERED and msg.delivered_at is not None
    assert outbox.delivery_receipt(reference="nonsense", provider_ref="", status="delivered") is False
    other = queue(cv)
    outbox.message_deliver(message_id=other.pk)
    outbox.delivery_receipt(reference=str(other.pk), provider_ref="", status="permanent_failure")
    other.refresh_from_db()
    assert other.status == "permanent_failure" and StaffNotification.objects.filter(message=other).exists()


@pytest.mark.django_db
def test_nothing_goes_to_an_address_changed_or_made_unsafe_after_queueing(setup):
    _, cv = setup
    email, sms = queue(cv), queue(cv, channel="sms", to_address="07700900111")
    Person.objects.filter(pk=cv.person_id).update(email="new@example.com", safe_sms=False)
    for msg in (email, sms):
        assert outbox.message_deliver(message_id=msg.pk)
        msg.refresh_from_db()
        assert msg.status == "permanent_failure" and msg.last_error.startswith("Not sent")
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_a_text_retried_in_the_evening_waits_until_eight(setup, settings):
    from victimcare.calendar import LONDON

    _, cv = setup
    settings.VC_SMS_BACKEND = "tests.contacts.test_outbox.Flaky"
    Flaky.calls, Flaky.fails = 0, 1
    evening = datetime(2026, 11, 2, 19, 59, tzinfo=LONDON)
    msg = queue(cv, channel="sms", to_address="07700900111", not_before=evening)
    assert outbox.message_deliver(message_id=msg.pk, now=evening)
    msg.refresh_from_db()
    assert msg.status == "temporary_failure"
    assert msg.next_attempt_at.astimezone(LONDON) == datetime(2026, 11, 3, 8, 0, tzinfo=LONDON)


@pytest.mark.django_db
def test_a_batch_claims_each_due_message_once_and_delivers_it(setup):
    _, cv = setup
    due = [queue(cv) for _ in range(3)]
    later = queue(cv, not_before=NOW + timedelta(hours=1))
    ids = [m.pk for m in due] + [later.pk]
    assert outbox.message_deliver_many(message_ids=ids) == 3
    assert outbox.message_deliver_many(message_ids=ids) == 0  # nothing left to claim
    statuses = dict(Message.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert [statuses[m.pk] for m in due] == ["sent"] * 3 and statuses[later.pk] == "queued"
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_the_sweep_task_queues_batches(setup, monkeypatch):
    from messaging import tasks

    _, cv = setup
    for _ in range(3):
        queue(cv)
    sent = []
    monkeypatch.setattr(tasks.deliver_messages, "delay", lambda ids: sent.append(list(ids)))
    n = tasks.outbox_sweep()  # the three alerts and the acknowledgement letter queued at recording
    assert n == 4 and len(sent) == 1 and len(sent[0]) == 4


def test_backends_configured_under_the_old_module_path_still_load(settings):
    settings.VC_SMS_BACKEND = "contacts.messaging.channels.FileSmsBackend"
    assert type(channels.backend_for("sms")) is channels.FileSmsBackend
