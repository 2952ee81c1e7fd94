"""Domain writes for cases. Views, API views and commands call these; they never save models themselves.

Every function validates first and raises django.core.exceptions.ValidationError with a message per
field; nothing is written unless everything is valid (each runs in one transaction).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from victimcare.accounts.constants import OIC_ROLES
from victimcare.accounts.models import BCU, Team, User
from victimcare.accounts.selectors import absent_on
from victimcare.core.errors import Errors
from victimcare.core.history import changes_between

from . import signals
from .constants import CRIME_REFERENCE_RE, CrimeStatus, normalise_reference
from .events import REGISTRY, REVIEW_EVENTS, clean_details, review_decision_in, status_after
from .models import CaseEvent, Crime, CrimeVictim, NeedsAssessment, Offence, Person, VictimChange

OLDEST_DOB = date(1900, 1, 1)

# Fields of Person an officer can edit, in form order (also the history's vocabulary).
PERSON_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "ethnicity",
    "disability",
    "disability_details",
    "first_language",
    "interpreter_needed",
    "needs_large_print",
    "needs_easy_read",
    "needs_braille",
    "mobile_phone",
    "other_phone",
    "email",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "preferred_contact_method",
    "preferred_contact_times",
    "safe_phone",
    "safe_voicemail",
    "safe_sms",
    "safe_email",
    "safe_letter",
    "safe_visit",
]
NEEDS_FIELDS = [
    "mental_disorder",
    "impaired_intelligence",
    "physical_disability",
    "fear_or_distress_giving_evidence",
    "persistently_targeted",
    "special_measures_needed",
    "special_measures_notes",
    "practical_needs",
    "emotional_needs",
    "wants_support",
    "referral_consent",
    "notes",
]


def _full_clean(obj, errors: Errors, prefix: str = "", exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            for m in messages:
                errors.add(f"{prefix}{field}", m)


def _check_not_future(errors: Errors, field: str, value: datetime | None, now: datetime, what: str) -> None:
    if value and value > now + timedelta(minutes=5):
        errors.add(field, f"{what} cannot be in the future.")


def _normalise_person_data(data: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in data.items() if k in PERSON_FIELDS}
    for k in ("first_name", "last_name", "email", "town", "address_line_1", "address_line_2"):
        if isinstance(clean.get(k), str):
            clean[k] = " ".join(clean[k].split())
    if isinstance(clean.get("postcode"), str):
        clean["postcode"] = clean["postcode"].strip().upper()
    if isinstance(clean.get("email"), str):
        clean["email"] = clean["email"].lower()
    return clean


def _check_person(person: Person, errors: Errors, prefix: str, today: date) -> None:
    _full_clean(person, errors, prefix, exclude=["match_key"])
    dob = person.date_of_birth
    if dob and dob > today:
        errors.add(f"{prefix}date_of_birth", "Date of birth must be in the past.")
    elif dob and dob < OLDEST_DOB:
        errors.add(f"{prefix}date_of_birth", "Date of birth must be after 1 January 1900.")


@dataclass
class VictimInput:
    role: str = "victim"
    relationship: str = ""
    person: dict[str, Any] | None = None
    offer_portal: bool = False  # send an activation link for the victim portal through a safe channel


def _resolve_person(
    data: dict[str, Any], by: User, *, restricted: bool = False
) -> tuple[Person, dict[str, list]]:
    """The person these details describe: an existing victim the recorder can already see (same name and
    date of birth), or a new one. Matching never reaches beyond the recorder's own cases, so nobody can use
    a name and date of birth to pull another case's victim (or learn that they exist).

    A restricted case never shares a person with another case, either way: details typed on it (a refuge
    address) live on its own person row, and a later case never links to a person of a restricted case.
    (The price: a victim of a restricted case is not flagged as a repeat victim.)

    For a match, typed details that add to or differ from the stored ones are applied and returned as
    changes for the victim's history; blank fields and unticked boxes leave the stored values alone."""
    from .selectors import victims_visible_to

    existing = None
    if data.get("date_of_birth") and not restricted:
        key = Person.make_match_key(data.get("first_name", ""), data.get("last_name", ""))
        existing = (
            victims_visible_to(by)
            .filter(match_key=key, date_of_birth=data["date_of_birth"])
            .exclude(roles__crime__is_restricted=True)
            .order_by("id")
            .first()
        )
    if existing is None:
        return Person(**data), {}
    typed = {k: v for k, v in data.items() if v not in (None, "", False)}
    changes = changes_between({k: getattr(existing, k) for k in typed}, typed)
    for k in changes:
        setattr(existing, k, typed[k])
    return existing, changes


