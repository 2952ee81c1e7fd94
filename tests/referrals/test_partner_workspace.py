"""The partner workspace (/partner/): a support service sees and works its own referrals only, every page
and action refuses outsiders (another service's partner user, an officer, an analyst, an unlinked partner,
anonymous), actions check their input and change nothing on error, and reads are recorded."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from contacts.constants import Duty
from contacts.models import Obligation
from referrals import keys, partner_forms, selectors, services
from referrals.constants import State, WebhookStatus
from referrals.models import (
    ContactAttempt,
    DetailsReport,
    PartnerKey,
    PartnerMember,
    Referral,
    SupportOrganisation,
    WebhookDelivery,
)
from tests.contacts.support import person, record
from tests.factories import UserFactory
from victimcare.accounts.constants import Role
from victimcare.audit.models import AccessAction, AccessRecord


@pytest.fixture
def member(partner, service):
    PartnerMember.objects.create(user=partner, organisation=service)
    return partner


@pytest.fixture
def rival(rival_service):
    """A partner user of another service: must see nothing of Northtown's referrals."""
    user = UserFactory(email="rival@south.org.uk", role=Role.PARTNER, team=None, shoulder_number="")
    PartnerMember.objects.create(user=user, organisation=rival_service)
    return user


@pytest.fixture
def unlinked():
    return UserFactory(email="loose@support.org.uk", role=Role.PARTNER, team=None, shoulder_number="")


def sent_referral(officer, **over) -> Referral:
    crime = record(officer, people=[person(**over)])
    ref = Referral.objects.get(crime=crime)
    services.referral_send(referral=ref, by=officer)
    ref.refresh_from_db()
    return ref


@pytest.fixture
def ref(officer, service):
    return sent_referral(officer, first_name="Aisha", last_name="Khan", mobile_phone="07700 900 123")


def html(response) -> str:
    return response.content.decode()


def urls(ref, key) -> list[tuple[str, str]]:
    """Every workspace page, with whether it is about one referral ("ref"), a key ("key") or the org."""
    return [
        (reverse("partner:home"), "org"),
        (reverse("partner:home") + "?show=all", "org"),
        (reverse("partner:referral", kwargs={"pk": ref.pk}), "ref"),
        (reverse("partner:move", kwargs={"pk": ref.pk, "action": "accept"}), "ref"),
        (reverse("partner:move", kwargs={"pk": ref.pk, "action": "reject"}), "ref"),
        (reverse("partner:attempt", kwargs={"pk": ref.pk}), "ref"),
        (reverse("partner:report", kwargs={"pk": ref.pk}), "ref"),
        (reverse("partner:keys"), "org"),
        (reverse("partner:key_created"), "org"),
        (reverse("partner:key_revoke", kwargs={"key_id": key.pk}), "key"),
        (reverse("partner:webhook"), "org"),
    ]


@pytest.fixture
def key(service, member):
    row, _ = keys.key_create(organisation=service, name="Case system", by=member)
    return row


