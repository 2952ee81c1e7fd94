"""Team and BCU work read open duties by the team and BCU they carry: exactly the duties of the cases the
person may see (cases_visible_to), restricted cases included, for every role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts import selectors
from contacts.constants import ObligationState
from contacts.models import Obligation
from tests.cases.test_case_lists import cases  # noqa: F401 - the fixture: crimes on both sides of every line
from tests.contacts.support import bulk_obligations


@pytest.mark.django_db
def test_team_work_is_the_open_duties_of_the_visible_cases(
    cases,  # noqa: F811
    org,
    officer,
    colleague,
    supervisor,
    inspector,
    outsider,
    admin_user,
    analyst,
    partner,
):
    from cases.models import CrimeVictim
    from cases.selectors import cases_visible_to
    from tests.factories import PersonFactory, UserFactory
    from victimcare.accounts.constants import Role

    now = timezone.now()
    for crime in cases.values():
        cv = CrimeVictim.objects.create(crime=crime, person=PersonFactory(), added_by=officer)
        bulk_obligations(
            crime=crime,
            cv=cv,
            n=2,
            remind_at=now,
            due_at=now + timedelta(days=1),
            escalate_at=now + timedelta(days=3),
            owner=crime.oic,
        )
    # A duty whose owner is not its crime's officer in case (made during a reallocation): the colleague owns
    # it but may not see the case (another team's), so it is not theirs to see; the officer in case sees it.
    Obligation.objects.filter(crime=cases["mine_elsewhere"]).update(owner=colleague)
    # An inspector of two BCUs, an inactive supervisor, and an officer with no team.
    two_bcus = UserFactory(role=Role.INSPECTOR, team=None)
    org["bcu_a"].inspectors.add(two_bcus)
    org["bcu_b"].inspectors.add(two_bcus)
    gone = UserFactory(role=Role.SUPERVISOR, team=org["team_a1"], is_active=False)
    org["team_a1"].supervisors.add(gone)
    no_team = UserFactory(role=Role.SUPERVISOR, team=None)
    Obligation.objects.filter(pk=Obligation.objects.order_by("id").first().pk).update(
        state=ObligationState.MET, met_at=now
    )
    org["team_a2"].supervisors.add(supervisor)
    users = (
        officer,
        colleague,
        supervisor,
        inspector,
        outsider,
        admin_user,
        analyst,
        partner,
        two_bcus,
        gone,
        no_team,
    )
    for user in users:
        want = set(
            Obligation.objects.filter(
                state=ObligationState.OPEN, crime__in=cases_visible_to(user)
            ).values_list("pk", flat=True)
        )
        got = set(selectors.team_work(user).values_list("pk", flat=True))
        assert got == want, user.email
    # The restricted case naming the officer is in their team work; the one not naming them is not.
    mine = set(selectors.team_work(officer).values_list("crime_id", flat=True))
    assert cases["restricted_named"].pk in mine and cases["restricted"].pk not in mine
    assert cases["mine_elsewhere"].pk in mine
    assert cases["mine_elsewhere"].pk not in set(
        selectors.team_work(colleague).values_list("crime_id", flat=True)
    )


@pytest.mark.django_db
def test_duties_carry_their_crimes_team_and_bcu(org, officer):
    from tests.contacts.support import record

    crime = record(officer)
    rows = set(Obligation.objects.filter(crime=crime).values_list("team_id", "bcu_id"))
    assert rows == {(crime.team_id, crime.bcu_id)}