def _event_write(
    *,
    crime: Crime,
    code: str,
    occurred_at: datetime,
    by: User | None,
    details: dict | None = None,
    note: str = "",
    officer: User | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        crime=crime,
        code=code,
        occurred_at=occurred_at,
        recorded_by=by,
        by_victim=by is None,
        details=details or {},
        note=note,
        officer=officer,
    )


def _check_oic(errors: Errors, field: str, oic: User | None, team: Team | None) -> None:
    if oic is None:
        return
    if not oic.is_active or oic.role not in OIC_ROLES:
        errors.add(field, "Choose an active officer or supervisor.")
    elif team is not None and oic.team_id != team.id:
        errors.add(
            field, f"{oic.display_name} is not in {team.name}. Choose an officer from the case's team."
        )


def case_record_problems(**kwargs) -> dict[str, list[str]]:
    """Everything case_record would refuse, by field ("reference", "victims.0.first_name"), without
    recording anything: so that a form with some answers missing or wrong can report every problem at once
    instead of in two rounds."""
    try:
        case_record(**kwargs, check_only=True)
    except ValidationError as e:
        return e.message_dict
    return {}


@transaction.atomic
def case_record(
    *,
    by: User,
    reference: str,
    offence: Offence | None,
    occurred_at: datetime | None,
    reported_at: datetime | None,
    location: str,
    team: Team | None,
    victims: list[VictimInput],
    occurred_to: datetime | None = None,
    bcu: BCU | None = None,
    oic: User | None = None,
    summary: str = "",
    is_domestic_abuse: bool = False,
    is_hate_crime: bool = False,
    is_sensitive: bool = False,
    is_restricted: bool = False,
    now: datetime | None = None,
    check_only: bool = False,
) -> Crime | None:
    """Record a crime with its victims in one go. Allocates it when an OIC is given. With check_only, make
    every check and record nothing (see case_record_problems)."""
    now = now or timezone.now()
    errors = Errors()
    reference = normalise_reference(reference)
    if not CRIME_REFERENCE_RE.match(reference):
        errors.add(
            "reference",
            "Enter the crime reference as two letters, 5 to 7 digits and a two-digit year, like VC/12345/26.",
        )
    elif Crime.objects.filter(reference=reference).exists():
        errors.add("reference", f"Crime reference {reference} is already recorded. Search for it instead.")
    if offence is None:
        errors.add("offence", "Choose the offence from the list.")
    elif not offence.active:
        errors.add("offence", "That offence classification is no longer in use. Choose another.")
    if occurred_at is None:
        errors.add("occurred_at", "Enter when the offence happened.")
    if reported_at is None:
        errors.add("reported_at", "Enter when the offence was reported.")
    _check_not_future(errors, "occurred_at", occurred_at, now, "When the offence happened")
    _check_not_future(errors, "occurred_to", occurred_to, now, "The end of the offence window")
    _check_not_future(errors, "reported_at", reported_at, now, "When it was reported")
    if occurred_at and reported_at and reported_at < occurred_at:
        errors.add("reported_at", "The crime cannot be reported before it happened.")
    if occurred_at and occurred_to and occurred_to < occurred_at:
        errors.add("occurred_to", "The end of the window must be after the start.")
    if not (location or "").strip():
        errors.add("location", "Enter where the offence happened.")
    if team is None:
        errors.add("team", "Choose the team that will investigate.")
    bcu = bcu or (team.bcu if team else None)
    if team is not None and bcu is not None and team.bcu_id != bcu.id:
        errors.add("team", f"{team.name} is not in {bcu.name}.")
    _check_oic(errors, "oic", oic, team)
    if not victims:
        errors.add("victims", "Add at least one victim.")

    today = timezone.localdate(now)
    people: list[tuple[VictimInput, Person, dict]] = []
    for i, v in enumerate(victims):
        pdata = _normalise_person_data(v.person or {})
        person, changes = _resolve_person(pdata, by, restricted=is_restricted)
        _check_person(person, errors, f"victims.{i}.", today)
        CrimeVictim(role=v.role, relationship=v.relationship[:100])
        if v.role not in dict(CrimeVictim._meta.get_field("role").choices):
            errors.add(f"victims.{i}.role", "Choose the person's role on this crime.")
        elif v.role != "victim" and not v.relationship.strip():
            errors.add(
                f"victims.{i}.relationship", "Say how this person is related, e.g. 'mother of the deceased'."
            )
        for field, problem in signals.victim_checks.problems(signals.VictimChecked(person, v.offer_portal)):
            errors.add(f"victims.{i}.{field}", problem)
        people.append((v, person, changes))
    keys = [
        (p.match_key or Person.make_match_key(p.first_name, p.last_name), p.date_of_birth)
        for _, p, _ in people
    ]
    if len(set(keys)) != len(keys):
        errors.add("victims", "The same person is listed twice.")
    if summary and len(summary) > 4000:
        errors.add("summary", "The summary must be 4,000 characters or fewer.")
    errors.raise_if_any()
    if check_only:
        return None

    crime = Crime(
        reference=reference,
        offence=offence,
        occurred_at=occurred_at,
        occurred_to=occurred_to,
        reported_at=reported_at,
        recorded_at=now,
        location=location.strip()[:200],
        summary=summary,
        bcu=bcu,
        team=team,
        is_domestic_abuse=is_domestic_abuse,
        is_hate_crime=is_hate_crime,
        is_sensitive=is_sensitive,
        is_restricted=is_restricted,
        created_by=by,
    )
    try:
        with transaction.atomic():
            crime.save()
    except IntegrityError:
        # Lost a race with another request recording the same reference.
        raise ValidationError({"reference": [f"Crime reference {reference} is already recorded."]}) from None
    if is_restricted:
        crime.named_users.add(by)
    _event_write(crime=crime, code="RECORDED", occurred_at=now, by=by)
    added = []
    for v, person, changes in people:
        person.save()
        if changes:
            VictimChange.objects.create(
                person=person, crime=crime, changed_by=by, changes=changes, changed_at=now
            )
        added.append(
            CrimeVictim.objects.create(
                crime=crime, person=person, role=v.role, relationship=v.relationship, added_by=by
            )
        )
    if oic is not None:
        case_allocate(crime=crime, officer=oic, by=by, now=now)
        crime.refresh_from_db(fields=["oic", "status"])
    # The Code's clocks start when the crime is recorded: acknowledgement, needs assessment, referral, plan.
    signals.victims_added.fire(
        signals.VictimsAdded(
            crime=crime,
            victims=added,
            by=by,
            at=now,
            offer_portal=frozenset(
                cv.id for cv, (v, _, _) in zip(added, people, strict=True) if v.offer_portal
            ),
        )
    )
    return crime


