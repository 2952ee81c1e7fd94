"""Bad input is refused with a clear message and changes nothing, in the UI and the API; and no stored
value can make a page fail (victimcare.core.dates bounds every date and time anyone may type)."""

import pytest
from django.urls import reverse

from cases.models import CaseEvent, Crime
from tests.contacts.support import record


@pytest.mark.django_db
def test_record_crime_refuses_an_offence_date_of_year_one(officer_client, officer):
    from cases.models import Offence

    data = {
        "reference": "VC/71111/26",
        "offence": Offence.objects.get(code="8N").pk,
        "occurred_at": "0001-01-01T10:00",
        "reported_at": "2026-11-02T10:00",
        "location": "Market Street",
        "team": officer.team_id,
        "victims-TOTAL_FORMS": "1",
        "victims-INITIAL_FORMS": "0",
        "victims-0-role": "victim",
        "victims-0-first_name": "Aisha",
        "victims-0-last_name": "Khan",
    }
    r = officer_client.post(reverse("cases:new"), data)
    assert r.status_code in (200, 400)
    assert "Enter a date between 1900 and 2099" in r.content.decode()
    assert not Crime.objects.filter(reference="VC/71111/26").exists()


@pytest.mark.django_db
def test_a_superscript_form_count_is_not_a_server_error(officer_client):
    r = officer_client.post(reverse("cases:new"), {"add_victim": "1", "victims-TOTAL_FORMS": "²"})
    assert r.status_code == 200


@pytest.mark.django_db
def test_event_dates_out_of_range_are_refused_in_the_ui_and_the_api(officer_client, officer):
    crime = record(officer)
    before = CaseEvent.objects.filter(crime=crime).count()
    url = reverse("cases:event_new", kwargs={"ref": crime.slug}) + "?code=BAIL"
    r = officer_client.post(
        url,
        {
            "code": "BAIL",
            "occurred_at": crime.reported_at.strftime("%Y-%m-%dT%H:%M"),
            "details-return_at": "0001-01-01T10:00",
            "details-conditions": "Not to contact the victim",
        },
    )
    assert "Enter a date between 1900 and 2099" in r.content.decode()
    api = officer_client.post(
        f"/api/crimes/{crime.slug}/events/",
        {"code": "BAIL", "occurred_at": "0001-01-01T10:00:00Z", "details": {}},
        content_type="application/json",
    )
    assert api.status_code == 400
    api = officer_client.post(
        f"/api/crimes/{crime.slug}/events/",
        {
            "code": "BAIL",
            "occurred_at": crime.reported_at.isoformat(),
            "details": {"return_at": "9999-12-31T23:59:00+00:00", "conditions": "x"},
        },
        content_type="application/json",
    )
    assert api.status_code == 400 and "between 1900 and 2099" in api.content.decode()
    assert CaseEvent.objects.filter(crime=crime).count() == before


@pytest.mark.django_db
def test_a_stored_extreme_date_cannot_break_the_case_page_or_the_api(officer_client, officer):
    """A value stored before the bounds existed (events are append-only, so it stays for good)."""
    crime = record(officer)
    CaseEvent.objects.create(
        crime=crime,
        code="BAIL",
        occurred_at=crime.reported_at,
        recorded_by=officer,
        details={"return_at": "0001-01-01T00:00:00+00:00", "conditions": "x"},
    )
    assert officer_client.get(crime.get_absolute_url()).status_code == 200
    assert officer_client.get(f"/api/crimes/{crime.slug}/events/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2026-11-01T00:00:00+16:00", "0001-01-01T00:00:00Z", "9999-01-01"])
def test_api_date_filters_refuse_impossible_values(officer_client, value):
    r = officer_client.get("/api/crimes/", {"recorded_before": value})
    assert r.status_code == 400


@pytest.mark.django_db
def test_a_form_sent_empty_says_what_is_missing_and_changes_nothing(officer_client, officer):
    """A POST with no fields at all is validated like any other (it was left unbound: no errors shown)."""
    from contacts.models import Contact
    from victimcare.accounts.models import Absence

    crime = record(officer)
    cv = crime.victims.get()
    before = (Contact.objects.count(), Absence.objects.count(), crime.victims.count())
    for url in (
        reverse("cases:victim_add", kwargs={"ref": crime.slug}),
        reverse("cases:victim_edit", kwargs={"ref": crime.slug, "cv_id": cv.pk}),
        reverse("contacts:absences"),
    ):
        r = officer_client.post(url, {})
        assert r.status_code in (200, 400), url
        page = r.content.decode()
        assert "There is a problem" in page and "govuk-error-message" in page, url
    assert (Contact.objects.count(), Absence.objects.count(), crime.victims.count()) == before


@pytest.mark.django_db
def test_a_duty_met_while_the_contact_form_was_open_is_said_in_words(officer_client, officer):
    from contacts.models import Contact, Obligation

    crime = record(officer)
    cv = crime.victims.get()
    duty = (
        Obligation.objects.filter(crime=crime, state="open")
        .exclude(code__in=["NEEDS_ASSESSMENT", "CONTACT_PLAN"])
        .first()
    )
    url = reverse("contacts:contact_new", kwargs={"ref": crime.slug, "cv_id": cv.pk})
    Obligation.objects.filter(pk=duty.pk).update(state="waived", closed_reason="Someone else closed it.")
    r = officer_client.post(
        url,
        {
            "method": "phone",
            "outcome": "spoke",
            "occurred_at": "2026-11-02T10:00",
            "summary": "Told them.",
            "obligations": [duty.pk],
        },
    )
    page = r.content.decode()
    assert "is not open for this victim any more" in page
    assert "Select a valid choice" not in page and "is not one of the available choices" not in page
    assert not Contact.objects.filter(crime=crime).exists()
