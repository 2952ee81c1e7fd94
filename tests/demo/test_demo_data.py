"""seed_demo: synthetic demo data that obeys the same rules as data written through the services."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from cases.constants import CRIME_REFERENCE_RE, CrimeStatus, VictimRole
from cases.events import REGISTRY, clean_details, status_after
from cases.models import CaseEvent, Crime, CrimeVictim, NeedsAssessment, Person
from contacts import engine, scan
from contacts.constants import SUCCESSFUL_OUTCOMES, ObligationState, Trigger
from contacts.models import Contact, ContactPlan, Obligation
from contacts.services import CASE_CLOSED, KEY_EVENTS_ONLY, NO_UPDATES, working_calendar
from messaging.constants import Stage
from messaging.models import Message, StaffNotification
from referrals.models import Referral, SupportOrganisation
from surveys.models import CallBack
from tests.conftest import FAST_HASHERS
from victimcare.accounts.constants import OIC_ROLES, Role
from victimcare.accounts.models import BCU, Absence, Team, User

PASSWORD = "victimcare-demo"
LOGINS = {
    "officer@demo.police.uk": Role.OFFICER,
    "supervisor@demo.police.uk": Role.SUPERVISOR,
    "inspector@demo.police.uk": Role.INSPECTOR,
    "admin@demo.police.uk": Role.ADMIN,
    "analyst@demo.police.uk": Role.ANALYST,
    "partner@demo.police.uk": Role.PARTNER,
}
MODELS = [
    User,
    BCU,
    Team,
    SupportOrganisation,
    Crime,
    Person,
    CrimeVictim,
    NeedsAssessment,
    CaseEvent,
    Obligation,
    Contact,
    ContactPlan,
    Absence,
    StaffNotification,
]


def seed(*args) -> str:
    """The crime generator on its own (the two fixed portal demo cases are tested separately)."""
    out = StringIO()
    call_command("seed_demo", *args, "--no-portal-demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS} | {
        "named": Crime.named_users.through.objects.count()
    }


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """The 60-crime demo, seeded once for the whole module inside a transaction that is rolled back
    after its last test; each test runs in a savepoint inside it, so a test's changes never leak."""
    # The same fast hasher every test gets (tests/conftest.py), so the demo passwords check in tests.
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield seed("--crimes", "60")
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def seeded(_seeded_once, db):
    return _seeded_once


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
        assert crime.recorded_at >= now - timezone.timedelta(days=366)
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
def test_repeat_victims_exist(seeded):
    repeat = Person.objects.annotate(n=Count("roles__crime", distinct=True)).filter(n__gt=1)
    assert repeat.exists()
    for person in repeat:
        assert all(r.role == VictimRole.VICTIM for r in person.roles.all())


# --- the deadline engine's demo data ------------------------------------------------------------------
SAFE = {
    "phone": "safe_phone",
    "sms": "safe_sms",
    "email": "safe_email",
    "portal": "safe_email",
    "letter": "safe_letter",
    "visit": "safe_visit",
}


def obligations():
    return Obligation.objects.select_related(
        "rule", "crime", "crime_victim", "met_by_contact", "trigger_event"
    )


@pytest.mark.django_db
def test_every_crime_has_obligations_in_every_state(seeded):
    assert not Crime.objects.filter(obligations__isnull=True).exists()
    assert not CrimeVictim.objects.filter(obligations__isnull=True).exists()
    states = Counter(Obligation.objects.values_list("state", flat=True))
    assert {ObligationState.OPEN, ObligationState.MET, ObligationState.NOT_REQUIRED} <= states.keys()
    # Most duties were met; a realistic minority is still open.
    assert states[ObligationState.MET] > 0.6 * sum(states.values())
    assert 0 < states[ObligationState.OPEN] < 0.3 * sum(states.values())
    # Every victim was acknowledged (vcop-2020) when the crime was recorded, by the engine's rules.
    for cv in CrimeVictim.objects.select_related("crime"):
        ack = Obligation.objects.get(crime_victim=cv, code="ACKNOWLEDGE")
        assert ack.trigger == Trigger.VICTIM_ADDED and ack.triggered_at == cv.crime.recorded_at


@pytest.mark.django_db
def test_demo_officer_worklist_has_red_amber_and_green(seeded):
    officer = User.objects.get(email="officer@demo.police.uk")
    now, cal = timezone.now(), working_calendar()
    open_dues = list(
        Obligation.objects.filter(owner=officer, state=ObligationState.OPEN).values_list("due_at", flat=True)
    )
    colours = Counter(engine.rag(due, now, cal) for due in open_dues)
    assert colours["red"] >= 1, colours
    assert colours["amber"] + colours["green"] >= 1, colours


