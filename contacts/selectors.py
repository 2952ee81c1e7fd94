"""Reads for worklists and case pages. Who may see an obligation is decided by who may see its case
(cases.selectors.cases_visible_to); nothing here widens that."""

from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from cases.models import Crime, CrimeVictim
from cases.selectors import cases_visible_to, hidden_restricted, scope_ids, scope_q
from messaging.constants import MessageKind, MessageStatus, Stage
from messaging.models import Message, StaffNotification
from victimcare.accounts.models import Absence, User
from victimcare.accounts.selectors import oversight_q
from victimcare.calendar import WorkingDayCalendar, end_of_local_day, local_date

from . import engine
from .constants import DONE_BY_DOING, ObligationState
from .models import Contact, Obligation

WORK_RELATED = ("crime", "crime_victim__person", "rule", "owner")


def amber_limit(now: datetime, cal: WorkingDayCalendar) -> datetime:
    """Due by this instant counts as 'due soon': the end of the next working day."""
    return end_of_local_day(cal.next_working_day(local_date(now)))


def my_work(user: User) -> QuerySet[Obligation]:
    # Served by the partial index obl_owner_open_idx (owner, due_at) WHERE state = 'open'.
    return (
        Obligation.objects.filter(owner=user, state=ObligationState.OPEN)
        .select_related(*WORK_RELATED)
        .order_by("due_at", "id")
    )


def team_work(
    user: User, *, owner_id: int | None = None, overdue_before: datetime | None = None
) -> QuerySet[Obligation]:
    """Open duties on the cases the person may see. Duties carry their crime's team and BCU (copied when
    made; a crime never changes either), so the scope filters them by their own columns, one index range per
    team or BCU (obl_team_open_idx, obl_bcu_open_idx); the person's own cases by the crimes they are officer
    in case of (not by the duty's owner, a copy that a duty made during a reallocation could get wrong);
    and the few restricted cases the person is not named on left out by id. The same rows as filtering by
    cases_visible_to, without joining every open duty to its crime."""
    ids = scope_ids(user)
    if ids is None:
        return Obligation.objects.none()
    parts = scope_q(ids)
    if not ids.everything:
        # parts[0] is the crimes' officer-in-case condition: read those crimes' ids now (an officer's few
        # hundred; none for most supervisors and inspectors), so the database gets plain id conditions.
        own = list(Crime.objects.filter(oic_id=ids.user_id).values_list("pk", flat=True))
        parts = ([Q(crime_id__in=own)] if own else []) + parts[1:]
        if not parts:
            return Obligation.objects.none()
    qs = Obligation.objects.filter(reduce(or_, parts), state=ObligationState.OPEN)
    if hidden := hidden_restricted(user, ids):
        qs = qs.exclude(crime_id__in=hidden)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if overdue_before:
        qs = qs.filter(due_at__lt=overdue_before)
    return qs.select_related(*WORK_RELATED).order_by("due_at", "id")


def rag_counts(qs: QuerySet[Obligation], now: datetime, cal: WorkingDayCalendar) -> dict[str, int]:
    return qs.aggregate(
        total=Count("id"),
        red=Count("id", filter=Q(due_at__lt=now)),
        amber=Count("id", filter=Q(due_at__gte=now, due_at__lte=amber_limit(now, cal))),
    )


def with_rag(obligations, now: datetime, cal: WorkingDayCalendar) -> list[Obligation]:
    rows = list(obligations)
    for ob in rows:
        ob.rag = engine.rag(ob.due_at, now, cal) if ob.state == ObligationState.OPEN else None
    return rows


@dataclass
class VictimDuties:
    obligations: list[Obligation]
    contacts: list[Contact]


def case_duties(crime: Crime, now: datetime, cal: WorkingDayCalendar) -> dict[int, VictimDuties]:
    """Each victim's obligations (open first, by due time) and contact log, in two queries."""
    out: dict[int, VictimDuties] = {}
    obligations = with_rag(
        crime.obligations.select_related("rule", "met_by_contact", "closed_by").order_by("due_at", "id"),
        now,
        cal,
    )
    for ob in sorted(obligations, key=lambda o: (o.state != ObligationState.OPEN, o.due_at)):
        out.setdefault(ob.crime_victim_id, VictimDuties([], [])).obligations.append(ob)
    for c in crime.contacts.select_related("recorded_by").order_by("-occurred_at", "-id"):
        out.setdefault(c.crime_victim_id, VictimDuties([], [])).contacts.append(c)
    return out


