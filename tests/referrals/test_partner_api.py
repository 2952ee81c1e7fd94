"""The partner API (/api/partner/): a support service's key sees and works its own organisation's referrals
and nothing else. Every endpoint is tried by a second organisation (404 and no data), without a key, with a
revoked key and with staff credentials (401); writes are idempotent, honour If-Match, refuse invalid moves
and bad or oversize input without changing anything; reads of victim data write access records."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from cases import services as case_services
from cases.models import NeedsAssessment
from contacts.constants import Duty
from contacts.models import Obligation
from referrals import keys, services
from referrals.constants import State
from referrals.models import (
    ContactAttempt,
    DetailsReport,
    IdempotentRequest,
    Referral,
    ReferralTransition,
    WebhookDelivery,
)
from tests.contacts.support import person, record
from victimcare.audit.models import AccessAction, AccessRecord

API = "/api/partner/"


def client_for(raw_key: str | None, scheme: str = "Bearer") -> Client:
    headers = {"authorization": f"{scheme} {raw_key}"} if raw_key else {}
    return Client(headers=headers)


@pytest.fixture
def key(service, officer):
    return keys.key_create(organisation=service, name="Case system", by=None)


@pytest.fixture
def api(key):
    return client_for(key[1])


@pytest.fixture
def rival(rival_service):
    """Another organisation's key: must see nothing of Northtown's referrals."""
    return client_for(keys.key_create(organisation=rival_service, name="Their system", by=None)[1])


def sent_referral(officer, **over) -> Referral:
    crime = record(officer, people=[person(**over)])
    ref = Referral.objects.get(crime=crime)
    services.referral_send(referral=ref, by=officer)
    ref.refresh_from_db()
    return ref


@pytest.fixture
def ref(officer, service):
    return sent_referral(officer, first_name="Aisha", last_name="Khan", mobile_phone="07700 900 123")


def post(client, path, data=None, **headers):
    return client.post(
        path, json.dumps(data if data is not None else {}), content_type="application/json", headers=headers
    )


def snapshot(ref: Referral) -> tuple:
    ref.refresh_from_db()
    return (
        ref.state,
        ref.version,
        ref.changed_at,
        ReferralTransition.objects.filter(referral=ref).count(),
        ContactAttempt.objects.filter(referral=ref).count(),
        DetailsReport.objects.filter(referral=ref).count(),
        IdempotentRequest.objects.count(),
    )


def every_endpoint(ref_id: int) -> list[tuple[str, str, dict]]:
    r = f"{API}referrals/{ref_id}/"
    return [
        ("get", f"{API}referrals/", {}),
        ("get", r, {}),
        ("post", r + "acknowledge/", {}),
        ("post", r + "accept/", {}),
        ("post", r + "reject/", {"reason": "No capacity"}),
        ("post", r + "support-given/", {}),
        ("post", r + "support-declined/", {}),
        ("post", r + "close/", {}),
        ("post", r + "contact-attempts/", {"reached": True, "at": timezone.now().isoformat()}),
        ("post", r + "details-reports/", {"fields": ["phone"], "note": "Not in use"}),
        ("get", f"{API}webhook-deliveries/", {}),
    ]


def call(client, method, path, data, **headers):
    if method == "get":
        return client.get(path, headers=headers)
    return post(client, path, data, **headers)


# --- reading ---------------------------------------------------------------------------------------
def test_list_shows_own_sent_referrals_without_personal_data(api, ref, officer, key):
    waiting = Referral.objects.get(crime=record(officer))  # still at the force: not the service's yet
    assert waiting.state == State.CREATED
    response = api.get(f"{API}referrals/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["reference"] for r in body["results"]] == [ref.reference]
    row = body["results"][0]
    assert row["state"] == {"code": "sent", "label": "Sent"}
    assert row["version"] == ref.version and row["updated"] is False and row["ack_due_at"]
    assert "Aisha" not in response.content.decode() and "07700" not in response.content.decode()
    assert body["next"] is None
    listed = AccessRecord.objects.get(action=AccessAction.PARTNER_REFERRALS_LISTED)
    assert listed.user_id is None and listed.by_label == key[0].label


def test_cursor_pages_by_change_and_updated_since(api, service, officer):
    refs = [sent_referral(officer) for _ in range(3)]
    base = timezone.now() - timedelta(hours=3)
    for i, r in enumerate(refs):  # give each a distinct change time, in reverse order of ids
        Referral.objects.filter(pk=r.pk).update(changed_at=base + timedelta(hours=2 - i))
    seen, url = [], f"{API}referrals/?page_size=2"
    while url:
        body = api.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert seen == [refs[2].pk, refs[1].pk, refs[0].pk]
    since = (base + timedelta(hours=1)).isoformat()
    body = api.get(f"{API}referrals/", {"updated_since": since}).json()
    assert [r["id"] for r in body["results"]] == [refs[1].pk, refs[0].pk]
    assert api.get(f"{API}referrals/", {"state": "accepted"}).json()["results"] == []


@pytest.mark.parametrize(
    "query,field",
    [
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "0001-01-01T00:00:00Z"}, "updated_since"),
        ({"state": "lost"}, "state"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_bad_list_filters_are_400_in_words(api, ref, query, field):
    response = api.get(f"{API}referrals/", query)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["detail"].startswith(f"{field}: ")


def test_read_shows_what_a_service_needs_and_only_safe_details(api, ref, key):
    person = ref.crime_victim.person
    person.safe_phone, person.safe_voicemail, person.safe_sms = False, False, False
    person.safe_email, person.safe_letter = True, False
    person.address_line_1, person.postcode = "1 Secret Lane", "AB1 2CD"
    person.save()
    crime = ref.crime
    crime.summary = "The suspect, John Smith, forced the back door."
    crime.save()
    NeedsAssessment.objects.create(
        crime_victim=ref.crime_victim,
        practical_needs="New locks",
        emotional_needs="Anxious",
        wants_support=True,
        special_measures_needed=True,
        notes="INTERNAL: officer's private note",
        completed_at=timezone.now(),
        completed_by=crime.oic,
    )
    response = api.get(f"{API}referrals/{ref.pk}/")
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{ref.version}"'
    body = response.json()
    victim = body["victim"]
    assert (victim["first_name"], victim["last_name"]) == ("Aisha", "Khan")
    contact = victim["contact"]
    assert contact["mobile_phone"] == "" and contact["other_phone"] == ""  # calls are not safe
    assert contact["email"] == person.email  # email is
    assert contact["address"] is None  # letters and visits are not
    assert [c["code"] for c in contact["safe_channels"]] == ["email"]
    assert victim["needs"]["practical_needs"] == "New locks" and victim["needs"]["special_measures_needed"]
    assert body["offence_group"]["code"] == "violence" and body["offence_group"]["label"]
    assert body["officer"]["name"] == crime.oic.display_name
    assert body["crime_reference"] == crime.reference
    assert [h["state"]["code"] for h in body["history"]] == ["sent"]
    text = response.content.decode()
    for secret in ("John Smith", "back door", "INTERNAL", "1 Secret Lane", "07700"):
        assert secret not in text
    read = AccessRecord.objects.get(action=AccessAction.PARTNER_REFERRAL_READ)
    assert (read.crime_id, read.person_id, read.by_label) == (crime.pk, person.pk, key[0].label)


def test_address_is_shared_when_letters_are_safe(api, officer, service):
    r = sent_referral(
        officer, safe_letter=True, safe_phone=False, address_line_1="2 High St", postcode="AB1 2CD"
    )
    contact = api.get(f"{API}referrals/{r.pk}/").json()["victim"]["contact"]
    assert contact["address"]["line_1"] == "2 High St" and contact["mobile_phone"] == ""


def test_a_referral_not_yet_sent_is_404(api, officer, service):
    waiting = Referral.objects.get(crime=record(officer))
    assert api.get(f"{API}referrals/{waiting.pk}/").status_code == 404
    assert post(api, f"{API}referrals/{waiting.pk}/acknowledge/").status_code == 404


# --- isolation ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("i", range(11))
def test_another_organisation_sees_nothing_on_every_endpoint(rival, ref, i):
    method, path, data = every_endpoint(ref.pk)[i]
    before = snapshot(ref)
    response = call(rival, method, path, data)
    text = response.content.decode()
    if path.endswith("/referrals/") or path.endswith("webhook-deliveries/"):
        assert response.status_code == 200
        assert response.json()["results"] == []
    else:
        assert response.status_code == 404, text
        assert response.json() == {"detail": "No such referral for your organisation."}
    assert ref.reference not in text and "Aisha" not in text
    assert snapshot(ref) == before
    assert not AccessRecord.objects.filter(action=AccessAction.PARTNER_REFERRAL_READ).exists()


@pytest.mark.parametrize("i", range(11))
@pytest.mark.parametrize("who", ["nobody", "wrong", "revoked", "staff_token", "staff_session", "scheme"])
def test_without_a_valid_partner_key_every_endpoint_is_401(ref, key, officer, who, i):
    method, path, data = every_endpoint(ref.pk)[i]
    if who == "nobody":
        c = client_for(None)
    elif who == "wrong":
        c = client_for("vcp_0000abcd_" + "x" * 43)
    elif who == "revoked":
        keys.key_revoke(key=key[0], by=None)
        c = client_for(key[1])
    elif who == "staff_token":
        c = client_for(Token.objects.create(user=officer).key, scheme="Token")
    elif who == "staff_session":
        c = Client()
        c.force_login(officer)
    else:
        c = client_for(key[1], scheme="Basic")
    before = snapshot(ref)
    response = call(c, method, path, data)
    assert response.status_code == 401, response.content
    assert set(response.json()) == {"detail"}
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert snapshot(ref) == before


def test_api_key_scheme_is_accepted_too(key, ref):
    assert client_for(key[1], scheme="Api-Key").get(f"{API}referrals/").status_code == 200


def test_a_partner_key_means_nothing_on_the_staff_api(api, ref):
    for path in ("/api/crimes/", f"/api/crimes/{ref.crime.slug}/", "/api/victims/"):
        assert api.get(path).status_code in (401, 403)


def test_wrong_keys_from_one_address_are_locked_out(key, ref):
    wrong = client_for("vcp_0000abcd_" + "y" * 43)
    codes = [wrong.get(f"{API}referrals/").status_code for _ in range(21)]
    assert codes[:20] == [401] * 20 and codes[20] == 429
    # The right key from that address still works (a service's jobs share its egress address: one still
    # sending a revoked key must not lock out the rest), and the wrong one is still refused.
    assert client_for(key[1]).get(f"{API}referrals/").status_code == 200
    assert wrong.get(f"{API}referrals/").status_code == 429


def test_key_use_is_recorded(api, key, ref):
    api.get(f"{API}referrals/")
    key[0].refresh_from_db()
    assert key[0].last_used_at is not None


# --- the lifecycle ----------------------------------------------------------------------------------
def test_acknowledge_accept_contact_support_close(api, ref, key):
    r = f"{API}referrals/{ref.pk}/"
    response = post(api, r + "acknowledge/")
    assert response.status_code == 200, response.content
    assert response.json()["state"]["code"] == "received" and response["ETag"] == f'"{ref.version + 1}"'
    assert post(api, r + "accept/", {"note": "Allocated to Sam"}).json()["state"]["code"] == "accepted"
    at = timezone.now().isoformat()
    response = post(api, r + "contact-attempts/", {"reached": True, "at": at, "method": "phone"})
    assert response.status_code == 201, response.content
    assert response.json()["referral"]["state"]["code"] == "contacted"
    assert post(api, r + "support-given/").json()["state"]["code"] == "support_given"
    assert post(api, r + "close/").json()["state"]["code"] == "closed"
    ref.refresh_from_db()
    assert ref.state == State.CLOSED and ref.acknowledged_at and ref.accepted_at and ref.contacted_at
    labels = set(
        ReferralTransition.objects.filter(referral=ref, actor="partner").values_list("by_label", flat=True)
    )
    assert labels == {key[0].label}
    history = api.get(r).json()["history"]
    assert [h["state"]["code"] for h in history] == [
        "sent",
        "received",
        "accepted",
        "contacted",
        "support_given",
        "closed",
    ]


def test_closing_a_referral_never_accepted_is_409_and_changes_nothing(api, ref):
    before = snapshot(ref)
    response = post(api, f"{API}referrals/{ref.pk}/close/")
    assert response.status_code == 409
    assert "cannot be marked" in response.json()["detail"]
    assert snapshot(ref) == before


def test_reject_needs_a_reason(api, ref):
    before = snapshot(ref)
    response = post(api, f"{API}referrals/{ref.pk}/reject/", {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    assert snapshot(ref) == before
    response = post(api, f"{API}referrals/{ref.pk}/reject/", {"reason": "Outside our area"})
    assert response.status_code == 200
    ref.refresh_from_db()
    assert ref.state == State.REJECTED and ref.reason == "Outside our area"


@pytest.mark.parametrize(
    "data,field",
    [
        ({"reached": "perhaps", "at": "2026-11-30T10:00:00Z"}, "reached"),
        ({"reached": True}, "at"),
        ({"reached": True, "at": "2099-01-01T10:00:00Z"}, "at"),
        ({"reached": True, "at": "2026-11-30T10:00:00Z", "method": "pigeon"}, "method"),
    ],
)
def test_bad_contact_attempts_change_nothing(api, ref, data, field):
    before = snapshot(ref)
    response = post(api, f"{API}referrals/{ref.pk}/contact-attempts/", data)
    assert response.status_code == 400 and field in response.json()["errors"], response.content
    assert snapshot(ref) == before


def test_details_report_makes_a_duty_for_the_officer(api, ref):
    response = post(
        api, f"{API}referrals/{ref.pk}/details-reports/", {"fields": ["phone"], "note": "Dead line"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["fields"] == [{"code": "phone", "label": "Phone number"}]
    report = DetailsReport.objects.get(referral=ref)
    assert report.obligation and report.obligation.code == Duty.CORRECT_DETAILS
    assert Obligation.objects.filter(crime_victim=ref.crime_victim, code=Duty.CORRECT_DETAILS).exists()
    open_reports = api.get(f"{API}referrals/{ref.pk}/").json()["open_details_reports"]
    assert [r["id"] for r in open_reports] == [report.pk]


def test_correction_shows_as_updated_and_resolves_the_report(api, ref, officer):
    post(api, f"{API}referrals/{ref.pk}/details-reports/", {"fields": ["phone"], "note": "Dead line"})
    case_services.victim_update(
        person=ref.crime_victim.person, by=officer, data={"mobile_phone": "07700 900 555"}
    )
    ref.refresh_from_db()
    assert ref.details_updated_at is not None
    row = api.get(f"{API}referrals/").json()["results"][0]
    assert row["updated"] is True
    detail = api.get(f"{API}referrals/{ref.pk}/").json()
    assert detail["victim"]["contact"]["mobile_phone"] == "07700 900 555"
    assert detail["open_details_reports"] == []


@pytest.mark.parametrize(
    "data", [{"fields": [], "note": "x"}, {"fields": ["shoe size"], "note": "x"}, {"fields": ["phone"]}]
)
def test_bad_details_reports_change_nothing(api, ref, data):
    before = snapshot(ref)
    response = post(api, f"{API}referrals/{ref.pk}/details-reports/", data)
    assert response.status_code == 400, response.content
    assert snapshot(ref) == before


# --- safe retries ------------------------------------------------------------------------------------
def test_same_idempotency_key_replays_and_changes_nothing_more(api, ref):
    path = f"{API}referrals/{ref.pk}/acknowledge/"
    first = post(api, path, {"note": "Got it"}, **{"Idempotency-Key": "abc-123"})
    assert first.status_code == 200
    after_first = snapshot(ref)
    again = post(api, path, {"note": "Got it"}, **{"Idempotency-Key": "abc-123"})
    assert again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert snapshot(ref) == after_first
    assert ReferralTransition.objects.filter(referral=ref, to_state=State.RECEIVED).count() == 1


def test_same_key_with_a_different_request_is_422(api, ref):
    path = f"{API}referrals/{ref.pk}/"
    assert post(api, path + "acknowledge/", {}, **{"Idempotency-Key": "k1"}).status_code == 200
    before = snapshot(ref)
    response = post(api, path + "accept/", {}, **{"Idempotency-Key": "k1"})
    assert response.status_code == 422 and "different request" in response.json()["detail"]
    assert snapshot(ref) == before


def test_a_refused_write_does_not_use_up_its_key(api, ref):
    path = f"{API}referrals/{ref.pk}/"
    assert post(api, path + "close/", {}, **{"Idempotency-Key": "k2"}).status_code == 409
    assert not IdempotentRequest.objects.exists()


def test_keys_are_per_organisation(api, rival, ref, rival_service, officer):
    assert (
        post(api, f"{API}referrals/{ref.pk}/acknowledge/", {}, **{"Idempotency-Key": "same"}).status_code
        == 200
    )
    assert (
        post(rival, f"{API}referrals/{ref.pk}/acknowledge/", {}, **{"Idempotency-Key": "same"}).status_code
        == 404
    )


def test_bad_idempotency_key_is_400(api, ref):
    response = post(api, f"{API}referrals/{ref.pk}/acknowledge/", {}, **{"Idempotency-Key": "x" * 201})
    assert response.status_code == 400 and "idempotency_key" in response.json()["errors"]


def test_if_match_stale_is_412_and_changes_nothing(api, ref):
    before = snapshot(ref)
    response = post(api, f"{API}referrals/{ref.pk}/accept/", {}, **{"If-Match": f'"{ref.version - 1}"'})
    assert response.status_code == 412 and "version" in response.json()["detail"]
    assert snapshot(ref) == before
    response = post(api, f"{API}referrals/{ref.pk}/accept/", {}, **{"If-Match": f'"{ref.version}"'})
    assert response.status_code == 200


# --- bad input -------------------------------------------------------------------------------------
def test_malformed_json_is_400(api, ref):
    before = snapshot(ref)
    response = api.post(f"{API}referrals/{ref.pk}/reject/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
    assert snapshot(ref) == before


def test_oversize_body_is_413(api, ref):
    before = snapshot(ref)
    response = post(api, f"{API}referrals/{ref.pk}/reject/", {"reason": "x" * 20000})
    assert response.status_code == 413 and "too large" in response.json()["detail"]
    assert snapshot(ref) == before


def test_only_json_is_taken(api, ref):
    response = api.post(f"{API}referrals/{ref.pk}/reject/", {"reason": "Outside our area"})  # a form
    assert response.status_code == 415


def test_a_body_that_is_not_an_object_is_400(api, ref):
    response = post(api, f"{API}referrals/{ref.pk}/reject/", ["Outside our area"])
    assert response.status_code == 400


def test_reason_too_long_is_400(api, ref):
    response = post(api, f"{API}referrals/{ref.pk}/reject/", {"reason": "x" * 1001})
    assert response.status_code == 400 and "reason" in response.json()["errors"]


# --- webhook deliveries --------------------------------------------------------------------------------
def test_webhook_deliveries_show_own_only(api, rival, service, rival_service, ref):
    now = timezone.now()
    for org, msg in ((service, "msg_ours"), (rival_service, "msg_theirs")):
        WebhookDelivery.objects.create(
            organisation=org,
            msg_id=msg,
            event="referral.updated",
            payload={},
            created_at=now,
            next_attempt_at=now,
            last_error="Your server answered 500",
            attempts=2,
        )
    body = api.get(f"{API}webhook-deliveries/").json()
    assert [d["id"] for d in body["results"]] == ["msg_ours"]
    assert body["results"][0]["last_error"] == "Your server answered 500"
    assert [d["id"] for d in rival.get(f"{API}webhook-deliveries/").json()["results"]] == ["msg_theirs"]


# --- schema and docs ---------------------------------------------------------------------------------
def test_partner_schema_is_valid_and_only_the_partner_api(api):
    response = api.get(f"{API}schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["paths"] and all(p.startswith(API) for p in schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"partnerKey"}
    assert "/api/partner/referrals/{id}/reject/" in schema["paths"]


def test_staff_schema_leaves_the_partner_api_out(make_client, officer):
    schema = json.loads(make_client(officer).get("/api/schema/", {"format": "json"}).content)
    assert not [p for p in schema["paths"] if p.startswith(API)]


def test_partner_docs_for_key_staff_and_members_only(api, make_client, officer):
    assert api.get(f"{API}docs/").status_code == 200
    assert make_client(officer).get(f"{API}schema/").status_code == 200
    assert Client().get(f"{API}docs/").status_code in (401, 403)
    assert Client().get(f"{API}schema/").status_code in (401, 403)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_racing_with_one_key_write_once(org, officer, service):
    """Against PostgreSQL: the second request waits on the key's unique index, then replays the first's
    answer; the referral moves once."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for concurrent transactions (set DATABASE_URL)")
    ref = sent_referral(officer)
    raw = keys.key_create(organisation=service, name="Race", by=None)[1]

    def go(_):
        try:
            r = post(
                client_for(raw), f"{API}referrals/{ref.pk}/acknowledge/", {}, **{"Idempotency-Key": "race"}
            )
            return r.status_code, r.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(go, range(4)))
    assert {s for s, _ in answers} == {200}
    assert len({json.dumps(b, sort_keys=True) for _, b in answers}) == 1
    assert ReferralTransition.objects.filter(referral=ref, to_state=State.RECEIVED).count() == 1