@transaction.atomic
def victim_add(*, crime: Crime, by: User, victim: VictimInput, now: datetime | None = None) -> CrimeVictim:
    now = now or timezone.now()
    errors = Errors()
    pdata = _normalise_person_data(victim.person or {})
    person, changes = _resolve_person(pdata, by, restricted=crime.is_restricted)
    _check_person(person, errors, "", timezone.localdate(now))
    if victim.role != "victim" and not victim.relationship.strip():
        errors.add("relationship", "Say how this person is related, e.g. 'mother of the deceased'.")
    if person.pk and CrimeVictim.objects.filter(crime=crime, person=person).exists():
        errors.add("first_name", f"{person.full_name} is already on this crime.")
    if crime.is_closed:
        errors.add("__all__", "This case is closed. Reopen it before adding a victim.")
    for field, problem in signals.victim_checks.problems(signals.VictimChecked(person, victim.offer_portal)):
        errors.add(field, problem)
    errors.raise_if_any()
    person.save()
    if changes:
        VictimChange.objects.create(
            person=person, crime=crime, changed_by=by, changes=changes, changed_at=now
        )
    cv = CrimeVictim.objects.create(
        crime=crime, person=person, role=victim.role, relationship=victim.relationship, added_by=by
    )
    cv.crime = crime
    _event_write(crime=crime, code="VICTIM_ADDED", occurred_at=now, by=by, details={"crime_victim": cv.pk})
    signals.victims_added.fire(
        signals.VictimsAdded(
            crime=crime,
            victims=[cv],
            by=by,
            at=now,
            offer_portal=frozenset([cv.id] if victim.offer_portal else []),
        )
    )
    return cv