# --- who may come in ------------------------------------------------------------------------------------
@pytest.mark.django_db
class TestIsolation:
    def test_anonymous_is_sent_to_sign_in(self, client, ref, key):
        for url, _ in urls(ref, key):
            for method in (client.get, client.post):
                r = method(url)
                assert r.status_code == 302 and r["Location"].startswith(reverse("login")), url

    @pytest.mark.parametrize("who", ["officer", "supervisor", "analyst", "admin_user"])
    def test_staff_are_refused(self, make_client, ref, key, who, request):
        c = make_client(request.getfixturevalue(who))
        for url, _ in urls(ref, key):
            assert c.get(url).status_code == 403, url
            assert c.post(url, {"reason": "x", "note": "x", "name": "x"}).status_code == 403, url
        assert Referral.objects.get(pk=ref.pk).state == State.SENT
        assert PartnerKey.objects.filter(organisation=ref.organisation).count() == 1

    def test_a_partner_not_linked_to_a_service_sees_nothing(self, make_client, ref, key, unlinked):
        c = make_client(unlinked)
        r = c.get(reverse("partner:home"))
        assert r.status_code == 200
        assert "not linked to a support service" in html(r) and "Khan" not in html(r)
        for url, _ in urls(ref, key)[2:]:
            r = c.get(url)
            assert r.status_code == 403 and "Khan" not in html(r), url
        assert not AccessRecord.objects.exists()

    def test_a_partner_of_an_inactive_service_sees_nothing(self, make_client, ref, member, service):
        SupportOrganisation.objects.filter(pk=service.pk).update(active=False)
        r = make_client(member).get(reverse("partner:referral", kwargs={"pk": ref.pk}))
        assert r.status_code == 403 and "Khan" not in html(r)

    def test_another_services_partner_gets_404_on_every_referral_page_and_action(
        self, make_client, ref, key, rival
    ):
        c = make_client(rival)
        for url, kind in urls(ref, key):
            r = c.get(url)
            if kind == "org":
                assert r.status_code in (200, 302), url
                assert "Khan" not in html(r) and "Case system" not in html(r), url
            else:
                assert r.status_code == 404, url
        for action in ("acknowledge", "accept", "reject", "support_given", "support_declined", "close"):
            url = reverse("partner:move", kwargs={"pk": ref.pk, "action": action})
            assert c.post(url, {"reason": "Not ours"}).status_code == 404
        assert (
            c.post(
                reverse("partner:attempt", kwargs={"pk": ref.pk}),
                {"reached": "yes", "at": "2026-01-01T10:00", "method": "phone"},
            ).status_code
            == 404
        )
        assert (
            c.post(
                reverse("partner:report", kwargs={"pk": ref.pk}), {"fields": ["phone"], "note": "Wrong"}
            ).status_code
            == 404
        )
        assert c.post(reverse("partner:key_revoke", kwargs={"key_id": key.pk})).status_code == 404
        ref.refresh_from_db()
        key.refresh_from_db()
        assert ref.state == State.SENT and ref.version == 2  # created, then sent: nothing since
        assert not ContactAttempt.objects.exists() and not DetailsReport.objects.exists()
        assert key.revoked_at is None
        assert not AccessRecord.objects.filter(person_id=ref.crime_victim.person_id).exists()

    def test_a_referral_still_at_the_force_does_not_exist_for_the_service(
        self, make_client, officer, service, member
    ):
        crime = record(officer, people=[person(last_name="Waiting")])
        waiting = Referral.objects.get(crime=crime)
        assert waiting.state == State.CREATED
        c = make_client(member)
        assert c.get(reverse("partner:referral", kwargs={"pk": waiting.pk})).status_code == 404
        assert "Waiting" not in html(c.get(reverse("partner:home") + "?show=all"))

    def test_partners_land_on_their_workspace(self, client, member):
        r = client.post(
            reverse("login"), {"username": member.email, "password": "correct-horse-battery"}, follow=True
        )
        assert r.redirect_chain[-1][0] == reverse("partner:home") and r.status_code == 200
        assert "Northtown Victim Care" in html(r)


