"""The partner API matches its published schema: schemathesis generates requests for every operation from
/api/partner/schema/ (as the app serves it to a service's key) and checks each answer with its own
checks (never a server error, a documented status code, content type and headers, and a body that fits
the documented schema), in the style of tests/api/test_schemathesis.py (see there for why Hypothesis
drives schemathesis' strategies directly, and for the budget).

Runs:
- with the organisation's key, every operation, requests that fit the schema and requests that break
  it; each request as generated and again aimed at a referral the service has (so that the 200/201
  answers and the lifecycle's 409s are checked, not only 404s);
- with no key: every operation is a 401, never a 5xx.
"""

import itertools
from collections import Counter

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from referrals import keys, services
from referrals.models import Referral, RoutingRule, SupportOrganisation
from tests.contacts.support import person, record

MAX_EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
APP = get_wsgi_application()
OPERATIONS = [
    ("get", "/api/partner/referrals/"),
    ("get", "/api/partner/referrals/{id}/"),
    ("post", "/api/partner/referrals/{id}/acknowledge/"),
    ("post", "/api/partner/referrals/{id}/accept/"),
    ("post", "/api/partner/referrals/{id}/reject/"),
    ("post", "/api/partner/referrals/{id}/support-given/"),
    ("post", "/api/partner/referrals/{id}/support-declined/"),
    ("post", "/api/partner/referrals/{id}/close/"),
    ("post", "/api/partner/referrals/{id}/contact-attempts/"),
    ("post", "/api/partner/referrals/{id}/details-reports/"),
    ("get", "/api/partner/webhook-deliveries/"),
]
_keys = itertools.count()


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


@pytest.fixture
def world(org, officer):
    service = SupportOrganisation.objects.create(
        name="Northtown Victim Care", kind="general", consent_basis="opt_out"
    )
    rule = RoutingRule.objects.create(name="Everyone")
    rule.organisations.add(service)
    refs = []
    for _ in range(2):
        ref = Referral.objects.get(crime=record(officer, people=[person()]))
        services.referral_send(referral=ref, by=officer)
        refs.append(ref.pk)
    _, raw = keys.key_create(organisation=service, name="Fuzzer", by=None)
    return {"ids": refs, "auth": {"Authorization": f"Bearer {raw}"}}


@pytest.fixture
def app():
    """The WSGI app as Django's test client runs it (see tests/api/test_schemathesis.py)."""
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
    if "raw" not in _served:
        loaded = schemathesis.openapi.from_wsgi(
            "/api/partner/schema/?format=json", app, headers=world["auth"]
        )
        _served["raw"] = loaded.raw_schema
    schema = schemathesis.openapi.from_dict(_served["raw"])
    schema.app = app
    return schema


def _aimed_at_real_data(case, world) -> bool:
    params = case.path_parameters or {}
    changed = False
    if "id" in params:
        params["id"] = world["ids"][0]
        changed = True
    body = case.body if isinstance(case.body, dict) else None
    if case.operation.label.endswith("/contact-attempts/") and body is not None:
        body["at"] = timezone.now().isoformat()
    # Each aimed write under a fresh Idempotency-Key, so that it is done (not a replay or a 422).
    headers = case.headers or {}
    if "Idempotency-Key" in headers:
        headers["Idempotency-Key"] = f"fuzz-{next(_keys)}"
    return changed


def _run(operation, mode, check, max_examples: int = MAX_EXAMPLES) -> None:
    @budget(max_examples)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        check(case)

    run()


def test_the_schema_lists_every_operation(api_schema):
    found = sorted((method, path) for path, ops in _served["raw"]["paths"].items() for method in ops)
    assert found == sorted(OPERATIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("mode", MODES, ids=str)
@pytest.mark.parametrize("method,path", OPERATIONS)
def test_every_operation_matches_the_schema_with_a_key(api_schema, world, method, path, mode):
    answers: Counter = Counter()

    def check(case):
        answers[case.call_and_validate(headers=world["auth"], checks=CHECKS).status_code] += 1
        if _aimed_at_real_data(case, world):
            answers[case.call_and_validate(headers=world["auth"], checks=CHECKS).status_code] += 1

    _run(api_schema[path][method.upper()], mode, check)
    assert not [s for s in answers if s >= 500], answers
    if mode == GenerationMode.POSITIVE:
        # The service's own answers were reached and checked, not only the refusals of bad input.
        reached = (200,) if method == "get" else (200, 201, 409)
        assert any(status in reached for status in answers), answers


@pytest.mark.django_db
@pytest.mark.parametrize("method,path", OPERATIONS)
def test_without_a_key_every_operation_is_refused(api_schema, world, method, path):
    def check(case):
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code in (401, 404), response.text  # 404: a path no route matches
        if _aimed_at_real_data(case, world):
            assert case.call_and_validate(checks=CHECKS).status_code == 401

    _run(api_schema[path][method.upper()], GenerationMode.POSITIVE, check, max_examples=5)
