"""Portal accounts: invitation through a safe channel, single-use expiring activation, sign-in with
crime reference + date of birth + password, lock-out without revealing anything, reset, idle expiry."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.utils import timezone

from portal import services
from portal.models import AccountStatus, PortalAccount, PortalToken

from .conftest import PASSWORD, activation_link, give_account, make_victim, sign_in_data, signed_in_client

pytestmark = pytest.mark.django_db


def outbox_bodies():
    from messaging.models import Message

    return [m.body for m in Message.objects.filter(kind="account").order_by("id")]


def activate_data(cv, password="a fine long passphrase", password2=None, dob=None):
    dob = dob or cv.person.date_of_birth
    return {
        "dob-day": dob.day,
        "dob-month": dob.month,
        "dob-year": dob.year,
        "password": password,
        "password2": password if password2 is None else password2,
    }


def test_invite_sends_a_single_use_link_by_safe_email_and_activation_sets_an_argon2_password(
    officer, client, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    cv = make_victim(officer)
    services.invite(crime_victim=cv, by=officer)
    from messaging.models import Message

    msg = Message.objects.get(kind="account")
    assert msg.channel == "email" and msg.to_address == cv.person.email
    assert cv.crime.reference in msg.body  # the reference they sign in with
    token = activation_link(outbox_bodies())
    assert client.get(f"/portal/activate/{token}/", follow=True).status_code == 200
    response = client.post(f"/portal/activate/{token}/", activate_data(cv))
    assert response.status_code == 302 and response["Location"] == "/portal/case/"
    account = PortalAccount.objects.get(person=cv.person)
    assert account.status == AccountStatus.ACTIVE
    assert identify_hasher(account.password).algorithm == "argon2"
    # The link works once.
    again = client.post(f"/portal/activate/{token}/", activate_data(cv))
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_activation_link_expires(officer, client):
    cv = make_victim(officer)
    services.invite(crime_victim=cv, by=officer)
    token = activation_link(outbox_bodies())
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        response = client.get(f"/portal/activate/{token}/")
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert PortalAccount.objects.get(person=cv.person).status == AccountStatus.INVITED


def test_new_invitation_revokes_the_old_link(officer, client):
    cv = make_victim(officer)
    services.invite(crime_victim=cv, by=officer)
    first = activation_link(outbox_bodies())
    services.invite(crime_victim=cv, by=officer)
    assert "newer link" in client.get(f"/portal/activate/{first}/").content.decode()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"password": "short"}, "password", "too short"),
        ({"password": "password1234"}, "password", "too common"),
        (
            {"password": "a fine long passphrase", "password2": "another one entirely"},
            "password2",
            "do not match",
        ),
    ],
)
def test_weak_or_mismatched_passwords_change_nothing(officer, client, change, field, message):
    cv = make_victim(officer)
    services.invite(crime_victim=cv, by=officer)
    token = activation_link(outbox_bodies())
    data = {**activate_data(cv), **change}
    response = client.post(f"/portal/activate/{token}/", data)
    assert response.status_code == 400 and message in response.content.decode()
    account = PortalAccount.objects.get(person=cv.person)
    assert account.status == AccountStatus.INVITED and account.password == ""
    assert PortalToken.objects.get(account=account).used_at is None


def test_wrong_date_of_birth_at_activation_and_too_many_revoke_the_link(officer, client):
    cv = make_victim(officer)
    services.invite(crime_victim=cv, by=officer)
    token = activation_link(outbox_bodies())
    wrong = cv.person.date_of_birth - timedelta(days=1)
    for _ in range(4):
        response = client.post(f"/portal/activate/{token}/", activate_data(cv, dob=wrong))
        assert response.status_code == 400 and "does not match" in response.content.decode()
    response = client.post(f"/portal/activate/{token}/", activate_data(cv, dob=wrong))
    assert response.status_code == 410
    assert client.post(f"/portal/activate/{token}/", activate_data(cv)).status_code == 410
    assert PortalAccount.objects.get(person=cv.person).status == AccountStatus.INVITED


def test_invite_refused_without_a_safe_channel(officer):
    cv = make_victim(officer, safe_email=False, safe_sms=False)
    with pytest.raises(services.ValidationError, match="no safe way"):
        services.invite(crime_victim=cv, by=officer)
    assert not PortalAccount.objects.exists()


def test_sms_activation_link_at_night_waits_until_eight(officer):
    from messaging.models import Message
    from victimcare.calendar import LONDON

    cv = make_victim(officer, safe_email=False, safe_sms=True)
    night = timezone.now().astimezone(LONDON).replace(hour=23, minute=0)
    services.invite(crime_victim=cv, by=officer, now=night)
    msg = Message.objects.get(kind="account")
    assert msg.channel == "sms" and msg.next_attempt_at.astimezone(LONDON).hour == 8


def test_sign_in_needs_reference_date_of_birth_and_password(officer, client):
    cv = make_victim(officer)
    give_account(cv)
    good = sign_in_data(cv)
    generic = "crime reference, date of birth or password is not right"
    for bad in (
        {**good, "password": "wrong password!"},
        {**good, "dob-year": str(cv.person.date_of_birth.year - 1)},
        {**good, "reference": "VC/99999/26"},  # no such crime: same message
    ):
        response = client.post("/portal/", bad)
        assert response.status_code == 400 and generic in response.content.decode()
        assert "portal" not in client.session
    response = client.post("/portal/", {**good, "reference": good["reference"].lower().replace("/", "-")})
    assert response.status_code == 302 and response["Location"] == "/portal/case/"


def test_sign_in_locks_out_after_repeated_failures_even_for_unknown_references(officer, client, settings):
    settings.PORTAL_SIGN_IN_LIMIT = 3
    cv = make_victim(officer)
    give_account(cv)
    for _ in range(3):
        client.post("/portal/", {**sign_in_data(cv), "password": "not the password"})
    locked = client.post("/portal/", sign_in_data(cv))  # the right password is refused while locked
    assert locked.status_code == 429 and "Too many attempts" in locked.content.decode()
    unknown = {**sign_in_data(cv), "reference": "VC/55555/26"}
    other = Client_from_ip("10.9.9.9")
    for _ in range(3):
        other.post("/portal/", unknown)
    assert "Too many attempts" in other.post("/portal/", unknown).content.decode()


def Client_from_ip(ip):  # noqa: N802
    from django.test import Client

    return Client(REMOTE_ADDR=ip)


def test_invited_account_cannot_sign_in_before_activation(officer, client):
    cv = make_victim(officer)
    services.invite(crime_victim=cv, by=officer)
    assert client.post("/portal/", sign_in_data(cv)).status_code == 400


def test_idle_session_expires_after_15_minutes(officer):
    cv = make_victim(officer)
    give_account(cv)
    c = signed_in_client(cv)
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert c.get("/portal/case/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=26)):
        response = c.get("/portal/case/")
    assert response.status_code == 302 and "expired=1" in response["Location"]


@pytest.fixture
def eager_tasks(monkeypatch):
    """The reset task runs in the calling thread (a worker sends the link in production). Not Celery's
    eager mode: its Django fix-up closes the database connection around each task, which on PostgreSQL
    ends the test's transaction."""
    from portal.tasks import reset_send

    monkeypatch.setattr(reset_send, "delay", lambda *args: reset_send.run(*args))


