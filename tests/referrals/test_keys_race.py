"""Against PostgreSQL: an organisation's key limit holds when keys are made at the same moment, even its
first ones (there is no key row to lock then: the organisation's row is locked instead)."""

import pytest

from referrals import keys
from referrals.models import PartnerKey, SupportOrganisation


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_keys_made_at_once_stay_within_the_limit():
    from concurrent.futures import ThreadPoolExecutor

    from django.core.exceptions import ValidationError
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for concurrent transactions (set DATABASE_URL)")
    org = SupportOrganisation.objects.create(name="Racing Victim Care", kind="general")

    def go(n):
        try:
            keys.key_create(organisation=org, name=f"Key {n}", by=None)
            return True
        except ValidationError:
            return False
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(go, range(keys.MAX_ACTIVE + 3)))
    assert sum(made) == keys.MAX_ACTIVE
    assert PartnerKey.objects.filter(organisation=org, revoked_at__isnull=True).count() == keys.MAX_ACTIVE
