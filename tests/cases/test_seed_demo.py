"""seed_demo: synthetic demo data that obeys the same rules as data written through the services."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from cases.constants import CRIME_REFERENCE_RE, CrimeStatus, VictimRole
from cases.events import REGISTRY, clean_details, status_after
from cases.models import CaseEvent, Crime, CrimeVictim, NeedsAssessment, Person
from referrals.models import SupportOrganisation
from victimcare.accounts.constants import OIC_ROLES, Role
from victimcare.accounts.models import BCU, Team, User

PASSWORD = "victimcare-demo"
LOGINS = {
    "officer@demo.police.uk": Role.OFFICER,
    "supervisor@demo.police.uk": Role.SUPERVISOR,
    "inspector@demo.police.uk": Role.INSPECTOR,
    "admin@demo.police.uk": Role.ADMIN,
    "analyst@demo.police.uk": Role.ANALYST,
    "partner@demo.police.uk": Role.PARTNER,
}
MODELS = [User, BCU, Team, SupportOrganisation, Crime, Person, CrimeVictim, NeedsAssessment, CaseEvent]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS} | {
        "named": Crime.named_users.through.objects.count()
    }


@pytest.fixture
def seeded(db):
    return seed("--crimes", "60")


def crimes():
    return Crime.objects.select_related("team", "oic", "offence").prefetch_related(
        "events", "victims__person"
    )


@pytest.mark.django_db
def test_demo_logins_exist_with_the_demo_password(seeded):
    for email, role in LOGINS.items():
        user = User.objects.get(email=email)
        assert user.check_password(PASSWORD), email
        assert user.role == role
        assert user.is_active
    admin = User.objects.get(email="admin@demo.police.uk")
    assert admin.is_staff and admin.is_superuser
    officer = User.objects.get(email="officer@demo.police.uk")
    assert officer.team is not None and officer.shoulder_number.startswith("PC ")
    assert User.objects.get(email="supervisor@demo.police.uk") in officer.team.supervisors.all()
    assert User.objects.get(email="inspector@demo.police.uk") in officer.team.bcu.inspectors.all()
    # Everyone else can sign in with the same password too.
    assert all(u.check_password(PASSWORD) for u in User.objects.all())
    assert "officer@demo.police.uk" in seeded and PASSWORD in seeded


@pytest.mark.django_db
def test_organisation_shape(seeded):
    assert BCU.objects.count() == 3
    assert Team.objects.count() == 6
    for bcu in BCU.objects.all():
        assert bcu.teams.count() == 2
        assert bcu.inspectors.filter(role=Role.INSPECTOR).exists()
    for team in Team.objects.all():
        assert team.supervisors.filter(role=Role.SUPERVISOR, team=team).exists()
        assert team.members.filter(role=Role.OFFICER).count() >= 2
    officers = User.objects.filter(role=Role.OFFICER)
    assert not officers.filter(team__isnull=True).exists()
    for o in officers:
        assert o.shoulder_number and o.contact_email and o.working_pattern
        assert o.contact_phone.startswith("01632 960")  # Ofcom drama range
    assert 25 <= User.objects.count() <= 40
    assert User.objects.filter(role=Role.ANALYST).exists() and User.objects.filter(role=Role.PARTNER).exists()
    numbers = [u.shoulder_number for u in User.objects.exclude(shoulder_number="")]
    assert len(numbers) == len(set(numbers))


@pytest.mark.django_db
def test_support_organisations(seeded):
    kinds = set(SupportOrganisation.objects.values_list("kind", flat=True))
    assert {
        "general",
        "domestic_abuse",
        "sexual_violence",
        "bereavement",
        "road_death",
        "probation_vcs",
    } <= kinds
    # Local victim support in every BCU.
    for bcu in BCU.objects.all():
        assert bcu.support_organisations.filter(kind="general").exists()


@pytest.mark.django_db
def test_crimes_and_references(seeded):
    assert Crime.objects.count() == 60
    refs = list(Crime.objects.values_list("reference", "recorded_at"))
    assert len({r for r, _ in refs}) == 60
    for ref, recorded_at in refs:
        assert CRIME_REFERENCE_RE.match(ref), ref
        assert ref.startswith("VC/")
        assert ref.endswith(f"/{timezone.localtime(recorded_at).year % 100:02d}")
    # The demo officer owns their share (3%, at least 3) of the cases.
    assert Crime.objects.filter(oic__email="officer@demo.police.uk").count() == 3


@pytest.mark.django_db
def test_every_crime_has_a_victim_and_a_recorded_event(seeded):
    for crime in crimes():
        assert crime.victims.count() >= 1, crime
        events = list(crime.events.all())
        assert events[0].code == "RECORDED"
        assert events[0].occurred_at == crime.recorded_at
        assert sum(e.code == "RECORDED" for e in events) == 1
        assert crime.bcu_id == crime.team.bcu_id
        assert crime.victims.filter(role=VictimRole.VICTIM).exists() or crime.offence.is_homicide


@pytest.mark.django_db
def test_status_is_what_the_events_produce(seeded):
    seen = Counter()
    for crime in crimes():
        events = list(crime.events.all())
        status = CrimeStatus.RECORDED
        for i, e in enumerate(events[1:], start=1):
            et = REGISTRY[e.code]
            assert status in et.allowed_from, (crime, e.code, status)
            if et.requires_prior:
                assert any(p.code in et.requires_prior for p in events[:i])
            status = status_after(et, status)
        assert status == crime.status, (crime, [e.code for e in events])
        seen[crime.status] += 1
        if crime.status == CrimeStatus.CLOSED:
            closed = events[-1]
            assert closed.code == "CLOSED"
            assert crime.closure_reason and closed.details == {"closure_reason": crime.closure_reason}
            assert crime.closed_at == closed.occurred_at
        else:
            assert crime.closure_reason == "" and crime.closed_at is None
        codes = [e.code for e in events]
        if crime.status == CrimeStatus.SUSPECT_CHARGED:
            charged = next(e for e in events if e.code == "CHARGED")
            assert charged.details["charges"]
        if crime.status == CrimeStatus.COURT:
            assert "HEARING_DETAILS" in codes
        if crime.status == CrimeStatus.UNDER_INVESTIGATION:
            assert set(codes) & {"ARREST", "INTERVIEW", "BAIL", "RUI"}
    # The statuses are spread across the lifecycle.
    assert len(seen) >= 4, seen


@pytest.mark.django_db
def test_allocation_is_consistent(seeded):
    for crime in crimes():
        events = list(crime.events.all())
        allocations = [e for e in events if e.code in ("ALLOCATED", "REALLOCATED")]
        if crime.oic is None:
            assert crime.status in (CrimeStatus.RECORDED, CrimeStatus.CLOSED)
            assert not allocations
            continue
        assert crime.oic.team_id == crime.team_id
        assert crime.oic.role in OIC_ROLES
        assert allocations and allocations[0].code == "ALLOCATED"
        assert allocations[-1].officer_id == crime.oic_id
        for a in allocations:
            assert a.officer.team_id == crime.team_id
    assert Crime.objects.exclude(status=CrimeStatus.RECORDED).filter(oic__isnull=False).exists()
    for crime in Crime.objects.filter(is_restricted=True):
        assert crime.oic in crime.named_users.all()


@pytest.mark.django_db
def test_dates_are_ordered_and_not_in_the_future(seeded):
    now = timezone.now()
    for crime in crimes():
        assert crime.occurred_at <= crime.reported_at <= crime.recorded_at <= now
        if crime.occurred_to:
            assert crime.occurred_at <= crime.occurred_to <= crime.reported_at
        assert crime.recorded_at >= now - timezone.timedelta(days=185)
        times = [e.occurred_at for e in crime.events.all()]
        assert times == sorted(times) and len(set(times)) == len(times)
        assert times[0] >= crime.recorded_at and times[-1] <= now
    for na in NeedsAssessment.objects.select_related("crime_victim__crime"):
        assert na.crime_victim.crime.recorded_at <= na.completed_at <= now


@pytest.mark.django_db
def test_event_details_are_valid_for_their_type(seeded):
    for e in CaseEvent.objects.exclude(code__in=["RECORDED", "ALLOCATED", "REALLOCATED"]):
        _, errors = clean_details(REGISTRY[e.code], e.details)
        assert not errors, (e.code, e.details, errors)


@pytest.mark.django_db
def test_records_pass_model_validation(seeded):
    for person in Person.objects.all():
        person.full_clean(exclude=["match_key"], validate_unique=False)
        assert person.match_key == Person.make_match_key(person.first_name, person.last_name)
    for crime in Crime.objects.all():
        crime.full_clean(validate_unique=False)
    for user in User.objects.all():
        user.full_clean(validate_unique=False)


@pytest.mark.django_db
def test_running_twice_creates_nothing_new(seeded):
    before = counts()
    out = seed("--crimes", "60")
    assert counts() == before
    assert "nothing new" in out


@pytest.mark.django_db
def test_if_empty_does_nothing_when_crimes_exist(seeded):
    before = counts()
    out = seed("--if-empty")
    assert counts() == before
    assert "did nothing" in out


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
def test_repeat_victims_exist(seeded):
    repeat = Person.objects.annotate(n=Count("roles__crime", distinct=True)).filter(n__gt=1)
    assert repeat.exists()
    for person in repeat:
        assert all(r.role == VictimRole.VICTIM for r in person.roles.all())


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
