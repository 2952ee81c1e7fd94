"""Quality call-backs: each month a supervisor draws recent victims at random for each officer of a team,
calls them with a script, and records what they said as survey answers of source "call-back", with what
they asked to be passed on. A call-back is a contact: logged on the case (it meets no duty: it is about the
service, not an update), audited, and only to victims whose phone is marked safe, shown with their safe
times."""

import random
from dataclasses import replace
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cases.constants import ContactMethod
from cases.models import CrimeVictim
from contacts.services import contact_log
from victimcare.accounts.constants import Role
from victimcare.accounts.models import Team, User
from victimcare.accounts.selectors import oversight_q
from victimcare.calendar import london_month

from . import services
from .constants import CALLBACK_OUTCOMES, CallBackState, FeedbackKind, Source
from .eligibility import Rules, reasons_not
from .models import CallBack

PER_OFFICER = 2  # victims drawn per officer each month
RECENT_DAYS = 60  # from cases reported in the last this many days
OVERSEERS = {Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN}
CALLERS = OVERSEERS | {Role.VOLUNTEER}  # volunteers call the victims drawn for their teams; they do not draw


def teams_for(user: User) -> QuerySet:
    """The teams whose call-backs this person makes: the teams they oversee; for a call-back volunteer, the
    teams they volunteer for."""
    if user.role == Role.VOLUNTEER:
        return Team.objects.filter(callback_volunteers=user).select_related("bcu").order_by("name")
    if user.role not in OVERSEERS:
        return Team.objects.none()
    q = oversight_q(user, team="")
    if q is None:
        return Team.objects.none()
    return (
        Team.objects.filter(pk__in=Team.objects.filter(q).values("pk")).select_related("bcu").order_by("name")
    )


def callback_get(*, user: User, pk: int) -> CallBack:
    """A call-back of one of the person's teams; the same "not found" for missing and forbidden."""
    cb = (
        CallBack.objects.select_related("crime", "crime_victim__person", "officer", "team", "response")
        .filter(pk=pk, team__in=teams_for(user))
        .first()
    )
    if cb is None:
        from django.http import Http404

        raise Http404("No such call-back")
    return cb


def _candidates(team: Team, now: datetime) -> dict[int, list[CrimeVictim]]:
    """Recent victims of each officer's cases who may be called: the survey rules (16 or over, not
    restricted, not opted out of contact or surveys, bereaved only if they asked), a phone marked safe,
    not called back this month and not surveyed in the period."""
    month = london_month(now)
    victims = list(
        CrimeVictim.objects.filter(
            crime__team=team,
            crime__oic__isnull=False,
            crime__reported_at__gte=now - timedelta(days=RECENT_DAYS),
            crime__reported_at__lte=now,
        )
        .exclude(pk__in=CallBack.objects.filter(month=month).values("crime_victim_id"))
        .select_related("crime__offence", "crime__oic", "person__survey_setting", "contact_plan")
        .order_by("pk")
    )
    answered = services.answered_cases([cv.pk for cv in victims])
    recently = services.answered_people({cv.person_id for cv in victims}, now)
    out: dict[int, list[CrimeVictim]] = {}
    for cv in victims:
        if reasons_not_to_call(cv, now=now, surveyed=recently, answered=answered):
            continue
        out.setdefault(cv.crime.oic_id, []).append(cv)
    return out


def reasons_not_to_call(
    cv: CrimeVictim, *, now: datetime, surveyed: set[int], answered: set[int]
) -> list[str]:
    """The survey's "never" rules, with a phone (not an email or letter) marked safe; checked when the
    victims are drawn and again when the call is recorded, as things may have changed in between."""
    facts = services.facts_for(cv, now=now, invited=surveyed, answered=answered)
    return reasons_not(replace(facts, safe_channel=cv.person.reachable_by(ContactMethod.PHONE)), Rules())


