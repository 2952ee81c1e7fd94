"""The Django admin obeys the staff pages' visibility rules and audits like them: an administrator not
named on a restricted case sees none of its rows (case events and their notes, duties, access records
with victims' names), and admin pages that show a case's rows write access records."""

import pytest
from django.urls import reverse

from cases import services as case_services
from contacts.models import Obligation
from tests.conftest import signed_in
from tests.contacts.support import person, record, victims
from victimcare.audit.models import AccessAction, AccessRecord


@pytest.fixture
def restricted(officer):
    crime = record(officer, people=[person(first_name="Hidden", last_name="Refuge")], is_restricted=True)
    case_services.event_record(
        crime=crime, code="ARREST", by=officer, occurred_at=crime.reported_at, note="Lives at the refuge"
    )
    AccessRecord.objects.create(
        user=officer,
        action=AccessAction.VICTIM_VIEWED,
        crime=crime,
        person=victims(crime)[0].person,
        path="/x",
    )
    return crime


@pytest.fixture
def admin_client(client, admin_user):
    return signed_in(client, admin_user)


@pytest.mark.django_db
def test_an_admin_not_named_sees_nothing_of_a_restricted_case(restricted, admin_client):
    ob = Obligation.objects.filter(crime=restricted).first()
    event = restricted.events.get(code="ARREST")
    record_ = AccessRecord.objects.get(crime=restricted, person__isnull=False)
    for name in ("cases_caseevent", "contacts_obligation", "audit_accessrecord", "cases_crime"):
        everything = admin_client.get(reverse(f"admin:{name}_changelist"))
        html = everything.content.decode()
        assert restricted.reference not in html and "Refuge" not in html and "refuge" not in html, name
        searched = admin_client.get(reverse(f"admin:{name}_changelist") + f"?q={restricted.reference}")
        assert list(searched.context["cl"].result_list) == [], name
    for name, obj in (
        ("cases_caseevent", event),
        ("contacts_obligation", ob),
        ("audit_accessrecord", record_),
        ("cases_crime", restricted),
    ):
        r = admin_client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
        assert r.status_code == 302, name  # "does not exist": the same as a record that never did


@pytest.mark.django_db
def test_admin_pages_that_show_a_victim_write_access_records(officer, admin_client, admin_user):
    crime = record(officer)
    cv = victims(crime)[0]
    ob = Obligation.objects.filter(crime=crime).first()
    before = AccessRecord.objects.filter(user=admin_user).count()
    assert admin_client.get(reverse("admin:contacts_obligation_change", args=[ob.pk])).status_code == 200
    rows = AccessRecord.objects.filter(user=admin_user, action=AccessAction.ADMIN_VIEWED)
    assert rows.filter(crime=crime, person=cv.person).exists()
    assert admin_client.get(reverse("admin:audit_accessrecord_changelist")).status_code == 200
    assert AccessRecord.objects.filter(user=admin_user).count() > before + 1