def test_password_reset_by_safe_channel_without_revealing_accounts(
    officer, client, eager_tasks, django_capture_on_commit_callbacks
):
    cv = make_victim(officer)
    give_account(cv)
    dob = cv.person.date_of_birth
    form = {"reference": cv.crime.reference, "dob-day": dob.day, "dob-month": dob.month, "dob-year": dob.year}

    def page(response):
        # The CSRF token and the CSP nonce differ on every response by design.
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return re.sub(r'nonce="[^"]+"', "", page)

    with django_capture_on_commit_callbacks(execute=True):
        same = page(client.post("/portal/reset/", {**form, "reference": "VC/44444/26"}))
        response = client.post("/portal/reset/", form)
    assert page(response) == same  # identical page either way
    from django.core import mail

    from messaging.models import Message
    from messaging.outbox import message_deliver

    sent = Message.objects.get(kind="account", template_code="PORTAL_RESET")
    message_deliver(message_id=sent.pk)  # as the worker would
    sent.refresh_from_db()
    assert "link removed once sent" in sent.body  # our copy keeps no usable link once it has gone
    body = next(m.body for m in mail.outbox if m.to == [sent.to_address])

    token = re.search(r"/portal/reset/([\w-]+)/", body).group(1)
    response = client.post(
        f"/portal/reset/{token}/", {"password": "a new long passphrase", "password2": "a new long passphrase"}
    )
    assert response.status_code == 400 and "Enter your date of birth" in response.content.decode()
    response = client.post(
        f"/portal/reset/{token}/",
        {
            **{
                f"dob-{k}": v
                for k, v in zip(("day", "month", "year"), (dob.day, dob.month, dob.year), strict=True)
            },
            "password": "a new long passphrase",
            "password2": "a new long passphrase",
        },
    )
    assert response.status_code == 302
    assert (
        Client_from_ip("1.2.3.4").post("/portal/", sign_in_data(cv, "a new long passphrase")).status_code
        == 302
    )
    assert Client_from_ip("1.2.3.5").post("/portal/", sign_in_data(cv, PASSWORD)).status_code == 400


