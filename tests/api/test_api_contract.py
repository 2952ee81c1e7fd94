"""What schemathesis found (tests/api/test_schemathesis.py), each pinned by a plain test: the published
schema is true about blank values, list errors and addresses that match no route; and event details
whose keys collide once errors are nested like the input are refused with a clear message, never a
server error."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import CaseEvent
from tests.factories import CrimeFactory, PersonFactory
from victimcare.core.api_errors import _nest


@pytest.fixture
def schema(officer_client):
    response = officer_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _ago(**kwargs) -> str:
    return (timezone.now() - timedelta(**kwargs)).isoformat()


# --- blank values are documented where the API returns them ------------------------------------------
def _allows_blank(prop: dict, schemas: dict) -> bool:
    """Whether a property's schema accepts "" (through BlankEnum, or an empty-string alternative)."""
    options = prop.get("oneOf") or prop.get("anyOf") or prop.get("allOf") or [prop]
    for option in options:
        if "$ref" in option:
            option = schemas[option["$ref"].rsplit("/", 1)[1]]
        if "" in option.get("enum", []) or option.get("maxLength") == 0:
            return True
        if option.get("type") == "string" and not ({"enum", "format", "pattern", "minLength"} & set(option)):
            return True
    return False


BLANKABLE = {
    "Person": ["title", "gender", "ethnicity", "disability", "preferred_contact_method", "email", "postcode"],
    "Victim": ["title", "disability", "email"],
    "CrimeDetail": ["closure_reason"],
}


@pytest.mark.parametrize("component,fields", BLANKABLE.items())
def test_fields_that_may_be_blank_are_documented_as_such(schema, component, fields):
    schemas = schema["components"]["schemas"]
    props = schemas[component]["properties"]
    assert [f for f in fields if not _allows_blank(props[f], schemas)] == []


def test_a_person_with_details_not_given_is_returned_with_blanks(api, officer):
    """The values the schema now allows are the ones the API really returns."""
    person = PersonFactory(title="", gender="", ethnicity="", disability="", email="", postcode="")
    CrimeFactory(team=officer.team, oic=officer, victims=[person])
    body = api(officer).get(f"/api/victims/{person.pk}/").json()
    assert {k: body[k] for k in ("title", "gender", "ethnicity", "disability", "email", "postcode")} == {
        "title": "",
        "gender": "",
        "ethnicity": "",
        "disability": "",
        "email": "",
        "postcode": "",
    }


# --- list operations document their 400 and 404 --------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/crimes/", "/api/victims/"])
def test_list_operations_document_bad_filters_and_pages(schema, path):
    assert {"200", "400", "401", "403", "404"} <= set(schema["paths"][path]["get"]["responses"])


@pytest.mark.parametrize(
    "query,status,key",
    [
        ({"team": "abc"}, 400, "team"),
        ({"status": "nonsense"}, 400, "status"),
        ({"page": "999"}, 404, "detail"),
        # values that used to be quietly ignored (schemathesis's negative-data check): refused, in words
        ({"is_hate_crime": "-2652"}, 400, "is_hate_crime"),
        ({"mine": "perhaps"}, 400, "mine"),
        ({"page_size": "false"}, 400, "page_size"),
        ({"page_size": "4250356247592.18"}, 400, "page_size"),
        ({"page_size": "0"}, 400, "page_size"),
        ({"page_size": "201"}, 400, "page_size"),
    ],
)
def test_a_bad_filter_or_page_is_a_json_answer(api, officer, query, status, key):
    response = api(officer).get("/api/crimes/", query)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert key in response.json()


def test_good_flags_and_page_sizes_still_work(api, officer):
    for query in (
        {"is_hate_crime": "true"},
        {"is_hate_crime": "0"},
        {"page_size": "1"},
        {"page_size": "200"},
    ):
        assert api(officer).get("/api/crimes/", query).status_code == 200, query
    refused = api(officer).get("/api/crimes/", {"page_size": "x"}).json()
    assert refused["page_size"] == ["Enter a whole number from 1 to 200."]
    assert api(officer).get("/api/crimes/", {"is_sensitive": "x"}).json()["is_sensitive"] == [
        "Enter true or false."
    ]


def test_the_page_size_bounds_are_documented(schema):
    params = {p["name"]: p for p in schema["paths"]["/api/crimes/"]["get"]["parameters"]}
    assert params["page_size"]["schema"]["minimum"] == 1 and params["page_size"]["schema"]["maximum"] == 200


# --- an API address that matches no route is a JSON 404 ------------------------------------------------
@pytest.mark.parametrize(
    "url", ["/api/victims/-1/", "/api/victims/abc/", "/api/crimes/not-a-ref/", "/api/crimes/X/events/"]
)
def test_an_api_address_that_matches_no_route_is_a_json_404(officer_client, url):
    response = officer_client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_elsewhere_a_missing_page_is_still_the_page(officer_client):
    response = officer_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_person_id_is_documented_as_a_whole_number_from_zero(schema):
    (param,) = [p for p in schema["paths"]["/api/victims/{id}/"]["get"]["parameters"] if p["name"] == "id"]
    assert param["schema"] == {"type": "integer", "minimum": 0}


# --- event details with colliding keys -----------------------------------------------------------------
@pytest.mark.parametrize(
    "details",
    [
        {"x": [1], "x.y": [1]},  # once a 500: the message list for "x" met the nested "x.y"
        {"x.y": [1], "x": [1]},  # the same the other way round: one message was lost
        {"suspect": [1], "suspect.a": {}},  # a real detail name beside a dotted one
        {"__all__": "x"},  # collided with the details' own whole-object messages
        {"suspcet": "Tall man in a red coat"},  # misspelt: once dropped without a word (201)
    ],
)
def test_event_details_with_unknown_or_colliding_keys_are_refused(api, officer, case, details):
    response = api(officer).post(
        f"/api/crimes/{case.slug}/events/",
        {"code": "ARREST", "occurred_at": _ago(hours=1), "details": details},
        format="json",
    )
    assert response.status_code == 400, response.content
    (message,) = response.json()["details"]["non_field_errors"]
    assert message.startswith("'Suspect arrested' has no detail called '")
    assert message.endswith("Its details are: suspect.")
    assert CaseEvent.objects.filter(crime=case).count() == 0


def test_event_details_keep_working_with_their_own_names(api, officer, case):
    response = api(officer).post(
        f"/api/crimes/{case.slug}/events/",
        {"code": "ARREST", "occurred_at": _ago(hours=1), "details": {"suspect": "Tall man"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["details"] == {"suspect": "Tall man"}


@pytest.mark.parametrize(
    "errors,nested",
    [
        ({"victims.0.email": ["a"]}, {"victims": {"0": {"email": ["a"]}}}),
        (
            {"__all__": ["a"], "details.__all__": ["b"]},
            {"non_field_errors": ["a"], "details": {"non_field_errors": ["b"]}},
        ),
        (
            {"details.x": ["a"], "details.x.y": ["b"]},
            {"details": {"x": {"non_field_errors": ["a"], "y": ["b"]}}},
        ),
        (
            {"details.x.y": ["b"], "details.x": ["a"]},
            {"details": {"x": {"y": ["b"], "non_field_errors": ["a"]}}},
        ),
        (
            {"details": ["a"], "details.reason": ["b"]},
            {"details": {"non_field_errors": ["a"], "reason": ["b"]}},
        ),
    ],
)
def test_nested_errors_keep_every_message_when_keys_collide(errors, nested):
    assert _nest(errors) == nested
