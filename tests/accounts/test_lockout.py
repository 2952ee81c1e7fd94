"""The staff lock-out: per account, and per address with a higher limit, because a station's staff share
one address behind its gateway (one person's typos must not lock every colleague out)."""

import pytest
from django.core.cache import cache

from tests.factories import UserFactory
from victimcare.accounts.constants import Role

PASSWORD = "correct-horse-battery"


def attempt(client, email, password="wrong"):
    return client.post("/accounts/login/", {"username": email, "password": password})


@pytest.mark.django_db
def test_one_persons_failures_lock_their_account_not_the_station(client, org, settings):
    cache.clear()
    settings.STAFF_SIGN_IN_ACCOUNT_LIMIT, settings.STAFF_SIGN_IN_ADDRESS_LIMIT = 10, 50
    alice, bob = (
        UserFactory(email=f"{n}@test.police.uk", role=Role.OFFICER, team=org["team_a1"])
        for n in ("alice", "bob")
    )
    for _ in range(10):
        attempt(client, alice.email)
    locked = attempt(client, alice.email, PASSWORD)
    assert locked.status_code == 200 and "Too many failed attempts" in locked.content.decode()
    # Bob, at the next desk (the same address), signs in.
    assert attempt(client, bob.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_one_address_guessing_at_many_accounts_is_locked_out(client, org, settings):
    cache.clear()
    settings.STAFF_SIGN_IN_ACCOUNT_LIMIT, settings.STAFF_SIGN_IN_ADDRESS_LIMIT = 10, 12
    victim = UserFactory(email="target@test.police.uk", role=Role.OFFICER, team=org["team_a1"])
    for i in range(12):
        attempt(client, f"guess{i}@test.police.uk")
    refused = attempt(client, victim.email, PASSWORD)
    assert refused.status_code == 200 and "Too many failed attempts" in refused.content.decode()


@pytest.mark.django_db
def test_a_locked_out_officer_retrying_does_not_lock_out_the_station(client, org, settings):
    cache.clear()
    settings.STAFF_SIGN_IN_ACCOUNT_LIMIT, settings.STAFF_SIGN_IN_ADDRESS_LIMIT = 10, 50
    alice, bob = (
        UserFactory(email=f"{n}@test.police.uk", role=Role.OFFICER, team=org["team_a1"])
        for n in ("alice", "bob")
    )
    for _ in range(60):  # 10 checked, then 50 refused while her account is locked
        attempt(client, alice.email)
    assert attempt(client, bob.email, PASSWORD).status_code == 302
