"""The roll-up equals a direct count over the duties after every kind of change (PostgreSQL: on SQLite
the figures are counted directly, so there is no roll-up to prove)."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from cases import services as case_services
from cases.constants import ContactMethod
from cases.models import Crime, Offence
from contacts.constants import ContactOutcome, Duty, ObligationState
from contacts.models import Obligation
from contacts.services import contact_log, eligibility_add, obligation_waive
from reporting import figures, rollup
from reporting.models import (
    ComplianceBcuCell,
    ComplianceCell,
    ComplianceDelta,
    ComplianceForceCell,
    ComplianceOfficerOutcomeCell,
    ComplianceTeamCell,
    ComplianceTeamOutcomeCell,
    OpenDueBcuCell,
    OpenDueCell,
    OpenDueTeamCell,
)
from reporting.rollup import Slice
from tests.contacts.support import NOW, event, one, record, victims
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVERYTHING = Slice(first=date(2020, 1, 1), last=date(2030, 12, 1))
ALL_DIMENSIONS = rollup.GROUPABLE


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("The roll-up is kept by PostgreSQL triggers; SQLite counts directly.")


def assert_equal(*, fold: bool = False):
    """Cells plus pending deltas equal the direct count, by every dimension at once and by each alone;
    and still after folding."""
    for step in ("pending", "folded") if fold else ("pending",):
        if step == "folded":
            rollup.fold()
            assert ComplianceDelta.objects.count() == 0
        assert rollup.counts(EVERYTHING, ALL_DIMENSIONS) == rollup.counts(
            EVERYTHING, ALL_DIMENSIONS, direct=True
        )
        for d in ALL_DIMENSIONS:
            assert rollup.counts(EVERYTHING, (d,)) == rollup.counts(EVERYTHING, (d,), direct=True), d

        # The equality cells: the same tallies as counted from the duties and their victims.
        def tallies(rows):
            return {k: (t.on_time, t.late, t.overdue, t.pending) for k, t in rows.items() if t.total}

        assert tallies(figures._equality_rows(EVERYTHING, now=NOW)) == tallies(
            figures._equality_direct(EVERYTHING, now=NOW)
        )
        # Several groupings in one read (GROUPING SETS) equal each counted alone.
        bys = [("month", "outcome"), ("bcu_id", "month", "outcome"), ("code",), ("owner_id", "enhanced"), ()]
        # ... and each grain as a page would pick it (team or officer by month and outcome: the narrow ones).
        for by in (("team_id", "month", "outcome"), ("owner_id", "month", "outcome"), ("bcu_id", "code")):
            assert rollup.counts(EVERYTHING, by) == rollup.counts(EVERYTHING, by, direct=True), by
        assert rollup.counts_many(EVERYTHING, bys) == {
            b: rollup.counts(EVERYTHING, b, direct=True) for b in bys
        }
        # Open duties by the day they fall due (what "overdue now" is read from).
        far = date(2040, 1, 1)
        for by in (rollup.OPEN_GROUPABLE, ("due_day",), ("team_id",), ("bcu_id", "code"), ("owner_id",), ()):
            rolled = rollup.open_counts(EVERYTHING, by, first_day=None, before_day=far)
            direct = rollup.open_direct(
                EVERYTHING, by, start=None, end=timezone.make_aware(datetime(2040, 1, 1))
            )
            assert rolled == direct, by
        many = rollup.open_counts_many(
            EVERYTHING, [(), ("bcu_id",), ("code", "enhanced")], first_day=None, before_day=far
        )
        for by, counted in many.items():
            assert counted == rollup.open_counts(EVERYTHING, by, first_day=None, before_day=far), by


@pytest.fixture
def recorded(officer, clock):
    crime = record(officer, now=NOW)
    assert Obligation.objects.filter(crime=crime).count() >= 3
    return crime


def test_recording_a_crime(recorded):
    assert ComplianceDelta.objects.count() == Obligation.objects.count()  # one +1 each
    assert_equal(fold=True)
    for grain in (
        ComplianceCell,
        ComplianceTeamCell,
        ComplianceBcuCell,
        ComplianceForceCell,
        ComplianceTeamOutcomeCell,
        ComplianceOfficerOutcomeCell,
    ):
        assert grain.objects.aggregate(n=Sum("n"))["n"] == Obligation.objects.count(), grain
    open_now = Obligation.objects.filter(state="open").count()
    for grain in (OpenDueCell, OpenDueTeamCell, OpenDueBcuCell):
        assert grain.objects.aggregate(n=Sum("n"))["n"] == open_now, grain
    assert sum(rollup.counts(EVERYTHING, ()).values()) == Obligation.objects.count()


def test_a_contact_meets_duties_on_time_and_a_backdated_one_late(recorded, officer, clock):
    rollup.fold()
    cv = victims(recorded)[0]
    ack = one(recorded, Duty.ACKNOWLEDGE)
    contact_log(
        crime_victim=cv,
        by=officer,
        method=ContactMethod.PHONE,
        outcome=ContactOutcome.SPOKE,
        summary="Told them.",
        occurred_at=NOW + timedelta(hours=1),
        obligation_ids=[ack.pk],
        now=NOW + timedelta(hours=1),
    )
    assert_equal()
    # Later, a contact back-dated into the past meets another duty; and one long after its deadline.
    clock.move_to(NOW + timedelta(days=30), tick=False)
    open_ids = list(Obligation.objects.filter(crime=recorded, state="open").values_list("pk", flat=True))
    contact_log(
        crime_victim=cv,
        by=officer,
        method=ContactMethod.PHONE,
        outcome=ContactOutcome.SPOKE,
        summary="Caught up.",
        occurred_at=NOW + timedelta(days=29),
        obligation_ids=open_ids[:2],
        now=NOW + timedelta(days=30),
    )
    late = rollup.counts(EVERYTHING, ("outcome",))
    assert late[("late",)] >= 1 and late[("on_time",)] >= 1
    assert_equal(fold=True)


def test_waiving_and_not_required(recorded, officer, clock):
    rollup.fold()
    ob = Obligation.objects.filter(crime=recorded, state="open").first()
    obligation_waive(obligation=ob, by=officer, reason="The victim asked us not to.")
    assert rollup.counts(EVERYTHING, ("outcome",))[("waived",)] == 1
    assert_equal()
    event(recorded, "CLOSED", officer, now=NOW + timedelta(hours=2), not_told_reason="They moved away.")
    assert_equal(fold=True)
    assert (
        rollup.counts(EVERYTHING, ("outcome",)).get(("not_required",), 0)
        == Obligation.objects.filter(state=ObligationState.NOT_REQUIRED).count()
    )


def test_reallocation_moves_duties_to_the_new_officer(recorded, officer, colleague, clock):
    rollup.fold()
    case_services.case_allocate(crime=recorded, officer=colleague, by=officer, now=NOW + timedelta(hours=1))
    by_owner = rollup.counts(EVERYTHING, ("owner_id",))
    assert by_owner.get((colleague.pk,), 0) >= 1
    assert_equal(fold=True)


def test_events_make_duties_and_enhanced_status_moves_their_deadlines(recorded, officer, clock):
    rollup.fold()
    event(recorded, "ARREST", officer, now=NOW + timedelta(hours=1))
    assert_equal()
    eligibility_add(crime_victim=victims(recorded)[0], by=officer, reason="Persistently targeted.")
    assert rollup.counts(EVERYTHING, ("enhanced",)).get((True,), 0) >= 1
    assert_equal(fold=True)


def test_reclassifying_a_crime_or_an_offence_moves_its_duties_between_offence_groups(recorded):
    rollup.fold()
    burglary = Offence.objects.filter(group="burglary").first()
    Crime.objects.filter(pk=recorded.pk).update(offence=burglary)
    assert rollup.counts(EVERYTHING, ("offence_group",)).keys() == {("burglary",)}
    assert_equal(fold=True)
    Offence.objects.filter(pk=burglary.pk).update(group="theft")
    assert rollup.counts(EVERYTHING, ("offence_group",)).keys() == {("theft",)}
    assert_equal(fold=True)


def test_a_rolled_back_change_leaves_no_delta(recorded, officer):
    rollup.fold()
    ob = Obligation.objects.filter(crime=recorded, state="open").first()
    with pytest.raises(RuntimeError), transaction.atomic():
        obligation_waive(obligation=ob, by=officer, reason="Changed my mind.")
        raise RuntimeError
    assert ComplianceDelta.objects.count() == 0
    assert_equal()


def test_the_scan_stamps_write_no_delta(recorded):
    rollup.fold()
    Obligation.objects.filter(crime=recorded).update(reminded_at=NOW, breached_at=NOW)
    assert ComplianceDelta.objects.count() == 0


def test_rebuild_recounts_from_nothing(recorded, officer):
    ComplianceCell.objects.all().delete()
    ComplianceDelta.objects.all().delete()
    assert rollup.counts(EVERYTHING, ()) == {}
    rollup.rebuild()
    assert_equal()


def test_many_officers_and_teams(org, clock):
    people = [UserFactory(team=org[t]) for t in ("team_a1", "team_a2", "team_b1") if t in org]
    for i, p in enumerate(people * 3):
        record(p, now=NOW - timedelta(days=40 * i))
    assert_equal(fold=True)
    # A filter on scope: one team's figures equal its own direct count.
    team = people[0].team_id
    s = Slice(first=date(2020, 1, 1), last=date(2030, 12, 1), team_ids=(team,))
    assert rollup.counts(s, ("month", "outcome")) == rollup.counts(s, ("month", "outcome"), direct=True)


def test_a_victims_changed_details_and_a_moved_offence_date_move_their_duties(recorded, officer):
    from cases.models import Person

    rollup.fold()
    person = victims(recorded)[0].person
    Person.objects.filter(pk=person.pk).update(ethnicity="B1", gender="male", disability="yes")
    assert_equal()
    Person.objects.filter(pk=person.pk).update(date_of_birth=date(2015, 6, 1))  # now a child at the offence
    assert_equal()
    Crime.objects.filter(pk=recorded.pk).update(occurred_at=recorded.occurred_at - timedelta(days=3650))
    assert_equal(fold=True)
    bands = {k[5] for k in rollup.equality_counts(EVERYTHING)}
    assert bands == {"Under 18"}  # born 2015, offence moved ten years back: still a child (or not yet born)
