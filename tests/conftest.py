"""Shared fixtures: an organisation with an officer, their supervisor, their inspector, an outsider (an
officer in another BCU), a partner and an analyst; clients signed in as each.

Set VC_REQUIRE_SERVICES=1 (CI does) to turn every skipped test into a failure, so a missing PostgreSQL,
Redis or Chromium can never pass silently.
"""

import os

import pytest

from victimcare.accounts.constants import Role

from .factories import BCUFactory, CrimeFactory, TeamFactory, UserFactory

STRICT = os.environ.get("VC_REQUIRE_SERVICES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"Skipped in strict mode (VC_REQUIRE_SERVICES=1): {reason}"


@pytest.fixture(autouse=True)
def _default_language():
    """LocaleMiddleware activates the request's language on the thread and leaves it there; a Welsh portal
    request in one test must not make the next test's messages Welsh."""
    from django.utils import translation

    translation.activate("en-gb")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _own_cache_keys(settings):
    """Each test sees a cache of its own (lock-outs, throttles): the same backend (Redis in CI) under a
    key prefix of its own, so one test's failed sign-ins never lock out another's, and nothing is flushed
    (in CI the Redis server also carries the Celery broker)."""
    import uuid

    settings.CACHES = {
        name: {**conf, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}
        for name, conf in settings.CACHES.items()
    }


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def org(db):
    """Two BCUs; BCU A has teams A1 and A2, BCU B has team B1."""
    bcu_a, bcu_b = BCUFactory(name="North BCU", code="north"), BCUFactory(name="South BCU", code="south")
    return {
        "bcu_a": bcu_a,
        "bcu_b": bcu_b,
        "team_a1": TeamFactory(bcu=bcu_a, name="A1 Response"),
        "team_a2": TeamFactory(bcu=bcu_a, name="A2 CID"),
        "team_b1": TeamFactory(bcu=bcu_b, name="B1 Response"),
    }


@pytest.fixture
def officer(org):
    return UserFactory(
        email="officer@test.police.uk",
        role=Role.OFFICER,
        team=org["team_a1"],
        first_name="Olive",
        last_name="Officer",
    )


@pytest.fixture
def colleague(org):
    """Another officer in the same team."""
    return UserFactory(email="colleague@test.police.uk", role=Role.OFFICER, team=org["team_a1"])


@pytest.fixture
def supervisor(org):
    user = UserFactory(
        email="sergeant@test.police.uk", role=Role.SUPERVISOR, team=org["team_a1"], shoulder_number="PS20"
    )
    org["team_a1"].supervisors.add(user)
    return user


@pytest.fixture
def inspector(org):
    user = UserFactory(
        email="inspector@test.police.uk", role=Role.INSPECTOR, team=None, shoulder_number="I30"
    )
    org["bcu_a"].inspectors.add(user)
    return user


@pytest.fixture
def outsider(org):
    """An officer in another BCU: must see nothing of BCU A's cases."""
    return UserFactory(email="outsider@test.police.uk", role=Role.OFFICER, team=org["team_b1"])


@pytest.fixture
def partner(org):
    return UserFactory(email="partner@support.org.uk", role=Role.PARTNER, team=None, shoulder_number="")


@pytest.fixture
def analyst(org):
    return UserFactory(email="analyst@test.police.uk", role=Role.ANALYST, team=None, shoulder_number="")


@pytest.fixture
def admin_user(org):
    return UserFactory(
        email="admin@test.police.uk", role=Role.ADMIN, team=None, is_staff=True, is_superuser=True
    )


@pytest.fixture
def case(officer):
    """A crime in team A1 allocated to the officer, with one victim."""
    return CrimeFactory(team=officer.team, oic=officer, status="allocated")


def signed_in(client, user):
    """Sign the client in as a member of staff, past two-factor sign-in where their role requires it (an
    authenticator app is set up for them and the session marked verified, as a real sign-in would)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from victimcare.accounts import two_factor

    client.force_login(user)
    if two_factor.required_for(user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": two_factor.APP_DEVICE}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _client_for(client, user):
    return signed_in(client, user)


@pytest.fixture
def officer_client(client, officer):
    return _client_for(client, officer)


@pytest.fixture
def make_client(db):
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            signed_in(c, user)
        return c

    return make


@pytest.fixture
def redis_url():
    """A reachable Redis for real-worker tests (REDIS_URL); skipped without one (a failure in CI)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL not set: the real-worker test needs Redis")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except Exception as e:  # noqa: BLE001
        pytest.skip(f"Redis not reachable at {url}: {e}")
    return url