def test_list_and_read_take_a_fixed_number_of_queries(api, officer, service, django_assert_max_num_queries):
    refs = [sent_referral(officer) for _ in range(5)]
    post(api, f"{API}referrals/{refs[0].pk}/details-reports/", {"fields": ["phone"], "note": "Dead line"})
    post(
        api,
        f"{API}referrals/{refs[0].pk}/contact-attempts/",
        {"reached": False, "at": timezone.now().isoformat()},
    )
    api.get(f"{API}referrals/")  # the key's last use is recorded at most once a minute
    # The key, the page, the access record.
    with django_assert_max_num_queries(4):
        assert len(api.get(f"{API}referrals/").json()["results"]) == 5
    # The key, the referral (with its crime, offence, officer, victim, person, needs assessment), added
    # reasons, history, attempts, open reports, the access record.
    with django_assert_max_num_queries(8):
        body = api.get(f"{API}referrals/{refs[0].pk}/").json()
    assert len(body["contact_attempts"]) == 1 and len(body["open_details_reports"]) == 1


def test_partner_docs_for_a_signed_in_member_of_a_service(make_client, partner, service):
    from referrals.models import PartnerMember

    assert make_client(partner).get(f"{API}schema/").status_code == 403  # not linked to a service yet
    PartnerMember.objects.create(user=partner, organisation=service)
    assert make_client(partner).get(f"{API}schema/").status_code == 200
    assert make_client(partner).get(f"{API}docs/").status_code == 200
    # Signed in to the workspace is not a key: the API itself still needs one.
    assert make_client(partner).get(f"{API}referrals/").status_code == 401