# --- the list ------------------------------------------------------------------------------------------
@pytest.mark.django_db
class TestList:
    def test_tabs(self, make_client, officer, member, ref):
        fresh = ref
        late = sent_referral(officer, last_name="Overdue")
        Referral.objects.filter(pk=late.pk).update(ack_due_at=timezone.now() - timedelta(hours=1))
        changed = sent_referral(officer, last_name="Moved")
        services.referral_partner_move(
            referral=changed, action="acknowledge", by=services.By.partner_user(member)
        )
        case_services.victim_update(
            person=changed.crime_victim.person, by=officer, data={"mobile_phone": "07700 900 456"}
        )
        c = make_client(member)

        new = html(c.get(reverse("partner:home")))
        assert "New (2)" in new and "Updated (1)" in new and "Overdue (1)" in new and "All (3)" in new
        assert fresh.reference in new and late.reference in new and changed.reference not in new
        assert "Acknowledge by" in new and "First contact by" in new
        assert new.count("govuk-tag--red") == 1  # only the late one is overdue

        updated = html(c.get(reverse("partner:home") + "?show=updated"))
        assert changed.reference in updated and fresh.reference not in updated
        assert "Details updated" in updated

        stale = html(c.get(reverse("partner:home") + "?show=stale"))
        assert late.reference in stale and fresh.reference not in stale and "Overdue" in stale

        everything = html(c.get(reverse("partner:home") + "?show=all"))
        for r in (fresh, late, changed):
            assert r.reference in everything
        assert "Violence against the person" in everything  # the offence group in words
        assert "Received by the service" in everything  # the state in words
        assert "received" not in everything.replace("Received", "")  # never the code

        # A tab that does not exist shows the new referrals.
        assert "New (2)" in html(c.get(reverse("partner:home") + "?show=nonsense"))

    def test_each_victim_shown_is_recorded(self, make_client, officer, member, ref):
        other = sent_referral(officer, last_name="Second")
        make_client(member).get(reverse("partner:home"))
        rows = AccessRecord.objects.filter(action=AccessAction.PARTNER_REFERRALS_LISTED, user=member)
        assert sorted(rows.values_list("person_id", flat=True)) == sorted(
            [ref.crime_victim.person_id, other.crime_victim.person_id]
        )

    def test_an_empty_list_records_nothing(self, make_client, member, service):
        r = make_client(member).get(reverse("partner:home"))
        assert "There are no referrals here." in html(r)
        assert not AccessRecord.objects.exists()

    def test_queries_do_not_grow_with_the_page(self, make_client, officer, member, service):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        c = make_client(member)
        sent_referral(officer)
        with CaptureQueriesContext(connection) as one:
            c.get(reverse("partner:home") + "?show=all")
        for _ in range(29):
            sent_referral(officer)
        with CaptureQueriesContext(connection) as thirty:
            r = c.get(reverse("partner:home") + "?show=all")
        assert len(thirty) == len(one), [q["sql"] for q in thirty.captured_queries]
        assert "Page 1 of 2" in html(r)

    def test_query_bound(self, make_client, officer, member, service, django_assert_max_num_queries):
        for _ in range(3):
            sent_referral(officer)
        c = make_client(member)
        # session, user, membership, the tabs' counts (one query), the page, the access records
        with django_assert_max_num_queries(6):
            c.get(reverse("partner:home") + "?show=all")


