"""The one change-history mechanism (victimcare.core.history): every history reads in words, whoever
made the change, for victims' details, contact plans and property alike."""

import pytest
from django.urls import reverse

from cases.models import PropertyItem, PropertyItemChange, VictimChange
from contacts import services as contacts
from contacts.models import ContactPlanChange
from tests.contacts.support import person, record, victims


@pytest.mark.django_db
def test_victim_history_names_fields_and_values_in_words(officer, officer_client):
    cv = victims(record(officer, people=[person(safe_email=False)]))[0]
    url = reverse("cases:victim_edit", kwargs={"ref": cv.crime.slug, "cv_id": cv.id})
    data = {
        k: v for k, v in officer_client.get(url).context["form"].initial.items() if v not in (None, False)
    }
    data.update(safe_email="on", preferred_contact_method="email")
    assert officer_client.post(url, data).status_code == 302
    change = VictimChange.objects.get()
    assert ("Email is safe", "No", "Yes") in change.readable_changes()
    page = officer_client.get(reverse("cases:victim_detail", kwargs={"ref": cv.crime.slug, "cv_id": cv.id}))
    html = page.content.decode()
    assert "Email is safe" in html and "safe_email" not in html and "True" not in html


@pytest.mark.django_db
def test_plan_history_names_methods_and_frequencies_in_words(officer):
    cv = victims(record(officer))[0]
    contacts.plan_save(crime_victim=cv, by=officer, data={"methods": ["phone"], "frequency": "every_28_days"})
    contacts.plan_save(
        crime_victim=cv, by=officer, data={"methods": ["email", "phone"], "frequency": "weekly"}
    )
    lines = ContactPlanChange.objects.get().readable_changes()
    assert ("Methods", "Phone call", "Email, Phone call") in lines
    assert ("Frequency", "Every 28 days", "Every week") in lines
    assert ContactPlanChange.objects.get().who == officer.display_name


@pytest.mark.django_db
def test_property_history_is_a_row_per_change_in_the_same_shape(officer):
    cv = victims(record(officer))[0]
    item = PropertyItem.objects.create(crime=cv.crime, crime_victim=cv, description="Bike")
    PropertyItemChange.objects.create(item=item, by_victim=True, changes={"value_pounds": ["", "899.99"]})
    change = item.changes.get()
    assert change.who == "The victim (portal)"
    assert change.readable_changes() == [("Value in pounds", "(blank)", "899.99")]
