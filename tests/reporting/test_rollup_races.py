"""The roll-up stays equal to a direct count when a crime is reclassified while its duties change in
another transaction (PostgreSQL: two real connections)."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections, transaction

from cases.models import Crime, Offence
from contacts.models import Obligation
from reporting import rollup
from reporting.rollup import Slice
from tests.contacts.support import NOW, record

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
EVERYTHING = Slice(first=date(2020, 1, 1), last=date(2030, 12, 1))


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("The roll-up is kept by PostgreSQL triggers; SQLite counts directly.")


def _reclassify_slowly(crime_id: int, offence_id: int, updated: threading.Event, errors: list):
    try:
        with transaction.atomic():
            Crime.objects.filter(pk=crime_id).update(offence_id=offence_id)
            updated.set()
            time.sleep(1.0)  # the other transaction runs meanwhile
    except Exception as e:  # noqa: BLE001 (reported by the test)
        errors.append(e)
    finally:
        connections.close_all()


@pytest.mark.parametrize("change", ["meet", "insert"])
def test_a_duty_changed_or_made_during_a_reclassification_is_counted_in_the_new_group(officer, change):
    crime = record(officer, now=NOW)
    rollup.fold()
    burglary = Offence.objects.filter(group="burglary").first()
    updated, errors = threading.Event(), []
    t = threading.Thread(target=_reclassify_slowly, args=(crime.pk, burglary.pk, updated, errors))
    t.start()
    assert updated.wait(10)
    ob = Obligation.objects.filter(crime=crime, state="open").first()
    with transaction.atomic():
        if change == "meet":
            Obligation.objects.filter(pk=ob.pk).update(state="met", met_at=NOW, met_on_time=True)
        else:
            ob.pk = None
            ob.code = "ARREST"
            ob.save()
    t.join(10)
    assert not errors
    assert rollup.counts(EVERYTHING, ("offence_group", "outcome")) == rollup.counts(
        EVERYTHING, ("offence_group", "outcome"), direct=True
    )
    assert {k[0] for k in rollup.counts(EVERYTHING, ("offence_group",))} == {"burglary"}