@transaction.atomic
def victim_update(
    *, person: Person, by: User, data: dict[str, Any], crime: Crime | None = None, now: datetime | None = None
) -> VictimChange | None:
    """Change a victim's details; the old and new values are kept in VictimChange. Returns None if
    nothing changed."""
    now = now or timezone.now()
    person = Person.objects.select_for_update().get(pk=person.pk)
    pdata = _normalise_person_data(data)
    before = {k: getattr(person, k) for k in pdata}
    for k, v in pdata.items():
        setattr(person, k, v)
    errors = Errors()
    _check_person(person, errors, "", timezone.localdate(now))
    errors.raise_if_any()
    changes = changes_between(before, {k: getattr(person, k) for k in pdata})
    if not changes:
        return None
    person.save(update_fields=[*changes.keys(), "updated_at"])
    signals.contact_details_changed.fire(
        signals.ContactDetailsChanged(person=person, fields=frozenset(changes), at=now)
    )
    return VictimChange.objects.create(
        person=person, crime=crime, changed_by=by, changes=changes, changed_at=now
    )


@transaction.atomic
def needs_assessment_save(
    *, crime_victim: CrimeVictim, by: User, data: dict[str, Any], now: datetime | None = None
) -> NeedsAssessment:
    now = now or timezone.now()
    na = NeedsAssessment.objects.filter(crime_victim=crime_victim).first() or NeedsAssessment(
        crime_victim=crime_victim
    )
    for k in NEEDS_FIELDS:
        if k in data:
            setattr(na, k, data[k])
    na.completed_by = by
    na.completed_at = now
    errors = Errors()
    _full_clean(na, errors, exclude=["crime_victim", "completed_by"])
    errors.raise_if_any()
    na.save()
    signals.needs_assessed.fire(signals.NeedsAssessed(crime_victim=crime_victim, assessment=na, at=now))
    return na


@transaction.atomic
def case_allocate(
    *, crime: Crime, officer: User, by: User, note: str = "", now: datetime | None = None
) -> CaseEvent:
    """Allocate a case to an officer in case (or reallocate it to a new one)."""
    now = now or timezone.now()
    crime = Crime.objects.select_for_update().get(pk=crime.pk)
    errors = Errors()
    _check_oic(errors, "officer", officer, crime.team)
    if crime.is_closed:
        errors.add("officer", "This case is closed. Reopen it before allocating it.")
    if crime.oic_id == officer.id:
        errors.add("officer", f"The case is already allocated to {officer.display_name}.")
    away = absent_on(officer.id, timezone.localdate(now))
    if away is not None:
        errors.add(
            "officer",
            f"{officer.display_name} is away ({away.get_kind_display().lower()}) "
            f"until {away.ends_on:%-d %B %Y}. "
            "Choose someone who is at work.",
        )
    errors.raise_if_any()
    code = "REALLOCATED" if crime.oic_id else "ALLOCATED"
    details = {"from_officer_id": crime.oic_id} if crime.oic_id else {}
    crime.oic = officer
    crime.status = status_after(REGISTRY[code], crime.status)
    crime.save(update_fields=["oic", "status", "updated_at"])
    if crime.is_restricted:
        crime.named_users.add(officer)
    event = _event_write(
        crime=crime, code=code, occurred_at=now, by=by, details=details, note=note, officer=officer
    )
    signals.case_allocated.fire(signals.CaseAllocated(crime=crime, event=event))
    return event


