"""The API matches its published schema: schemathesis generates requests for every operation from
/api/schema/ (as the app serves it to a member of staff) and checks each response with its own checks:
never a server error, a documented status code, content type and headers, and a body that fits the
documented schema.

A small, fixed budget so that CI is quick and reproducible: MAX_EXAMPLES per operation and generation
mode (requests that fit the schema, and requests that break it), derandomised (the same requests on
every run), no shrinking (a failure is reported as found, with a curl command that reproduces it) and no
example database.

Three runs over every operation in the schema:
- as an officer with a token (every operation but /api/token/, which takes no authentication and has a
  lock-out of its own): each generated request as it is, and again aimed at real data, so that the
  200/201 answers are checked as well as the 400/404 ones: the path names a crime and a person the
  officer may see; a crime to record gets a fresh reference, the officer's team, a real offence code, past
  dates and one plainly named victim; an event gets a time after the offence and no details;
- with no credentials: every operation answers 401 or 403, never a 5xx;
- /api/token/ on its own: generated sign-ins belong to nobody, so they get a documented refusal (400, or
  429 once the lock-out starts; each test has cache keys of its own, so the lock-out never reaches
  another test).

schemathesis' pytest integration (`schemathesis.pytest.from_fixture(...).parametrize()`) fails under
pytest 9 (it sets `Function._nodeid`, which pytest 9 no longer has), so each operation's strategy is
driven by Hypothesis here; the strategies and the checks are schemathesis' own.
"""

import itertools
from collections import Counter
from datetime import timedelta

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.test_schema import OPERATIONS
from tests.factories import CrimeFactory, PersonFactory

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def budget(max_examples: int = MAX_EXAMPLES) -> settings:
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


APP = get_wsgi_application()
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
STAFF_OPERATIONS = sorted((method, path) for path, method in OPERATIONS if path != "/api/token/")
_references = itertools.count(70000)


@pytest.fixture
def world(officer):
    """Data of the test's own: a crime allocated to the officer whose offence was long ago (so that many
    generated event times fall after it), its victim with the details people often do not give left
    blank (the values the schema once did not allow), and the officer's token."""
    long_ago = timezone.now() - timedelta(days=365 * 40)
    victim = PersonFactory(title="", gender="", ethnicity="", disability="", email="", postcode="")
    crime = CrimeFactory(
        team=officer.team,
        oic=officer,
        status="allocated",
        occurred_at=long_ago,
        reported_at=long_ago,
        victims=[victim],
    )
    return {
        "ref": crime.slug,
        "person_id": crime.victims.get().person_id,
        "team_id": officer.team_id,
        "auth": {"Authorization": f"Token {Token.objects.create(user=officer).key}"},
    }


@pytest.fixture
def app():
    """The WSGI app, as Django's own test client runs it: without closing the database connection at
    the start and end of each request (on PostgreSQL that would end the test's transaction, and with it
    the test's data)."""
    from django.core import signals
    from django.db import close_old_connections

    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield APP
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


_served: dict = {}


@pytest.fixture
def api_schema(app, world):
    """The schema as the app serves it to a member of staff, fetched over WSGI once per run (generating
    it takes a second or two, and it does not depend on the data)."""
    if "raw" not in _served:
        loaded = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=world["auth"])
        _served["raw"] = loaded.raw_schema
    schema = schemathesis.openapi.from_dict(_served["raw"])
    schema.app = app
    return schema


def _aimed_at_real_data(case, world) -> bool:
    """Turn the generated request into one about data the officer may see; False if it names none."""
    changed = False
    params = case.path_parameters or {}
    if "ref" in params:
        params["ref"] = world["ref"]
        changed = True
    if "id" in params:
        params["id"] = world["person_id"]
        changed = True
    body = case.body if isinstance(case.body, dict) else None
    now = timezone.now()
    if case.operation.label == "POST /api/crimes/" and body is not None:
        victims = body.get("victims") if isinstance(body.get("victims"), list) else []
        victim = victims[0] if victims and isinstance(victims[0], dict) else {}
        body.update(
            reference=f"VC/{next(_references)}/26",
            offence="8N",
            team=world["team_id"],
            oic=None,
            occurred_at=(now - timedelta(days=2)).isoformat(),
            occurred_to=None,
            reported_at=(now - timedelta(days=1)).isoformat(),
            victims=[{**victim, "first_name": "Aisha", "last_name": "Khan", "date_of_birth": "1985-03-14"}],
        )
        changed = True
    if case.operation.label == "POST /api/crimes/{ref}/events/" and body is not None:
        body.update(occurred_at=(now - timedelta(hours=1)).isoformat(), details={})
    return changed


def _run(operation, mode, check, max_examples: int = MAX_EXAMPLES) -> None:
    @budget(max_examples)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        check(case)

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("mode", MODES, ids=str)
@pytest.mark.parametrize("method,path", STAFF_OPERATIONS)
def test_every_operation_matches_the_schema_for_an_officer(api_schema, world, method, path, mode):
    answers: Counter = Counter()

    def check(case):
        answers[case.call_and_validate(headers=world["auth"], checks=CHECKS).status_code] += 1
        if _aimed_at_real_data(case, world):
            answers[case.call_and_validate(headers=world["auth"], checks=CHECKS).status_code] += 1

    _run(api_schema[path][method.upper()], mode, check)
    if mode == GenerationMode.POSITIVE:
        # The success answers were checked too, not only the refusals.
        assert any(200 <= status < 300 for status in answers), answers


@pytest.mark.django_db
@pytest.mark.parametrize("method,path", STAFF_OPERATIONS)
def test_without_credentials_every_operation_is_refused(api_schema, world, method, path):
    def check(case):
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code in (401, 403), response.text
        if _aimed_at_real_data(case, world):
            response = case.call_and_validate(checks=CHECKS)
            assert response.status_code in (401, 403), response.text

    # Refused before the input is read, so fewer examples tell as much.
    _run(api_schema[path][method.upper()], GenerationMode.POSITIVE, check, max_examples=10)


@pytest.mark.django_db
@pytest.mark.parametrize("mode", MODES, ids=str)
def test_the_token_endpoint_matches_the_schema(api_schema, mode):
    def check(case):
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code in (400, 429), response.text

    _run(api_schema["/api/token/"]["POST"], mode, check)


def test_every_operation_is_fuzzed():
    """The runs above cover every operation (test_schema checks OPERATIONS is exactly the schema's)."""
    assert sorted(STAFF_OPERATIONS + [("post", "/api/token/")]) == sorted((m, p) for p, m in OPERATIONS)