@pytest.mark.parametrize(
    "path, data",
    [
        ("contact-attempts/", {"reached": True, "at": "2026-01-01T10:00:00Z"}),
        ("details-reports/", {"fields": ["phone"], "note": "Not in use"}),
    ],
)
def test_an_attempt_or_report_on_a_withdrawn_referral_is_409_and_changes_nothing(
    api, ref, officer, path, data
):
    """Like a move, a write the referral's state does not allow is a 409 with the reason, not a 400."""
    from referrals import services

    services.referral_withdraw(referral=ref, by=officer, reason="The victim moved away.")
    ref.refresh_from_db()
    before = snapshot(ref)
    data = {**data, "at": ref.sent_at.isoformat()} if "at" in data else data
    response = post(api, f"{API}referrals/{ref.pk}/{path}", data)
    assert response.status_code == 409, response.content
    assert response.json()["detail"]
    assert snapshot(ref) == before


def test_every_error_has_one_shape(api, ref, client):
    """{"detail": "..."} always; invalid input also has "errors" by field."""
    answers = [
        api.post(f"{API}referrals/{ref.pk}/reject/", {}, content_type="application/json"),  # 400
        client.get(f"{API}referrals/"),  # 401
        api.get(f"{API}referrals/999999/"),  # 404
        api.post(f"{API}referrals/{ref.pk}/close/", {}, content_type="application/json"),  # 409
    ]
    assert [a.status_code for a in answers] == [400, 401, 404, 409]
    for a in answers:
        body = a.json()
        assert isinstance(body["detail"], str) and body["detail"], body
        assert set(body) <= {"detail", "errors"}
    assert answers[0].json()["errors"]["reason"]
