"""The beat scan (contacts.scan): reminders, breaches, escalations and the absence check, notifying each
(obligation, stage, recipient) once; and the email digest, one email per person per run."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import digest, scan
from contacts.constants import ObligationState
from contacts.models import Obligation
from messaging.constants import Stage
from messaging.models import StaffNotification
from tests.factories import CrimeFactory, PersonFactory, UserFactory
from victimcare.accounts.constants import Role
from victimcare.accounts.models import Absence

from .support import NOW, bulk_obligations, end_of, london, person, record, victims

pytestmark = pytest.mark.django_db

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@pytest.fixture
def crime(officer, supervisor, inspector):
    return CrimeFactory(
        team=officer.team,
        oic=officer,
        status="allocated",
        victims=[PersonFactory(first_name="Zebedee", last_name="Quixote")],
    )


@pytest.fixture
def cv(crime):
    return crime.victims.get()


def make(crime, cv, n=1, *, owner="oic", remind=HOUR, due=DAY, escalate=3 * DAY, **kw):
    """Obligations reminded at NOW+remind, due at NOW+due, escalated at NOW+escalate."""
    return bulk_obligations(
        crime=crime,
        cv=cv,
        n=n,
        remind_at=NOW + remind,
        due_at=NOW + due,
        escalate_at=NOW + escalate,
        owner=crime.oic if owner == "oic" else owner,
        **kw,
    )


def sent(stage=None) -> set[tuple[int, str, int]]:
    qs = StaffNotification.objects.all()
    if stage:
        qs = qs.filter(stage=stage)
    return set(qs.values_list("obligation_id", "stage", "recipient_id"))


def test_nothing_before_the_reminder_time(crime, cv):
    make(crime, cv)
    assert scan.tick(NOW) == {Stage.REMINDER: 0, Stage.BREACH: 0, Stage.ESCALATION: 0, Stage.ABSENCE: 0}
    assert not StaffNotification.objects.exists()


def test_the_full_lifecycle_notifies_each_stage_once(crime, cv, officer, supervisor, inspector):
    (ob,) = make(crime, cv)
    # reminder at remind_at: the OIC only
    assert scan.tick(NOW + HOUR)[Stage.REMINDER] == 1
    assert sent() == {(ob.id, Stage.REMINDER, officer.id)}
    ob.refresh_from_db()
    assert ob.reminded_at == NOW + HOUR and ob.breached_at is None and ob.escalated_at is None
    notice = StaffNotification.objects.get()
    assert notice.created_at == NOW + HOUR and notice.emailed_at is None and notice.read_at is None
    # again, and later before the deadline: nothing new
    assert scan.tick(NOW + HOUR)[Stage.REMINDER] == 0
    assert scan.tick(NOW + DAY)[Stage.BREACH] == 0  # due exactly now is not yet overdue
    assert len(sent()) == 1
    # breach after due_at: OIC and the team's supervisors
    assert scan.tick(NOW + DAY + timedelta(seconds=1))[Stage.BREACH] == 1
    assert sent(Stage.BREACH) == {(ob.id, Stage.BREACH, officer.id), (ob.id, Stage.BREACH, supervisor.id)}
    ob.refresh_from_db()
    assert ob.breached_at == NOW + DAY + timedelta(seconds=1)
    # not yet at the second level
    assert scan.tick(NOW + 2 * DAY)[Stage.ESCALATION] == 0
    # escalation at escalate_at: the BCU's inspectors
    assert scan.tick(NOW + 3 * DAY)[Stage.ESCALATION] == 1
    assert sent(Stage.ESCALATION) == {(ob.id, Stage.ESCALATION, inspector.id)}
    ob.refresh_from_db()
    assert ob.escalated_at == NOW + 3 * DAY
    # nothing more, ever
    before = sent()
    assert scan.tick(NOW + 30 * DAY) == {
        Stage.REMINDER: 0,
        Stage.BREACH: 0,
        Stage.ESCALATION: 0,
        Stage.ABSENCE: 0,
    }
    assert sent() == before and len(before) == 4


def test_a_late_first_tick_catches_up_every_stage_once(crime, cv, officer, supervisor, inspector):
    (ob,) = make(crime, cv)
    assert scan.tick(NOW + 10 * DAY) == {
        Stage.REMINDER: 1,
        Stage.BREACH: 1,
        Stage.ESCALATION: 1,
        Stage.ABSENCE: 0,
    }
    # A duty already overdue gets the breach notice, never a "due soon" beside it (it is claimed for the
    # reminder stage all the same, so no later tick reminds either).
    assert {(s, r) for _, s, r in sent()} == {
        (Stage.BREACH, officer.id),
        (Stage.BREACH, supervisor.id),
        (Stage.ESCALATION, inspector.id),
    }
    assert scan.tick(NOW + 10 * DAY) == {
        Stage.REMINDER: 0,
        Stage.BREACH: 0,
        Stage.ESCALATION: 0,
        Stage.ABSENCE: 0,
    }
    assert StaffNotification.objects.count() == 3


def test_breach_goes_to_every_supervisor_of_the_team_only(crime, cv, officer, supervisor, org):
    second = UserFactory(role=Role.SUPERVISOR, team=org["team_a1"])
    org["team_a1"].supervisors.add(second)
    other_team_sup = UserFactory(role=Role.SUPERVISOR, team=org["team_a2"])
    org["team_a2"].supervisors.add(other_team_sup)
    (ob,) = make(crime, cv)
    scan.tick(NOW + 2 * DAY)
    assert {r for _, _, r in sent(Stage.BREACH)} == {officer.id, supervisor.id, second.id}


def test_unallocated_obligation_reminder_goes_to_supervisors(crime, cv, supervisor, inspector):
    (ob,) = make(crime, cv, owner=None)
    scan.tick(NOW + HOUR)
    assert sent() == {(ob.id, Stage.REMINDER, supervisor.id)}
    scan.tick(NOW + 2 * DAY)
    assert sent(Stage.BREACH) == {(ob.id, Stage.BREACH, supervisor.id)}
    scan.tick(NOW + 4 * DAY)
    assert sent(Stage.ESCALATION) == {(ob.id, Stage.ESCALATION, inspector.id)}


def test_with_nobody_at_a_level_the_next_level_is_told(org, officer, inspector):
    # team A2 has no supervisors: the breach goes to the OIC and up to the inspector
    a2_officer = UserFactory(role=Role.OFFICER, team=org["team_a2"])
    crime = CrimeFactory(team=org["team_a2"], oic=a2_officer, status="allocated")
    (ob,) = make(crime, crime.victims.get())
    scan.tick(NOW + 2 * DAY)
    assert sent(Stage.BREACH) == {(ob.id, Stage.BREACH, a2_officer.id), (ob.id, Stage.BREACH, inspector.id)}


def test_escalation_without_inspectors_goes_to_supervisors(org, officer, supervisor):
    crime = CrimeFactory(team=officer.team, oic=officer, status="allocated")
    (ob,) = make(crime, crime.victims.get())
    scan.tick(NOW + 4 * DAY)
    assert sent(Stage.ESCALATION) == {(ob.id, Stage.ESCALATION, supervisor.id)}


@pytest.mark.parametrize(
    ("state", "extra"),
    [
        (ObligationState.MET, {"met_at": NOW}),
        (ObligationState.WAIVED, {"closed_reason": "Duplicate"}),
        (ObligationState.NOT_REQUIRED, {"closed_reason": "The victim asked for no updates."}),
    ],
)
def test_closed_obligations_never_notify(crime, cv, state, extra):
    make(crime, cv, 3, state=state, **extra)
    for later in (HOUR, 2 * DAY, 10 * DAY):
        scan.tick(NOW + later)
    assert not StaffNotification.objects.exists()
    assert not Obligation.objects.filter(reminded_at__isnull=False).exists()


def test_obligation_met_between_stages_stops_there(crime, cv, officer):
    (ob,) = make(crime, cv)
    scan.tick(NOW + HOUR)
    Obligation.objects.filter(pk=ob.pk).update(state=ObligationState.MET, met_at=NOW + 2 * HOUR)
    scan.tick(NOW + 10 * DAY)
    assert sent() == {(ob.id, Stage.REMINDER, officer.id)}


def test_ticking_twice_gives_no_new_notifications(crime, cv):
    make(crime, cv, 5)
    make(crime, cv, 5, remind=-2 * DAY, due=-DAY, escalate=-HOUR)
    first = scan.tick(NOW + 2 * HOUR)
    assert first[Stage.REMINDER] == 10 and first[Stage.BREACH] == 5 and first[Stage.ESCALATION] == 5
    count = StaffNotification.objects.count()
    assert scan.tick(NOW + 2 * HOUR) == {
        Stage.REMINDER: 0,
        Stage.BREACH: 0,
        Stage.ESCALATION: 0,
        Stage.ABSENCE: 0,
    }
    assert StaffNotification.objects.count() == count


def test_small_chunks_cover_everything_once(crime, cv, officer):
    obs_ = make(crime, cv, 23)
    assert scan.run_stage(Stage.REMINDER, NOW + HOUR, chunk=5) == 23
    assert sent() == {(o.id, Stage.REMINDER, officer.id) for o in obs_}
    assert scan.run_stage(Stage.REMINDER, NOW + HOUR, chunk=5) == 0


def test_tick_on_obligations_from_the_services(clock, officer, supervisor):
    """End to end: obligations the services create are reminded and breached on their schedule."""
    crime = record(officer, people=[person()])
    (cv,) = victims(crime)
    first = scan.tick(NOW)
    # 1 WD duties (and rules without an offset) remind at once; the rest later
    reminded = set(Obligation.objects.filter(reminded_at__isnull=False).values_list("code", flat=True))
    assert reminded == {"NEEDS_ASSESSMENT", "CONTACT_PLAN"}
    assert first[Stage.REMINDER] == 2 and first[Stage.BREACH] == 0
    # Wednesday: the needs assessment (due end of Tuesday) is overdue
    scan.tick(london(2026, 11, 4, 9))
    breached = set(Obligation.objects.filter(breached_at__isnull=False).values_list("code", flat=True))
    assert breached == {"NEEDS_ASSESSMENT"}
    assert {r for _, s, r in sent(Stage.BREACH)} == {officer.id, supervisor.id}
    ack = Obligation.objects.get(crime_victim=cv, code="ACKNOWLEDGE")
    assert ack.remind_at == end_of(2026, 11, 7) and ack.reminded_at is None  # 2 days before Mon 9 Nov
    scan.tick(london(2026, 11, 8, 9))
    ack.refresh_from_db()
    assert ack.reminded_at == london(2026, 11, 8, 9) and ack.breached_at is None


# --- absence check --------------------------------------------------------------------------------
def test_absence_check_tells_supervisors_once(crime, cv, officer, colleague, supervisor):
    today = date(2026, 11, 2)
    Absence.objects.create(
        user=officer, kind="sickness", starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=5)
    )
    (away,) = make(crime, cv, due=2 * DAY)  # due Wed 4 Nov, officer away 3-7 Nov
    (before,) = make(crime, cv, due=HOUR, remind=0 * HOUR)  # due today, before the absence
    (after,) = make(crime, cv, due=6 * DAY)  # due Sun 8 Nov, after the absence
    (far,) = make(crime, cv, due=20 * DAY)  # beyond the look-ahead
    other = CrimeFactory(team=colleague.team, oic=colleague, status="allocated")
    (colleagues,) = make(other, other.victims.get(), due=2 * DAY)  # colleague is at work
    assert scan.absence_check(NOW) == 1
    assert sent(Stage.ABSENCE) == {(away.id, Stage.ABSENCE, supervisor.id)}
    assert scan.absence_check(NOW) == 0
    assert scan.absence_check(NOW + HOUR) == 0
    assert StaffNotification.objects.filter(stage=Stage.ABSENCE).count() == 1
    assert {before.id, after.id, far.id, colleagues.id}.isdisjoint({o for o, _, _ in sent(Stage.ABSENCE)})


def test_absence_check_includes_overdue_work_of_an_officer_away_today(crime, cv, officer, supervisor):
    Absence.objects.create(user=officer, kind="leave", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 6))
    (overdue,) = make(crime, cv, remind=-3 * DAY, due=-2 * DAY, escalate=DAY)
    assert scan.absence_check(NOW) == 1
    assert sent(Stage.ABSENCE) == {(overdue.id, Stage.ABSENCE, supervisor.id)}


def test_absence_check_ignores_met_obligations_and_past_absences(crime, cv, officer, supervisor):
    Absence.objects.create(
        user=officer, kind="leave", starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 10)
    )
    make(crime, cv, due=2 * DAY)
    Absence.objects.create(
        user=officer, kind="course", starts_on=date(2026, 11, 3), ends_on=date(2026, 11, 4)
    )
    make(crime, cv, due=2 * DAY, state=ObligationState.MET, met_at=NOW)
    assert scan.absence_check(NOW) == 1  # only the open one
    assert StaffNotification.objects.filter(stage=Stage.ABSENCE).count() == 1


def test_tick_runs_the_absence_check(crime, cv, officer, supervisor):
    Absence.objects.create(user=officer, kind="leave", starts_on=date(2026, 11, 2), ends_on=date(2026, 11, 6))
    make(crime, cv, remind=5 * DAY, due=3 * DAY)
    assert scan.tick(NOW)[Stage.ABSENCE] == 1
    assert scan.tick(NOW)[Stage.ABSENCE] == 0


# --- the digest -----------------------------------------------------------------------------------
@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox


def test_digest_one_email_per_recipient_per_run(crime, cv, officer, supervisor, inspector, outbox):
    make(crime, cv, 3)
    other = CrimeFactory(team=officer.team, oic=officer, status="allocated", reference="VC/77777/26")
    make(other, other.victims.get(), 2)
    scan.tick(NOW + HOUR)  # reminders while the duties are still due (an overdue duty gets no reminder)
    scan.tick(NOW + 10 * DAY)
    # officer: 5 reminders + 5 breaches; supervisor: 5 breaches; inspector: 5 escalations
    result = digest.digest_run(NOW + 10 * DAY)
    assert result == {officer.id: 10, supervisor.id: 5, inspector.id: 5}
    assert len(outbox) == 3
    by_to = {m.to[0]: m for m in outbox}
    assert set(by_to) == {officer.email, supervisor.email, inspector.email}
    body = by_to[officer.email].body
    # 10 notifications (a reminder and a breach for each of 5 duties): each duty is listed once
    assert "5 duties" in by_to[officer.email].subject
    assert crime.reference in body and "VC/77777/26" in body
    for m in outbox:
        for name in ("Zebedee", "Quixote"):
            assert name not in m.body and name not in m.subject
        for p in (crime.victims.get().person, other.victims.get().person):
            assert p.first_name not in m.body and p.last_name not in m.body
    assert not StaffNotification.objects.filter(emailed_at__isnull=True).exists()
    # a second run sends nothing
    assert digest.digest_run(NOW + 10 * DAY) == {}
    assert len(outbox) == 3
    # new notifications go in the next run's digest only
    make(crime, cv, 1, remind=11 * DAY, due=20 * DAY, escalate=30 * DAY)
    scan.tick(NOW + 11 * DAY)
    assert digest.digest_run(NOW + 11 * DAY) == {officer.id: 1}
    assert len(outbox) == 4 and "1 duty need" in outbox[-1].subject


def test_digest_uses_the_contact_email_when_set(crime, cv, officer, outbox):
    officer.contact_email = "olive.officer@force.example"
    officer.save(update_fields=["contact_email"])
    make(crime, cv)
    scan.tick(NOW + HOUR)
    digest.digest_run(NOW + HOUR)
    assert [m.to for m in outbox] == [["olive.officer@force.example"]]


def test_digest_failure_marks_nothing(crime, cv, officer, settings, monkeypatch):
    make(crime, cv)
    scan.tick(NOW + HOUR)

    def boom(**kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(digest, "send_mail", boom)
    with pytest.raises(ConnectionError):
        digest.digest_send(recipient_id=officer.id)
    assert StaffNotification.objects.filter(emailed_at__isnull=True).count() == 1


# --- set-based: the query count does not grow with the number of obligations ----------------------
@pytest.mark.parametrize("n", [10, 200])
def test_tick_query_count_is_bounded(crime, cv, n, django_assert_max_num_queries):
    make(crime, cv, n, remind=-3 * DAY, due=-2 * DAY, escalate=-DAY)
    with django_assert_max_num_queries(40):
        result = scan.tick(NOW)
    assert result[Stage.REMINDER] == result[Stage.BREACH] == result[Stage.ESCALATION] == n
    # All overdue already: claimed for the reminder stage, but only breach (2) and escalation (1) told.
    assert StaffNotification.objects.count() == 3 * n


def test_tick_query_count_does_not_grow(org, officer, supervisor, inspector):
    small = CrimeFactory(team=officer.team, oic=officer, status="allocated")
    big = CrimeFactory(team=officer.team, oic=officer, status="allocated")
    make(small, small.victims.get(), 10, remind=-3 * DAY, due=-2 * DAY, escalate=-DAY)
    with CaptureQueriesContext(connection) as ctx:
        scan.tick(NOW)
    few = len(ctx.captured_queries)
    make(big, big.victims.get(), 200, remind=-3 * DAY, due=-2 * DAY, escalate=-DAY)
    with CaptureQueriesContext(connection) as ctx:
        scan.tick(NOW)
    many = len(ctx.captured_queries)
    if connection.vendor == "postgresql":
        assert many == few
    else:
        # SQLite splits a large INSERT into batches by its parameter limit; still not per obligation.
        assert many <= few + 10


def test_digest_recipients_lists_each_person_once(crime, cv, officer, supervisor, inspector):
    make(crime, cv, 4)
    scan.tick(NOW + 10 * DAY)
    recipients = digest.digest_recipients()
    assert sorted(recipients) == sorted({officer.id, supervisor.id, inspector.id})


@pytest.mark.django_db
def test_a_supervisor_who_has_left_does_not_stop_the_inspector_being_told(
    crime, cv, officer, supervisor, inspector
):
    """AUDIENCES counts only active staff at a level, in Python and in SQL alike."""
    supervisor.is_active = False
    supervisor.save(update_fields=["is_active"])
    (ob,) = make(crime, cv)
    scan.tick(NOW + 2 * DAY)
    assert sent(Stage.BREACH) == {(ob.id, Stage.BREACH, officer.id), (ob.id, Stage.BREACH, inspector.id)}
