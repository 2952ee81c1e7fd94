"""Who the deadline engine tells, and what they see: restricted cases, cases no longer visible, inactive
staff, odd query strings, audited worklists and back-dated contacts."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services as case_services
from contacts import digest, services
from contacts.scan import tick
from messaging.models import StaffNotification
from victimcare.audit.models import AccessRecord

from .support import NOW, one, record, victims


@pytest.fixture
def restricted(clock, officer, supervisor, inspector):
    """A restricted case (only the officer is named), recorded long ago so duties are overdue."""
    crime = record(officer, is_restricted=True, now=NOW - timedelta(days=40))
    assert list(crime.named_users.all()) == [officer]
    return crime


@pytest.mark.django_db
def test_restricted_case_is_never_announced_to_people_not_named(
    restricted, officer, supervisor, inspector, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tick()
    assert StaffNotification.objects.filter(recipient=officer).exists()
    assert not StaffNotification.objects.filter(recipient__in=[supervisor, inspector]).exists()


@pytest.mark.django_db
def test_inbox_and_digest_hide_cases_no_longer_visible(clock, officer, supervisor, make_client, settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    crime = record(officer, now=NOW - timedelta(days=40))
    tick()
    assert StaffNotification.objects.filter(recipient=supervisor).exists()
    # The case becomes restricted after the notifications were written.
    crime.is_restricted = True
    crime.save(update_fields=["is_restricted"])
    crime.named_users.add(officer)
    html = make_client(supervisor).get(reverse("contacts:inbox")).content.decode()
    assert crime.reference not in html
    digest.digest_run()
    assert not [m for m in mail.outbox if supervisor.email in m.to]


@pytest.mark.django_db
def test_inactive_staff_get_no_notifications_or_digest(clock, officer, supervisor, settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    record(officer, now=NOW - timedelta(days=40))
    supervisor.is_active = False
    supervisor.save(update_fields=["is_active"])
    tick()
    assert not StaffNotification.objects.filter(recipient=supervisor).exists()
    digest.digest_run()
    assert not [m for m in mail.outbox if supervisor.email in m.to]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name,param", [("contacts:team_work", "officer"), ("contacts:contact_new", "obligation")]
)
def test_odd_digits_in_query_strings_are_not_a_500(clock, officer, officer_client, url_name, param):
    crime = record(officer)
    kwargs = {} if url_name == "contacts:team_work" else {"ref": crime.slug, "cv_id": victims(crime)[0].id}
    assert officer_client.get(reverse(url_name, kwargs=kwargs), {param: "²"}).status_code == 200


@pytest.mark.django_db
def test_worklist_names_are_audited(clock, officer, officer_client):
    crime = record(officer)
    officer_client.get(reverse("contacts:my_work"))
    person = victims(crime)[0].person
    assert AccessRecord.objects.filter(action="victim_viewed", person=person, user=officer).exists()


@pytest.mark.django_db
def test_back_dated_contact_cannot_meet_a_later_duty(clock, officer, colleague):
    crime = record(officer)
    case_services.case_allocate(crime=crime, officer=colleague, by=officer)
    intro = one(crime, "OFFICER_INTRODUCTION")
    with pytest.raises(ValidationError) as exc:
        services.contact_log(
            crime_victim=victims(crime)[0],
            by=colleague,
            method="phone",
            outcome="spoke",
            summary="Hello",
            occurred_at=NOW - timedelta(hours=1),
            obligation_ids=[intro.pk],
        )
    assert "before one of the chosen duties began" in exc.value.message_dict["obligations"][0]
    intro.refresh_from_db()
    assert intro.state == "open"
