"""Stale referrals (/referrals/stale/): referrals past a service's target, for the people who oversee the
cases (a supervisor's teams, an inspector's BCU, every case for an admin; an officer's own and team's
cases). Analysts and partners never see it; the names on it are a look at personal data, recorded."""

from datetime import timedelta

import pytest
from django.urls import reverse

from referrals import services, staff_views
from referrals.keys import key_create
from referrals.models import Referral, RoutingRule, SupportOrganisation
from referrals.services import By
from tests.contacts.support import NOW, person, record, victims
from tests.factories import UserFactory
from victimcare.accounts.constants import Role
from victimcare.audit.models import AccessAction, AccessRecord

STALE = reverse("referrals:stale")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def general(org):
    service = SupportOrganisation.objects.create(
        name="Northtown Victim Care", kind="general", consent_basis="opt_out", phone="0808 168 9111"
    )
    rule = RoutingRule.objects.create(name="Everyone: general support")
    rule.organisations.add(service)
    return service


def sent_case(by, *, name="Aisha Khan", n=1):
    first, last = name.split()
    crime = record(by, people=[person(first_name=first, last_name=last) for _ in range(n)], now=NOW)
    refs = []
    for cv in victims(crime):
        ref = Referral.objects.get(crime_victim=cv)
        refs.append(services.referral_send(referral=ref, by=by, now=NOW))
    return crime, refs


@pytest.mark.django_db
def test_the_supervisor_sees_what_is_late_and_by_how_long(general, officer, supervisor, make_client, clock):
    crime, [ref] = sent_case(officer)
    # Acknowledged on time is not stale; not acknowledged three days after the target is.
    clock.move_to(ref.ack_due_at + timedelta(days=3, hours=1), tick=False)
    c = make_client(supervisor)
    html = c.get(STALE).content.decode()
    assert "Northtown Victim Care" in html and "Aisha Khan" in html
    assert f'href="{crime.get_absolute_url()}#referral-{ref.pk}"' in html and crime.reference in html
    assert "Not acknowledged by the service: 3 days overdue" in html
    assert "<caption" in html and "1 stale referral" in html
    for raw in ("sent", "ack_due_at", "SUPPORT_REFERRAL"):
        assert f">{raw}<" not in html
    # Seeing the name is recorded.
    rec = AccessRecord.objects.get(user=supervisor, path=STALE)
    assert rec.action == AccessAction.VICTIM_VIEWED and rec.crime_id == crime.id


@pytest.mark.django_db
def test_late_contact_is_listed_after_acknowledgement(general, officer, supervisor, make_client, clock):
    crime, [ref] = sent_case(officer)
    key, _ = key_create(organisation=general, name="Case system", by=None)
    services.referral_partner_move(referral=ref, action="accept", by=By.partner_key(key), now=NOW)
    ref.refresh_from_db()
    clock.move_to(ref.ack_due_at + timedelta(hours=1), tick=False)
    assert "Aisha Khan" not in make_client(supervisor).get(STALE).content.decode()  # accepted in time
    clock.move_to(ref.contact_due_at + timedelta(hours=5), tick=False)
    html = make_client(supervisor).get(STALE).content.decode()
    assert "Victim not contacted: 5 hours overdue" in html and "Not acknowledged" not in html
    services.contact_attempt_record(
        referral=ref, by=By.partner_key(key), reached=True, at=ref.contact_due_at, now=ref.contact_due_at
    )
    assert "Aisha Khan" not in make_client(supervisor).get(STALE).content.decode()


@pytest.mark.django_db
def test_nothing_stale_says_so(general, officer, supervisor, make_client, clock):
    sent_case(officer)
    html = make_client(supervisor).get(STALE).content.decode()
    assert "No stale referrals" in html and "Aisha Khan" not in html
    assert not AccessRecord.objects.filter(path=STALE).exists()


@pytest.mark.django_db
def test_each_sees_their_own_scope(
    general, officer, supervisor, inspector, admin_user, org, make_client, clock
):
    _, [ours] = sent_case(officer, name="Aisha Khan")
    far_officer = UserFactory(role=Role.OFFICER, team=org["team_b1"])
    _, [far] = sent_case(far_officer, name="Bryn Jones")
    clock.move_to(max(ours.ack_due_at, far.ack_due_at) + timedelta(days=1), tick=False)
    far_supervisor = UserFactory(role=Role.SUPERVISOR, team=org["team_b1"])
    org["team_b1"].supervisors.add(far_supervisor)
    seen = {
        who.email: make_client(who).get(STALE).content.decode()
        for who in (officer, supervisor, inspector, admin_user, far_supervisor)
    }
    for who in (officer, supervisor, inspector):
        assert "Aisha Khan" in seen[who.email] and "Bryn Jones" not in seen[who.email], who.email
    assert "Aisha Khan" in seen[admin_user.email] and "Bryn Jones" in seen[admin_user.email]
    assert "Bryn Jones" in seen[far_supervisor.email] and "Aisha Khan" not in seen[far_supervisor.email]


@pytest.mark.django_db
def test_analysts_and_partners_403_anonymous_signs_in(general, officer, analyst, partner, make_client, clock):
    _, [ref] = sent_case(officer)
    clock.move_to(ref.ack_due_at + timedelta(days=1), tick=False)
    for user in (analyst, partner):
        r = make_client(user).get(STALE)
        assert r.status_code == 403 and "Aisha Khan" not in r.content.decode()
    r = make_client(None).get(STALE)
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
    assert not AccessRecord.objects.filter(path=STALE).exists()


@pytest.mark.django_db
def test_the_navigation_link_is_for_those_who_oversee(
    general, officer, supervisor, inspector, admin_user, make_client
):
    assert (
        'href="/referrals/stale/"'
        not in make_client(officer).get(reverse("contacts:my_work")).content.decode()
    )
    for who in (supervisor, inspector, admin_user):
        html = make_client(who).get(reverse("contacts:my_work")).content.decode()
        assert 'href="/referrals/stale/"' in html and "Stale referrals" in html, who.email


@pytest.mark.django_db
def test_paginated_with_a_bounded_number_of_queries(
    general, officer, supervisor, make_client, clock, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(staff_views, "PAGE", 5)
    _, refs = sent_case(officer, n=7)
    clock.move_to(refs[0].ack_due_at + timedelta(days=1), tick=False)
    c = make_client(supervisor)
    c.get(STALE)  # warm the session
    with django_assert_max_num_queries(15):
        first = c.get(STALE).content.decode()
    assert "7 stale referrals" in first and "Page 1 of 2" in first and "?page=2" in first
    second = c.get(STALE + "?page=2").content.decode()
    assert "Page 2 of 2" in second
    assert second.count('class="govuk-table__row"') == 1 + 2  # the header and two rows
    # One access record per row shown.
    assert AccessRecord.objects.filter(user=supervisor, path=STALE).count() == 10
    assert AccessRecord.objects.filter(user=supervisor, path=STALE + "?page=2").count() == 2
    # Whatever the page number typed.
    assert c.get(STALE + "?page=abc").status_code == 200
    assert c.get(STALE + "?page=999").status_code == 200
