"""Helpers for the contacts tests: record cases and events through cases.services exactly as the app
does, at a fixed clock, and read obligations back."""

import itertools
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from cases import services
from cases.models import Crime, CrimeVictim
from contacts.constants import ObligationState
from contacts.models import Obligation
from tests.factories import offence
from victimcare.calendar import LONDON

# Monday 2 November 2026, 10:00 in London (GMT): the clock of most tests.
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=LONDON).astimezone(UTC)

_refs = itertools.count(20000)
_people = itertools.count(1)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


def end_of(y: int, m: int, d: int) -> datetime:
    """End of a London day (23:59:59.999999 local) as an aware UTC datetime."""
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=LONDON).astimezone(UTC)


def person(**over) -> dict:
    n = next(_people)
    data = {
        "title": "Ms",
        "first_name": "Aisha",
        "last_name": "Khan",
        # A distinct date of birth per call, so people are never matched as repeat victims by accident.
        "date_of_birth": date(1980, 1, 1) + timedelta(days=n),
        "email": f"victim{n}@example.com",
        "mobile_phone": "07700 900 123",
        "safe_email": True,
        "safe_phone": True,
    }
    data.update(over)
    return data


def child(**over) -> dict:
    """A victim under 18 at the time of the offence (enhanced)."""
    return person(first_name="Sam", date_of_birth=date(2012, 3, 4), **over)


def record(by, *, people=None, year: int | None = None, **over) -> Crime:
    """Record a crime through the service, allocated to `by` unless oic is given."""
    now = over.pop("now", None)
    base = now or timezone.now()
    year = year or base.year
    kwargs = {
        "by": by,
        "reference": f"VC/{next(_refs)}/{year % 100:02d}",
        "offence": offence("8N"),
        "location": "Market Street",
        "team": by.team,
        "oic": by,
        "victims": [services.VictimInput(person=p) for p in (people or [person()])],
    }
    if now is not None:
        kwargs["now"] = now
    kwargs.update(over)
    kwargs.setdefault("occurred_at", base - timedelta(days=2))
    kwargs.setdefault("reported_at", base - timedelta(days=1))
    if isinstance(kwargs["offence"], str):
        kwargs["offence"] = offence(kwargs["offence"])
    return services.case_record(**kwargs)


DETAILS = {
    "BAIL_CHANGED": {"conditions": "Cancelled", "reason": "Charged and remanded"},
    "RELEASED_NFA": {"reason": "Insufficient evidence"},
    "CHARGED": {"charges": "Assault occasioning ABH"},
    "OUT_OF_COURT": {"disposal": "caution"},
    "NOT_INVESTIGATED": {"reason": "No lines of enquiry"},
    "NOT_PROSECUTED": {"decided_by": "cps", "reason": "Evidential test not met"},
    "HEARING_DETAILS": {
        "hearing_at": "2026-12-01T10:00",
        "court": "Anytown Magistrates",
        "hearing_type": "first",
    },
    "OUTCOME": {"outcome": "Guilty"},
    "CLOSED": {"closure_reason": "no_suspect"},
    "BAIL_HEARING_OUTCOME": {"outcome": "Remanded in custody"},
    "EVIDENCE_DECISION": {"must_give_evidence": "yes"},
    "REOPENED": {"reason": "New evidence"},
}


def event(crime: Crime, code: str, by, at: datetime | None = None, now: datetime | None = None, **details):
    data = {**DETAILS.get(code, {}), **details}
    return services.event_record(
        crime=crime, code=code, by=by, occurred_at=at or now or timezone.now(), details=data, now=now
    )


def victims(crime: Crime) -> list[CrimeVictim]:
    return list(CrimeVictim.objects.filter(crime=crime).select_related("person").order_by("id"))


def obs(target, code: str | None = None, **filters) -> list[Obligation]:
    """Obligations of a crime or a victim (optionally one code), oldest first."""
    key = "crime" if isinstance(target, Crime) else "crime_victim"
    qs = Obligation.objects.filter(**{key: target}, **filters).select_related("rule__rule_set")
    if code:
        qs = qs.filter(code=code)
    return list(qs.order_by("id"))


def one(target, code: str, **filters) -> Obligation:
    found = obs(target, code, **filters)
    assert len(found) == 1, f"expected one {code}, found {[(o.code, o.state) for o in found]}"
    return found[0]


def open_one(target, code: str) -> Obligation:
    return one(target, code, state=ObligationState.OPEN)


def snapshot(crime: Crime) -> list[tuple]:
    """Everything a failed write must leave alone."""
    rows = Obligation.objects.filter(crime=crime).order_by("id")
    return list(
        rows.values_list(
            "id",
            "code",
            "state",
            "due_at",
            "met_at",
            "met_on_time",
            "met_by_contact",
            "owner",
            "closed_reason",
        )
    )


def bulk_obligations(
    *,
    crime: Crime,
    cv: CrimeVictim,
    n: int,
    remind_at: datetime,
    due_at: datetime,
    escalate_at: datetime,
    owner=None,
    code: str = "ARREST",
    **extra,
) -> list[Obligation]:
    """Write obligation rows directly (for the scan): the schedule is what the scan reads."""
    from contacts.models import Rule

    rule = Rule.objects.get(rule_set__code="vcop-2020", code=code)
    rows = [
        Obligation(
            crime=crime,
            crime_victim=cv,
            team_id=crime.team_id,
            bcu_id=crime.bcu_id,
            rule=rule,
            code=code,
            trigger=rule.triggers[0],
            triggered_at=min(remind_at, due_at) - timedelta(hours=1),
            due_at=due_at,
            remind_at=remind_at,
            escalate_at=escalate_at,
            owner=owner,
            **extra,
        )
        for _ in range(n)
    ]
    return Obligation.objects.bulk_create(rows)