@transaction.atomic
def callbacks_draw(
    *, team: Team, by: User, now: datetime | None = None, per_officer: int = PER_OFFICER, rng=None
) -> list[CallBack]:
    """Draw this month's call-backs for a team: up to `per_officer` victims at random for each officer
    with recent cases. Drawing again adds victims only for officers with fewer than that this month."""
    now = now or timezone.now()
    if by.role not in OVERSEERS or not teams_for(by).filter(pk=team.pk).exists():
        raise ValidationError({"team": ["You can draw call-backs only for the teams you supervise."]})
    rng = rng or random.SystemRandom()
    month = london_month(now)
    Team.objects.select_for_update().filter(pk=team.pk).first()  # one draw at a time per team
    have: dict[int, int] = {}
    for officer_id in CallBack.objects.filter(team=team, month=month).values_list("officer_id", flat=True):
        have[officer_id] = have.get(officer_id, 0) + 1
    made = []
    for officer_id, victims in sorted(_candidates(team, now).items()):
        want = per_officer - have.get(officer_id, 0)
        if want <= 0:
            continue
        for cv in rng.sample(victims, min(want, len(victims))):
            made.append(
                CallBack(
                    crime_victim=cv,
                    crime=cv.crime,
                    officer_id=officer_id,
                    team=team,
                    month=month,
                    drawn_at=now,
                    drawn_by=by,
                )
            )
    CallBack.objects.bulk_create(made, ignore_conflicts=True)
    # (ignore_conflicts leaves the objects without ids: read back what this draw added.)
    return list(
        CallBack.objects.filter(
            team=team, month=month, crime_victim_id__in=[cb.crime_victim_id for cb in made], drawn_at=now
        ).order_by("pk")
    )


def reasons_now(cb: CallBack, now: datetime | None = None) -> list[str]:
    """Why this queued call-back may no longer be made (the victim's details may have changed since the
    draw); empty when it may."""
    now = now or timezone.now()
    cv = CrimeVictim.objects.select_related("crime__offence", "person__survey_setting", "contact_plan").get(
        pk=cb.crime_victim_id
    )
    return reasons_not_to_call(cv, now=now, surveyed=set(), answered=services.answered_cases([cv.pk]))


@transaction.atomic
def callback_cancel(*, callback: CallBack, by: User, now: datetime | None = None) -> bool:
    """Take a victim off the list (they may no longer be called). Returns whether it was still queued."""
    if not teams_for(by).filter(pk=callback.team_id).exists():
        raise ValidationError({"": ["You can change call-backs only for the teams you supervise."]})
    return bool(
        CallBack.objects.filter(pk=callback.pk, state=CallBackState.QUEUED).update(
            state=CallBackState.CANCELLED, called_by=by, called_at=now or timezone.now()
        )
    )


@transaction.atomic
def callback_record(
    *,
    callback: CallBack,
    by: User,
    outcome: str,
    raw: dict[str, str] | None = None,
    comments: str = "",
    share_comments: bool = False,
    passed_on: str = "",
    passed_on_kind: str = "",
    now: datetime | None = None,
) -> CallBack:
    """Record a call: logged as a phone contact on the case; if they spoke, their answers are kept as a
    survey response of source "call-back". Bad input changes nothing."""
    now = now or timezone.now()
    cb = CallBack.objects.select_for_update().get(pk=callback.pk)
    if cb.state != CallBackState.QUEUED:
        raise ValidationError({"outcome": ["This call-back has already been recorded."]})
    if not teams_for(by).filter(pk=cb.team_id).exists():
        raise ValidationError({"outcome": ["You can record call-backs only for the teams you supervise."]})
    if outcome not in CALLBACK_OUTCOMES:
        raise ValidationError({"outcome": ["Choose how the call went."]})
    if passed_on_kind and passed_on_kind not in FeedbackKind.values:
        raise ValidationError({"passed_on_kind": ["Choose praise, a concern or something else."]})
    cv = CrimeVictim.objects.select_related("crime__offence", "person__survey_setting", "contact_plan").get(
        pk=cb.crime_victim_id
    )
    if reasons := reasons_not_to_call(cv, now=now, surveyed=set(), answered=services.answered_cases([cv.pk])):
        raise ValidationError({"outcome": ["This victim may no longer be called: " + " ".join(reasons)]})
    state = CALLBACK_OUTCOMES[outcome]
    response = None
    if state == CallBackState.DONE:
        response = services.response_enter(
            by=by,
            crime_victim=cv,
            source=Source.CALLBACK,
            raw=raw or {},
            comments=comments,
            share_comments=share_comments,
            passed_on=passed_on,
            passed_on_kind=passed_on_kind,
            now=now,
            from_callback=True,
        )
    summary = {
        CallBackState.DONE: "Quality call-back: asked about the service they have had; answers recorded.",
        CallBackState.NOT_REACHED: "Quality call-back: could not speak to the victim.",
        CallBackState.DECLINED: "Quality call-back: the victim did not want to talk.",
    }[state]
    contact, _met = contact_log(
        crime_victim=cv,
        by=by,
        method=ContactMethod.PHONE,
        outcome=outcome,
        summary=summary,
        occurred_at=now,
        now=now,
        updates_victim=False,
    )
    CallBack.objects.filter(pk=cb.pk).update(
        state=state, called_at=now, called_by=by, contact=contact, response=response
    )
    cb.refresh_from_db()
    return cb
