from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import CaseEvent, Crime, CrimeVictim, Person, VictimChange
from tests.factories import UserFactory, offence

NOW = timezone.now()


def person(**over):
    data = {
        "title": "Ms",
        "first_name": "Aisha",
        "last_name": "Khan",
        "date_of_birth": date(1988, 5, 17),
        "email": "aisha.khan@example.com",
        "mobile_phone": "07700 900 123",
        "postcode": "SW1A 1AA",
        "safe_email": True,
        "safe_phone": True,
    }
    data.update(over)
    return data


def record(officer, **over):
    kwargs = {
        "by": officer,
        "reference": "VC/12345/26",
        "offence": offence("8N"),
        "occurred_at": NOW - timedelta(days=2),
        "reported_at": NOW - timedelta(days=1),
        "location": "Market Street",
        "team": officer.team,
        "oic": officer,
        "victims": [services.VictimInput(person=person())],
    }
    kwargs.update(over)
    return services.case_record(**kwargs)


def counts():
    return (
        Crime.objects.count(),
        Person.objects.count(),
        CrimeVictim.objects.count(),
        CaseEvent.objects.count(),
    )


@pytest.mark.django_db
class TestCaseRecord:
    def test_records_allocates_and_writes_events(self, officer):
        crime = record(officer)
        assert crime.reference == "VC/12345/26"
        assert crime.status == "allocated" and crime.oic == officer and crime.bcu == officer.team.bcu
        assert list(crime.events.values_list("code", flat=True)) == ["RECORDED", "ALLOCATED"]
        assert crime.victims.get().person.match_key == "aisha|khan"

    def test_without_oic_stays_recorded(self, officer):
        crime = record(officer, oic=None)
        assert crime.status == "recorded" and list(crime.events.values_list("code", flat=True)) == [
            "RECORDED"
        ]

    def test_reference_is_normalised(self, officer):
        assert record(officer, reference=" vc/12345/26 ").reference == "VC/12345/26"

    def test_repeat_victim_is_recognised(self, officer):
        first = record(officer)
        second = record(
            officer,
            reference="VC/12346/26",
            victims=[services.VictimInput(person=person(first_name=" aisha ", last_name="KHAN", email=""))],
        )
        assert first.victims.get().person_id == second.victims.get().person_id
        assert Person.objects.count() == 1

    def test_restricted_case_names_recorder_and_oic(self, officer, colleague):
        crime = record(officer, oic=colleague, is_restricted=True)
        assert set(crime.named_users.all()) == {officer, colleague}

    @pytest.mark.parametrize(
        "over,field,message",
        [
            ({"reference": "12345"}, "reference", "like VC/12345/26"),
            ({"reference": "VC/123/26"}, "reference", "like VC/12345/26"),
            ({"offence": None}, "offence", "Choose the offence"),
            (
                {"occurred_at": NOW + timedelta(days=1), "reported_at": NOW + timedelta(days=1)},
                "occurred_at",
                "cannot be in the future",
            ),
            (
                {"reported_at": NOW - timedelta(days=3)},
                "reported_at",
                "cannot be reported before it happened",
            ),
            ({"occurred_to": NOW - timedelta(days=5)}, "occurred_to", "after the start"),
            ({"location": "  "}, "location", "Enter where"),
            ({"victims": []}, "victims", "at least one victim"),
            ({"summary": "x" * 4001}, "summary", "4,000 characters"),
            (
                {"victims": [services.VictimInput(person=person(date_of_birth=date(2999, 1, 1)))]},
                "victims.0.date_of_birth",
                "must be in the past",
            ),
            (
                {"victims": [services.VictimInput(person=person(date_of_birth=date(1850, 1, 1)))]},
                "victims.0.date_of_birth",
                "after 1 January 1900",
            ),
            (
                {"victims": [services.VictimInput(person=person(email="not-an-email"))]},
                "victims.0.email",
                "valid email",
            ),
            (
                {"victims": [services.VictimInput(person=person(mobile_phone="12ab"))]},
                "victims.0.mobile_phone",
                "UK phone number",
            ),
            (
                {"victims": [services.VictimInput(person=person(postcode="XYZ"))]},
                "victims.0.postcode",
                "real UK postcode",
            ),
            (
                {"victims": [services.VictimInput(person=person(first_name=""))]},
                "victims.0.first_name",
                "cannot be blank",
            ),
            (
                {"victims": [services.VictimInput(person=person(first_name="x" * 101))]},
                "victims.0.first_name",
                "at most 100",
            ),
            (
                {"victims": [services.VictimInput(role="bereaved", person=person())]},
                "victims.0.relationship",
                "how this person is related",
            ),
            (
                {"victims": [services.VictimInput(person=person()), services.VictimInput(person=person())]},
                "victims",
                "listed twice",
            ),
        ],
    )
    def test_bad_input_is_refused_and_nothing_changes(self, officer, over, field, message):
        before = counts()
        with pytest.raises(ValidationError) as exc:
            record(officer, **over)
        assert field in exc.value.message_dict, exc.value.message_dict
        assert any(message in m for m in exc.value.message_dict[field]), exc.value.message_dict[field]
        assert counts() == before

    def test_duplicate_reference(self, officer):
        record(officer)
        before = counts()
        with pytest.raises(ValidationError) as exc:
            record(officer, victims=[services.VictimInput(person=person(first_name="Ben"))])
        assert "already recorded" in exc.value.message_dict["reference"][0]
        assert counts() == before

    def test_inactive_offence(self, officer):
        o = offence("46")
        o.active = False
        o.save()
        with pytest.raises(ValidationError) as exc:
            record(officer, offence=o)
        assert "no longer in use" in exc.value.message_dict["offence"][0]

    def test_oic_must_be_in_team(self, officer, outsider):
        with pytest.raises(ValidationError) as exc:
            record(officer, oic=outsider)
        assert "is not in" in exc.value.message_dict["oic"][0]
        assert Crime.objects.count() == 0