@transaction.atomic
def event_record(
    *,
    crime: Crime,
    code: str,
    by: User | None,
    occurred_at: datetime | None,
    details: dict | None = None,
    note: str = "",
    now: datetime | None = None,
    by_victim: CrimeVictim | None = None,
    facts: dict | None = None,
) -> CaseEvent:
    """Record a case event from the registry, checking it makes sense for the case's state.

    Staff record events as `by`; a victim records one through the portal as `by_victim` (the event then
    names them as `details["crime_victim"]`). `facts` are details the calling service establishes itself
    (never typed by a user), stored beside the cleaned ones."""
    now = now or timezone.now()
    crime = Crime.objects.select_for_update().get(pk=crime.pk)
    errors = Errors()
    if (by is None) == (by_victim is None):
        raise ValueError("An event is recorded by a member of staff or by a victim, not both or neither.")
    et = REGISTRY.get(code)
    if et is None or not et.user_recordable:
        errors.add("code", f"Unknown event '{code}'.")
        errors.raise_if_any()
    if crime.status not in et.allowed_from:
        if crime.is_closed:
            errors.add("code", f"This case is closed, so you cannot record '{et.label}'. Reopen it first.")
        else:
            errors.add(
                "code", f"You cannot record '{et.label}' while the case is '{crime.get_status_display()}'."
            )
    if et.requires_prior and not crime.events.filter(code__in=et.requires_prior).exists():
        needed = " or ".join(str(REGISTRY[c].label).lower() for c in et.requires_prior)
        errors.add("code", f"Record '{needed}' before '{et.label}'.")
    elif code == "VRR_REQUESTED" and by_victim is None:
        # The same rule as the portal's (cases.events.review_decision_in): a charge since the decision
        # leaves nothing to review.
        events = crime.events.filter(code__in=REVIEW_EVENTS).order_by("occurred_at", "id")
        if review_decision_in(events) is None:
            errors.add(
                "code", "The suspect was charged after the decision, so there is no decision to review."
            )
    if occurred_at is None:
        errors.add("occurred_at", "Enter when it happened.")
    else:
        _check_not_future(errors, "occurred_at", occurred_at, now, "When it happened")
        if occurred_at < crime.occurred_at:
            errors.add("occurred_at", "It cannot have happened before the offence.")
    if len(note or "") > 4000:
        errors.add("note", "The note must be 4,000 characters or fewer.")
    cleaned, detail_errors = clean_details(et, details or {})
    for field, messages in detail_errors.items():
        for m in messages:
            errors.add(f"details.{field}", m)
    if code == "CLOSED" and not detail_errors:
        # Closure is a contact, not a click: each victim must have been told, or we record why not.
        closing = signals.CaseClosing(crime=crime, not_told_reason=cleaned.get("not_told_reason", ""))
        for field, problem in signals.case_closing.problems(closing):
            errors.add(field, problem)
    errors.raise_if_any()

    new_status = status_after(et, crime.status)
    update = ["status", "updated_at"]
    crime.status = new_status
    if code == "CLOSED":
        crime.closure_reason = cleaned["closure_reason"]
        crime.closed_at = occurred_at
        update += ["closure_reason", "closed_at"]
    elif code == "REOPENED":
        crime.closure_reason = ""
        crime.closed_at = None
        if crime.oic_id is None:
            crime.status = CrimeStatus.RECORDED
        update += ["closure_reason", "closed_at"]
    crime.save(update_fields=update)
    cleaned.update(facts or {})
    if by_victim is not None:
        cleaned["crime_victim"] = by_victim.pk
    event = _event_write(
        crime=crime, code=code, occurred_at=occurred_at, by=by, details=cleaned, note=note or ""
    )
    signals.event_recorded.fire(signals.EventRecorded(crime=crime, event=event))
    return event


@transaction.atomic
def cases_reallocate(*, crimes: list[Crime], officer: User, by: User, note: str = "") -> list[CaseEvent]:
    """Reallocate several cases to one officer, all or nothing (the absence cover view's bulk action)."""
    events, errors = [], Errors()
    for crime in crimes:
        try:
            events.append(case_allocate(crime=crime, officer=officer, by=by, note=note))
        except ValidationError as e:
            for m in e.message_dict.get("officer", e.messages):
                errors.add("officer", f"{crime.reference}: {m}")
    if errors:
        transaction.set_rollback(True)
        errors.raise_if_any()
    return events