@pytest.mark.django_db
def test_obligations_are_consistent(seeded):
    now = timezone.now()
    for ob in obligations():
        assert ob.owner_id == ob.crime.oic_id
        assert ob.crime_victim.crime_id == ob.crime_id
        assert ob.code == ob.rule.code
        assert ob.crime.recorded_at <= ob.triggered_at <= now
        if ob.trigger_event_id:
            assert ob.trigger_event.crime_id == ob.crime_id
            assert ob.triggered_at == ob.trigger_event.occurred_at
        # The notification schedule is the engine's, and no tick has run yet.
        sch = engine.schedule(ob.triggered_at, ob.due_at, ob.rule)
        assert (ob.remind_at, ob.escalate_at) == (sch.remind_at, sch.escalate_at)
        assert ob.reminded_at is None and ob.breached_at is None and ob.escalated_at is None
        if ob.state == ObligationState.MET:
            assert ob.met_at is not None and ob.met_at <= now
            assert ob.met_on_time == (ob.met_at <= ob.due_at)
            if ob.met_by_contact_id:
                c = ob.met_by_contact
                assert c.crime_victim_id == ob.crime_victim_id and c.crime_id == ob.crime_id
                assert c.outcome in SUCCESSFUL_OUTCOMES and c.occurred_at == ob.met_at
            elif ob.code in ("SUPPORT_REFERRAL", "VCS_REFERRAL"):
                # Met by sending a referral, at that moment.
                assert Referral.objects.filter(crime_victim_id=ob.crime_victim_id, sent_at=ob.met_at).exists()
            else:
                assert ob.code in ("NEEDS_ASSESSMENT", "CONTACT_PLAN")
        else:
            assert ob.met_at is None and ob.met_by_contact_id is None
        if ob.state in (ObligationState.NOT_REQUIRED, ObligationState.WAIVED):
            assert ob.closed_reason
        if ob.state == ObligationState.WAIVED:
            assert ob.closed_by_id
    # At most one open progress update per victim (also a database constraint).
    per_victim = Counter(
        Obligation.objects.filter(state=ObligationState.OPEN, code="PROGRESS_UPDATE").values_list(
            "crime_victim_id", flat=True
        )
    )
    assert per_victim and max(per_victim.values()) == 1
    # The only inbox items the demo makes are the few concerns victims raised in its last days (the
    # scan makes the rest when `make run` starts).
    assert not StaffNotification.objects.exclude(stage="victim_message", message__topic="concern").exists()
    # Duties met by doing them, at the time they were done.
    for ob in obligations().filter(code="NEEDS_ASSESSMENT", state=ObligationState.MET):
        assert ob.met_at == ob.crime_victim.needs_assessment.completed_at
    for ob in obligations().filter(code="CONTACT_PLAN", state=ObligationState.MET):
        assert ob.met_at == ob.crime_victim.contact_plan.agreed_at


@pytest.mark.django_db
def test_contact_log_is_plausible(seeded):
    now = timezone.now()
    contacts = Contact.objects.select_related("crime", "crime_victim__person")
    assert contacts.exists()
    outcomes = Counter(contacts.values_list("outcome", flat=True))
    assert outcomes["spoke"] and (outcomes["no_answer"] or outcomes["left_message"])
    for c in contacts:
        assert c.crime.occurred_at <= c.occurred_at <= now
        assert c.summary and "\n" not in c.summary
        assert c.crime_victim.crime_id == c.crime_id
        if c.outcome not in SUCCESSFUL_OUTCOMES:
            assert not c.met.exists()  # failed attempts meet nothing
        if c.method in ("phone", "email", "visit"):
            assert getattr(c.crime_victim.person, SAFE[c.method]), (c, c.method)


@pytest.mark.django_db
def test_contact_plans_use_safe_channels_and_are_honoured(seeded):
    plans = ContactPlan.objects.select_related("crime_victim__person")
    assert plans.count() > 0.6 * CrimeVictim.objects.count()
    for plan in plans:
        person = plan.crime_victim.person
        assert plan.methods, plan
        for m in plan.methods:
            assert getattr(person, SAFE[m]), (person, m)
        updates = Obligation.objects.filter(crime_victim=plan.crime_victim, rule__is_update=True)
        if not plan.wants_updates:
            assert set(updates.values_list("state", "closed_reason")) <= {
                (ObligationState.NOT_REQUIRED, NO_UPDATES)
            }
        elif plan.frequency == "key_events":
            recurring = updates.filter(trigger=Trigger.PLAN)
            assert set(recurring.values_list("closed_reason", flat=True)) == {KEY_EVENTS_ONLY}


@pytest.mark.django_db
def test_closed_crimes_told_the_victims_and_stopped_updates(seeded):
    closed = Crime.objects.filter(status=CrimeStatus.CLOSED)
    assert closed.exists()
    for crime in closed:
        obs = Obligation.objects.filter(crime=crime)
        assert not obs.filter(state=ObligationState.OPEN, trigger=Trigger.PLAN).exists()
        last = obs.filter(trigger=Trigger.PLAN).order_by("-triggered_at", "-id").first()
        if last is not None:
            assert last.state == ObligationState.NOT_REQUIRED
            assert last.closed_reason in (CASE_CLOSED, NO_UPDATES, KEY_EVENTS_ONLY)
        for ob in obs.filter(code="CLOSURE").select_related("met_by_contact"):
            if ob.state == ObligationState.NOT_REQUIRED:
                assert ob.closed_reason == NO_UPDATES
                continue
            assert ob.state == ObligationState.MET and ob.met_on_time
            assert ob.met_by_contact.about_closure and ob.met_by_contact.occurred_at <= crime.closed_at
    assert Obligation.objects.filter(state=ObligationState.NOT_REQUIRED, closed_reason=CASE_CLOSED).exists()


