"""The seed_demo command itself: on an empty database, with no crimes, at a larger size, and the two
fixed portal demo victims. (The 60-crime demo's contents are tested in test_demo_data.py.)"""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.constants import CrimeStatus, VictimRole
from cases.models import Crime, CrimeVictim, NeedsAssessment, Person
from contacts.constants import ObligationState
from contacts.models import ContactPlan, Obligation
from tests.demo.test_demo_data import LOGINS, PASSWORD, counts, crimes, seed  # noqa: F401
from victimcare.accounts.models import Team, User


@pytest.mark.django_db
def test_if_empty_seeds_an_empty_database():
    seed("--if-empty", "--crimes", "10")
    assert Crime.objects.count() == 10
    assert User.objects.filter(email="admin@demo.police.uk").exists()


@pytest.mark.django_db
def test_zero_crimes_seeds_just_the_organisation():
    seed("--crimes", "0")
    assert not Crime.objects.exists()
    assert Team.objects.count() == 6
    with pytest.raises(CommandError):
        seed("--crimes", "-1")


@pytest.mark.django_db
def test_a_larger_seed_looks_realistic():
    seed("--crimes", "400")
    assert Crime.objects.count() == 400
    people = Person.objects.count()
    repeat = sum(
        1 for p in Person.objects.prefetch_related("roles") if len({r.crime_id for r in p.roles.all()}) > 1
    )
    assert 0.02 * people <= repeat <= 0.1 * people
    # Domestic abuse: realistic share, DA-eligible offences only, mostly no letters or voicemail.
    da = Crime.objects.filter(is_domestic_abuse=True)
    assert 0.05 * 400 <= da.count() <= 0.35 * 400
    assert not da.filter(offence__is_domestic_abuse_eligible=False).exists()
    da_victims = Person.objects.filter(
        roles__crime__is_domestic_abuse=True, roles__role=VictimRole.VICTIM
    ).distinct()
    assert da_victims.filter(safe_letter=False).count() > 0.7 * da_victims.count()
    assert da_victims.filter(safe_voicemail=False).count() > 0.7 * da_victims.count()
    assert Crime.objects.filter(is_hate_crime=True).exists()
    assert not Crime.objects.filter(offence__is_hate=True, is_hate_crime=False).exists()
    # Needs assessments for most victims, with a mix of consent answers.
    assessed = NeedsAssessment.objects.count()
    victims = CrimeVictim.objects.exclude(role=VictimRole.PARENT_GUARDIAN).count()
    assert 0.7 * victims <= assessed < victims
    assert set(NeedsAssessment.objects.values_list("referral_consent", flat=True)) == {
        "given",
        "declined",
        "not_asked",
    }
    # Every stage of the lifecycle appears, and closures have a spread of reasons.
    assert set(Crime.objects.values_list("status", flat=True)) == set(CrimeStatus.values)
    assert Crime.objects.exclude(closure_reason="").values("closure_reason").distinct().count() >= 4
    # People look like people: mostly English speakers with some who need an interpreter, ethnicity spread.
    languages = Counter(Person.objects.values_list("first_language", flat=True))
    assert languages["English"] > 0.8 * people and len(languages) > 2
    assert len(set(Person.objects.values_list("ethnicity", flat=True))) >= 6
    assert Person.objects.filter(mobile_phone__startswith="07700 900").count() > 0.6 * people
    assert Crime.objects.filter(oic__email="officer@demo.police.uk").count() == 12
    # Contact plans: mostly every 28 days, some more often or only for key events, a few want no updates.
    frequencies = Counter(ContactPlan.objects.values_list("frequency", flat=True))
    assert frequencies.most_common(1)[0][0] == "every_28_days"
    assert {"weekly", "fortnightly", "key_events", "none"} <= frequencies.keys()
    assert set(ContactPlan.objects.filter(frequency="none").values_list("wants_updates", flat=True)) == {
        False
    }
    # Duties: mostly met on time, some late; a realistic share open, a minority of those overdue.
    now = timezone.now()
    met = Obligation.objects.filter(state=ObligationState.MET)
    assert met.filter(met_on_time=False).count() < 0.2 * met.count() < met.filter(met_on_time=True).count()
    still_open = Obligation.objects.filter(state=ObligationState.OPEN)
    assert 0 < still_open.filter(due_at__lt=now).count() < 0.4 * still_open.count()
    assert still_open.count() < 0.15 * Obligation.objects.count()


@pytest.mark.django_db
def test_portal_demo_victims_can_sign_in_and_see_their_messages():
    from django.test import Client

    from victimcare.demo.portal_victims import DEMO_VICTIM_PASSWORD, DEMO_VICTIMS

    out = StringIO()
    call_command("seed_demo", "--crimes", "10", stdout=out)
    assert "VC/90001/26 born 1979-11-02" in out.getvalue()
    call_command("seed_demo", "--crimes", "10", stdout=StringIO())  # idempotent
    assert Crime.objects.filter(reference__in=[d.reference for d in DEMO_VICTIMS]).count() == 2
    for d in DEMO_VICTIMS:
        c = Client()
        response = c.post(
            "/portal/",
            {
                "reference": d.reference,
                "dob-day": d.date_of_birth.day,
                "dob-month": d.date_of_birth.month,
                "dob-year": d.date_of_birth.year,
                "password": DEMO_VICTIM_PASSWORD,
            },
        )
        assert response.status_code == 302 and response["Location"] == "/portal/case/"
        page = c.get("/portal/case/").content.decode()
        assert d.reference in page and "vc-portal-message" in page  # at least the acknowledgement