def test_portal_sign_in_ends_a_staff_session_and_staff_sign_in_ends_a_portal_session(officer, officer_client):
    cv = make_victim(officer)
    give_account(cv)
    assert officer_client.get("/work/").status_code == 200
    officer_client.post("/portal/", sign_in_data(cv))
    assert officer_client.get("/work/").status_code == 302  # staff session gone
    assert officer_client.get("/portal/case/").status_code == 200
    officer_client.force_login(officer)
    assert officer_client.get("/portal/case/").status_code == 302


def test_portal_pages_are_never_cached(officer):
    cv = make_victim(officer)
    give_account(cv)
    c = signed_in_client(cv)
    assert "no-store" in c.get("/portal/case/")["Cache-Control"]


def test_quick_exit_ends_the_session_and_leaves(officer):
    cv = make_victim(officer)
    give_account(cv)
    c = signed_in_client(cv)
    c.post("/portal/language/", {"language": "cy", "next": "/portal/case/"})
    assert c.cookies["django_language"].value == "cy"
    response = c.get("/portal/exit/")
    assert response.status_code == 302 and response["Location"].startswith("https://www.bbc.co.uk/")
    assert response["Clear-Site-Data"] == '"cookies", "storage"'
    for name in ("django_language", "csrftoken", "sessionid"):
        assert response.cookies[name]["max-age"] == 0, name  # deleted
    assert c.get("/portal/case/").status_code == 302


def test_officer_offers_the_portal_when_recording_and_from_the_case_page(
    officer, officer_client, outsider, make_client
):
    from messaging.models import Message
    from tests.contacts.support import person, record

    crime = record(officer, people=[person()])
    cv = crime.victims.get()
    url = f"/cases/{crime.slug}/victims/{cv.pk}/portal-invite/"
    assert make_client(outsider).post(url).status_code == 404
    assert not PortalAccount.objects.exists()
    response = officer_client.post(url)
    assert response.status_code == 302
    assert PortalAccount.objects.get(person=cv.person).status == AccountStatus.INVITED
    page = officer_client.get(crime.get_absolute_url()).content.decode()
    assert "Invited" in page and "Send a new activation link" in page
    assert Message.objects.filter(kind="account", crime_victim=cv).count() == 1
    # On the record-crime service: offered but nothing safe -> a clear error and nothing recorded.
    from cases import services as case_services

    with pytest.raises(services.ValidationError) as e:
        record(
            officer, people=[person(safe_email=False)], victims=None
        ) if False else case_services.case_record(
            by=officer,
            reference="VC/70001/26",
            offence=crime.offence,
            occurred_at=crime.occurred_at,
            reported_at=crime.reported_at,
            location="Here",
            team=officer.team,
            oic=officer,
            victims=[case_services.VictimInput(person=person(safe_email=False), offer_portal=True)],
        )
    assert "victims.0.offer_portal" in e.value.message_dict
    from cases.models import Crime

    assert not Crime.objects.filter(reference="VC/70001/26").exists()


def test_force_setting_invites_every_victim_with_a_safe_email(officer, settings):
    from tests.contacts.support import person, record

    settings.PORTAL_OPT_IN_ALL_SAFE_EMAIL = True
    crime = record(officer, people=[person(), person(safe_email=False, first_name="Unsafe")])
    invited = set(PortalAccount.objects.values_list("person__first_name", flat=True))
    assert invited == {"Aisha"} and crime.victims.count() == 2


def test_the_single_use_link_is_removed_from_the_outbox_once_sent_and_never_shown_to_staff(
    officer, officer_client
):
    from messaging.models import Message
    from messaging.outbox import message_deliver

    cv = make_victim(officer)
    services.invite(crime_victim=cv, by=officer)
    msg = Message.objects.get(kind="account")
    token = activation_link([msg.body])
    page = officer_client.get(f"/cases/{cv.crime.slug}/victims/{cv.pk}/messages/").content.decode()
    assert token not in page
    assert message_deliver(message_id=msg.pk)
    msg.refresh_from_db()
    assert msg.status == "sent" and token not in msg.body and "link removed once sent" in msg.body
    assert mail.outbox and token in mail.outbox[-1].body  # the victim's copy has it
    services.token_check(token, "activate")  # and it still works


def test_an_officer_changing_contact_details_revokes_links_already_sent(officer):
    from cases import services as case_services

    cv = make_victim(officer)
    services.invite(crime_victim=cv, by=officer)
    token = activation_link(outbox_bodies())
    case_services.victim_update(person=cv.person, by=officer, data={"email": "new@example.com"})
    with pytest.raises(services.TokenProblem):
        services.token_check(token, "activate")


def test_a_password_reset_ends_other_sessions(officer):
    cv = make_victim(officer)
    account = give_account(cv)
    old = signed_in_client(cv)
    from django.contrib.auth.hashers import make_password

    account.password = make_password("a brand new passphrase")
    account.save()
    assert old.get("/portal/case/").status_code == 302


