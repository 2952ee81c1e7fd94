import pytest

from cases.models import Offence


@pytest.mark.django_db
def test_fresh_migrate_loads_offence_classification():
    assert Offence.objects.count() >= 50
    assert Offence.objects.filter(is_sexual=True).exists()
    for flag in (
        "is_domestic_abuse_eligible",
        "is_violence",
        "is_hate",
        "is_road_death",
        "is_vehicle",
        "is_criminal_damage",
        "is_most_serious",
    ):
        assert Offence.objects.filter(**{flag: True}).exists(), flag


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_refuses_to_change_access_records(officer):
    """The database itself keeps the audit trail append-only, whatever the code does."""
    from django.db import DatabaseError, connection, transaction

    from victimcare.audit.models import AccessRecord

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    AccessRecord.objects.bulk_create([AccessRecord(user=officer, action="case_viewed", path="/x")])
    for sql in ("UPDATE audit_accessrecord SET action = 'x'", "DELETE FROM audit_accessrecord"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql)
    assert AccessRecord.objects.filter(action="case_viewed").count() == 1
