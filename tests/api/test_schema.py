"""/api/schema/ is complete and valid OpenAPI; /api/docs/ renders."""

import json

import pytest
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

OPERATIONS = {
    ("/api/token/", "post"): "token_obtain",
    ("/api/crimes/", "get"): "crimes_list",
    ("/api/crimes/", "post"): "crimes_create",
    ("/api/crimes/{ref}/", "get"): "crimes_retrieve",
    ("/api/crimes/{ref}/events/", "get"): "crimes_events_list",
    ("/api/crimes/{ref}/events/", "post"): "crimes_events_create",
    ("/api/victims/", "get"): "victims_list",
    ("/api/victims/{id}/", "get"): "victims_retrieve",
}


@pytest.fixture
def schema(officer_client):
    response = officer_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_valid_openapi(schema):
    validate_schema(schema)  # raises on an invalid document


def test_schema_lists_every_operation(schema):
    found = {
        (path, method): op["operationId"]
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if path.startswith("/api/")
    }
    assert found == OPERATIONS


def test_schema_documents_filters_errors_and_auth(schema):
    params = {p["name"] for p in schema["paths"]["/api/crimes/"]["get"]["parameters"]}
    assert params >= {
        "status",
        "team",
        "bcu",
        "oic",
        "offence",
        "offence_group",
        "is_domestic_abuse",
        "is_hate_crime",
        "is_sensitive",
        "is_restricted",
        "recorded_after",
        "recorded_before",
        "q",
        "mine",
        "page",
        "page_size",
    }
    assert {"crime", "name"} <= {p["name"] for p in schema["paths"]["/api/victims/"]["get"]["parameters"]}
    assert {"201", "400", "403"} <= set(schema["paths"]["/api/crimes/"]["post"]["responses"])
    assert "404" in schema["paths"]["/api/crimes/{ref}/"]["get"]["responses"]
    assert set(schema["components"]["securitySchemes"]) == {"cookieAuth", "tokenAuth"}
    victim_fields = schema["components"]["schemas"]["NewVictimRequest"]["properties"]
    assert {"role", "relationship", "first_name", "last_name", "date_of_birth", "email", "postcode"} <= set(
        victim_fields
    )
    list_row = schema["components"]["schemas"]["CrimeListItem"]["properties"]
    assert "victims" not in list_row
    assert "first_name" not in json.dumps(list_row)


def test_spectacular_validates_without_warnings(tmp_path, db):
    # The same check as `manage.py spectacular --validate --fail-on-warn` in CI.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3.")


def test_docs_page_renders(officer_client):
    response = officer_client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_are_for_staff_only(officer_client, make_client, analyst, url):
    from django.test import Client

    assert Client().get(url).status_code in (401, 403)
    assert make_client(analyst).get(url).status_code == 403
    assert officer_client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_api_root_lists_the_endpoints_for_staff(officer_client):
    from django.test import Client

    r = officer_client.get("/api/")
    assert r.status_code == 200 and r.json()["crimes"].endswith("/api/crimes/")
    assert Client().get("/api/").status_code in (401, 403)
