"""The staff web UI: forms, bad input, audit records and query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases import services
from cases.models import CaseEvent, Crime, Person, VictimChange
from tests.factories import CrimeFactory, PersonFactory, offence
from victimcare.audit.models import AccessRecord


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def crime_post(officer, **over):
    now = timezone.now()
    data = {
        "reference": "VC/54321/26",
        "offence": offence("28E").pk,
        "occurred_at": local(now - timedelta(days=1)),
        "reported_at": local(now - timedelta(hours=20)),
        "location": "12 Acacia Avenue",
        "team": officer.team_id,
        "oic": officer.pk,
        "is_domestic_abuse": "on",
        "victims-TOTAL_FORMS": "1",
        "victims-INITIAL_FORMS": "0",
        "victims-MIN_NUM_FORMS": "1",
        "victims-MAX_NUM_FORMS": "20",
        "victims-0-role": "victim",
        "victims-0-title": "Mr",
        "victims-0-first_name": "Tomasz",
        "victims-0-last_name": "Nowak",
        "victims-0-date_of_birth": "1979-02-03",
        "victims-0-first_language": "Polish",
        "victims-0-interpreter_needed": "on",
        "victims-0-mobile_phone": "07700 900 456",
        "victims-0-email": "tomasz@example.com",
        "victims-0-postcode": "CF10 1AA",
        "victims-0-safe_phone": "on",
    }
    data.update(over)
    return data


@pytest.mark.django_db
class TestRecordCrime:
    def test_record_with_victim(self, officer_client, officer):
        r = officer_client.post(reverse("cases:new"), crime_post(officer))
        crime = Crime.objects.get()
        assert r.status_code == 302 and r["Location"] == crime.get_absolute_url()
        p = crime.victims.get().person
        assert (p.first_name, p.interpreter_needed, p.safe_phone, p.safe_letter) == (
            "Tomasz",
            True,
            True,
            False,
        )
        assert crime.is_domestic_abuse and crime.oic == officer

    def test_add_another_victim_without_javascript(self, officer_client, officer):
        r = officer_client.post(reverse("cases:new"), crime_post(officer, add_victim="1"))
        assert r.status_code == 200 and Crime.objects.count() == 0
        html = r.content.decode()
        assert "Victim 2" in html and 'value="Tomasz"' in html and "There is a problem" not in html
        data = crime_post(
            officer,
            **{
                "victims-TOTAL_FORMS": "2",
                "victims-1-role": "victim",
                "victims-1-first_name": "Ewa",
                "victims-1-last_name": "Nowak",
                "victims-1-first_language": "Polish",
            },
        )
        assert officer_client.post(reverse("cases:new"), data).status_code == 302
        assert Crime.objects.get().victims.count() == 2

    @pytest.mark.parametrize(
        "over,message",
        [
            ({"reference": "nonsense"}, "like VC/12345/26"),
            ({"offence": "999999"}, "Choose an offence from the list"),
            (
                {"occurred_at": "2099-01-01T10:00", "reported_at": "2099-01-02T10:00"},
                "cannot be in the future",
            ),
            ({"occurred_at": "31/02/2026 10:00"}, "Enter a real date and time"),
            ({"victims-0-date_of_birth": "2099-01-01"}, "must be in the past"),
            ({"victims-0-date_of_birth": "1980-02-30"}, "Enter a real date of birth"),
            ({"victims-0-email": "tomasz@"}, "Enter an email address like"),
            ({"victims-0-mobile_phone": "call me"}, "UK phone number"),
            ({"victims-0-postcode": "NOT A CODE"}, "real UK postcode"),
            ({"summary": "x" * 4001}, "Summary must be 4,000 characters or fewer."),
            ({"oic": "999999"}, "Select a valid choice"),
        ],
    )
    def test_bad_input_shows_message_and_saves_nothing(self, officer_client, officer, over, message):
        r = officer_client.post(reverse("cases:new"), crime_post(officer, **over))
        assert r.status_code == 200
        html = r.content.decode()
        assert "There is a problem" in html and message in html, message
        assert Crime.objects.count() == 0 and Person.objects.count() == 0

    def test_reported_before_occurred_and_duplicate(self, officer_client, officer, case):
        now = timezone.now()
        r = officer_client.post(
            reverse("cases:new"), crime_post(officer, reported_at=local(now - timedelta(days=3)))
        )
        assert "cannot be reported before it happened" in r.content.decode()
        r = officer_client.post(reverse("cases:new"), crime_post(officer, reference=case.reference))
        assert "already recorded" in r.content.decode()
        assert Crime.objects.count() == 1

    def test_cannot_record_for_another_team(self, officer_client, officer, outsider):
        r = officer_client.post(reverse("cases:new"), crime_post(officer, team=outsider.team_id, oic=""))
        assert "Select a valid choice" in r.content.decode() and Crime.objects.count() == 0


@pytest.mark.django_db
class TestCasePage:
    def test_shows_victim_and_audits_each_view(self, officer_client, officer, case):
        person = case.victims.get().person
        r = officer_client.get(
            case.get_absolute_url(), HTTP_USER_AGENT="pytest-browser", REMOTE_ADDR="10.1.2.3"
        )
        html = r.content.decode()
        assert escape(person.full_name) in html and escape(person.email) in html and case.reference in html
        records = AccessRecord.objects.filter(crime=case).order_by("id")
        assert [(a.action, a.person_id) for a in records] == [
            ("case_viewed", None),
            ("victim_viewed", person.id),
        ]
        assert (
            records[0].user == officer
            and records[0].ip_address == "10.1.2.3"
            and records[0].user_agent == "pytest-browser"
        )

    def test_access_records_are_append_only(self, officer_client, case):
        officer_client.get(case.get_absolute_url())
        rec = AccessRecord.objects.first()
        with pytest.raises(PermissionError):
            rec.save()
        with pytest.raises(PermissionError):
            AccessRecord.objects.all().delete()
        with pytest.raises(PermissionError):
            AccessRecord.objects.update(action="x")

    def test_repeat_victim_and_enhanced_reasons_shown(self, officer_client, officer):
        p = PersonFactory()
        crime = CrimeFactory(team=officer.team, oic=officer, victims=[p], is_domestic_abuse=True)
        CrimeFactory(team=officer.team, victims=[p])
        html = officer_client.get(crime.get_absolute_url()).content.decode()
        assert "Repeat victim: on 1 other crime." in html
        assert "Victim of domestic abuse" in html

    def test_query_count_is_bounded(self, officer_client, officer, django_assert_max_num_queries):
        crime = CrimeFactory(team=officer.team, oic=officer, victims=[PersonFactory() for _ in range(5)])
        for i in range(20):
            services.event_record(
                crime=crime, code="ARREST", by=officer, occurred_at=timezone.now() - timedelta(hours=i)
            )
        # session, user, crime, victims (+plans), eligibility reasons, events, audit insert, closure days,
        # obligations, contacts, repeat counts, unread count, portal accounts, referrals and the area's
        # support services, survey invitations, answers and wishes: constant whatever the number of
        # victims/events.
        with django_assert_max_num_queries(19):
            assert officer_client.get(crime.get_absolute_url()).status_code == 200

    def test_access_log_for_inspector(self, make_client, inspector, officer, case):
        make_client(officer).get(case.get_absolute_url())
        r = make_client(inspector).get(reverse("cases:access_log", kwargs={"ref": case.slug}))
        assert r.status_code == 200 and officer.email in r.content.decode()


@pytest.mark.django_db
class TestLists:
    def test_my_and_team_cases_with_search_and_filters(self, officer_client, officer, colleague):
        mine = CrimeFactory(
            team=officer.team, oic=officer, victims=[PersonFactory(first_name="Zara", last_name="Quinn")]
        )
        theirs = CrimeFactory(team=officer.team, oic=colleague, is_hate_crime=True)
        html = officer_client.get(reverse("cases:mine")).content.decode()
        assert mine.reference in html and theirs.reference not in html
        html = officer_client.get(reverse("cases:team")).content.decode()
        assert mine.reference in html and theirs.reference in html
        html = officer_client.get(reverse("cases:team"), {"q": "zara quinn"}).content.decode()
        assert mine.reference in html and theirs.reference not in html
        html = officer_client.get(reverse("cases:team"), {"q": mine.slug}).content.decode()
        assert mine.reference in html and theirs.reference not in html
        html = officer_client.get(reverse("cases:team"), {"flags": "is_hate_crime"}).content.decode()
        assert theirs.reference in html and mine.reference not in html
        html = officer_client.get(reverse("cases:team"), {"status": "closed"}).content.decode()
        assert "No cases match your search." in html

    def test_pagination_and_query_count(self, officer_client, officer, django_assert_max_num_queries):
        for _ in range(60):
            CrimeFactory(team=officer.team, oic=officer)
        with django_assert_max_num_queries(8):
            r = officer_client.get(reverse("cases:team"), {"page": 2})
        assert r.status_code == 200 and "Page 2 of 3" in r.content.decode()
        with django_assert_max_num_queries(8):
            officer_client.get(
                reverse("cases:mine"), {"q": "smith", "status": "allocated", "flags": ["is_sensitive"]}
            )


@pytest.mark.django_db
class TestCaseWork:
    def test_record_arrest_from_the_form(self, officer_client, case):
        url = reverse("cases:event_new", kwargs={"ref": case.slug})
        assert "Suspect arrested" in officer_client.get(url).content.decode()
        r = officer_client.post(
            url,
            {
                "code": "ARREST",
                "occurred_at": local(timezone.now() - timedelta(hours=1)),
                "details-suspect": "John Doe",
                "note": "Arrested at home",
            },
        )
        assert r.status_code == 302
        ev = case.events.get()
        assert ev.code == "ARREST" and ev.details == {"suspect": "John Doe"} and ev.note == "Arrested at home"
        case.refresh_from_db()
        assert case.status == "under_investigation"

    def test_event_that_makes_no_sense_is_refused(self, officer_client, officer, case):
        services.event_record(
            crime=case,
            code="CLOSED",
            by=officer,
            occurred_at=timezone.now(),
            details={
                "closure_reason": "no_suspect",
                "not_told_reason": "Victim moved abroad; no contact details.",
            },
        )
        url = reverse("cases:event_new", kwargs={"ref": case.slug})
        r = officer_client.post(
            url, {"code": "CHARGED", "occurred_at": local(timezone.now()), "details-charges": "ABH"}
        )
        assert r.status_code == 200 and "This case is closed" in r.content.decode()
        assert list(case.events.values_list("code", flat=True)) == ["CLOSED"]

    def test_closing_needs_a_reason(self, officer_client, case):
        url = reverse("cases:event_new", kwargs={"ref": case.slug})
        r = officer_client.post(url, {"code": "CLOSED", "occurred_at": local(timezone.now())})
        assert "Choose the closure reason." in r.content.decode() and case.events.count() == 0

    def test_reallocate(self, officer_client, case, colleague, outsider):
        url = reverse("cases:allocate", kwargs={"ref": case.slug})
        r = officer_client.post(url, {"officer": outsider.pk})
        assert r.status_code == 200 and "Select a valid choice" in r.content.decode()
        assert officer_client.post(url, {"officer": colleague.pk, "note": "Leave"}).status_code == 302
        case.refresh_from_db()
        assert case.oic == colleague and case.events.get().code == "REALLOCATED"

    def test_edit_victim_keeps_history_and_audits(self, officer_client, case):
        cv = case.victims.get()
        url = reverse("cases:victim_edit", kwargs={"ref": case.slug, "cv_id": cv.id})
        form = officer_client.get(url).context["form"]
        data = {k: v for k, v in form.initial.items() if v not in (None, False)}
        data.update(email="changed@example.com", postcode="M1 1AE")
        r = officer_client.post(url, data)
        assert r.status_code == 302
        change = VictimChange.objects.get()
        assert change.changes["email"][1] == "changed@example.com" and change.changes["postcode"] == [
            "",
            "M1 1AE",
        ]
        history = officer_client.get(
            reverse("cases:victim_detail", kwargs={"ref": case.slug, "cv_id": cv.id})
        )
        assert "changed@example.com" in history.content.decode()
        actions = set(AccessRecord.objects.filter(person=cv.person).values_list("action", flat=True))
        assert actions == {"victim_viewed", "victim_history_viewed"}

    def test_bad_victim_edit_changes_nothing(self, officer_client, case):
        cv = case.victims.get()
        url = reverse("cases:victim_edit", kwargs={"ref": case.slug, "cv_id": cv.id})
        r = officer_client.post(
            url, {"first_name": "", "last_name": "X", "email": "bad", "first_language": "English"}
        )
        assert r.status_code == 200 and "There is a problem" in r.content.decode()
        cv.person.refresh_from_db()
        assert cv.person.first_name != "" and VictimChange.objects.count() == 0

    def test_needs_assessment_form(self, officer_client, case):
        cv = case.victims.get()
        url = reverse("cases:needs_assessment", kwargs={"ref": case.slug, "cv_id": cv.id})
        r = officer_client.post(
            url, {"mental_disorder": "on", "referral_consent": "given", "practical_needs": "New locks"}
        )
        assert r.status_code == 302
        html = officer_client.get(case.get_absolute_url()).content.decode()
        assert "Vulnerable: mental disorder" in html and "New locks" in html
        r = officer_client.post(url, {"referral_consent": "perhaps"})
        assert r.status_code == 200 and "Select a valid choice" in r.content.decode()

    def test_add_victim(self, officer_client, case):
        url = reverse("cases:victim_add", kwargs={"ref": case.slug})
        r = officer_client.post(
            url,
            {
                "role": "parent_guardian",
                "relationship": "Father",
                "first_name": "Sam",
                "last_name": "Lee",
                "first_language": "English",
            },
        )
        assert r.status_code == 302 and case.victims.count() == 2
        r = officer_client.post(
            url, {"role": "bereaved", "first_name": "Al", "last_name": "Lee", "first_language": "English"}
        )
        assert "how this person is related" in r.content.decode() and case.victims.count() == 2


@pytest.mark.django_db
def test_sign_in_and_out(client, officer):
    r = client.post(reverse("login"), {"username": "officer@test.police.uk", "password": "wrong"})
    assert "Enter a correct email address and password" in r.content.decode()
    r = client.post(
        reverse("login"), {"username": "officer@test.police.uk", "password": "correct-horse-battery"}
    )
    assert r.status_code == 302 and r["Location"] == reverse("contacts:my_work")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("cases:mine")).status_code == 302


@pytest.mark.django_db
def test_events_never_rewritten(case, officer):
    services.event_record(crime=case, code="ARREST", by=officer, occurred_at=timezone.now())
    assert CaseEvent.objects.count() == 1


@pytest.mark.django_db
def test_missing_victim_details_read_not_given(officer_client, officer):
    from tests.contacts.support import person, record

    crime = record(officer, people=[person(email="", mobile_phone="", safe_email=False, safe_phone=False)])
    html = officer_client.get(crime.get_absolute_url()).content.decode()
    assert "Not given" in html and ">None<" not in html
