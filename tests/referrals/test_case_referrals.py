"""The staff side of referrals on the case page: each victim's referrals in words, and the actions staff
who may work the case take on them (the victim's decision, send now, withdraw, add another service).
Outsiders get a 404 (the case does not exist for them), analysts and partners a 403."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases.signals import CasePage
from contacts.constants import Duty, ObligationState
from contacts.models import Obligation
from referrals import handlers, services
from referrals.constants import Decision, State
from referrals.keys import key_create
from referrals.models import Referral, ReferralTransition, RoutingRule, SupportOrganisation
from referrals.services import By
from tests.browser.conftest import browser, page  # noqa: F401 (the browser fixtures, for the axe test)
from tests.contacts.support import NOW, person, record, victims
from tests.factories import UserFactory
from victimcare.accounts.constants import Role

RAW = ("opt_out", "not_asked", "SUPPORT_REFERRAL", "VCS_REFERRAL", "CORRECT_DETAILS", "unable_to_contact")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def orgs(org):
    general = SupportOrganisation.objects.create(
        name="Northtown Victim Care",
        kind="general",
        consent_basis="opt_out",
        phone="0808 168 9111",
        ack_working_days=2,
        contact_working_days=5,
    )
    general.bcus.add(org["bcu_a"])
    idva = SupportOrganisation.objects.create(
        name="Northtown Domestic Abuse Service", kind="general", consent_basis="explicit"
    )
    idva.bcus.add(org["bcu_a"])
    rule = RoutingRule.objects.create(name="Everyone: general support")
    rule.organisations.add(general)
    return {"general": general, "idva": idva}


@pytest.fixture
def case(officer, orgs, clock):
    crime = record(officer, people=[person(first_name="Aisha", last_name="Khan")], now=NOW)
    cv = victims(crime)[0]
    ref = Referral.objects.get(crime_victim=cv)
    return crime, cv, ref


def url(name, crime, **kw):
    return reverse(f"referrals:{name}", kwargs={"ref": crime.slug, **kw})


def decision_data(ref, **over):
    data = {
        f"referral-{ref.pk}-decision": "given",
        f"referral-{ref.pk}-asked_at": "2026-11-02T09:30",
        f"referral-{ref.pk}-sharing_note": "Only call the mobile.",
    }
    data.update({f"referral-{ref.pk}-{k}": v for k, v in over.items()})
    return data


def duty(cv, code=Duty.SUPPORT_REFERRAL):
    return Obligation.objects.get(crime_victim=cv, code=code)


def snapshot(ref):
    ref.refresh_from_db()
    return (
        ref.state,
        ref.decision,
        ref.decision_at,
        ref.sharing_note,
        ref.sent_at,
        ref.reason,
        ref.version,
        ReferralTransition.objects.filter(referral=ref).count(),
        Referral.objects.count(),
        list(Obligation.objects.filter(crime_victim=ref.crime_victim_id).values_list("code", "state")),
    )


# --- the case page -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_case_page_shows_a_waiting_opt_out_referral_in_words(case, officer, make_client):
    crime, cv, ref = case
    html = make_client(officer).get(crime.get_absolute_url()).content.decode()
    assert f'id="referrals-{cv.id}"' in html
    assert "Northtown Victim Care" in html
    assert "Referred unless the victim declines" in html  # the consent basis in words
    assert "Waiting to be sent" in html and "Not asked yet" in html
    assert "Will be sent automatically on 3 November 2026" in html and "unless the victim declines" in html
    assert "Automatic" in html  # routing made it
    assert "Send now" in html and "Record the victim's decision" in html
    # Another service of the area that fits, to refer to as well.
    assert "Refer Aisha Khan to another support service" in html
    assert "Northtown Domestic Abuse Service" in html
    for raw in RAW:
        assert raw not in html, raw


@pytest.mark.django_db
def test_case_page_shows_what_the_service_did(case, officer, make_client, clock):
    crime, cv, ref = case
    services.referral_send(referral=ref, by=officer, now=NOW)
    key, _ = key_create(organisation=ref.organisation, name="Case system", by=None)
    partner_user = UserFactory(role=Role.PARTNER, team=None, first_name="Pat", last_name="Partner")
    later = NOW + timedelta(hours=3)
    services.referral_partner_move(referral=ref, action="acknowledge", by=By.partner_key(key), now=later)
    services.contact_attempt_record(
        referral=ref,
        by=By.partner_user(partner_user),
        reached=False,
        at=later,
        method="phone",
        note="No answer.",
        now=later,
    )
    services.details_report(
        referral=ref, by=By.partner_key(key), fields=["phone"], note="The number is not in use.", now=later
    )
    clock.move_to(later + timedelta(hours=1), tick=False)
    html = make_client(officer).get(crime.get_absolute_url()).content.decode()
    assert "Received by the service" in html  # the state tag
    assert escape(officer.display_name) in html  # who sent it
    assert "API key “Case system” of Northtown Victim Care" in html  # who acknowledged it
    assert "Pat Partner" in html and "Did not reach the victim" in html and "No answer." in html
    assert "(Phone call)" in html and "(phone)" not in html  # the method in words, not its code
    assert "Phone number: The number is not in use." in html and "To correct" in html
    assert "Acknowledged" in html and "on time" in html
    assert "First contact with the victim" in html and "Not yet. Due by" in html
    # Wrong details: the duty to correct them leads to the victim's edit page.
    edit = reverse("cases:victim_edit", kwargs={"ref": crime.slug, "cv_id": cv.id})
    assert f'href="{edit}"' in html
    for raw in RAW:
        assert raw not in html, raw


@pytest.mark.django_db
def test_overdue_targets_are_said_in_words(case, officer, make_client, clock):
    crime, cv, ref = case
    services.referral_send(referral=ref, by=officer, now=NOW)
    ref.refresh_from_db()
    clock.move_to(ref.ack_due_at + timedelta(days=3, hours=2), tick=False)
    html = make_client(officer).get(crime.get_absolute_url()).content.decode()
    assert "Not acknowledged by the service: 3 days overdue" in html
    assert "Late" in html


@pytest.mark.django_db
def test_explicit_consent_referral_says_consent_is_needed_and_cannot_be_sent(
    case, officer, orgs, make_client
):
    crime, cv, _ = case
    ref = services.referral_add(crime_victim=cv, organisation=orgs["idva"], by=officer, at=NOW)
    c = make_client(officer)
    html = c.get(crime.get_absolute_url()).content.decode()
    assert "Referred only with the victim&#x27;s consent" in html
    assert "takes referrals only with the victim's consent" in html
    before = snapshot(ref)
    r = c.post(url("send", crime, pk=ref.pk), follow=True)
    assert "was not sent" in r.content.decode()
    assert snapshot(ref) == before


# --- the victim's decision -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_agreed_sends_it_and_meets_the_duty_on_time(case, officer, make_client):
    crime, cv, ref = case
    c = make_client(officer)
    r = c.post(url("decide", crime, pk=ref.pk), decision_data(ref))
    assert r.status_code == 302 and r["Location"] == f"{crime.get_absolute_url()}#referrals-{cv.id}"
    ref.refresh_from_db()
    assert ref.state == State.SENT and ref.decision == Decision.GIVEN and ref.decision_by == officer
    assert ref.sharing_note == "Only call the mobile."
    d = duty(cv)
    assert d.state == ObligationState.MET and d.met_on_time is True
    html = c.get(r["Location"]).content.decode()
    assert "The victim agreed. The referral to Northtown Victim Care has been sent." in html
    assert "Only call the mobile." in html and "Agreed to the referral" in html


@pytest.mark.django_db
def test_declined_is_recorded_not_sent_and_closes_the_duty(case, officer, make_client):
    crime, cv, ref = case
    c = make_client(officer)
    r = c.post(url("decide", crime, pk=ref.pk), decision_data(ref, decision="declined"))
    assert r.status_code == 302
    ref.refresh_from_db()
    assert ref.state == State.DECLINED and ref.sent_at is None and ref.send_after is None
    d = duty(cv)
    assert d.state == ObligationState.NOT_REQUIRED
    html = c.get(crime.get_absolute_url()).content.decode()
    assert "declined the referral to Northtown Victim Care. It will not be sent." in html
    assert "Declined by the victim" in html and "Will be sent automatically" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "over, problem",
    [
        ({"decision": ""}, "Choose whether the victim agreed to the referral or declined it."),
        ({"decision": "maybe"}, "Choose whether the victim agreed to the referral or declined it."),
        ({"asked_at": ""}, "Enter when the victim was asked."),
        ({"asked_at": "2026-11-09T09:30"}, "The time the victim was asked cannot be in the future."),
        ({"asked_at": "yesterday"}, "Enter a real date and time"),
        ({"sharing_note": "x" * 1001}, "1,000 characters or fewer"),
    ],
)
def test_bad_decisions_change_nothing(case, officer, make_client, over, problem):
    crime, cv, ref = case
    before = snapshot(ref)
    r = make_client(officer).post(url("decide", crime, pk=ref.pk), decision_data(ref, **over))
    html = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in html and problem in html
    assert "Nothing has been changed" in html and "Select a valid choice" not in html
    assert snapshot(ref) == before


@pytest.mark.django_db
def test_a_decision_on_a_sent_referral_is_refused(case, officer, make_client):
    crime, cv, ref = case
    services.referral_send(referral=ref, by=officer, now=NOW)
    before = snapshot(ref)
    r = make_client(officer).post(url("decide", crime, pk=ref.pk), decision_data(ref, decision="declined"))
    assert "has been sent already. To stop it, withdraw it." in r.content.decode()
    assert snapshot(ref) == before


# --- send now, and the duty met on time or late --------------------------------------------------------
@pytest.mark.django_db
def test_send_now_meets_the_duty_on_time(case, officer, make_client):
    crime, cv, ref = case
    r = make_client(officer).post(url("send", crime, pk=ref.pk), follow=True)
    assert "The referral to Northtown Victim Care has been sent." in r.content.decode()
    ref.refresh_from_db()
    assert ref.state == State.SENT and ref.sent_at == NOW and ref.ack_due_at > NOW
    d = duty(cv)
    assert d.state == ObligationState.MET and d.met_on_time is True


@pytest.mark.django_db
def test_sent_after_the_deadline_meets_the_duty_late(case, officer, make_client, clock):
    crime, cv, ref = case
    # A restricted-style wait: the officer sends it a week later (the automatic send did not run).
    clock.move_to(NOW + timedelta(days=7), tick=False)
    make_client(officer).post(url("send", crime, pk=ref.pk))
    d = duty(cv)
    assert d.state == ObligationState.MET and d.met_on_time is False


@pytest.mark.django_db
def test_sending_twice_is_refused_and_changes_nothing(case, officer, make_client):
    crime, cv, ref = case
    c = make_client(officer)
    c.post(url("send", crime, pk=ref.pk))
    before = snapshot(ref)
    r = c.post(url("send", crime, pk=ref.pk), follow=True)
    assert "was not sent. Only a referral waiting to be sent can be sent." in r.content.decode()
    assert snapshot(ref) == before


# --- withdraw ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_withdraw_with_a_reason(case, supervisor, make_client):
    crime, cv, ref = case
    services.referral_send(referral=ref, by=supervisor, now=NOW)
    data = {f"referral-{ref.pk}-reason": "The victim changed their mind."}
    r = make_client(supervisor).post(url("withdraw", crime, pk=ref.pk), data, follow=True)
    html = r.content.decode()
    assert "The referral to Northtown Victim Care has been withdrawn." in html
    assert "Withdrawn by the police" in html and "The victim changed their mind." in html
    ref.refresh_from_db()
    assert ref.state == State.WITHDRAWN and ref.closed_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reason, problem", [("", "Enter why the referral is being withdrawn."), ("x" * 1001, "1,000")]
)
def test_withdraw_without_a_good_reason_changes_nothing(case, officer, make_client, reason, problem):
    crime, cv, ref = case
    before = snapshot(ref)
    r = make_client(officer).post(url("withdraw", crime, pk=ref.pk), {f"referral-{ref.pk}-reason": reason})
    html = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in html and problem in html
    assert snapshot(ref) == before


@pytest.mark.django_db
def test_withdrawing_a_closed_referral_is_refused(case, officer, make_client):
    crime, cv, ref = case
    services.referral_withdraw(referral=ref, by=officer, reason="Made by mistake.", now=NOW)
    before = snapshot(ref)
    r = make_client(officer).post(url("withdraw", crime, pk=ref.pk), {f"referral-{ref.pk}-reason": "Again."})
    html = r.content.decode()
    assert "There is a problem" in html and "cannot be marked" in html
    assert snapshot(ref) == before


# --- another service -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_add_a_referral_to_another_service_in_the_area(case, officer, orgs, make_client):
    crime, cv, _ = case
    r = make_client(officer).post(
        url("add", crime, cv_id=cv.id), {f"add-{cv.id}-organisation": orgs["idva"].pk}, follow=True
    )
    assert "Referral to Northtown Domestic Abuse Service added for Aisha Khan." in r.content.decode()
    ref = Referral.objects.get(crime_victim=cv, organisation=orgs["idva"])
    assert ref.state == State.CREATED and ref.created_by == officer and ref.consent_basis == "explicit"


@pytest.mark.django_db
def test_add_refuses_a_service_not_offered_and_changes_nothing(case, officer, orgs, org, make_client):
    crime, cv, ref = case
    elsewhere = SupportOrganisation.objects.create(name="Southtown Victim Care", kind="general")
    elsewhere.bcus.add(org["bcu_b"])
    closed = SupportOrganisation.objects.create(name="Closed Service", kind="general", active=False)
    c = make_client(officer)
    for value, problem in [
        ("", "Choose the support service to refer the victim to."),
        (elsewhere.pk, "Choose a support service from the list."),
        (closed.pk, "Choose a support service from the list."),
        ("abc", "Choose a support service from the list."),
        # Already referred there: the service says so.
        (orgs["general"].pk, "Aisha Khan already has a referral to Northtown Victim Care."),
    ]:
        before = snapshot(ref)
        r = c.post(url("add", crime, cv_id=cv.id), {f"add-{cv.id}-organisation": value})
        html = r.content.decode()
        assert r.status_code == 200 and "There is a problem" in html and problem in html, value
        assert snapshot(ref) == before


# --- who may ---------------------------------------------------------------------------------------
def _actions(crime, cv, ref):
    return [
        (url("decide", crime, pk=ref.pk), decision_data(ref)),
        (url("send", crime, pk=ref.pk), {}),
        (url("withdraw", crime, pk=ref.pk), {f"referral-{ref.pk}-reason": "Because."}),
        (url("add", crime, cv_id=cv.id), {f"add-{cv.id}-organisation": ""}),
    ]


@pytest.mark.django_db
def test_outsiders_get_404_analysts_and_partners_403_and_nothing_changes(
    case, outsider, analyst, partner, org, make_client
):
    crime, cv, ref = case
    other_team_officer = UserFactory(role=Role.OFFICER, team=org["team_a2"])
    before = snapshot(ref)
    for user, status in [(outsider, 404), (other_team_officer, 404), (analyst, 403), (partner, 403)]:
        c = make_client(user)
        for action, data in _actions(crime, cv, ref):
            assert c.post(action, data).status_code == status, (user.email, action)
    anonymous = make_client(None)
    for action, data in _actions(crime, cv, ref):
        r = anonymous.post(action, data)
        assert r.status_code == 302 and r["Location"].startswith(reverse("login")), action
    assert snapshot(ref) == before


@pytest.mark.django_db
def test_a_referral_of_another_case_is_404(case, officer, make_client, clock):
    crime, cv, ref = case
    other = record(officer, people=[person()], now=NOW)
    before = snapshot(ref)
    # The officer may see both cases, but the referral is not on the case named in the address.
    assert make_client(officer).post(url("send", other, pk=ref.pk)).status_code == 404
    assert snapshot(ref) == before


@pytest.mark.django_db
def test_actions_are_post_only(case, officer, make_client):
    crime, cv, ref = case
    c = make_client(officer)
    for action, _ in _actions(crime, cv, ref):
        assert c.get(action).status_code == 405


@pytest.mark.django_db
def test_actions_need_the_form_token(case, officer):
    from django.test import Client

    from tests.conftest import signed_in

    crime, cv, ref = case
    c = signed_in(Client(enforce_csrf_checks=True), officer)
    before = snapshot(ref)
    assert c.post(url("send", crime, pk=ref.pk)).status_code == 403
    assert snapshot(ref) == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "inspector", "admin_user"])
def test_supervisors_inspectors_and_admins_may_act(case, who, request, make_client):
    crime, cv, ref = case
    user = request.getfixturevalue(who)
    r = make_client(user).post(url("send", crime, pk=ref.pk))
    assert r.status_code == 302
    ref.refresh_from_db()
    assert ref.state == State.SENT


# --- duties lead here ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_referral_and_correction_duties_lead_to_where_they_are_met(case, officer, make_client):
    crime, cv, ref = case
    c = make_client(officer)
    section = f"{crime.get_absolute_url()}#referrals-{cv.id}"
    for where in (reverse("contacts:my_work"), crime.get_absolute_url()):
        assert f'href="{section}"' in c.get(where).content.decode(), where
    services.referral_send(referral=ref, by=officer, now=NOW)
    services.details_report(referral=ref, by=By.system(), fields=["phone"], note="Not in use.", now=NOW)
    edit = reverse("cases:victim_edit", kwargs={"ref": crime.slug, "cv_id": cv.id})
    assert duty(cv, Duty.CORRECT_DETAILS).state == ObligationState.OPEN
    for where in (reverse("contacts:inbox"), reverse("contacts:my_work"), crime.get_absolute_url()):
        html = c.get(where).content.decode()
        assert f'href="{edit}"' in html and "Correct the details" in html, where


@pytest.mark.django_db
def test_the_correction_shows_as_corrected_and_meets_the_duty(case, officer, make_client, clock):
    from cases.services import victim_update

    crime, cv, ref = case
    services.referral_send(referral=ref, by=officer, now=NOW)
    services.details_report(referral=ref, by=By.system(), fields=["phone"], note="Not in use.", now=NOW)
    clock.move_to(NOW + timedelta(hours=2), tick=False)
    victim_update(person=cv.person, by=officer, data={"mobile_phone": "07700 900 456"}, crime=crime)
    assert duty(cv, Duty.CORRECT_DETAILS).state == ObligationState.MET
    html = make_client(officer).get(crime.get_absolute_url()).content.decode()
    assert "Corrected" in html and "To correct" not in html
    assert "The service was sent the victim" in html and "new details on 2 November 2026, 12:00" in html


# --- query counts ----------------------------------------------------------------------------------
def _busy_case(officer, orgs, n_victims):
    crime = record(officer, people=[person() for _ in range(n_victims)], now=NOW)
    key, _ = key_create(organisation=orgs["general"], name=f"System {n_victims}", by=None)
    for cv in victims(crime):
        ref = Referral.objects.get(crime_victim=cv)
        services.referral_send(referral=ref, by=officer, now=NOW)
        services.contact_attempt_record(referral=ref, by=By.partner_key(key), reached=False, at=NOW, now=NOW)
        services.details_report(
            referral=ref, by=By.partner_key(key), fields=["email"], note="Bounced.", now=NOW
        )
        extra = services.referral_add(crime_victim=cv, organisation=orgs["idva"], by=officer, at=NOW)
        services.referral_decide(
            referral=extra, by=officer, decision=Decision.DECLINED, asked_at=NOW, now=NOW
        )
    return crime


@pytest.mark.django_db
def test_the_case_page_part_costs_the_same_queries_for_one_victim_or_many(
    officer, orgs, clock, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.selectors import crime_victims_for_case

    counts = []
    for n in (1, 4):
        crime = _busy_case(officer, orgs, n)
        vs = list(crime_victims_for_case(crime))  # as the case page loads them
        with CaptureQueriesContext(connection) as ctx:
            out = handlers.case_page_victims(CasePage(crime=crime, victims=vs, now=NOW))
        assert len(out) == n and all(len(out[cv.id]["referrals"]) == 2 for cv in vs)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] and counts[0] <= 10, counts


@pytest.mark.django_db
def test_case_page_query_count_is_bounded(officer, orgs, clock, make_client, django_assert_max_num_queries):
    crime = _busy_case(officer, orgs, 4)
    c = make_client(officer)
    c.get(crime.get_absolute_url())  # warm the session and caches
    with django_assert_max_num_queries(60):
        r = c.get(crime.get_absolute_url())
    assert r.status_code == 200


# --- in a browser, with axe-core -------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officer_records_a_decision_in_the_browser_and_every_page_is_axe_clean(page, org):  # noqa: F811
    from django.utils import timezone

    from tests.browser.conftest import axe_violations

    officer = UserFactory(email="pc.refer@test.police.uk", team=org["team_a1"], role=Role.OFFICER)
    supervisor = UserFactory(email="ps.refer@test.police.uk", team=org["team_a1"], role=Role.SUPERVISOR)
    org["team_a1"].supervisors.add(supervisor)
    general = SupportOrganisation.objects.create(
        name="Northtown Victim Care", kind="general", consent_basis="opt_out"
    )
    idva = SupportOrganisation.objects.create(
        name="Northtown Domestic Abuse Service", kind="general", consent_basis="explicit"
    )
    rule = RoutingRule.objects.create(name="Everyone")
    rule.organisations.add(general, idva)
    then = timezone.now() - timedelta(days=10)
    crime = record(officer, people=[person(first_name="Noor", last_name="Ali")], now=then)
    cv = victims(crime)[0]
    sent = Referral.objects.get(crime_victim=cv, organisation=general)
    services.referral_send(referral=sent, by=officer, now=then)
    waiting = Referral.objects.get(crime_victim=cv, organisation=idva)

    def sign_in(user):
        page.context.clear_cookies()
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill("correct-horse-battery")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    sign_in(officer)
    page.goto(crime.get_absolute_url())
    page.get_by_role("heading", name="Referrals to support services").wait_for()
    for d in page.locator(f"#referrals-{cv.id} ~ section details, #referrals-{cv.id} ~ details").all():
        d.locator("summary").click()
    assert axe_violations(page) == [], "case page with the referral forms open"

    section = page.locator(f"#referral-{waiting.pk}")
    section.get_by_label("They declined the referral").check()
    section.get_by_label("When were they asked?").fill("2099-01-01T10:00")
    section.get_by_role("button", name="Save the decision").click()
    page.get_by_text("There is a problem").wait_for()
    assert axe_violations(page) == [], "the decision form with an error"
    page.get_by_label("They declined the referral").check()
    page.get_by_label("When were they asked?").fill(
        timezone.localtime(then + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_text("It will not be sent.").wait_for()
    waiting.refresh_from_db()
    assert waiting.state == State.DECLINED

    sign_in(supervisor)
    page.get_by_role("link", name="Stale referrals").click()
    page.get_by_role("heading", name="Stale referrals").wait_for()
    assert page.locator("tbody tr").count() == 1 and "Noor Ali" in page.locator("tbody").inner_text()
    assert axe_violations(page) == [], "stale referrals"


def test_each_referral_duty_and_the_correction_duty_name_their_action():
    from types import SimpleNamespace

    from contacts.templatetags.duties import duty_action

    for code in (Duty.SUPPORT_REFERRAL, Duty.VCS_REFERRAL):
        action = duty_action(SimpleNamespace(code=code, crime_victim_id=7, pk=1), "VC-12345-26")
        assert action == {"label": "Make the referral", "url": "/cases/VC-12345-26/#referrals-7"}
    action = duty_action(SimpleNamespace(code=Duty.CORRECT_DETAILS, crime_victim_id=7, pk=1), "VC-12345-26")
    assert action == {"label": "Correct the details", "url": "/cases/VC-12345-26/victims/7/edit/"}


def test_every_referral_form_says_what_is_missing_in_words():
    from django import forms

    from referrals.forms import AddReferralForm, DecisionForm, WithdrawForm

    default = forms.Field.default_error_messages["required"]
    for form in (DecisionForm(), WithdrawForm(), AddReferralForm(organisations=[])):
        for name, field in form.fields.items():
            assert not field.required or field.error_messages["required"] != default, name
            assert "invalid_choice" not in field.error_messages or "Select a valid" not in str(
                field.error_messages["invalid_choice"]
            ), name