@pytest.mark.django_db
class TestEvents:
    def test_lifecycle(self, officer):
        crime = record(officer)
        t = NOW - timedelta(hours=20)
        services.event_record(
            crime=crime, code="ARREST", by=officer, occurred_at=t, details={"suspect": "J Smith"}
        )
        crime.refresh_from_db()
        assert crime.status == "under_investigation"
        services.event_record(
            crime=crime,
            code="BAIL",
            by=officer,
            occurred_at=t,
            details={"conditions": "Not to contact the victim"},
        )
        services.event_record(
            crime=crime,
            code="BAIL_CHANGED",
            by=officer,
            occurred_at=t,
            details={"conditions": "cancelled", "reason": "Charged"},
        )
        services.event_record(
            crime=crime,
            code="CHARGED",
            by=officer,
            occurred_at=t,
            details={"charges": "ABH", "first_hearing_at": "2026-12-01T10:00"},
        )
        services.event_record(
            crime=crime,
            code="HEARING_DETAILS",
            by=officer,
            occurred_at=t,
            details={
                "hearing_at": "2026-12-01T10:00",
                "court": "Anytown Magistrates",
                "hearing_type": "first",
            },
        )
        services.event_record(
            crime=crime,
            code="OUTCOME",
            by=officer,
            occurred_at=t,
            details={"outcome": "Guilty", "custody_months": "14"},
        )
        services.event_record(
            crime=crime,
            code="CLOSED",
            by=officer,
            occurred_at=t,
            details={
                "closure_reason": "court_outcome",
                "not_told_reason": "Told at court by the Witness Care Unit.",
            },
        )
        crime.refresh_from_db()
        assert crime.status == "closed" and crime.closure_reason == "court_outcome" and crime.closed_at == t
        ev = crime.events.get(code="OUTCOME")
        assert ev.details == {"outcome": "Guilty", "custody_months": 14}
        assert crime.events.get(code="CHARGED").details["first_hearing_at"].startswith("2026-12-01T10:00")

    @pytest.mark.parametrize(
        "setup,code,details,field,message",
        [
            (["CLOSED"], "CHARGED", {"charges": "ABH"}, "code", "This case is closed"),
            ([], "BAIL_CHANGED", {"conditions": "x", "reason": "y"}, "code", "before"),
            ([], "OUTCOME", {"outcome": "Guilty"}, "code", "while the case is"),
            ([], "NOSUCH", {}, "code", "Unknown event"),
            ([], "RECORDED", {}, "code", "Unknown event"),
            ([], "CLOSED", {}, "details.closure_reason", "Choose the closure reason."),
            ([], "CLOSED", {"closure_reason": "bogus"}, "details.closure_reason", "valid choice"),
            (
                [],
                "CHARGED",
                {"charges": "x" * 2001},
                "details.charges",
                "Charges must be 2,000 characters or fewer.",
            ),
            ([], "OUTCOME", {}, "code", "while the case is"),
        ],
    )
    def test_nonsense_events_are_refused(self, officer, setup, code, details, field, message):
        crime = record(officer)
        for c in setup:
            services.event_record(
                crime=crime,
                code=c,
                by=officer,
                occurred_at=NOW - timedelta(hours=1),
                details={
                    "closure_reason": "no_suspect",
                    "not_told_reason": "Victim moved abroad; no contact details.",
                },
            )
        crime.refresh_from_db()
        status, n = crime.status, CaseEvent.objects.count()
        with pytest.raises(ValidationError) as exc:
            services.event_record(
                crime=crime, code=code, by=officer, occurred_at=NOW - timedelta(minutes=30), details=details
            )
        assert any(message in m for m in exc.value.message_dict.get(field, [])), exc.value.message_dict
        crime.refresh_from_db()
        assert (crime.status, CaseEvent.objects.count()) == (status, n)

    def test_event_times(self, officer):
        crime = record(officer)
        with pytest.raises(ValidationError) as exc:
            services.event_record(crime=crime, code="ARREST", by=officer, occurred_at=NOW + timedelta(days=1))
        assert "future" in exc.value.message_dict["occurred_at"][0]
        with pytest.raises(ValidationError) as exc:
            services.event_record(
                crime=crime, code="ARREST", by=officer, occurred_at=NOW - timedelta(days=30)
            )
        assert "before the offence" in exc.value.message_dict["occurred_at"][0]

    def test_reopen(self, officer):
        crime = record(officer)
        services.event_record(
            crime=crime,
            code="CLOSED",
            by=officer,
            occurred_at=NOW,
            details={
                "closure_reason": "no_suspect",
                "not_told_reason": "Victim moved abroad; no contact details.",
            },
        )
        services.event_record(
            crime=crime, code="REOPENED", by=officer, occurred_at=NOW, details={"reason": "New CCTV"}
        )
        crime.refresh_from_db()
        assert (
            crime.status == "under_investigation" and crime.closure_reason == "" and crime.closed_at is None
        )

    def test_events_are_append_only(self, officer):
        ev = record(officer).events.first()
        ev.note = "changed"
        with pytest.raises(ValidationError):
            ev.save()


