"""GET/POST /api/crimes/, GET /api/crimes/{ref}/, and POST /api/token/."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import CaseEvent, Crime, CrimeVictim, Person
from tests.factories import CrimeFactory, PersonFactory, UserFactory, offence
from victimcare.accounts.constants import Role
from victimcare.audit.models import AccessAction, AccessRecord

LIST_URL = "/api/crimes/"


def detail_url(crime):
    return f"/api/crimes/{crime.slug}/"


def refs(response):
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


def snapshot():
    return (
        Crime.objects.count(),
        Person.objects.count(),
        CrimeVictim.objects.count(),
        CaseEvent.objects.count(),
    )


# --- access matrix ---------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["officer", "colleague", "supervisor", "inspector", "admin_user"])
def test_case_workers_in_scope_see_the_case(request, api, case, who):
    user = request.getfixturevalue(who)
    assert refs(api(user).get(LIST_URL)) == [case.reference]
    response = api(user).get(detail_url(case))
    assert response.status_code == 200
    assert response.json()["reference"] == case.reference


def test_outsider_gets_an_empty_list_and_404(api, case, outsider):
    assert refs(api(outsider).get(LIST_URL)) == []
    response = api(outsider).get(detail_url(case))
    assert response.status_code == 404
    assert AccessRecord.objects.count() == 0


def test_unknown_reference_is_the_same_404_as_an_invisible_one(api, case, outsider, officer):
    unknown = api(officer).get("/api/crimes/VC-99999-26/")
    hidden = api(outsider).get(detail_url(case))
    assert unknown.status_code == hidden.status_code == 404
    assert unknown.json() == hidden.json()


@pytest.mark.parametrize("who", ["partner", "analyst"])
def test_partners_and_analysts_are_refused(request, api, case, who):
    user = request.getfixturevalue(who)
    for response in (
        api(user).get(LIST_URL),
        api(user).get(detail_url(case)),
        api(user).post(LIST_URL, {}, format="json"),
    ):
        assert response.status_code == 403
    assert AccessRecord.objects.count() == 0


def test_anonymous_is_refused(api, case):
    for response in (
        api().get(LIST_URL),
        api().get(detail_url(case)),
        api().post(LIST_URL, {}, format="json"),
    ):
        assert response.status_code in (401, 403)


def test_inactive_user_is_refused(api, case, officer):
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert api(officer).get(LIST_URL).status_code == 403


def test_restricted_case_is_seen_only_by_named_users(api, org, officer, colleague, supervisor, inspector):
    restricted = CrimeFactory(team=org["team_a1"], oic=officer, is_restricted=True)
    restricted.named_users.add(officer, supervisor)
    for named in (officer, supervisor):
        assert refs(api(named).get(LIST_URL)) == [restricted.reference]
        assert api(named).get(detail_url(restricted)).status_code == 200
    for other in (colleague, inspector):
        assert refs(api(other).get(LIST_URL)) == []
        assert api(other).get(detail_url(restricted)).status_code == 404


def test_session_auth_works(case, officer):
    client = APIClient()
    client.force_login(officer)
    assert refs(client.get(LIST_URL)) == [case.reference]


# --- list ------------------------------------------------------------------------------------------
def test_list_rows_have_no_victim_personal_data(api, case, officer):
    person = case.victims.get().person
    response = api(officer).get(LIST_URL)
    row = response.json()["results"][0]
    assert set(row) == {
        "reference",
        "url",
        "offence",
        "status",
        "status_label",
        "team",
        "bcu",
        "oic",
        "occurred_at",
        "occurred_to",
        "reported_at",
        "recorded_at",
        "closed_at",
        "is_domestic_abuse",
        "is_hate_crime",
        "is_sensitive",
        "is_restricted",
        "victim_count",
    }
    assert row["offence"] == {"code": "8N", "name": offence("8N").name, "group": "violence"}
    assert row["oic"] == {"id": officer.id, "name": officer.display_name}
    assert row["team"] == {"id": officer.team_id, "name": "A1 Response"}
    assert row["victim_count"] == 1
    assert row["url"].endswith(detail_url(case))
    body = response.content.decode()
    for personal in (person.first_name, person.last_name, person.email, person.mobile_phone):
        assert personal not in body


def test_list_writes_no_access_records(api, case, officer):
    api(officer).get(LIST_URL)
    assert AccessRecord.objects.count() == 0


@pytest.fixture
def spread(org, officer, colleague):
    """Crimes spread over teams, offences, statuses and flags, all visible to an admin."""
    now = timezone.now()
    return {
        "mine": CrimeFactory(
            reference="VC/20001/26",
            team=org["team_a1"],
            oic=officer,
            status="allocated",
            is_domestic_abuse=True,
            recorded_at=now - timedelta(days=1),
        ),
        "colleagues": CrimeFactory(
            reference="VC/20002/26",
            team=org["team_a1"],
            oic=colleague,
            status="allocated",
            offence=offence("56A"),
            is_hate_crime=True,
            recorded_at=now - timedelta(days=5),
        ),
        "other_team": CrimeFactory(
            reference="VC/20003/26",
            team=org["team_a2"],
            is_sensitive=True,
            recorded_at=now - timedelta(days=10),
            victims=[PersonFactory(first_name="Zebedee", last_name="Quartermain")],
        ),
        "other_bcu": CrimeFactory(
            reference="VC/20004/26",
            team=org["team_b1"],
            status="closed",
            closure_reason="no_suspect",
            closed_at=now,
            recorded_at=now - timedelta(days=20),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["mine", "colleagues", "other_team", "other_bcu"]),
        ("status=allocated", ["mine", "colleagues"]),
        ("status=closed", ["other_bcu"]),
        ("offence=56A", ["colleagues"]),
        ("offence=56a", ["colleagues"]),
        ("offence_group=criminal_damage", ["colleagues"]),
        ("is_domestic_abuse=true", ["mine"]),
        ("is_hate_crime=true", ["colleagues"]),
        ("is_sensitive=true", ["other_team"]),
        ("is_restricted=true", []),
        ("is_domestic_abuse=false", ["colleagues", "other_team", "other_bcu"]),
        ("q=20003", ["other_team"]),
        ("q=VC-20004-26", ["other_bcu"]),
        ("q=zebedee", ["other_team"]),
        ("q=quarter zeb", ["other_team"]),
        ("q=nobody-like-this", []),
    ],
)
def test_filters(api, admin_user, spread, query, expected):
    got = refs(api(admin_user).get(f"{LIST_URL}?{query}"))
    assert got == [spread[k].reference for k in expected]


def test_filters_by_team_bcu_oic_mine_and_dates(api, admin_user, officer, org, spread):
    client = api(admin_user)
    now = timezone.now()
    assert refs(client.get(LIST_URL, {"team": org["team_a2"].id})) == [spread["other_team"].reference]
    assert refs(client.get(LIST_URL, {"bcu": org["bcu_b"].id})) == [spread["other_bcu"].reference]
    assert refs(client.get(LIST_URL, {"oic": officer.id})) == [spread["mine"].reference]
    assert refs(api(officer).get(LIST_URL, {"mine": "true"})) == [spread["mine"].reference]
    assert refs(client.get(LIST_URL, {"recorded_after": (now - timedelta(days=7)).isoformat()})) == [
        spread["mine"].reference,
        spread["colleagues"].reference,
    ]
    assert refs(client.get(LIST_URL, {"recorded_before": (now - timedelta(days=7)).date().isoformat()})) == [
        spread["other_team"].reference,
        spread["other_bcu"].reference,
    ]


def test_filters_never_widen_what_a_user_sees(api, officer, spread):
    # The officer sees team A1 only: asking for another team or BCU finds nothing, not their cases.
    assert refs(api(officer).get(LIST_URL, {"team": spread["other_team"].team_id})) == []
    assert refs(api(officer).get(LIST_URL, {"q": "zebedee"})) == []


def test_bad_filter_values_are_400(api, officer):
    assert api(officer).get(LIST_URL, {"status": "nonsense"}).status_code == 400
    assert api(officer).get(LIST_URL, {"team": "abc"}).status_code == 400
    assert api(officer).get(LIST_URL, {"recorded_after": "not-a-date"}).status_code == 400


def test_pagination(api, org, officer):
    for _ in range(3):
        CrimeFactory(team=org["team_a1"], oic=officer)
    body = api(officer).get(LIST_URL, {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


@pytest.mark.parametrize("who", ["officer", "supervisor", "inspector", "admin_user"])
def test_list_query_count_does_not_grow_with_rows(
    request, api, org, officer, django_assert_max_num_queries, who
):
    user = request.getfixturevalue(who)
    for _ in range(3):
        CrimeFactory(team=org["team_a1"], oic=officer, victims=[PersonFactory(), PersonFactory()])
    with django_assert_max_num_queries(2):
        assert len(refs(api(user).get(LIST_URL))) == 3
    for _ in range(27):
        CrimeFactory(team=org["team_a1"], oic=officer, victims=[PersonFactory(), PersonFactory()])
    with django_assert_max_num_queries(2):
        response = api(user).get(LIST_URL, {"q": "VC", "is_restricted": "false"})
        assert len(refs(response)) == 30
    assert {row["victim_count"] for row in response.json()["results"]} == {2}


# --- detail ----------------------------------------------------------------------------------------
def test_detail_includes_victims_personal_data(api, case, officer):
    person = case.victims.get().person
    body = api(officer).get(detail_url(case)).json()
    assert body["offence"]["code"] == "8N"
    assert body["events_url"].endswith(f"/api/crimes/{case.slug}/events/")
    [victim] = body["victims"]
    assert victim["role"] == "victim"
    assert victim["person"]["id"] == person.id
    assert victim["person"]["first_name"] == person.first_name
    assert victim["person"]["email"] == person.email
    assert victim["person"]["date_of_birth"] == person.date_of_birth.isoformat()


def test_detail_writes_access_records_for_the_crime_and_each_victim(
    api, org, officer, django_assert_max_num_queries
):
    crime = CrimeFactory(team=org["team_a1"], oic=officer, victims=[PersonFactory(), PersonFactory()])
    people = sorted(crime.victims.values_list("person_id", flat=True))
    with django_assert_max_num_queries(3):  # crime, its victims, one audit INSERT
        response = api(officer).get(detail_url(crime), HTTP_USER_AGENT="pytest-agent")
    assert response.status_code == 200
    crime_reads = AccessRecord.objects.filter(action=AccessAction.API_CRIME_READ)
    victim_reads = AccessRecord.objects.filter(action=AccessAction.API_VICTIM_READ)
    assert [(r.crime_id, r.person_id, r.user_id) for r in crime_reads] == [(crime.id, None, officer.id)]
    assert sorted(r.person_id for r in victim_reads) == people
    assert {r.crime_id for r in victim_reads} == {crime.id}
    record = victim_reads.first()
    assert record.path == detail_url(crime)
    assert record.method == "GET"
    assert record.user_agent == "pytest-agent"


def test_detail_accepts_lower_case_reference(api, case, officer):
    assert api(officer).get(detail_url(case).lower()).status_code == 200


# --- create ----------------------------------------------------------------------------------------
def victim_data(**overrides):
    data = {
        "role": "victim",
        "title": "Ms",
        "first_name": "Vera",
        "last_name": "Victim",
        "date_of_birth": "1980-05-17",
        "email": "Vera.Victim@Example.com",
        "mobile_phone": "07700 900 123",
        "postcode": "sw1a 1aa",
        "town": "Anytown",
        "safe_phone": True,
        "safe_sms": True,
    }
    data.update(overrides)
    return data


def crime_data(for_team, **overrides):
    now = timezone.now()
    data = {
        "reference": "vc/54321/26",
        "offence": "8N",
        "occurred_at": (now - timedelta(days=2)).isoformat(),
        "reported_at": (now - timedelta(days=1)).isoformat(),
        "location": "Market Square, Anytown",
        "summary": "Assaulted outside a shop.",
        "team": for_team.id,
        "victims": [victim_data()],
    }
    data.update(overrides)
    return data


def test_officer_records_a_crime(api, org, officer):
    before = snapshot()
    response = api(officer).post(LIST_URL, crime_data(org["team_a1"], oic=officer.id), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "VC/54321/26"
    assert body["status"] == "allocated"
    assert body["oic"]["id"] == officer.id
    assert body["bcu"]["id"] == org["bcu_a"].id
    [victim] = body["victims"]
    assert victim["person"]["email"] == "vera.victim@example.com"
    assert victim["person"]["postcode"] == "SW1A 1AA"
    after = snapshot()
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (1, 1, 1)
    crime = Crime.objects.get(reference="VC/54321/26")
    assert crime.created_by == officer
    assert list(crime.events.values_list("code", flat=True)) == ["RECORDED", "ALLOCATED"]
    # The new crime is then readable at the URL it was returned with.
    assert api(officer).get(detail_url(crime)).status_code == 200


def test_recording_a_repeat_victim_reuses_a_person_the_recorder_can_see(api, org, officer):
    person = PersonFactory(first_name="Vera", last_name="Victim", date_of_birth="1980-05-17")
    earlier = CrimeFactory(team=org["team_a1"], victims=[person])
    response = api(officer).post(LIST_URL, crime_data(org["team_a1"]), format="json")
    assert response.status_code == 201
    assert response.json()["victims"][0]["person"]["id"] == person.id
    assert Person.objects.count() == 1
    # The response shows personal data: it is audited like a read.
    actions = set(AccessRecord.objects.filter(person=person).values_list("action", "crime_id"))
    assert (AccessAction.API_VICTIM_READ, earlier.id) not in actions
    assert any(a == AccessAction.API_VICTIM_READ for a, _ in actions)


def test_name_and_birth_date_never_reach_a_victim_on_a_case_the_recorder_cannot_see(api, org, officer):
    secret = PersonFactory(
        first_name="Vera", last_name="Victim", date_of_birth="1980-05-17", address_line_1="1 Refuge Road"
    )
    hidden = CrimeFactory(team=org["team_b1"], victims=[secret], is_restricted=True)
    response = api(officer).post(LIST_URL, crime_data(org["team_a1"]), format="json")
    assert response.status_code == 201
    body = str(response.json())
    assert "Refuge Road" not in body and hidden.reference not in body
    assert response.json()["victims"][0]["person"]["id"] != secret.id
    secret.refresh_from_db()
    assert secret.address_line_1 == "1 Refuge Road" and secret.changes.count() == 0


def test_bereaved_relative_and_unallocated_crime(api, org, supervisor):
    data = crime_data(
        org["team_a1"],
        offence="1",
        victims=[victim_data(role="bereaved", relationship="mother of the deceased")],
    )
    response = api(supervisor).post(LIST_URL, data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "recorded"
    assert response.json()["victims"][0]["relationship"] == "mother of the deceased"


@pytest.mark.parametrize(
    ("who", "team", "allowed"),
    [
        ("officer", "team_a1", True),
        ("officer", "team_a2", False),
        ("supervisor", "team_a1", True),
        ("supervisor", "team_b1", False),
        ("inspector", "team_a2", True),
        ("inspector", "team_b1", False),
        ("outsider", "team_a1", False),
        ("admin_user", "team_b1", True),
    ],
)
def test_only_teams_the_user_can_record_for(request, api, org, who, team, allowed):
    user = request.getfixturevalue(who)
    before = snapshot()
    response = api(user).post(LIST_URL, crime_data(org[team]), format="json")
    if allowed:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 400
        assert response.json() == {"team": ["Choose a team you can record crimes for."]}
        assert snapshot() == before


def test_supervisor_can_record_for_a_supervised_team(api, org, supervisor):
    org["team_b1"].supervisors.add(supervisor)
    assert api(supervisor).post(LIST_URL, crime_data(org["team_b1"]), format="json").status_code == 201


def _future():
    return (timezone.now() + timedelta(days=2)).isoformat()


def _long_ago():
    return (timezone.now() - timedelta(days=30)).isoformat()


BAD_INPUTS = {
    "duplicate reference": (lambda c: {"reference": c.reference}, ["reference"], "already recorded"),
    "malformed reference": (lambda c: {"reference": "VC-123"}, ["reference"], "two letters, 5 to 7 digits"),
    "missing reference": (lambda c: {"reference": ""}, ["reference"], "may not be blank"),
    "unknown offence": (lambda c: {"offence": "ZZ99"}, ["offence"], "no offence with the code 'ZZ99'"),
    "future occurrence": (lambda c: {"occurred_at": _future()}, ["occurred_at"], "cannot be in the future"),
    "future report": (lambda c: {"reported_at": _future()}, ["reported_at"], "cannot be in the future"),
    "reported before occurred": (
        lambda c: {"reported_at": _long_ago()},
        ["reported_at"],
        "reported before it happened",
    ),
    "window ends before it starts": (
        lambda c: {"occurred_to": _long_ago()},
        ["occurred_to"],
        "after the start",
    ),
    "malformed date": (lambda c: {"occurred_at": "yesterday"}, ["occurred_at"], "wrong format"),
    "missing location": (lambda c: {"location": "  "}, ["location"], "may not be blank"),
    "oversize summary": (lambda c: {"summary": "x" * 4001}, ["summary"], "4,000 characters or fewer"),
    "unknown team": (lambda c: {"team": 999999}, ["team"], "Choose a team you can record crimes for"),
    "oic in another team": (
        lambda c: {"oic": c.oic_other_team},
        ["oic"],
        "Choose an active officer or supervisor",
    ),
    "oic not an officer": (
        lambda c: {"oic": c.oic_inspector},
        ["oic"],
        "Choose an active officer or supervisor",
    ),
    "no victims": (lambda c: {"victims": []}, ["victims"], "Add at least one victim"),
    "future date of birth": (
        lambda c: {
            "victims": [victim_data(date_of_birth=(timezone.localdate() + timedelta(days=1)).isoformat())]
        },
        ["victims", "0", "date_of_birth"],
        "must be in the past",
    ),
    "date of birth before 1900": (
        lambda c: {"victims": [victim_data(date_of_birth="1899-12-31")]},
        ["victims", "0", "date_of_birth"],
        "after 1 January 1900",
    ),
    "impossible date of birth": (
        lambda c: {"victims": [victim_data(date_of_birth="1980-02-30")]},
        ["victims", "0", "date_of_birth"],
        "Enter a real date of birth",
    ),
    "malformed email": (
        lambda c: {"victims": [victim_data(), victim_data(first_name="Second", email="not-an-email")]},
        ["victims", "1", "email"],
        "Enter an email address like name@example.com",
    ),
    "malformed phone": (
        lambda c: {"victims": [victim_data(mobile_phone="12345")]},
        ["victims", "0", "mobile_phone"],
        "Enter a UK phone number",
    ),
    "malformed postcode": (
        lambda c: {"victims": [victim_data(postcode="NOT A POSTCODE")]},
        ["victims", "0", "postcode"],
        "Enter a real UK postcode",
    ),
    "unknown role": (
        lambda c: {"victims": [victim_data(role="witness")]},
        ["victims", "0", "role"],
        "not a valid choice",
    ),
    "bereaved without relationship": (
        lambda c: {"victims": [victim_data(role="bereaved")]},
        ["victims", "0", "relationship"],
        "Say how this person is related",
    ),
    "same person twice": (lambda c: {"victims": [victim_data(), victim_data()]}, ["victims"], "listed twice"),
}


@pytest.mark.parametrize("case_name", list(BAD_INPUTS))
def test_bad_input_is_a_clear_400_and_writes_nothing(api, org, officer, case, inspector, case_name):
    change, path, message = BAD_INPUTS[case_name]
    case.oic_other_team = UserFactory(role=Role.OFFICER, team=org["team_a2"]).id
    case.oic_inspector = inspector.id
    before = snapshot()
    response = api(officer).post(LIST_URL, crime_data(org["team_a1"], **change(case)), format="json")
    assert response.status_code == 400, response.json()
    node = response.json()
    for key in path:
        node = node[key]
    assert any(message.lower() in m.lower() for m in node), node
    assert snapshot() == before


def test_all_service_errors_come_back_together(api, org, officer):
    data = crime_data(
        org["team_a1"],
        reference="bad",
        occurred_at=_future(),
        victims=[victim_data(date_of_birth="1800-01-01")],
    )
    body = api(officer).post(LIST_URL, data, format="json").json()
    assert set(body) == {"reference", "occurred_at", "reported_at", "victims"}
    assert set(body["victims"]["0"]) == {"date_of_birth"}


def test_create_refuses_non_json(api, org, officer):
    response = api(officer).post(LIST_URL, {"reference": "VC/54321/26"})  # multipart
    assert response.status_code == 415


# --- tokens ----------------------------------------------------------------------------------------
@pytest.fixture
def anon():
    """An anonymous client from an address of its own, so the token throttle's count starts at zero
    (without clearing the cache, which in CI is the Redis database the Celery broker also uses)."""
    n = uuid.uuid4().int
    return APIClient(REMOTE_ADDR=f"10.{n % 256}.{(n >> 8) % 256}.{(n >> 16) % 256}")


def test_token_auth(anon, case, officer):
    response = anon.post(
        "/api/token/", {"email": "Officer@Test.Police.uk", "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 200, response.json()
    token = response.json()["token"]
    # The same token until revoked.
    again = anon.post(
        "/api/token/", {"email": officer.email, "password": "correct-horse-battery"}, format="json"
    )
    assert again.json()["token"] == token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert refs(client.get(LIST_URL)) == [case.reference]
    assert client.get(detail_url(case)).status_code == 200


def test_token_with_wrong_password_or_inactive_user_is_refused(anon, officer, colleague):
    response = anon.post("/api/token/", {"email": officer.email, "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    response = anon.post(
        "/api/token/", {"email": colleague.email, "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 400
    assert (
        anon.post("/api/token/", {"email": "not-an-email", "password": "x"}, format="json").status_code == 400
    )


def test_partner_token_gives_no_case_data(anon, case, partner):
    response = anon.post(
        "/api/token/", {"email": partner.email, "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 403 and "token" not in response.json()  # no token it could not use
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=partner)  # one made before this rule: still no case data
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(LIST_URL).status_code == 403
    assert client.get(detail_url(case)).status_code == 403


def test_bad_token_is_refused(case):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(LIST_URL).status_code in (401, 403)


def test_token_endpoint_shares_the_staff_lock_out(anon, officer):
    # The staff lock-out covers the token endpoint too (ten attempts per account,
    # counted before the password is checked). A made-up X-Forwarded-For on each attempt does not reset
    # the count (no trusted proxy here).
    statuses = [
        anon.post(
            "/api/token/",
            {"email": officer.email, "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    # Locked for the right password too, until the window passes.
    right = anon.post(
        "/api/token/", {"email": officer.email, "password": "correct-horse-battery"}, format="json"
    )
    assert right.status_code == 429


def test_tokens_expire(anon, case, officer, settings):
    import time_machine

    settings.API_TOKEN_LIFETIME_HOURS = 24
    first = anon.post(
        "/api/token/", {"email": officer.email, "password": "correct-horse-battery"}, format="json"
    )
    assert first.status_code == 200 and first.json()["expires_at"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first.json()['token']}")
    assert client.get(LIST_URL).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert client.get(LIST_URL).status_code in (401, 403)
        again = anon.post(
            "/api/token/", {"email": officer.email, "password": "correct-horse-battery"}, format="json"
        )
        assert again.json()["token"] != first.json()["token"]


def test_a_password_change_revokes_the_token(anon, case, officer):
    token = anon.post(
        "/api/token/", {"email": officer.email, "password": "correct-horse-battery"}, format="json"
    ).json()["token"]
    officer.set_password("a new and different passphrase")
    officer.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(LIST_URL).status_code in (401, 403)


def test_staff_see_and_revoke_their_own_token(anon, officer, make_client):
    token = anon.post(
        "/api/token/", {"email": officer.email, "password": "correct-horse-battery"}, format="json"
    ).json()["token"]
    page = make_client(officer)
    html = page.get("/account/api-access/").content.decode()
    assert "Stops working" in html and token not in html  # the key itself is never shown again
    assert page.post("/account/api-access/").status_code == 302
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(LIST_URL).status_code in (401, 403)


def test_the_admin_lists_tokens_without_their_keys_and_can_revoke_them(
    anon, officer, admin_user, make_client
):
    from rest_framework.authtoken.models import Token

    token = anon.post(
        "/api/token/", {"email": officer.email, "password": "correct-horse-battery"}, format="json"
    ).json()["token"]
    admin = make_client(admin_user)
    assert admin.get("/admin/authtoken/tokenproxy/").status_code == 404  # DRF's key-showing list is gone
    html = admin.get("/admin/accounts/user/").content.decode()
    assert officer.email in html and token not in html
    r = admin.post("/admin/accounts/user/", {"action": "revoke_api_tokens", "_selected_action": [officer.pk]})
    assert r.status_code == 302
    assert not Token.objects.filter(user=officer).exists()


def test_a_body_nested_too_deeply_is_a_400_not_a_server_error(anon, officer):
    deep = "[" * 20000 + "]" * 20000
    r = anon.post("/api/token/", deep, content_type="application/json")
    assert r.status_code == 400 and "nested too deeply" in r.json()["detail"]


def test_a_body_over_the_limit_is_413_without_reading_it_all(anon, officer):
    big = '{"email": "' + "a" * (70 * 1024) + '", "password": "x"}'
    r = anon.post("/api/token/", big, content_type="application/json")
    assert r.status_code == 413 and "too large" in r.json()["detail"]