def test_a_co_victim_signing_in_does_not_reset_the_lock_out_for_the_reference(officer, settings):
    from tests.contacts.support import person, record

    settings.PORTAL_SIGN_IN_LIMIT = 3
    crime = record(officer, people=[person(), person(first_name="Co")])
    target, co = crime.victims.order_by("id")
    give_account(target)
    give_account(co)
    attacker = Client_from_ip("10.0.0.1")
    for _ in range(2):
        attacker.post("/portal/", {**sign_in_data(target), "password": "guess guess guess"})
        attacker.post("/portal/", sign_in_data(co))  # signs in as themselves
    response = attacker.post("/portal/", {**sign_in_data(target), "password": "guess guess guess"})
    assert "Too many attempts" in response.content.decode()


def test_two_victims_of_one_crime_with_the_same_date_of_birth_can_both_sign_in(officer):
    from datetime import date

    from tests.contacts.support import person, record

    crime = record(
        officer,
        people=[
            person(date_of_birth=date(2001, 2, 3)),
            person(first_name="Twin", date_of_birth=date(2001, 2, 3)),
        ],
    )
    a, b = crime.victims.order_by("id")
    give_account(a, "first twin passphrase")
    give_account(b, "second twin passphrase")
    assert (
        Client_from_ip("1.1.1.1").post("/portal/", sign_in_data(a, "first twin passphrase")).status_code
        == 302
    )
    assert (
        Client_from_ip("1.1.1.2").post("/portal/", sign_in_data(b, "second twin passphrase")).status_code
        == 302
    )


@pytest.mark.parametrize("day", ["9" * 30, "١٢", "-1", "32"])
def test_odd_dates_of_birth_are_a_clear_error_not_a_crash(officer, client, day):
    cv = make_victim(officer)
    give_account(cv)
    response = client.post("/portal/", {**sign_in_data(cv), "dob-day": day})
    assert response.status_code == 400 and "date of birth" in response.content.decode()
    assert (
        client.post(
            "/portal/reset/", {"reference": "VC/1/26", "dob-day": day, "dob-month": "1", "dob-year": "1990"}
        ).status_code
        == 400
    )


def test_activation_meets_the_duties_of_messages_waiting_in_the_portal(officer, client):
    from contacts.models import Obligation
    from messaging.models import Message
    from messaging.outbox import message_deliver

    cv = make_victim(officer, safe_letter=False)
    services.invite(crime_victim=cv, by=officer)
    from contacts import auto_messages as auto

    auto.on_obligations(
        crime=cv.crime, obligations=list(Obligation.objects.filter(crime_victim=cv, code="ACKNOWLEDGE"))
    )
    ack = Message.objects.get(
        crime_victim=cv, channel="portal", kind="automatic", template_code="ACKNOWLEDGE"
    )
    message_deliver(message_id=ack.pk)
    assert Obligation.objects.get(crime_victim=cv, code="ACKNOWLEDGE").state == "open"  # not readable yet
    token = activation_link(outbox_bodies())
    assert client.post(f"/portal/activate/{token}/", activate_data(cv)).status_code == 302
    assert Obligation.objects.get(crime_victim=cv, code="ACKNOWLEDGE").state == "met"


def test_the_link_secret_leaves_the_address_bar_at_once(officer, client):
    cv = make_victim(officer)
    services.invite(crime_victim=cv, by=officer)
    token = activation_link(outbox_bodies())
    response = client.get(f"/portal/activate/{token}/")
    assert response.status_code == 302 and response["Location"] == "/portal/activate/set-password/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and token not in page.content.decode()
    assert client.post("/portal/activate/set-password/", activate_data(cv)).status_code == 302
    assert Client_from_ip("9.9.9.9").get("/portal/activate/set-password/").status_code == 410  # no session


def test_a_reset_request_that_matches_does_the_same_work_in_the_request_as_one_that_does_not(
    officer, client, django_capture_on_commit_callbacks
):
    """No timing side channel: the lookup and the sending happen in a worker after the page has answered,
    so both requests run the same queries and send nothing themselves."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from messaging.models import Message

    cv = make_victim(officer)
    give_account(cv)
    dob = cv.person.date_of_birth
    form = {"reference": cv.crime.reference, "dob-day": dob.day, "dob-month": dob.month, "dob-year": dob.year}
    runs = []
    for data in ({**form, "reference": "VC/44444/26"}, form):
        with django_capture_on_commit_callbacks() as queued, CaptureQueriesContext(connection) as q:
            assert client.post("/portal/reset/", data).status_code == 200
        runs.append(([x["sql"].split(" FROM ")[0] for x in q.captured_queries], len(queued)))
    assert runs[0] == runs[1]
    assert runs[0][1] == 1  # one task queued either way
    assert not Message.objects.filter(kind="account", template_code="PORTAL_RESET").exists()
