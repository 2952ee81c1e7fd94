"""GET/POST /api/crimes/{ref}/events/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import CaseEvent, Crime
from tests.factories import CrimeFactory
from victimcare.audit.models import AccessRecord


def events_url(crime):
    return f"/api/crimes/{crime.slug}/events/"


def ago(**kwargs):
    return (timezone.now() - timedelta(**kwargs)).isoformat()


@pytest.fixture
def closed_case(case, officer):
    services.event_record(
        crime=case,
        code="CLOSED",
        by=officer,
        occurred_at=timezone.now() - timedelta(hours=1),
        details={
            "closure_reason": "no_suspect",
            "not_told_reason": "Victim moved abroad; no contact details.",
        },
    )
    case.refresh_from_db()
    return case


# --- access matrix ---------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["officer", "colleague", "supervisor", "inspector", "admin_user"])
def test_case_workers_in_scope_list_and_record_events(request, api, case, who):
    user = request.getfixturevalue(who)
    assert api(user).get(events_url(case)).status_code == 200
    response = api(user).post(
        events_url(case), {"code": "ARREST", "occurred_at": ago(hours=1)}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["recorded_by"]["id"] == user.id


def test_outsider_gets_404_and_writes_nothing(api, case, outsider):
    assert api(outsider).get(events_url(case)).status_code == 404
    response = api(outsider).post(
        events_url(case), {"code": "ARREST", "occurred_at": ago(hours=1)}, format="json"
    )
    assert response.status_code == 404
    assert CaseEvent.objects.count() == 0


@pytest.mark.parametrize("who", ["partner", "analyst"])
def test_partners_and_analysts_are_refused(request, api, case, who):
    user = request.getfixturevalue(who)
    assert api(user).get(events_url(case)).status_code == 403
    response = api(user).post(
        events_url(case), {"code": "ARREST", "occurred_at": ago(hours=1)}, format="json"
    )
    assert response.status_code == 403
    assert CaseEvent.objects.count() == 0


def test_anonymous_is_refused(api, case):
    assert api().get(events_url(case)).status_code in (401, 403)
    response = api().post(events_url(case), {"code": "ARREST", "occurred_at": ago(hours=1)}, format="json")
    assert response.status_code in (401, 403)
    assert CaseEvent.objects.count() == 0


def test_restricted_case_events_only_for_named_users(api, org, officer, colleague):
    restricted = CrimeFactory(team=org["team_a1"], oic=officer, is_restricted=True)
    restricted.named_users.add(officer)
    assert api(officer).get(events_url(restricted)).status_code == 200
    assert api(colleague).get(events_url(restricted)).status_code == 404


# --- list ------------------------------------------------------------------------------------------
def test_lists_the_history_oldest_first(api, case, officer, supervisor):
    services.event_record(
        crime=case,
        code="ARREST",
        by=officer,
        occurred_at=timezone.now() - timedelta(hours=5),
        details={"suspect": "J. Doe"},
    )
    services.event_record(
        crime=case,
        code="BAIL",
        by=supervisor,
        occurred_at=timezone.now() - timedelta(hours=2),
        details={"conditions": "Not to contact the victim"},
        note="Bailed to return",
    )
    body = api(officer).get(events_url(case)).json()
    assert body["count"] == 2
    arrest, bail = body["results"]
    assert arrest["code"] == "ARREST"
    assert arrest["label"] == "Suspect arrested"
    assert arrest["details"] == {"suspect": "J. Doe"}
    assert arrest["detail_lines"] == [{"label": "Suspect (name or description)", "value": "J. Doe"}]
    assert arrest["recorded_by"] == {"id": officer.id, "name": officer.display_name}
    assert bail["code"] == "BAIL"
    assert bail["note"] == "Bailed to return"
    assert bail["recorded_by"]["id"] == supervisor.id


def test_event_list_query_count_does_not_grow(api, case, officer, supervisor, django_assert_max_num_queries):
    start = timezone.now() - timedelta(hours=40)
    for i in range(3):
        services.event_record(
            crime=case, code="INTERVIEW", by=officer, occurred_at=start + timedelta(hours=i)
        )
    with django_assert_max_num_queries(3):  # crime, count, page
        assert api(officer).get(events_url(case)).json()["count"] == 3
    for i in range(3, 30):
        services.event_record(
            crime=case, code="INTERVIEW", by=supervisor, occurred_at=start + timedelta(hours=i)
        )
    with django_assert_max_num_queries(3):
        assert api(officer).get(events_url(case)).json()["count"] == 30


def test_event_list_shows_no_victim_data_and_writes_no_access_records(api, case, officer):
    api(officer).get(events_url(case))
    assert AccessRecord.objects.count() == 0


# --- record ----------------------------------------------------------------------------------------
def test_records_an_event_and_moves_the_case_on(api, case, officer):
    response = api(officer).post(
        events_url(case),
        {
            "code": "CHARGED",
            "occurred_at": ago(hours=2),
            "details": {"charges": "ABH contrary to s.47", "court": "Anytown Magistrates"},
            "note": "Charged after interview",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "CHARGED"
    assert body["details"] == {"charges": "ABH contrary to s.47", "court": "Anytown Magistrates"}
    assert body["note"] == "Charged after interview"
    case.refresh_from_db()
    assert case.status == "suspect_charged"
    assert CaseEvent.objects.filter(crime=case).count() == 1


def test_naive_times_are_uk_local_time(api, case, officer):
    when = timezone.localtime(timezone.now() - timedelta(hours=3)).replace(microsecond=0, tzinfo=None)
    response = api(officer).post(
        events_url(case), {"code": "ARREST", "occurred_at": when.isoformat()}, format="json"
    )
    assert response.status_code == 201
    event = CaseEvent.objects.get()
    assert timezone.localtime(event.occurred_at).replace(tzinfo=None) == when


def test_closing_and_reopening(api, case, officer):
    client = api(officer)
    response = client.post(
        events_url(case),
        {
            "code": "CLOSED",
            "occurred_at": ago(hours=3),
            "details": {
                "closure_reason": "evidential_difficulties",
                "not_told_reason": "Victim asked not to be called.",
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == ("closed", "evidential_difficulties")
    response = client.post(
        events_url(case),
        {
            "code": "REOPENED",
            "occurred_at": ago(hours=1),
            "details": {"reason": "New CCTV found"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    case.refresh_from_db()
    assert case.status == "under_investigation"


BAD_EVENTS = {
    "charged on a closed case": (
        {"code": "CHARGED", "occurred_at": ago(minutes=30), "details": {"charges": "ABH"}},
        ["code"],
        "This case is closed",
    ),
    "unknown code": (
        {"code": "TELEPORTED", "occurred_at": ago(minutes=30)},
        ["code"],
        "Unknown event 'TELEPORTED'",
    ),
    "system-only code": ({"code": "RECORDED", "occurred_at": ago(minutes=30)}, ["code"], "Unknown event"),
    "missing code": ({"occurred_at": ago(minutes=30)}, ["code"], "required"),
    "future time": (
        {"code": "REOPENED", "occurred_at": "2999-01-01T10:00:00Z", "details": {"reason": "x"}},
        ["occurred_at"],
        "cannot be in the future",
    ),
    "before the offence": (
        {"code": "REOPENED", "occurred_at": ago(days=30), "details": {"reason": "x"}},
        ["occurred_at"],
        "before the offence",
    ),
    "malformed time": (
        {"code": "REOPENED", "occurred_at": "last Tuesday", "details": {"reason": "x"}},
        ["occurred_at"],
        "wrong format",
    ),
    "missing required detail": (
        {"code": "REOPENED", "occurred_at": ago(minutes=30), "details": {}},
        ["details", "reason"],
        "Enter the reason.",
    ),
    "details not an object": (
        {"code": "REOPENED", "occurred_at": ago(minutes=30), "details": "because"},
        ["details"],
        "dictionary",
    ),
    "oversize note": (
        {"code": "REOPENED", "occurred_at": ago(minutes=30), "details": {"reason": "x"}, "note": "x" * 4001},
        ["note"],
        "4,000 characters or fewer",
    ),
}


@pytest.mark.parametrize("name", list(BAD_EVENTS))
def test_bad_events_are_a_clear_400_and_write_nothing(api, closed_case, officer, name):
    payload, path, message = BAD_EVENTS[name]
    before = (CaseEvent.objects.count(), Crime.objects.get(pk=closed_case.pk).status)
    response = api(officer).post(events_url(closed_case), payload, format="json")
    assert response.status_code == 400, response.json()
    node = response.json()
    for key in path:
        node = node[key]
    assert any(message.lower() in m.lower() for m in node), node
    assert (CaseEvent.objects.count(), Crime.objects.get(pk=closed_case.pk).status) == before


def test_event_that_makes_no_sense_for_an_open_case(api, case, officer):
    # OUTCOME needs the case to be at court; this one is only allocated.
    response = api(officer).post(
        events_url(case),
        {
            "code": "OUTCOME",
            "occurred_at": ago(hours=1),
            "details": {"outcome": "Guilty"},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "while the case is 'Allocated'" in response.json()["code"][0]
    assert CaseEvent.objects.count() == 0


def test_event_that_needs_an_earlier_one(api, case, officer):
    response = api(officer).post(
        events_url(case),
        {
            "code": "BAIL_CHANGED",
            "occurred_at": ago(hours=1),
            "details": {"conditions": "cancelled", "reason": "x"},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "before" in response.json()["code"][0]
    assert CaseEvent.objects.count() == 0


def test_bad_choice_in_details(api, case, officer):
    response = api(officer).post(
        events_url(case),
        {
            "code": "CLOSED",
            "occurred_at": ago(hours=1),
            "details": {"closure_reason": "bored"},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "closure_reason" in response.json()["details"]
    case.refresh_from_db()
    assert case.status == "allocated"


def test_datetime_details_are_stored_as_iso_8601(api, case, officer):
    client = api(officer)
    charged = {"code": "CHARGED", "occurred_at": ago(hours=3), "details": {"charges": "ABH"}}
    assert client.post(events_url(case), charged, format="json").status_code == 201
    response = client.post(
        events_url(case),
        {
            "code": "HEARING_DETAILS",
            "occurred_at": ago(hours=1),
            "details": {
                "hearing_at": "2030-03-04T10:00:00Z",
                "court": "Anytown Crown Court",
                "hearing_type": "trial",
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["details"]["hearing_at"] == "2030-03-04T10:00:00+00:00"
    assert {"label": "Type of hearing", "value": "Trial"} in response.json()["detail_lines"]
    case.refresh_from_db()
    assert case.status == "court"