@pytest.mark.django_db
def test_absences_give_the_supervisor_a_cover_view(seeded):
    officer = User.objects.get(email="officer@demo.police.uk")
    today = timezone.localdate()
    away_today = Absence.objects.filter(
        user__team=officer.team, starts_on__lte=today, ends_on__gte=today
    ).exclude(user=officer)
    assert away_today.exists()
    assert not Absence.objects.filter(user=officer, starts_on__lte=today, ends_on__gte=today).exists()
    assert {"leave", "sickness", "course", "part_time"} <= set(Absence.objects.values_list("kind", flat=True))


@pytest.mark.django_db
def test_the_first_tick_sends_reminders_and_escalations(seeded):
    now = timezone.now()
    done = scan.tick(now)
    assert done[Stage.REMINDER] > 0 and done[Stage.BREACH] > 0, done
    stages = set(StaffNotification.objects.values_list("stage", flat=True))
    assert {Stage.REMINDER, Stage.BREACH} <= stages
    officer = User.objects.get(email="officer@demo.police.uk")
    assert StaffNotification.objects.filter(recipient=officer).exists()
    supervisor = User.objects.get(email="supervisor@demo.police.uk")
    assert StaffNotification.objects.filter(recipient=supervisor, stage=Stage.BREACH).exists()
    # Nothing new to do straight after.
    again = scan.tick(now)
    assert again[Stage.REMINDER] == again[Stage.BREACH] == again[Stage.ESCALATION] == 0


@pytest.mark.django_db
def test_engine_data_is_added_to_demo_crimes_seeded_before_it(seeded):
    before = counts()
    # (The demo's concerns from victims point at their reply duties: let go, as if made before duties.)
    Message.objects.filter(obligation__isnull=False).update(obligation=None)
    CallBack.objects.update(contact=None)  # and the call-backs, at their logged calls
    Obligation.objects.all().delete()
    Contact.objects.all().delete()
    ContactPlan.objects.all().delete()
    Absence.objects.all().delete()
    out = seed("--if-empty")
    assert "did nothing" not in out
    assert Obligation.objects.exists() and Contact.objects.exists() and ContactPlan.objects.exists()
    after = counts()
    # (Inbox items about the concerns' duties go with the duties.)
    engine = ("Obligation", "Contact", "ContactPlan", "Absence", "StaffNotification")
    assert {k: v for k, v in after.items() if k not in engine} == {
        k: v for k, v in before.items() if k not in engine
    }
    assert "did nothing" in seed("--if-empty")


def test_referrals_agree_with_the_duties_and_the_consent_rules(seeded):
    from referrals.constants import ConsentBasis, Decision, State
    from referrals.models import PartnerMember, ReferralTransition, RoutingRule

    assert RoutingRule.objects.count() == 10
    member = PartnerMember.objects.select_related("organisation").get(user__email="partner@demo.police.uk")
    assert member.organisation.consent_basis == ConsentBasis.OPT_OUT
    from referrals.services import needs_victims_agreement

    refs = list(Referral.objects.select_related("organisation", "crime"))
    assert refs and {r.state for r in refs} >= {State.DECLINED, State.CLOSED}
    for r in refs:
        # Nothing reaches a service that needs consent (a specialist, or any on a restricted case)
        # without it; a declined referral is never sent.
        if needs_victims_agreement(r) and r.sent_at:
            assert r.decision == Decision.GIVEN, (r.pk, r.crime.is_restricted)
        if r.state == State.DECLINED:
            assert r.sent_at is None and r.decision == Decision.DECLINED
        if r.sent_at:
            assert r.ack_due_at > r.sent_at and r.contact_due_at >= r.ack_due_at
    # Every referral's history starts at "waiting" and ends at its state.
    for r in refs[:200]:
        steps = list(ReferralTransition.objects.filter(referral=r).order_by("at", "id"))
        assert steps[0].from_state == "" and steps[-1].to_state == r.state
    # A referral duty not required means the victim declined (no referral was sent).
    for ob in Obligation.objects.filter(code="SUPPORT_REFERRAL", state=ObligationState.NOT_REQUIRED):
        assert not Referral.objects.filter(crime_victim_id=ob.crime_victim_id, sent_at__isnull=False).exists()


def test_the_demo_partner_key_reads_its_organisations_referrals(seeded, client):
    from referrals.keys import key_check
    from victimcare.demo.data import DEMO_PARTNER_KEY, DEMO_PARTNER_ORG

    key = key_check(DEMO_PARTNER_KEY)
    assert key is not None and key.organisation.name == DEMO_PARTNER_ORG
    r = client.get("/api/partner/referrals/", HTTP_AUTHORIZATION=f"Bearer {DEMO_PARTNER_KEY}")
    assert r.status_code == 200 and r.json()["results"]
