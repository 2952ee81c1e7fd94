"""Fixtures the partner tests share: a service routed for BCU A's crimes, and a rival service (the outsider
who must see none of its referrals)."""

import pytest

from referrals.models import RoutingRule, SupportOrganisation


@pytest.fixture
def service(org):
    s = SupportOrganisation.objects.create(
        name="Northtown Victim Care", kind="general", consent_basis="opt_out", phone="0300 303 0000"
    )
    rule = RoutingRule.objects.create(name="Everyone in North BCU")
    rule.bcus.add(org["bcu_a"])
    rule.organisations.add(s)
    return s


@pytest.fixture
def rival_service(org):
    return SupportOrganisation.objects.create(name="Southtown Victim Care", kind="general")