# --- one referral ---------------------------------------------------------------------------------------
@pytest.mark.django_db
class TestDetail:
    def test_shows_what_the_service_needs_and_records_the_read(self, make_client, officer, member, ref):
        cv = ref.crime_victim
        case_services.needs_assessment_save(
            crime_victim=cv,
            by=officer,
            data={
                "practical_needs": "Lock fitted on the back door",
                "notes": "INTERNAL: suspect is a neighbour",
                "persistently_targeted": True,
            },
        )
        Referral.objects.filter(pk=ref.pk).update(sharing_note="May be told the case outcome")
        r = make_client(member).get(reverse("partner:referral", kwargs={"pk": ref.pk}))
        page = html(r)
        assert r.status_code == 200
        for expected in (
            "Ms Aisha Khan",
            "07700 900 123",
            "Lock fitted on the back door",
            "Violence against the person",
            "May be told the case outcome",
            "Olive Officer",
            "Persistently targeted",
            ref.crime.reference,
            "Sent",
        ):
            assert expected.lower() in page.lower(), expected
        assert "INTERNAL" not in page and "Market Street" not in page  # notes and the crime's details
        assert AccessRecord.objects.filter(
            action=AccessAction.PARTNER_REFERRAL_READ, user=member, person_id=cv.person_id
        ).exists()

    def test_only_safe_contact_details(self, make_client, officer, member, service):
        ref = sent_referral(
            officer,
            last_name="Unsafe",
            mobile_phone="07700 900 777",
            safe_phone=False,
            email="unsafe@example.com",
            safe_email=False,
        )
        page = html(make_client(member).get(reverse("partner:referral", kwargs={"pk": ref.pk})))
        assert "07700 900 777" not in page and "unsafe@example.com" not in page
        assert "Do not phone" in page
        assert "not confirmed any safe way" in page

    def test_offers_only_the_moves_the_state_allows(self, make_client, member, ref):
        c = make_client(member)
        url = reverse("partner:referral", kwargs={"pk": ref.pk})
        page = html(c.get(url))
        assert "Acknowledge" in page and "Accept" in page and "Reject" in page and "Close" not in page
        services.referral_partner_move(referral=ref, action="accept", by=services.By.partner_user(member))
        page = html(c.get(url))
        assert "Record a contact attempt" in page
        assert "Acknowledge<" not in page and "Close<" not in page and "Reject<" not in page

    def test_updated_banner_and_resolved_report(self, make_client, officer, member, ref):
        c = make_client(member)
        url = reverse("partner:referral", kwargs={"pk": ref.pk})
        assert "updated this victim's details" not in html(c.get(url))
        services.details_report(
            referral=ref, by=services.By.partner_user(member), fields=["phone"], note="Number not in use"
        )
        page = html(c.get(url))
        assert "Number not in use" in page and "Waiting for the police" in page
        case_services.victim_update(
            person=ref.crime_victim.person, by=officer, data={"mobile_phone": "07700 900 999"}
        )
        page = html(c.get(url))
        assert "updated this victim's details" in page
        assert "07700 900 999" in page and "07700 900 123" not in page
        assert "Corrected" in page and "Waiting for the police" not in page


@pytest.mark.django_db
def test_a_referral_sent_by_the_needs_assessment_is_not_shown_as_updated(
    make_client, officer, member, service
):
    crime = record(officer, people=[person(last_name="Fresh")])
    cv = crime.victims.get()
    case_services.needs_assessment_save(crime_victim=cv, by=officer, data={"referral_consent": "given"})
    ref = Referral.objects.get(crime=crime)
    assert ref.state == State.SENT
    c = make_client(member)
    assert "updated this victim's details" not in html(
        c.get(reverse("partner:referral", kwargs={"pk": ref.pk}))
    )
    assert "Updated (0)" in html(c.get(reverse("partner:home")))


# --- actions --------------------------------------------------------------------------------------------
def move_url(ref, action):
    return reverse("partner:move", kwargs={"pk": ref.pk, "action": action})


