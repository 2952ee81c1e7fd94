"""Referrals end to end through the services: routing on recording, the victim's decision and the consent
rules, the referral duty met by sending (on time or late), the lifecycle, reminders and the correction
round trip."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services as case_services
from contacts.constants import Duty, ObligationState
from contacts.models import Obligation
from messaging.constants import Stage
from messaging.models import StaffNotification
from referrals import services
from referrals.constants import ConsentBasis, Decision, State
from referrals.models import (
    DetailsReport,
    Referral,
    ReferralTransition,
    RoutingRule,
    SupportOrganisation,
    WebhookDelivery,
)
from referrals.services import By
from tests.cases.test_services import person
from tests.factories import offence

# A Tuesday, so a working day later is Wednesday.
T0 = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def routing(org):
    general = SupportOrganisation.objects.create(
        name="North Victim Support",
        kind="general",
        consent_basis=ConsentBasis.OPT_OUT,
        ack_working_days=2,
        contact_working_days=5,
        max_contact_attempts=3,
        webhook_url="https://support.example.org/hooks",
    )
    idva = SupportOrganisation.objects.create(
        name="IDVA Service", kind="domestic_abuse", consent_basis=ConsentBasis.EXPLICIT
    )
    probation = SupportOrganisation.objects.create(
        name="Probation VCS", kind="probation_vcs", consent_basis=ConsentBasis.OPT_OUT
    )
    r = RoutingRule.objects.create(name="General North")
    r.bcus.set([org["bcu_a"]])
    r.organisations.set([general])
    r = RoutingRule.objects.create(name="IDVA", flags=["domestic_abuse"])
    r.organisations.set([idva])
    r = RoutingRule.objects.create(name="VCS", trigger="qualifying_sentence")
    r.organisations.set([probation])
    return {"general": general, "idva": idva, "probation": probation}


def record(officer, *, now=T0, **over):
    kwargs = {
        "by": officer,
        "reference": "VC/22222/26",
        "offence": offence("8N"),
        "occurred_at": now - timedelta(days=2),
        "reported_at": now - timedelta(hours=2),
        "location": "Market Street",
        "team": officer.team,
        "oic": officer,
        "victims": [case_services.VictimInput(person=person())],
        "now": now,
    }
    kwargs.update(over)
    return case_services.case_record(**kwargs)


def duty(crime, code=Duty.SUPPORT_REFERRAL):
    return Obligation.objects.get(crime=crime, code=code)


def assess(crime, officer, consent, at):
    return case_services.needs_assessment_save(
        crime_victim=crime.victims.get(), by=officer, data={"referral_consent": consent}, now=at
    )


@pytest.mark.django_db
class TestRoutingAndSending:
    def test_recording_routes_and_the_general_referral_waits_a_working_day(self, officer, routing):
        crime = record(officer, is_domestic_abuse=True)
        refs = {r.organisation.name: r for r in Referral.objects.filter(crime=crime)}
        assert set(refs) == {"North Victim Support", "IDVA Service"}
        general, idva = refs["North Victim Support"], refs["IDVA Service"]
        assert general.state == State.CREATED and general.send_after > T0
        assert idva.state == State.CREATED and idva.send_after is None  # consent needed: never automatic
        assert duty(crime).state == ObligationState.OPEN
        # Nothing sent before the hold passes; then the beat sends it and the duty is met on time.
        assert not services.send_one_held(now=T0 + timedelta(hours=1))
        assert services.send_one_held(now=general.send_after)
        assert not services.send_one_held(now=general.send_after)
        general.refresh_from_db()
        assert (
            general.state == State.SENT
            and general.sent_at == general.send_after
            or general.send_after is None
        )
        d = duty(crime)
        assert d.state == ObligationState.MET and d.met_on_time
        assert general.ack_due_at > general.sent_at and general.contact_due_at > general.ack_due_at
        assert ReferralTransition.objects.filter(
            referral=general, to_state=State.SENT, actor="system"
        ).exists()
        # Its service uses a webhook: the new referral is in the outbox.
        assert WebhookDelivery.objects.filter(referral=general, event="referral.created").count() == 1
        # The specialist referral is still waiting for the victim's answer.
        idva.refresh_from_db()
        assert idva.state == State.CREATED

    def test_consent_in_the_needs_assessment_sends_the_opt_out_referral_at_once(self, officer, routing):
        crime = record(officer, is_domestic_abuse=True)
        at = T0 + timedelta(hours=3)
        assess(crime, officer, "given", at)
        general = Referral.objects.get(crime=crime, organisation=routing["general"])
        idva = Referral.objects.get(crime=crime, organisation=routing["idva"])
        assert general.state == State.SENT and general.sent_at == at and general.decision == Decision.GIVEN
        assert idva.state == State.CREATED  # a specialist needs its own answer
        assert duty(crime).state == ObligationState.MET

    def test_declined_in_the_needs_assessment_is_recorded_never_sent(self, officer, routing):
        crime = record(officer, is_domestic_abuse=True)
        assess(crime, officer, "declined", T0 + timedelta(hours=1))
        states = set(Referral.objects.filter(crime=crime).values_list("state", flat=True))
        assert states == {State.DECLINED}
        assert not services.send_one_held(now=T0 + timedelta(days=10))
        d = duty(crime)
        assert d.state == ObligationState.NOT_REQUIRED and "declined" in d.closed_reason

    def test_the_victim_changes_their_mind(self, officer, routing):
        crime = record(officer)
        assess(crime, officer, "declined", T0 + timedelta(hours=1))
        assess(crime, officer, "given", T0 + timedelta(days=1))
        general = Referral.objects.get(crime=crime, organisation=routing["general"])
        assert general.state == State.SENT
        # The declined duty stays as it was; the new one (from the change of mind) is met by sending.
        states = list(
            Obligation.objects.filter(crime=crime, code=Duty.SUPPORT_REFERRAL)
            .order_by("id")
            .values_list("state", flat=True)
        )
        assert states == [ObligationState.NOT_REQUIRED, ObligationState.MET]

    def test_a_specialist_referral_is_sent_only_with_consent(self, officer, routing, supervisor):
        crime = record(officer, is_domestic_abuse=True)
        idva = Referral.objects.get(crime=crime, organisation=routing["idva"])
        with pytest.raises(ValidationError, match="consent"):
            services.referral_send(referral=idva, by=officer, now=T0)
        idva.refresh_from_db()
        assert idva.state == State.CREATED
        services.referral_decide(
            referral=idva,
            by=officer,
            decision=Decision.GIVEN,
            asked_at=T0,
            sharing_note="Only the IDVA.",
            now=T0 + timedelta(minutes=5),
        )
        idva.refresh_from_db()
        assert (
            idva.state == State.SENT and idva.decision_by == officer and idva.sharing_note == "Only the IDVA."
        )

    def test_declining_one_referral_keeps_the_duty_for_the_other(self, officer, routing):
        crime = record(officer, is_domestic_abuse=True)
        idva = Referral.objects.get(crime=crime, organisation=routing["idva"])
        services.referral_decide(referral=idva, by=officer, decision=Decision.DECLINED, asked_at=T0, now=T0)
        assert duty(crime).state == ObligationState.OPEN  # the general referral is still to go
        general = Referral.objects.get(crime=crime, organisation=routing["general"])
        services.referral_decide(
            referral=general, by=officer, decision=Decision.DECLINED, asked_at=T0, now=T0
        )
        assert duty(crime).state == ObligationState.NOT_REQUIRED

    def test_sent_after_the_deadline_is_met_late(self, officer, routing):
        crime = record(officer)
        general = Referral.objects.get(crime=crime, organisation=routing["general"])
        late = duty(crime).due_at + timedelta(days=1)
        services.referral_send(referral=general, by=officer, now=late)
        d = duty(crime)
        assert d.state == ObligationState.MET and not d.met_on_time

    def test_a_restricted_case_is_never_sent_automatically(self, officer, routing):
        crime = record(officer, is_restricted=True)
        general = Referral.objects.get(crime=crime, organisation=routing["general"])
        assert general.send_after is None
        assert not services.send_one_held(now=T0 + timedelta(days=30))

    def test_bad_decisions_change_nothing(self, officer, routing):
        crime = record(officer)
        general = Referral.objects.get(crime=crime, organisation=routing["general"])
        for kwargs in (
            {"decision": "maybe", "asked_at": T0},
            {"decision": Decision.GIVEN, "asked_at": T0 + timedelta(days=3)},
            {"decision": Decision.GIVEN, "asked_at": T0, "sharing_note": "x" * 1001},
        ):
            with pytest.raises(ValidationError):
                services.referral_decide(referral=general, by=officer, now=T0, **kwargs)
        general.refresh_from_db()
        assert (general.state, general.version, general.decision) == (State.CREATED, 1, Decision.NOT_ASKED)

    def test_routing_twice_makes_no_second_live_referral(self, officer, routing):
        crime = record(officer)
        cv = crime.victims.select_related("person").get()
        assert services.referrals_route(crime=crime, victims=[cv], at=T0) == []
        assert Referral.objects.filter(crime=crime).count() == 1

    def test_a_qualifying_sentence_refers_to_the_probation_scheme(self, officer, routing):
        crime = record(officer, offence=offence("8N"))
        steps = [
            ("CHARGED", {"charges": "Assault occasioning actual bodily harm"}),
            (
                "HEARING_DETAILS",
                {
                    "hearing_at": (T0 + timedelta(days=20)).isoformat(),
                    "court": "Leeds",
                    "hearing_type": "trial",
                },
            ),
        ]
        for code, details in steps:
            case_services.event_record(
                crime=crime, code=code, by=officer, occurred_at=T0, details=details, now=T0
            )
        case_services.event_record(
            crime=crime,
            code="OUTCOME",
            by=officer,
            occurred_at=T0,
            now=T0,
            details={"outcome": "Guilty", "sentence": "2 years", "custody_months": 6},
        )
        assert not Referral.objects.filter(organisation=routing["probation"]).exists()  # under 12 months
        case_services.event_record(
            crime=crime,
            code="OUTCOME",
            by=officer,
            occurred_at=T0 + timedelta(hours=1),
            now=T0 + timedelta(hours=1),
            details={"outcome": "Guilty on appeal", "sentence": "2 years", "custody_months": 24},
        )
        vcs = Referral.objects.get(organisation=routing["probation"])
        assert vcs.state == State.CREATED and vcs.send_after is not None
        while services.send_one_held(now=vcs.send_after):
            pass
        vcs.refresh_from_db()
        assert vcs.state == State.SENT
        assert Obligation.objects.get(crime=crime, code=Duty.VCS_REFERRAL).state == ObligationState.MET


@pytest.fixture
def sent(officer, routing):
    crime = record(officer)
    general = Referral.objects.get(crime=crime, organisation=routing["general"])
    services.referral_send(referral=general, by=officer, now=T0)
    general.refresh_from_db()
    return general


PARTNER = By.system().__class__("partner", label="API key “Case system” of North Victim Support")


@pytest.mark.django_db
class TestLifecycle:
    def test_the_whole_way(self, sent):
        at = T0 + timedelta(hours=2)
        services.referral_partner_move(referral=sent, action="acknowledge", by=PARTNER, now=at)
        services.referral_partner_move(referral=sent, action="accept", by=PARTNER, now=at)
        for n in range(2):
            services.contact_attempt_record(referral=sent, by=PARTNER, reached=False, at=at, now=at)
        services.contact_attempt_record(referral=sent, by=PARTNER, reached=True, at=at, now=at, note="Spoke.")
        services.referral_partner_move(referral=sent, action="support_given", by=PARTNER, now=at)
        services.referral_partner_move(referral=sent, action="close", by=PARTNER, now=at)
        sent.refresh_from_db()
        assert sent.state == State.CLOSED and sent.contact_attempts == 3 and sent.closed_at == at
        steps = list(sent.transitions.values_list("to_state", flat=True))
        assert steps == ["created", "sent", "received", "accepted", "contacted", "support_given", "closed"]
        assert all(t.at for t in sent.transitions.all())

    def test_unable_to_contact_after_the_organisations_attempts(self, sent):
        services.referral_partner_move(referral=sent, action="accept", by=PARTNER, now=T0)
        for _ in range(3):
            services.contact_attempt_record(referral=sent, by=PARTNER, reached=False, at=T0, now=T0)
        sent.refresh_from_db()
        assert sent.state == State.UNABLE_TO_CONTACT and sent.acknowledged_at == T0

    @pytest.mark.parametrize("action", ["close", "support_given", "support_declined"])
    def test_invalid_moves_are_refused_and_change_nothing(self, sent, action):
        version, n = sent.version, ReferralTransition.objects.count()
        with pytest.raises(ValidationError, match="cannot be marked"):
            services.referral_partner_move(referral=sent, action=action, by=PARTNER, now=T0)
        sent.refresh_from_db()
        assert (sent.state, sent.version, ReferralTransition.objects.count()) == (State.SENT, version, n)

    def test_a_rejection_needs_a_reason(self, sent):
        with pytest.raises(ValidationError, match="why"):
            services.referral_partner_move(referral=sent, action="reject", by=PARTNER, now=T0)
        services.referral_partner_move(referral=sent, action="reject", by=PARTNER, note="Out of area", now=T0)
        sent.refresh_from_db()
        assert sent.state == State.REJECTED and sent.reason == "Out of area"

    def test_the_force_withdraws_but_a_service_cannot_and_the_force_cannot_accept(self, sent, officer):
        with pytest.raises(ValidationError):
            services.referral_partner_move(referral=sent, action="accept", by=By.force(officer), now=T0)
        with pytest.raises(ValidationError, match="why"):
            services.referral_withdraw(referral=sent, by=officer, reason=" ", now=T0)
        services.referral_withdraw(referral=sent, by=officer, reason="The victim changed their mind.", now=T0)
        sent.refresh_from_db()
        assert sent.state == State.WITHDRAWN
        assert WebhookDelivery.objects.filter(referral=sent, event="referral.updated").exists()

    def test_stale_referrals_are_reminded_once(self, sent, mailoutbox):
        sent.organisation.email = "referrals@support.example.org"
        sent.organisation.save()
        late = sent.ack_due_at + timedelta(hours=1)
        assert services.remind_stale(now=late) == 1
        assert services.remind_stale(now=late) == 0
        [mail] = mailoutbox
        assert mail.to == ["referrals@support.example.org"] and sent.reference in mail.body
        assert "not acknowledged" in mail.body and "/partner/?show=stale" in mail.body
        assert sent.crime_victim.person.last_name not in mail.body  # references only, never names
        assert (
            WebhookDelivery.objects.filter(referral=sent, event="referral.acknowledgement_overdue").count()
            == 1
        )
        later = sent.contact_due_at + timedelta(hours=1)
        assert services.remind_stale(now=later) == 1
        assert len(mailoutbox) == 2
        assert WebhookDelivery.objects.filter(referral=sent, event="referral.contact_overdue").count() == 1


@pytest.mark.django_db
class TestCorrections:
    def test_the_correction_round_trip(self, sent, officer):
        with time_machine.travel(T0 + timedelta(hours=1), tick=False):
            report = services.details_report(
                referral=sent, by=PARTNER, fields=["phone"], note="The number is not in use."
            )
        fix = report.obligation
        assert fix.code == Duty.CORRECT_DETAILS and fix.state == ObligationState.OPEN
        assert fix.owner_id == officer.pk and fix.crime_victim_id == sent.crime_victim_id
        assert StaffNotification.objects.filter(
            obligation=fix, stage=Stage.DETAILS_REPORTED, recipient=officer
        ).exists()
        version = Referral.objects.get(pk=sent.pk).version
        # The officer corrects the number: the service sees it, the report is resolved and the duty met.
        case_services.victim_update(
            person=sent.crime_victim.person,
            by=officer,
            data={"mobile_phone": "07700 900 999"},
            now=T0 + timedelta(hours=5),
        )
        sent.refresh_from_db()
        fix.refresh_from_db()
        assert sent.details_updated_at == T0 + timedelta(hours=5) and sent.version > version
        assert DetailsReport.objects.get(pk=report.pk).resolved_at == T0 + timedelta(hours=5)
        assert fix.state == ObligationState.MET and fix.met_on_time
        assert WebhookDelivery.objects.filter(referral=sent, event="referral.updated").exists()

    def test_a_change_the_service_does_not_see_updates_nothing(self, sent, officer):
        version = sent.version
        case_services.victim_update(
            person=sent.crime_victim.person, by=officer, data={"ethnicity": "W1"}, now=T0
        )
        sent.refresh_from_db()
        assert sent.version == version and sent.details_updated_at is None

    @pytest.mark.parametrize(
        ("fields", "note"),
        [([], "Wrong"), (["shoe_size"], "Wrong"), (["phone"], ""), (["phone"], "x" * 1001)],
    )
    def test_bad_reports_change_nothing(self, sent, fields, note):
        with pytest.raises(ValidationError):
            services.details_report(referral=sent, by=PARTNER, fields=fields, note=note)
        assert not DetailsReport.objects.exists()
        assert not Obligation.objects.filter(code=Duty.CORRECT_DETAILS).exists()


@pytest.mark.django_db
class TestCatchUp:
    def test_route_referrals_catches_up_crimes_recorded_before_the_rules(self, officer, org):
        from io import StringIO

        from django.core.management import CommandError, call_command

        crime = record(officer)  # no rules yet: nothing routed
        assert not Referral.objects.exists()
        with pytest.raises(CommandError, match="no active routing rules"):
            call_command("route_referrals", "--recorded-since", "2026-10-01")
        general = SupportOrganisation.objects.create(name="General", kind="general", consent_basis="opt_out")
        RoutingRule.objects.create(name="Everyone").organisations.set([general])
        for bad in ("yesterday", "2999-01-01"):
            with pytest.raises(CommandError):
                call_command("route_referrals", "--recorded-since", bad)
        out = StringIO()
        call_command("route_referrals", "--recorded-since", "2026-10-01", stdout=out)
        assert "1 crime routed, 1 referral made." in out.getvalue()
        assert Referral.objects.get().crime_victim.crime_id == crime.pk
        out = StringIO()
        call_command("route_referrals", "--recorded-since", "2026-10-01", stdout=out)
        assert "0 crimes routed, 0 referrals made." in out.getvalue()


@pytest.mark.django_db
def test_a_referral_sent_by_the_needs_assessment_is_not_also_updated_by_it(officer, routing):
    crime = record(officer)
    assess(crime, officer, "given", T0 + timedelta(hours=2))
    general = Referral.objects.get(crime=crime, organisation=routing["general"])
    assert general.state == State.SENT and general.details_updated_at is None
    # A later change to the needs does update it.
    assess(crime, officer, "given", T0 + timedelta(hours=5))
    general.refresh_from_db()
    assert general.details_updated_at == T0 + timedelta(hours=5)


@pytest.mark.django_db
def test_idempotency_keys_are_forgotten_after_a_week(routing):
    from referrals.models import IdempotentRequest
    from referrals.tasks import forget_idempotency_keys

    now = timezone.now()
    for key, age in (("old", 8), ("recent", 6)):
        IdempotentRequest.objects.create(
            organisation=routing["general"],
            key=key,
            fingerprint="x",
            status=200,
            response={},
            created_at=now - timedelta(days=age),
        )
    assert forget_idempotency_keys() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["recent"]


def test_organisation_figures_count_each_referral_once(officer, routing):
    """Figures per service for the dashboards: each referral counted once, however many transitions it
    has (a join on the history used to multiply every count by the referral's number of steps)."""
    from referrals.selectors import OrgFigures, organisation_figures

    at = T0 + timedelta(hours=1)
    done = Referral.objects.get(crime=record(officer), organisation=routing["general"])
    services.referral_send(referral=done, by=officer, now=T0)
    services.referral_partner_move(referral=done, action="accept", by=PARTNER, now=at)
    services.contact_attempt_record(referral=done, by=PARTNER, reached=True, at=at, now=at)
    services.referral_partner_move(referral=done, action="support_given", by=PARTNER, now=at)
    services.referral_partner_move(referral=done, action="close", by=PARTNER, now=at)
    waiting = Referral.objects.get(
        crime=record(officer, reference="VC/33333/26"), organisation=routing["general"]
    )
    services.referral_send(referral=waiting, by=officer, now=T0)
    figures = organisation_figures(routing["general"], T0 - timedelta(days=1), T0 + timedelta(days=30))
    assert figures == OrgFigures(
        sent=2, acknowledged_on_time=1, contacted_on_time=1, accepted=1, rejected=0, support_given=1
    )


def test_withdrawing_before_sending_closes_the_duty_with_the_withdrawal_reason(officer, routing):
    """Not 'the victim declined' when the police withdrew it for a reason of their own."""
    crime = record(officer)
    general = Referral.objects.get(crime=crime, organisation=routing["general"])
    services.referral_withdraw(referral=general, by=officer, reason="Already supported by a local charity.")
    d = duty(crime)
    assert d.state == ObligationState.NOT_REQUIRED
    assert "withdrawn" in d.closed_reason and "local charity" in d.closed_reason
    assert "declined" not in d.closed_reason


def test_a_correction_resolves_only_the_report_it_answers(sent, officer):
    """A wrong phone number reported: the officer changing the email address does not mark it corrected
    nor meet the duty; correcting the phone number does."""
    report = services.details_report(referral=sent, by=PARTNER, fields=["phone"], note="Not in use.")
    person = sent.crime_victim.person
    case_services.victim_update(person=person, by=officer, data={"email": "new@example.com"})
    report.refresh_from_db()
    assert report.resolved_at is None
    assert Obligation.objects.get(pk=report.obligation_id).state == ObligationState.OPEN
    case_services.victim_update(person=person, by=officer, data={"mobile_phone": "07700 900 999"})
    report.refresh_from_db()
    assert report.resolved_at is not None
    assert Obligation.objects.get(pk=report.obligation_id).state == ObligationState.MET


def test_a_corrected_date_of_birth_updates_open_referrals(sent, officer):
    """The service sees 'Under 18 at the time of the offence' among the enhanced reasons: a date of birth
    corrected to a child's changes what it sees, so the referral is marked updated."""
    case_services.victim_update(
        person=sent.crime_victim.person,
        by=officer,
        data={"date_of_birth": (T0 - timedelta(days=365 * 15)).date()},
        now=T0 + timedelta(hours=1),
    )
    sent.refresh_from_db()
    assert sent.details_updated_at == T0 + timedelta(hours=1) and sent.details_updated


@pytest.mark.parametrize("method", ["pigeon", "portal"])
def test_a_contact_attempt_by_an_unknown_way_is_refused(sent, method):
    """The service owns which ways of contact a service may record (the workspace's form and the API's
    serializer offer the same list): not free text, and not the police's own portal."""
    with pytest.raises(ValidationError) as e:
        services.contact_attempt_record(
            referral=sent, by=PARTNER, reached=False, at=T0, now=T0, method=method
        )
    assert "Choose how you tried" in " ".join(e.value.message_dict["method"])
    assert not sent.attempts.exists()


@pytest.mark.django_db
def test_an_officers_enhanced_reason_marks_open_referrals_updated(sent, officer):
    from contacts.services import eligibility_add

    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        eligibility_add(
            crime_victim=sent.crime_victim, by=officer, reason="Persistently targeted by neighbours."
        )
    sent.refresh_from_db()
    assert sent.details_updated_at == T0 + timedelta(hours=3) and sent.details_updated
    assert WebhookDelivery.objects.filter(referral=sent, event="referral.updated").exists()


@pytest.mark.django_db
def test_the_officers_inbox_says_which_service_reported_what(
    sent, officer, client, django_assert_max_num_queries
):
    from django.urls import reverse

    from tests.conftest import signed_in

    services.details_report(
        referral=sent, by=PARTNER, fields=["phone", "email"], note="The number is not in use."
    )
    signed_in(client, officer)
    page = client.get(reverse("contacts:inbox")).content.decode()
    assert "North Victim Support says the phone number and email address are wrong" in page
    assert (
        "The number is not in use." in page
        and "Correct the victim&#x27;s details for a support service, due" in page
    )


@pytest.mark.django_db
def test_a_no_in_the_needs_assessment_after_sending_asks_the_officer_to_withdraw(sent, officer, client):
    from tests.conftest import signed_in

    crime = sent.crime
    signed_in(client, officer)
    assert "after this one was sent" not in client.get(crime.get_absolute_url()).content.decode()
    assess(crime, officer, "declined", sent.sent_at + timedelta(hours=2))
    page = client.get(crime.get_absolute_url()).content.decode()
    assert "The victim said no to referrals in their needs assessment after this one was sent" in page
    sent.refresh_from_db()
    assert sent.state == State.SENT  # nothing withdraws it by itself: the officer decides
