"""Worklists, contact log, plans, waiving, eligibility, care card, absences, cover and inbox pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from contacts.models import Contact, ContactPlan, Obligation
from contacts.scan import tick
from messaging.models import StaffNotification
from tests.factories import UserFactory, offence
from victimcare.accounts.models import Absence
from victimcare.audit.models import AccessRecord

NOW = timezone.now()


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def crime(officer):
    """Recorded ten days ago through the service, so it has real obligations, several overdue."""
    then = NOW - timedelta(days=10)
    return case_services.case_record(
        by=officer,
        reference="VC/70001/26",
        offence=offence("28E"),
        occurred_at=then - timedelta(hours=3),
        reported_at=then - timedelta(hours=1),
        location="1 High St",
        team=officer.team,
        oic=officer,
        victims=[
            case_services.VictimInput(
                person={
                    "first_name": "Rosa",
                    "last_name": "Park",
                    "email": "rosa@example.com",
                    "safe_email": True,
                    "safe_phone": True,
                    "mobile_phone": "07700 900 111",
                }
            )
        ],
        now=then,
    )


def victim_urls(crime):
    cv = crime.victims.get()
    ob = crime.obligations.first()
    kw = {"ref": crime.slug, "cv_id": cv.id}
    return [
        reverse("contacts:contact_new", kwargs=kw),
        reverse("contacts:plan", kwargs=kw),
        reverse("contacts:eligibility_add", kwargs=kw),
        reverse("contacts:care_card", kwargs=kw),
        reverse("contacts:waive", kwargs={"ref": crime.slug, "obligation_id": ob.id}),
    ]


@pytest.mark.django_db
class TestAccess:
    def test_case_pages_are_404_for_outsiders(
        self, crime, make_client, officer, supervisor, outsider, partner, analyst
    ):
        for user, expected in (
            (officer, 200),
            (supervisor, 200),
            (outsider, 404),
            (partner, 404),
            (analyst, 404),
        ):
            c = make_client(user)
            for url in victim_urls(crime):
                assert c.get(url).status_code == expected, (user.email, url)
                if expected == 404:
                    assert c.post(url, {"reason": "x", "summary": "x"}).status_code == 404
        assert Contact.objects.count() == 0

    def test_lists_by_role(self, make_client, officer, partner, analyst, supervisor):
        for name in ("contacts:my_work", "contacts:team_work", "contacts:inbox", "contacts:absences"):
            url = reverse(name)
            assert make_client(officer).get(url).status_code == 200
            assert make_client(partner).get(url).status_code == 403
            assert make_client(analyst).get(url).status_code == 403
            assert make_client(None).get(url).status_code == 302
        assert make_client(officer).get(reverse("contacts:cover")).status_code == 403
        assert make_client(supervisor).get(reverse("contacts:cover")).status_code == 200

    def test_outsider_sees_no_team_work(self, crime, make_client, outsider):
        html = make_client(outsider).get(reverse("contacts:team_work")).content.decode()
        assert crime.reference not in html


@pytest.mark.django_db
class TestWorklists:
    def test_my_work_shows_red_amber_and_links(self, crime, officer_client, django_assert_max_num_queries):
        with django_assert_max_num_queries(10):
            r = officer_client.get(reverse("contacts:my_work"))
        html = r.content.decode()
        assert crime.reference in html and 'data-rag="red"' in html and "Log contact" in html
        assert r.context["counts"]["red"] >= 3

    def test_query_count_does_not_grow(self, officer, officer_client, django_assert_max_num_queries):
        for i in range(15):
            case_services.case_record(
                by=officer,
                reference=f"VC/{71000 + i}/26",
                offence=offence("46"),
                occurred_at=NOW - timedelta(days=2),
                reported_at=NOW - timedelta(days=1),
                location="Shop",
                team=officer.team,
                oic=officer,
                victims=[case_services.VictimInput(person={"first_name": f"V{i}", "last_name": "Test"})],
            )
        with django_assert_max_num_queries(10):
            officer_client.get(reverse("contacts:my_work"))
        with django_assert_max_num_queries(12):
            officer_client.get(reverse("contacts:team_work"), {"overdue": "1"})

    def test_team_work_for_supervisor(self, crime, make_client, supervisor, officer):
        html = (
            make_client(supervisor)
            .get(reverse("contacts:team_work"), {"officer": officer.pk})
            .content.decode()
        )
        assert crime.reference in html and officer.display_name in html


@pytest.mark.django_db
class TestContactLog:
    def test_log_contact_meets_chosen_duty_and_audits(self, crime, officer_client):
        cv = crime.victims.get()
        ob = crime.obligations.get(code="ACKNOWLEDGE")
        url = reverse("contacts:contact_new", kwargs={"ref": crime.slug, "cv_id": cv.id})
        r = officer_client.get(url + f"?obligation={ob.pk}")
        assert r.context["form"].initial["obligations"] == [ob.pk]
        assert AccessRecord.objects.filter(action="victim_viewed", person=cv.person).exists()
        r = officer_client.post(
            url,
            {
                "method": "phone",
                "outcome": "spoke",
                "occurred_at": local(NOW),
                "summary": "Gave crime reference and my details",
                "obligations": [ob.pk],
            },
        )
        assert r.status_code == 302
        ob.refresh_from_db()
        assert ob.state == "met" and ob.met_on_time is False and ob.met_by_contact is not None
        html = officer_client.get(crime.get_absolute_url()).content.decode()
        assert 'data-rag="met-late"' in html and "Gave crime reference" in html

    def test_failed_attempt_meets_nothing(self, crime, officer_client):
        cv = crime.victims.get()
        ob = crime.obligations.get(code="ACKNOWLEDGE")
        url = reverse("contacts:contact_new", kwargs={"ref": crime.slug, "cv_id": cv.id})
        r = officer_client.post(
            url,
            {
                "method": "phone",
                "outcome": "no_answer",
                "occurred_at": local(NOW),
                "summary": "No answer",
                "obligations": [ob.pk],
            },
            follow=True,
        )
        assert "Attempt logged" in r.content.decode()
        ob.refresh_from_db()
        assert ob.state == "open" and Contact.objects.count() == 1

    @pytest.mark.parametrize(
        "over,message",
        [
            ({"occurred_at": "2099-01-01T10:00"}, "cannot be in the future"),
            ({"summary": ""}, "Enter a summary of the contact."),
            ({"method": "pigeon"}, "Choose how you contacted the victim from the list."),
            ({"outcome": "pigeon"}, "Choose what happened from the list."),
            ({"obligations": ["999999"]}, "is not open for this victim any more"),
        ],
    )
    def test_bad_contact_changes_nothing(self, crime, officer_client, over, message):
        cv = crime.victims.get()
        url = reverse("contacts:contact_new", kwargs={"ref": crime.slug, "cv_id": cv.id})
        data = {"method": "phone", "outcome": "spoke", "occurred_at": local(NOW), "summary": "Spoke"}
        data.update(over)
        r = officer_client.post(url, data)
        assert r.status_code == 200 and message in r.content.decode()
        assert Contact.objects.count() == 0

    def test_cannot_meet_another_victims_duty(self, crime, officer, officer_client):
        other = case_services.victim_add(
            crime=crime,
            by=officer,
            victim=case_services.VictimInput(person={"first_name": "Other", "last_name": "Person"}),
        )
        theirs = (
            Obligation.objects.filter(crime_victim=other, state="open")
            .exclude(code__in=["NEEDS_ASSESSMENT", "CONTACT_PLAN", "SUPPORT_REFERRAL"])
            .first()
        )
        cv = crime.victims.exclude(pk=other.pk).get()
        url = reverse("contacts:contact_new", kwargs={"ref": crime.slug, "cv_id": cv.id})
        r = officer_client.post(
            url,
            {
                "method": "phone",
                "outcome": "spoke",
                "occurred_at": local(NOW),
                "summary": "x",
                "obligations": [theirs.pk],
            },
        )
        assert r.status_code == 200 and Contact.objects.count() == 0
        theirs.refresh_from_db()
        assert theirs.state == "open"


@pytest.mark.django_db
class TestPlansAndWaivers:
    def test_plan_agreed_meets_duty_and_unsafe_method_refused(self, crime, officer_client):
        cv = crime.victims.get()
        url = reverse("contacts:plan", kwargs={"ref": crime.slug, "cv_id": cv.id})
        r = officer_client.post(
            url,
            {
                "wants_updates": "yes",
                "method_1": "letter",
                "frequency": "weekly",
                "language": "English",
                "format": "standard",
            },
        )
        assert r.status_code == 200 and "Not marked safe for this victim" in r.content.decode()
        assert not ContactPlan.objects.exists()
        r = officer_client.post(
            url,
            {
                "wants_updates": "yes",
                "method_1": "email",
                "method_2": "phone",
                "frequency": "weekly",
                "language": "English",
                "format": "standard",
            },
        )
        assert r.status_code == 302
        assert ContactPlan.objects.get().methods == ["email", "phone"]
        assert crime.obligations.get(code="CONTACT_PLAN").state == "met"
        update = crime.obligations.get(code="PROGRESS_UPDATE", state="open")
        assert timezone.localdate(update.due_at) == timezone.localdate(update.triggered_at) + timedelta(
            days=7
        )

    def test_waive_needs_reason(self, crime, officer_client):
        ob = crime.obligations.get(code="ACKNOWLEDGE")
        url = reverse("contacts:waive", kwargs={"ref": crime.slug, "obligation_id": ob.pk})
        assert "Enter the reason." in officer_client.post(url, {"reason": ""}).content.decode()
        ob.refresh_from_db()
        assert ob.state == "open"
        assert officer_client.post(url, {"reason": "Acknowledged at the scene in writing"}).status_code == 302
        ob.refresh_from_db()
        assert ob.state == "waived" and ob.closed_reason == "Acknowledged at the scene in writing"

    def test_added_eligibility_shown(self, crime, officer_client):
        cv = crime.victims.get()
        url = reverse("contacts:eligibility_add", kwargs={"ref": crime.slug, "cv_id": cv.id})
        assert (
            officer_client.post(url, {"reason": "Victim is a carer and very distressed"}).status_code == 302
        )
        assert (
            "Victim is a carer and very distressed"
            in officer_client.get(crime.get_absolute_url()).content.decode()
        )

    def test_care_card(self, crime, officer, officer_client):
        cv = crime.victims.get()
        r = officer_client.get(reverse("contacts:care_card", kwargs={"ref": crime.slug, "cv_id": cv.id}))
        html = r.content.decode()
        assert officer.full_name in html and officer.contact_phone in html and crime.reference in html
        assert "What happens next" in html


@pytest.mark.django_db
class TestAbsencesAndCover:
    def test_officer_records_own_absence_not_others(self, officer_client, officer, colleague):
        url = reverse("contacts:absences")
        today = timezone.localdate()
        r = officer_client.post(
            url,
            {"user": officer.pk, "kind": "leave", "starts_on": today, "ends_on": today + timedelta(days=3)},
        )
        assert r.status_code == 302 and Absence.objects.count() == 1
        r = officer_client.post(
            url, {"user": colleague.pk, "kind": "leave", "starts_on": today, "ends_on": today}
        )
        assert r.status_code == 200 and Absence.objects.count() == 1
        r = officer_client.post(
            url,
            {
                "user": officer.pk,
                "kind": "leave",
                "starts_on": today + timedelta(days=5),
                "ends_on": today + timedelta(days=4),
            },
        )
        assert "on or after the first day" in r.content.decode()
        r = officer_client.post(
            url,
            {
                "user": officer.pk,
                "kind": "sickness",
                "starts_on": today + timedelta(days=1),
                "ends_on": today + timedelta(days=2),
            },
        )
        assert "overlaps" in r.content.decode() and Absence.objects.count() == 1

    def test_cover_lists_duties_and_bulk_reallocates(
        self, crime, officer, colleague, supervisor, make_client
    ):
        today = timezone.localdate()
        Absence.objects.create(
            user=officer,
            kind="sickness",
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=10),
        )
        c = make_client(supervisor)
        r = c.get(reverse("contacts:cover"))
        assert crime.reference in r.content.decode()
        away = UserFactory(team=officer.team)
        Absence.objects.create(user=away, kind="leave", starts_on=today, ends_on=today)
        r = c.post(reverse("contacts:cover"), {"crimes": [crime.pk], "officer": away.pk})
        assert "is away" in r.content.decode()
        crime.refresh_from_db()
        assert crime.oic == officer
        r = c.post(reverse("contacts:cover"), {"crimes": [crime.pk], "officer": colleague.pk})
        assert r.status_code == 302
        crime.refresh_from_db()
        assert crime.oic == colleague
        intro = crime.obligations.get(code="OFFICER_INTRODUCTION")
        assert intro.owner == colleague and intro.state == "open"
        assert not crime.obligations.filter(state="open").exclude(owner=colleague).exists()


@pytest.mark.django_db
def test_inbox_shows_escalations_and_marks_read(crime, officer, supervisor, make_client):
    tick(NOW)
    assert StaffNotification.objects.filter(recipient=supervisor, stage="breach").exists()
    c = make_client(supervisor)
    html = c.get(reverse("contacts:inbox")).content.decode()
    assert crime.reference in html and "Overdue" in html
    assert "to do</span>" in c.get(reverse("contacts:my_work")).content.decode()
    # what the inbox showed is no longer new
    assert not StaffNotification.objects.filter(recipient=supervisor, read_at__isnull=True).exists()