@pytest.mark.django_db
class TestAllocation:
    def test_reallocate_records_event_with_previous_officer(self, officer, colleague):
        crime = record(officer)
        services.case_allocate(crime=crime, officer=colleague, by=officer, note="Officer on leave")
        crime.refresh_from_db()
        ev = crime.events.last()
        assert (
            crime.oic == colleague
            and ev.code == "REALLOCATED"
            and ev.details == {"from_officer_id": officer.id}
        )
        assert ev.officer == colleague

    @pytest.mark.parametrize("who", ["outsider", "inactive", "same", "partner"])
    def test_bad_allocation(self, officer, outsider, partner, who):
        crime = record(officer)
        target = {
            "outsider": outsider,
            "same": officer,
            "partner": partner,
            "inactive": UserFactory(team=officer.team, is_active=False),
        }[who]
        with pytest.raises(ValidationError):
            services.case_allocate(crime=crime, officer=target, by=officer)
        crime.refresh_from_db()
        assert crime.oic == officer and crime.events.count() == 2


@pytest.mark.django_db
class TestVictims:
    def test_update_keeps_history(self, officer):
        crime = record(officer)
        p = crime.victims.get().person
        change = services.victim_update(
            person=p,
            by=officer,
            crime=crime,
            data={"email": "NEW@example.com", "safe_letter": True, "first_name": "Aisha"},
        )
        assert change.changes == {
            "email": ["aisha.khan@example.com", "new@example.com"],
            "safe_letter": [False, True],
        }
        assert services.victim_update(person=p, by=officer, data={"email": "new@example.com"}) is None
        p.refresh_from_db()
        assert p.email == "new@example.com"

    def test_bad_update_changes_nothing(self, officer):
        crime = record(officer)
        p = crime.victims.get().person
        with pytest.raises(ValidationError):
            services.victim_update(person=p, by=officer, data={"email": "bad", "first_name": "Changed"})
        p.refresh_from_db()
        assert p.first_name == "Aisha" and VictimChange.objects.count() == 0

    def test_add_victim_and_refuse_duplicate(self, officer):
        crime = record(officer)
        services.victim_add(
            crime=crime,
            by=officer,
            victim=services.VictimInput(
                role="parent_guardian",
                relationship="Mother",
                person=person(first_name="Sara", date_of_birth=date(1960, 1, 1)),
            ),
        )
        assert crime.victims.count() == 2
        with pytest.raises(ValidationError):
            services.victim_add(crime=crime, by=officer, victim=services.VictimInput(person=person()))
        assert crime.victims.count() == 2

    def test_needs_assessment(self, officer):
        cv = record(officer).victims.get()
        na = services.needs_assessment_save(
            crime_victim=cv,
            by=officer,
            data={"mental_disorder": True, "referral_consent": "given", "practical_needs": "Door lock"},
        )
        na2 = services.needs_assessment_save(
            crime_victim=cv, by=officer, data={"referral_consent": "declined"}
        )
        assert na.pk == na2.pk and na2.mental_disorder and na2.referral_consent == "declined"
        with pytest.raises(ValidationError):
            services.needs_assessment_save(crime_victim=cv, by=officer, data={"referral_consent": "maybe"})