@pytest.mark.django_db
class TestActions:
    def test_acknowledge_then_accept(self, make_client, member, ref):
        c = make_client(member)
        r = c.post(move_url(ref, "acknowledge"), follow=True)
        assert "Referral acknowledged." in html(r)
        ref.refresh_from_db()
        assert ref.state == State.RECEIVED and ref.acknowledged_at is not None
        c.post(move_url(ref, "accept"), {"note": "Caseworker assigned"})
        ref.refresh_from_db()
        t = ref.transitions.last()
        assert ref.state == State.ACCEPTED and t.by_user == member and t.note == "Caseworker assigned"
        assert t.actor == "partner"
        page = html(c.get(reverse("partner:referral", kwargs={"pk": ref.pk})))
        assert "Accepted" in page and "Caseworker assigned" in page

    def test_reject_needs_a_reason(self, make_client, member, ref):
        c = make_client(member)
        r = c.post(move_url(ref, "reject"), {"reason": "  "})
        assert r.status_code == 200
        assert "govuk-error-summary" in html(r) and "Say why the referral is rejected." in html(r)
        ref.refresh_from_db()
        assert ref.state == State.SENT
        c.post(move_url(ref, "reject"), {"reason": "Outside our area"})
        ref.refresh_from_db()
        assert ref.state == State.REJECTED and ref.reason == "Outside our area"

    def test_an_invalid_move_is_refused_and_changes_nothing(self, make_client, member, ref):
        c = make_client(member)
        r = c.post(move_url(ref, "close"))
        assert r.status_code == 200 and "govuk-error-summary" in html(r)
        assert "cannot be marked" in html(r)
        ref.refresh_from_db()
        assert ref.state == State.SENT and ref.version == 2
        # Not even offered as a page.
        r = c.get(move_url(ref, "close"), follow=True)
        assert "That cannot be done to this referral now." in html(r)
        assert c.get(move_url(ref, "explode")).status_code == 404

    def test_too_long_a_note(self, make_client, member, ref):
        r = make_client(member).post(move_url(ref, "accept"), {"note": "x" * 1001})
        assert "Note must be 1,000 characters or fewer." in html(r)
        ref.refresh_from_db()
        assert ref.state == State.SENT

    def test_outcome_and_close(self, make_client, member, ref):
        c = make_client(member)
        c.post(move_url(ref, "accept"))
        c.post(
            reverse("partner:attempt", kwargs={"pk": ref.pk}),
            {"reached": "yes", "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "method": "phone"},
        )
        c.post(move_url(ref, "support_given"))
        c.post(move_url(ref, "close"))
        ref.refresh_from_db()
        assert ref.state == State.CLOSED and ref.closed_at is not None
        assert list(ref.transitions.values_list("to_state", flat=True)) == [
            "created",
            "sent",
            "accepted",
            "contacted",
            "support_given",
            "closed",
        ]

    def test_contact_attempts(self, make_client, member, ref):
        c = make_client(member)
        url = reverse("partner:attempt", kwargs={"pk": ref.pk})
        assert c.get(url).status_code == 200
        r = c.post(url, {})
        page = html(r)
        assert "Say whether you reached the victim." in page and "Choose how you tried" in page
        future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        r = c.post(url, {"reached": "no", "at": future, "method": "phone"})
        assert "cannot be in the future" in html(r)
        r = c.post(url, {"reached": "no", "at": "31/02/2026 10:00", "method": "phone"})
        assert "Enter a real date and time" in html(r)
        r = c.post(url, {"reached": "maybe", "at": "2026-01-01T10:00", "method": "carrier pigeon"})
        assert "Say whether you reached the victim." in html(r)
        assert "Choose how you tried to contact the victim from the list." in html(r)
        assert "Select a valid choice" not in html(r)
        assert not ContactAttempt.objects.exists()

        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        r = c.post(url, {"reached": "no", "at": now, "method": "phone", "note": "No answer"}, follow=True)
        assert "Attempt recorded" in html(r) and "No answer" in html(r) and "Phone call" in html(r)
        ref.refresh_from_db()
        assert ref.state == State.ACCEPTED and ref.contact_attempts == 1
        c.post(url, {"reached": "yes", "at": now, "method": "sms"})
        ref.refresh_from_db()
        assert ref.state == State.CONTACTED
        attempt = ContactAttempt.objects.last()
        assert attempt.reached and attempt.by_user == member and attempt.method == "sms"
        # Once reached, no more attempts: refused with the reason, nothing added.
        r = c.post(url, {"reached": "yes", "at": now, "method": "sms"})
        assert "govuk-error-summary" in html(r) and ContactAttempt.objects.count() == 2

    def test_report_wrong_details(self, make_client, officer, member, ref):
        c = make_client(member)
        url = reverse("partner:report", kwargs={"pk": ref.pk})
        page = html(c.get(url))
        assert "Phone number" in page and "Something else" in page
        r = c.post(url, {"note": "Not in use"})
        assert "Say which details are wrong." in html(r)
        r = c.post(url, {"fields": ["phone"]})
        assert "Say what is wrong" in html(r)
        assert 'value="phone" checked' in html(r)  # what was ticked stays ticked
        r = c.post(url, {"fields": ["shoe_size"], "note": "x"})
        assert "Choose the wrong details from the list." in html(r)
        assert not DetailsReport.objects.exists()

        r = c.post(url, {"fields": ["phone", "email"], "note": "Number not in use"}, follow=True)
        assert "Wrong details reported." in html(r)
        report = DetailsReport.objects.get()
        assert report.fields == ["phone", "email"] and report.by_user == member
        assert Obligation.objects.filter(crime_victim=ref.crime_victim, code=Duty.CORRECT_DETAILS).exists()


# --- API keys -------------------------------------------------------------------------------------------
@pytest.mark.django_db
class TestKeys:
    def test_make_see_once_and_revoke(self, make_client, member, service):
        c = make_client(member)
        r = c.post(reverse("partner:keys"), {"name": ""})
        assert "Give the key a name" in html(r) and not PartnerKey.objects.exists()

        r = c.post(reverse("partner:keys"), {"name": "Case system"})
        assert r.status_code == 302 and r["Location"] == reverse("partner:key_created")
        page = html(c.get(r["Location"]))
        row = PartnerKey.objects.get()
        raw = page.split('<code id="new-key">')[1].split("</code>")[0]
        assert keys.key_check(raw) == row
        assert f'curl -H "Authorization: Bearer {raw}" http://testserver/api/partner/referrals/' in page
        # Shown once only.
        again = c.get(reverse("partner:key_created"), follow=True)
        assert raw not in html(again) and "shown only once" in html(again)

        listing = html(c.get(reverse("partner:keys")))
        assert "Case system" in listing and f"vcp_{row.prefix}" in listing and "Never" in listing
        assert raw not in listing

        revoke = reverse("partner:key_revoke", kwargs={"key_id": row.pk})
        assert "stops being able to read" in html(c.get(revoke))
        r = c.post(revoke, follow=True)
        assert "revoked" in html(r)
        row.refresh_from_db()
        assert row.revoked_at is not None and row.revoked_by == member
        assert keys.key_check(raw) is None
        assert "Revoked" in html(c.get(reverse("partner:keys")))

    def test_at_most_five_active(self, make_client, member, service):
        c = make_client(member)
        for i in range(5):
            c.post(reverse("partner:keys"), {"name": f"Key {i}"})
        r = c.post(reverse("partner:keys"), {"name": "One too many"})
        assert "Revoke one you no longer use" in html(r)
        assert PartnerKey.objects.count() == 5


# --- webhook --------------------------------------------------------------------------------------------
@pytest.mark.django_db
class TestWebhook:
    def test_https_only(self, make_client, member, service, settings):
        settings.DEBUG = False
        c = make_client(member)
        for bad in ("http://example.org/hook", "ftp://example.org/", "not a url", "http://localhost:8000/"):
            r = c.post(reverse("partner:webhook"), {"url": bad})
            assert "govuk-error-summary" in html(r), bad
        service.refresh_from_db()
        assert service.webhook_url == ""

    def test_localhost_in_debug(self, make_client, member, service, settings):
        settings.DEBUG = True
        make_client(member).post(reverse("partner:webhook"), {"url": "http://localhost:8000/hook"})
        service.refresh_from_db()
        assert service.webhook_url == "http://localhost:8000/hook"

    def test_set_secret_shown_once_new_secret_and_clear(self, make_client, member, service):
        c = make_client(member)
        r = c.post(reverse("partner:webhook"), {"url": "https://example.org/hook"}, follow=True)
        service.refresh_from_db()
        assert service.webhook_url == "https://example.org/hook"
        assert service.webhook_secret.startswith("whsec_") and service.webhook_secret in html(r)
        assert service.webhook_secret not in html(c.get(reverse("partner:webhook")))

        first = service.webhook_secret
        c.post(reverse("partner:webhook"), {"url": "https://example.org/other"})  # same secret
        service.refresh_from_db()
        assert service.webhook_secret == first
        r = c.post(
            reverse("partner:webhook"), {"url": "https://example.org/other", "new_secret": "1"}, follow=True
        )
        service.refresh_from_db()
        assert service.webhook_secret != first and service.webhook_secret in html(r)

        r = c.post(reverse("partner:webhook"), {"url": ""}, follow=True)
        service.refresh_from_db()
        assert service.webhook_url == "" and service.webhook_secret == ""
        assert "Webhooks stopped" in html(r)

    def test_recent_deliveries_in_words(self, make_client, officer, member, service):
        SupportOrganisation.objects.filter(pk=service.pk).update(webhook_url="https://example.org/hook")
        ref = sent_referral(officer)
        d = WebhookDelivery.objects.get(referral=ref)
        WebhookDelivery.objects.filter(pk=d.pk).update(
            status=WebhookStatus.FAILED, attempts=8, last_status_code=500
        )
        page = html(make_client(member).get(reverse("partner:webhook")))
        assert "New referral" in page and ref.reference in page
        assert "Failed after every retry" in page and "HTTP status 500" in page
        assert "referral.created" not in page and "failed<" not in page


@pytest.mark.parametrize(
    "cls",
    [
        partner_forms.MoveForm,
        partner_forms.RejectForm,
        partner_forms.ContactAttemptForm,
        partner_forms.DetailsReportForm,
        partner_forms.KeyForm,
        partner_forms.WebhookForm,
    ],
    ids=lambda c: c.__name__,
)
def test_every_form_names_what_is_missing_in_words(cls):
    from django import forms

    form = cls(data={})
    form.is_valid()
    for messages_ in form.errors.values():
        for m in messages_:
            assert m != forms.Field.default_error_messages["required"], (cls.__name__, m)


def test_workspace_and_api_share_one_rule_for_what_a_service_sees(make_client, officer, member, service):
    """Texts safe but calls not: both give the mobile (to text), neither suggests an unsafe preferred way,
    both name the officer's own enhanced reason, and neither shows the force's steps before sending."""
    from contacts.services import eligibility_add
    from referrals.serializers import partner_detail

    crime = record(
        officer,
        people=[
            person(
                last_name="Texter",
                mobile_phone="07700 900 555",
                safe_phone=False,
                safe_voicemail=False,
                safe_sms=True,
                preferred_contact_method="phone",
            )
        ],
    )
    ref = Referral.objects.get(crime=crime)
    services.referral_decide(
        referral=ref, by=officer, decision="declined", asked_at=timezone.now() - timedelta(minutes=1)
    )
    services.referral_decide(referral=ref, by=officer, decision="given", asked_at=timezone.now())
    eligibility_add(crime_victim=ref.crime_victim, by=officer, reason="Lives with the suspect's family")
    page = html(make_client(member).get(reverse("partner:referral", kwargs={"pk": ref.pk})))
    assert "07700 900 555" in page and "Do not call: text messages only." in page
    assert "Lives with the suspect" in page
    assert "Declined by the victim" not in page and "Waiting to be sent" not in page
    assert "Phone call" not in page  # the preferred way is not safe

    ref = selectors.partner_referral_get(service, ref.pk)
    data = partner_detail(
        ref,
        added_reasons=["Lives with the suspect's family"],
        transitions=ref.transitions.all(),
        attempts=[],
        reports=[],
    )
    assert data["victim"]["contact"]["mobile_phone"] == "07700 900 555"
    assert data["victim"]["contact"]["preferred_method"] is None
    assert "Lives with the suspect's family" in data["victim"]["enhanced"]["reasons"]
    assert [h["state"]["code"] for h in data["history"]] == ["sent"]