def meetable(cv: CrimeVictim) -> QuerySet[Obligation]:
    """Open duties a contact with this victim can meet (not those met by doing them or by a referral)."""
    return (
        Obligation.objects.filter(crime_victim=cv, state=ObligationState.OPEN)
        .exclude(code__in=DONE_BY_DOING)
        .exclude(rule__met_by_referral=True)
        .select_related("rule")
        .order_by("due_at")
    )


def notifications_visible(user: User, qs: QuerySet[StaffNotification]) -> QuerySet[StaffNotification]:
    """Only notifications about cases the user may still see (a restricted case, a team they left)."""
    visible = cases_visible_to(user, concrete=True).values("pk")
    return qs.filter(
        Q(obligation__crime__in=visible) | Q(obligation__isnull=True, message__crime__in=visible)
    )


def _inbox(user: User) -> QuerySet[StaffNotification]:
    answered = Message.objects.filter(in_reply_to=OuterRef("message_id"), kind=MessageKind.OFFICER)
    return notifications_visible(user, StaffNotification.objects.filter(recipient=user)).annotate(
        answered=Exists(answered)
    )


# An inbox item's work is done in the system: its duty is no longer open (met, waived, not required), its
# draft was sent (or withdrawn), or the victim's message has an answer from staff.
WORK_DONE = (
    (Q(obligation__isnull=False) & ~Q(obligation__state=ObligationState.OPEN))
    | (Q(stage=Stage.DRAFT_READY) & ~Q(message__status=MessageStatus.DRAFT))
    | (Q(stage=Stage.VICTIM_MESSAGE) & Q(answered=True))
)
CLEARED = Q(done_at__isnull=False) | WORK_DONE


def inbox(user: User, *, done: bool = False, stage: str = "") -> QuerySet[StaffNotification]:
    """The person's inbox as a work queue: "to do" (not cleared, and its work not yet done), or "done";
    optionally one kind of item only."""
    qs = _inbox(user)
    qs = qs.filter(CLEARED) if done else qs.exclude(CLEARED)
    if stage:
        qs = qs.filter(stage=stage)
    return qs.select_related(
        "obligation",
        "obligation__crime",
        "obligation__crime_victim__person",
        "message",
        "message__crime",
        "message__crime_victim__person",
    ).order_by("-created_at", "-id")


def to_do_by_stage(user: User) -> dict[str, int]:
    """How many items still to do, by kind (for the inbox's filter)."""
    rows = _inbox(user).exclude(CLEARED).order_by().values("stage").annotate(n=Count("id"))
    return {r["stage"]: r["n"] for r in rows}


def to_do_count(user: User) -> int:
    """How many inbox items still need the person (the badge beside Inbox)."""
    return _inbox(user).exclude(CLEARED).count()


def absences_visible_to(user: User) -> QuerySet[Absence]:
    """Your own absences; supervisors also their teams'; inspectors their BCUs'; admins all."""
    q = Q(user=user)
    if (oversees := oversight_q(user, team="user__team")) is not None:
        q = q | oversees if oversees else oversees
    return Absence.objects.filter(pk__in=Absence.objects.filter(q).values("pk")).select_related(
        "user", "user__team"
    )


def cover_needed(user: User, now: datetime, horizon_days: int = 14) -> list[Obligation]:
    """Open obligations in cases the user can see, due within the horizon (or overdue), whose officer is
    away on the day they fall due (or today, if already overdue)."""
    from datetime import timedelta

    today = local_date(now)
    until = today + timedelta(days=horizon_days)
    absences = list(
        Absence.objects.filter(ends_on__gte=today, starts_on__lte=until).values_list(
            "user_id", "starts_on", "ends_on"
        )
    )
    if not absences:
        return []
    owners = {a[0] for a in absences}
    rows = (
        Obligation.objects.filter(
            state=ObligationState.OPEN,
            owner_id__in=owners,
            crime__in=cases_visible_to(user),
            due_at__lte=end_of_local_day(until),
        )
        .select_related(*WORK_RELATED)
        .order_by("crime_id", "due_at")
    )
    out = []
    for ob in rows:
        day = max(local_date(ob.due_at), today)
        away = [(s, e) for uid, s, e in absences if uid == ob.owner_id and s <= day <= e]
        if away:
            ob.away_until = away[0][1]
            out.append(ob)
    return out