@pytest.mark.django_db
def test_a_review_cannot_be_recorded_once_the_suspect_is_charged(officer):
    """One rule for what may be reviewed (cases.events.review_decision_in), for staff and the portal."""
    from django.utils import timezone

    from tests.contacts.support import record

    crime = record(officer)
    t = timezone.now() - timedelta(hours=5)
    services.event_record(crime=crime, code="ARREST", by=officer, occurred_at=t)
    services.event_record(
        crime=crime,
        code="RELEASED_NFA",
        by=officer,
        occurred_at=t + timedelta(hours=1),
        details={"reason": "x"},
    )
    services.event_record(
        crime=crime,
        code="CHARGED",
        by=officer,
        occurred_at=t + timedelta(hours=2),
        details={"charges": "Theft"},
    )
    with pytest.raises(ValidationError) as e:
        services.event_record(
            crime=crime, code="VRR_REQUESTED", by=officer, occurred_at=t + timedelta(hours=3)
        )
    assert "no decision to review" in str(e.value)


# Which events may follow which (the registry's allowed_from and requires_prior), as a table: the
# events recorded first, the event, and whether it is accepted.
SEQUENCES = [
    ([], "BAIL", False),  # bail without an arrest (it once made a second, duplicate bail duty)
    (["ARREST"], "BAIL", True),
    (["ARREST", "CHARGED"], "BAIL", True),
    ([], "BAIL_CHANGED", False),
    (["ARREST", "BAIL"], "BAIL_CHANGED", True),
    ([], "RUI", True),  # released under investigation after a voluntary interview
    ([], "RELEASED_NFA", True),
    ([], "VRR_REQUESTED", False),
    (["RELEASED_NFA"], "VRR_REQUESTED", True),
    ([], "OUTCOME", False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("before", "code", "accepted"), SEQUENCES, ids=[f"{'+'.join(b) or 'new'}->{c}" for b, c, _ in SEQUENCES]
)
def test_event_sequences(officer, before, code, accepted):
    from django.utils import timezone

    from tests.contacts.support import DETAILS, record

    crime = record(officer)
    t = timezone.now() - timedelta(hours=len(before) + 2)
    for i, prior in enumerate(before):
        services.event_record(
            crime=crime,
            code=prior,
            by=officer,
            occurred_at=t + timedelta(hours=i),
            details=DETAILS.get(prior, {}),
        )
    attempt = lambda: services.event_record(  # noqa: E731
        crime=crime,
        code=code,
        by=officer,
        occurred_at=t + timedelta(hours=len(before)),
        details=DETAILS.get(code, {}),
    )
    if accepted:
        attempt()
    else:
        with pytest.raises(ValidationError):
            attempt()
