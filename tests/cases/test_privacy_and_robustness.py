"""Privacy and robustness of recording cases: repeat-victim matching never reaches beyond what the recorder
can see, UK dates, bad event details, the staff lock-out and what the admin may change."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Person, VictimChange
from tests.conftest import signed_in
from tests.factories import CrimeFactory, PersonFactory, offence

NOW = timezone.now()


def record(by, reference, person, team=None):
    return services.case_record(
        by=by,
        reference=reference,
        offence=offence("8N"),
        occurred_at=NOW - timedelta(days=2),
        reported_at=NOW - timedelta(days=1),
        location="Somewhere",
        team=team or by.team,
        victims=[services.VictimInput(person=person)],
    )


@pytest.mark.django_db
class TestRepeatVictimMatchingIsScoped:
    def test_outsider_cannot_reach_a_hidden_victim_by_name_and_birth_date(
        self, officer, outsider, make_client
    ):
        secret = PersonFactory(
            first_name="Jane",
            last_name="Secret",
            date_of_birth=date(1980, 1, 1),
            address_line_1="1 Refuge Road",
            email="jane@example.com",
        )
        restricted = CrimeFactory(team=officer.team, oic=officer, victims=[secret], is_restricted=True)
        restricted.named_users.add(officer)
        crime = record(
            outsider,
            "VC/60001/26",
            {
                "first_name": "Jane",
                "last_name": "Secret",
                "date_of_birth": date(1980, 1, 1),
                "email": "abuser@example.com",
            },
        )
        new_person = crime.victims.get().person
        assert new_person.pk != secret.pk
        secret.refresh_from_db()
        assert secret.email == "jane@example.com" and secret.address_line_1 == "1 Refuge Road"
        html = make_client(outsider).get(crime.get_absolute_url()).content.decode()
        assert "Refuge Road" not in html and "Repeat victim" not in html

    def test_visible_match_applies_typed_changes_with_history(self, officer, officer_client):
        p = PersonFactory(
            first_name="Ann", last_name="Bee", date_of_birth=date(1990, 2, 2), mobile_phone="07700 900 222"
        )
        CrimeFactory(team=officer.team, victims=[p])
        crime = record(
            officer,
            "VC/60002/26",
            {
                "first_name": "Ann",
                "last_name": "Bee",
                "date_of_birth": date(1990, 2, 2),
                "mobile_phone": "07700 900 333",
            },
        )
        p.refresh_from_db()
        assert crime.victims.get().person_id == p.pk and p.mobile_phone == "07700 900 333"
        change = VictimChange.objects.get(person=p)
        assert (
            change.changes == {"mobile_phone": ["07700 900 222", "07700 900 333"]} and change.crime == crime
        )
        assert (
            "Repeat victim: on 1 other crime."
            in officer_client.get(crime.get_absolute_url()).content.decode()
        )

    def test_history_only_from_visible_cases(self, officer, outsider, make_client):
        p = PersonFactory()
        mine = CrimeFactory(team=officer.team, oic=officer, victims=[p])
        theirs = CrimeFactory(team=outsider.team, victims=[p])
        services.victim_update(person=p, by=outsider, crime=theirs, data={"address_line_1": "9 New Street"})
        cv = mine.victims.get()
        url = reverse("cases:victim_detail", kwargs={"ref": mine.slug, "cv_id": cv.id})
        html = make_client(officer).get(url).content.decode()
        assert "9 New Street" not in html


@pytest.mark.django_db
def test_age_at_offence_uses_the_uk_date(officer):
    london = ZoneInfo("Europe/London")
    person = PersonFactory(date_of_birth=date(2008, 6, 15))
    crime = CrimeFactory(
        team=officer.team,
        victims=[person],
        occurred_at=datetime(2026, 6, 15, 0, 30, tzinfo=london),
        reported_at=datetime(2026, 6, 15, 9, 0, tzinfo=london),
    )
    cv = crime.victims.get()
    cv.refresh_from_db()
    assert cv.age_at_offence == 18


@pytest.mark.django_db
@pytest.mark.parametrize("value", [5, ["x"], {"a": 1}])
def test_non_text_event_details_are_a_clear_error(officer, case, value):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.event_record(
            crime=case,
            code="BAIL",
            by=officer,
            occurred_at=NOW,
            details={"conditions": value} if not isinstance(value, int) else {"return_at": value},
        )
    assert exc.value.message_dict
    assert case.events.count() == 0


@pytest.mark.django_db
def test_sign_in_locks_out_after_repeated_failures(client, officer):
    from django.core.cache import cache

    cache.clear()
    for _ in range(10):
        client.post(reverse("login"), {"username": officer.email, "password": "wrong"})
    r = client.post(reverse("login"), {"username": officer.email, "password": "correct-horse-battery"})
    assert "Too many failed attempts" in r.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


@pytest.mark.django_db
def test_admin_cannot_reassign_or_unrestrict_cases(client, admin_user, officer):
    crime = CrimeFactory(team=officer.team, oic=officer)
    signed_in(client, admin_user)
    r = client.get(reverse("admin:cases_crime_change", args=[crime.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert (
        'name="oic"' not in html and 'name="is_restricted"' not in html and 'name="named_users"' not in html
    )
    hidden = CrimeFactory(team=officer.team, is_restricted=True)
    assert client.get(reverse("admin:cases_crime_change", args=[hidden.pk])).status_code == 302
    assert Person.objects.count() >= 1


@pytest.mark.django_db
def test_details_typed_on_a_restricted_case_never_surface_on_another_case(officer, officer_client):
    """Matching a repeat victim used to write the typed details onto the one shared person row, so a
    refuge address typed on a restricted case showed on the same person's other cases."""
    from tests.contacts.support import person as details
    from tests.contacts.support import record as record_case
    from tests.contacts.support import victims

    same = {"first_name": "Rana", "last_name": "Haddad", "date_of_birth": date(1990, 5, 6)}
    open_case = record_case(
        officer, people=[details(**same, address_line_1="1 High Street", postcode="M1 1AA")]
    )
    hidden = record_case(
        officer,
        people=[details(**same, address_line_1="Refuge, 9 Secret Lane", postcode="M9 9ZZ")],
        is_restricted=True,
    )
    assert victims(hidden)[0].person_id != victims(open_case)[0].person_id
    assert "Secret Lane" not in officer_client.get(open_case.get_absolute_url()).content.decode()
    # ...and a later case never links to the restricted case's person either.
    later = record_case(officer, people=[details(**same)])
    assert victims(later)[0].person_id != victims(hidden)[0].person_id
