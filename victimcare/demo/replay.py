"""Each demo crime's history replayed through the deadline engine: its duties, the contact plans and
contacts that met them, and a few staff absences."""

import heapq
import itertools
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.db.models import F
from django.utils import timezone

from cases.constants import ContactMethod, CrimeStatus, VictimRole
from cases.models import CaseEvent, Crime, CrimeVictim
from contacts.constants import (
    DONE_BY_DOING,
    SUCCESSFUL_OUTCOMES,
    ContactOutcome,
    Duty,
    Frequency,
    ObligationState,
    Trigger,
)
from contacts.models import Contact, ContactPlan, Obligation, plan_of
from contacts.services import (
    CASE_CLOSED,
    closure_met_by_earlier_contacts,
    contact_restarts_updates,
    duties_a_contact_meets,
    ends_at_closure,
    format_for_needs,
    load_rulebook,
    obligations_create,
    qualifying_sentence,
    set_closed,
    set_met,
    working_calendar,
)
from victimcare.accounts.constants import AbsenceKind
from victimcare.accounts.models import Absence, Team, User

from .crimes import (
    Org,
    TeamInfo,
)
from .data import (
    BATCH,
    ON_TIME_OFFICER_SPREAD,
    WAIVE_NOTIFICATION_REASONS,
    WAIVE_NOTIFICATION_SHARE,
    WEAK_TEAM,
    on_time_chance,
    weighted_choice,
)


def _safe_for_demo(person, method: str) -> bool:
    """The safe-channel rule; demo victims are offered the portal only where their email (the portal's
    alert channel) is safe."""
    return person.channel_safe(ContactMethod.EMAIL if method == ContactMethod.PORTAL else method)


DEMO_METHODS = [
    ContactMethod.PHONE,
    ContactMethod.EMAIL,
    ContactMethod.SMS,
    ContactMethod.PORTAL,
    ContactMethod.LETTER,
    ContactMethod.VISIT,
]
CONTACT_CHANNELS = [ContactMethod.PHONE, ContactMethod.EMAIL, ContactMethod.VISIT]
# How often victims ask to be updated ("none": they asked for no updates at all).
PLAN_FREQUENCIES = {
    Frequency.EVERY_28_DAYS: 66,
    Frequency.FORTNIGHTLY: 12,
    Frequency.WEEKLY: 6,
    Frequency.KEY_EVENTS: 10,
    Frequency.NONE: 6,
}
OUTCOME_BY_METHOD = {ContactMethod.PHONE: ContactOutcome.SPOKE, ContactMethod.VISIT: ContactOutcome.MET}
# What the officer wrote, by the duty the contact met (for bail, by its trigger: bail or RUI).
CONTACT_SUMMARIES = {
    "ACKNOWLEDGE": "Acknowledgement sent: crime reference, my contact details and what happens next.",
    "WRITTEN_INFORMATION": "Written information sent: crime reference, Victims of Crime leaflet, my details.",
    "SUPPORT_REFERRAL": "Referred to the local victim support service with the victim's consent.",
    "ARREST": "Told the victim a suspect has been arrested and explained what happens next.",
    "INTERVIEW": "Told the victim the suspect has been interviewed under caution; enquiries continue.",
    "RELEASE_NO_FURTHER_ACTION": "Told the victim the suspect was released with no further action, and why.",
    "BAIL": "Told the victim the suspect has been bailed, with the conditions that protect them.",
    "RUI": "Told the victim the suspect was released under investigation and what that means.",
    "BAIL_CHANGED": "Told the victim the suspect's bail conditions have changed; safety plan reviewed.",
    "CHARGE": "Told the victim the suspect has been charged and when the first hearing is.",
    "VPS_OFFER": "Offered the victim a Victim Personal Statement and explained how the court uses it.",
    "OUT_OF_COURT": "Told the victim about the out-of-court disposal and what it means.",
    "NOT_PROSECUTED": "Told the victim the decision not to prosecute, the reasons and the right to review.",
    "NOT_INVESTIGATED": "Told the victim the crime will not be investigated further, and why; support "
    "re-offered.",
    "HEARING_DATE": "Told the victim the date, time and place of the hearing; asked about support at court.",
    "OUTCOME_SENTENCE": "Told the victim the outcome and the sentence, and explained what it means.",
    "VCS_REFERRAL": "Referred the victim to the Probation Victim Contact Scheme with their consent.",
    "OFFICER_INTRODUCTION": "Introduced myself as the new officer in the case; gave my contact details.",
    "CLOSURE": "Told the victim the investigation is closing: what was done, that it can be reopened, "
    "support re-offered and the right to review explained.",
}
PROGRESS_SUMMARIES = [
    "Progress update: enquiries continue; CCTV is still being reviewed.",
    "Progress update: waiting for forensic results; nothing new since the last update.",
    "Progress update: house-to-house enquiries finished; the victim is happy with the plan.",
    "Progress update: statements taken from two witnesses; next update as agreed.",
    "Progress update: the file is with the CPS for advice; explained the likely timescale.",
    "Progress update: the suspect has not been traced yet; enquiries continue.",
]
ATTEMPT_SUMMARIES = {
    ContactOutcome.NO_ANSWER: "Called; no answer and no voicemail left (not marked safe).",
    ContactOutcome.LEFT_MESSAGE: "Called; no answer. Left a voicemail asking the victim to call back.",
}
WAIVE_NEEDS_PARENT = "Needs assessed together with the child victim."
WAIVE_NEEDS_DECLINED = "The victim did not want a needs assessment."
WAIVE_PLAN_CHILD = "Contact is through the parent or guardian."
WAIVE_PLAN_DECLINED = "The victim did not want to agree a contact plan."
WAIVE_AFTER_DAYS = 21  # duties done by doing them, still not done this long after their deadline, were waived


class EngineSeeder:
    """Contact plans, obligations and the contact log for demo crimes, by replaying each crime's history
    through the real deadline engine; plus a few staff absences.

    Per crime, an event queue in time order: the crime's recording (victims added: their duties and the
    first progress update), each case event (its duties; a qualifying sentence; closure), the contacts an
    officer makes to meet open duties and the completion of the duties met by doing them (needs assessment,
    contact plan). A contact follows contact_log: it meets the duties it was made for and the open progress
    update, and the next update is due from it. Nothing after `now` happens, so what is left is open: not
    yet due, or (a realistic few) overdue."""

    def __init__(self, *, now: datetime, seed: int, org: Org):
        self.now = now
        self.today = timezone.localdate(now)
        self.rng = random.Random(seed + 7)
        self.org = org
        self.counts: Counter = Counter()
        self.demo_behind = 0
        self.book = load_rulebook()  # one rule book and calendar for the whole replay
        self.cal = working_calendar()
        # How well each team and officer keeps to time (data.ON_TIME_*), fixed by the seed.
        bcu_code = {b.id: b.code for b in org.bcus}
        self.team_key: dict[int, tuple[str, str]] = {}
        self.weak_teams: set[int] = set()
        self.officer_on_time: dict[int, float] = {}
        spread = random.Random(seed + 11)
        for info in org.teams:
            key = self.team_key[info.team.id] = (bcu_code.get(info.team.bcu_id, ""), info.team.name)
            if key == WEAK_TEAM:
                self.weak_teams.add(info.team.id)
            for officer in info.officers + info.supervisors:
                offset = spread.gauss(0, ON_TIME_OFFICER_SPREAD)
                limit = 2 * ON_TIME_OFFICER_SPREAD
                self.officer_on_time[officer.id] = max(-limit, min(limit, offset))
        self.officer_on_time[org.demo_officer.id] = 0.0

    def seed(self, crimes_qs) -> None:
        crimes = list(crimes_qs.select_related("offence").order_by("id"))
        if not crimes:
            return
        events: dict[int, list[CaseEvent]] = defaultdict(list)
        for e in CaseEvent.objects.filter(crime__in=crimes_qs).order_by("occurred_at", "id"):
            events[e.crime_id].append(e)
        victims: dict[int, list[CrimeVictim]] = defaultdict(list)
        for cv in (
            CrimeVictim.objects.filter(crime__in=crimes_qs)
            .select_related("person", "needs_assessment", "contact_plan")
            .prefetch_related("added_eligibility")
            .order_by("id")
        ):
            victims[cv.crime_id].append(cv)
        self.supervisor_of: dict[int, int] = {}
        for team_id, user_id in Team.supervisors.through.objects.order_by("id").values_list(
            "team_id", "user_id"
        ):
            self.supervisor_of.setdefault(team_id, user_id)

        plans = []
        for crime in crimes:
            for cv in victims[crime.id]:
                cv.crime = crime
                if plan := self._contact_plan(crime, cv, events[crime.id]):
                    plans.append(plan)
        ContactPlan.objects.bulk_create(plans, batch_size=BATCH)

        obligations: list[Obligation] = []
        contacts: list[Contact] = []
        for crime in crimes:
            made, logged = self._replay(crime, events[crime.id], victims[crime.id])
            obligations += made
            contacts += logged
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        Obligation.objects.bulk_create(obligations, batch_size=BATCH)
        # bulk_create stamps auto_now(_add) with the seeding time; history should read as entered when it
        # happened.
        ContactPlan.objects.filter(crime_victim__crime__in=crimes_qs).update(
            created_at=F("agreed_at"), updated_at=F("agreed_at")
        )
        Contact.objects.filter(crime__in=crimes_qs).update(
            created_at=F("occurred_at"), updated_at=F("occurred_at")
        )
        Obligation.objects.filter(crime__in=crimes_qs).update(created_at=F("triggered_at"))
        absences = self._absences()
        Absence.objects.bulk_create(absences)

        states = Counter(o.state for o in obligations)
        self.counts.update(
            {
                "contact plans": len(plans),
                "obligations": len(obligations),
                "obligations open": states[ObligationState.OPEN],
                "obligations met": states[ObligationState.MET],
                "obligations not required": states[ObligationState.NOT_REQUIRED],
                "obligations waived": states[ObligationState.WAIVED],
                "obligations open and overdue": sum(
                    o.state == ObligationState.OPEN and o.due_at < self.now for o in obligations
                ),
                "contacts": len(contacts),
                "absences": len(absences),
            }
        )

    # --- contact plans -----------------------------------------------------------------------------
    def _contact_plan(self, crime: Crime, cv: CrimeVictim, events: list[CaseEvent]) -> ContactPlan | None:
        """Most victims agree a plan within a day or so of recording; methods only among their safe
        channels, their preferred one first."""
        rng, person = self.rng, cv.person
        if cv.role == VictimRole.VICTIM and (person.age_on(self.today) or 18) < 13:
            return None  # contact is through the parent or guardian
        safe = [m for m in DEMO_METHODS if _safe_for_demo(person, m)]
        if not safe:
            return None
        r = rng.random()
        if r < 0.8:
            delay = timedelta(hours=rng.uniform(0.3, 30))
        elif r < 0.94:
            delay = timedelta(hours=rng.uniform(30, 200))
        else:
            return None  # never agreed: the CONTACT_PLAN duty stays open (or was waived long ago)
        agreed_at = self._daytime(crime.recorded_at + delay, crime.recorded_at + delay / 2, self.now)
        if agreed_at > self.now - timedelta(minutes=1):
            return None  # not agreed yet
        if person.preferred_contact_method in safe:
            safe.remove(person.preferred_contact_method)
            safe.insert(0, person.preferred_contact_method)
        methods = safe[: rng.choice([1, 1, 2, 2, 3])]
        frequency = weighted_choice(rng, PLAN_FREQUENCIES)
        fmt = format_for_needs(person)
        notes = ""
        if crime.is_domestic_abuse and not person.safe_voicemail:
            notes = "Never leave voicemails. Check it is safe to talk before starting."
        plan = ContactPlan(
            crime_victim=cv,
            wants_updates=frequency != Frequency.NONE,
            methods=[str(m) for m in methods],
            safe_times=person.preferred_contact_times[:200],
            frequency=frequency,
            language=person.first_language or "English",
            format=fmt,
            notes=notes,
            agreed_by_id=self._officer_at(crime, events, agreed_at),
            agreed_at=agreed_at,
        )
        cv.contact_plan = plan  # the engine reads it from here (wants updates, period)
        return plan

    # --- replaying one crime -----------------------------------------------------------------------
    def _replay(
        self, crime: Crime, events: list[CaseEvent], victims: list[CrimeVictim]
    ) -> tuple[list[Obligation], list[Contact]]:
        rng, now = self.rng, self.now
        made: list[Obligation] = []
        contacts: list[Contact] = []
        by_victim: dict[int, list[Obligation]] = defaultdict(list)
        cv_by_id = {cv.id: cv for cv in victims}
        demo = crime.oic_id == self.org.demo_officer.id
        queue: list = []
        order = itertools.count()
        once: set[tuple[int, str]] = set()

        def push(at: datetime, kind: str, payload) -> None:
            heapq.heappush(queue, (at, next(order), kind, payload))

        def create(trigger: str, at: datetime, event=None, vs=victims, first=False) -> list[Obligation]:
            out = []
            for ob in obligations_create(
                crime=crime,
                trigger=trigger,
                at=at,
                event=event,
                victims=vs,
                book=self.book,
                cal=self.cal,
                first=first,
                save=False,
            ):
                if ob.rule.once_per_victim:
                    if (ob.crime_victim_id, ob.code) in once:
                        continue
                    once.add((ob.crime_victim_id, ob.code))
                made.append(ob)
                by_victim[ob.crime_victim_id].append(ob)
                out.append(ob)
            return out

        def schedule(new: list[Obligation]) -> None:
            """When (if ever, before now) each new open duty is done. Duties from one trigger for one
            victim are met together, by one contact."""
            groups: dict[tuple[int, bool], list[Obligation]] = {}
            for ob in new:
                if ob.state != ObligationState.OPEN:
                    continue
                cv = cv_by_id[ob.crime_victim_id]
                if ob.code == Duty.NEEDS_ASSESSMENT:
                    na = getattr(cv, "needs_assessment", None)
                    if na is not None:
                        push(max(na.completed_at, ob.triggered_at), "duty", ob)
                elif ob.code == Duty.CONTACT_PLAN:
                    if (plan := plan_of(cv)) is not None:
                        push(max(plan.agreed_at, ob.triggered_at), "duty", ob)
                else:
                    groups.setdefault((cv.id, ob.trigger == Trigger.PLAN), []).append(ob)
            for (cv_id, recurring), obs in groups.items():
                if not recurring and self._waived(crime, obs):
                    continue
                due = min(o.due_at for o in obs)
                chance = self._on_time_chance(crime, cv_by_id[cv_id], due, recurring, obs)
                weak = crime.team_id in self.weak_teams
                when = self._when(obs[0].triggered_at, due, recurring, demo, chance, weak)
                if when is not None and when <= now:
                    push(when, "contact", (cv_by_id[cv_id], obs, False))

        # The crime's history, and (for a closed case) telling each victim before closing it: the closure
        # gate needs a contact about closure for everyone who has not opted out of updates.
        push(crime.recorded_at, "recorded", None)
        for e in events:
            if e.code != "RECORDED":
                push(e.occurred_at, "event", e)
        closing = [e for e in events if e.code == "CLOSED"]
        if crime.status == CrimeStatus.CLOSED and closing:
            closed_at = closing[-1].occurred_at
            before = max([e.occurred_at for e in events if e.occurred_at < closed_at] or [crime.recorded_at])
            for cv in victims:
                plan = plan_of(cv)
                if plan is not None and not plan.wants_updates:
                    continue
                told = closed_at - min(closed_at - before, timedelta(days=2)) * rng.uniform(0.1, 0.9)
                push(self._daytime(told, before, closed_at), "contact", (cv, None, True))

        closed = False
        told_of_closure: dict[int, Contact] = {}
        while queue:
            at, _, kind, payload = heapq.heappop(queue)
            if at > now:
                break
            if kind == "recorded":
                schedule(
                    create(Trigger.VICTIM_ADDED, at) + create(Trigger.PLAN, at, first=True),
                )
            elif kind == "event":
                e = payload
                new = create(e.code, at, e)
                if e.code == "OUTCOME" and qualifying_sentence(crime, e.details):
                    new += create(Trigger.QUALIFYING_SENTENCE, at, e)
                if e.code == "CLOSED":
                    closed = True
                    for ob in made:
                        if ends_at_closure(ob):
                            set_closed(ob, state=ObligationState.NOT_REQUIRED, reason=CASE_CLOSED)
                    closure_met_by_earlier_contacts(new, told=told_of_closure)
                schedule(new)
            elif kind == "duty":
                if payload.state == ObligationState.OPEN:
                    self._meet(payload, at, None)
            else:
                cv, targets, about_closure = payload
                if about_closure:  # the closing conversation covers whatever is outstanding
                    targets = [o for o in by_victim[cv.id] if o.code not in DONE_BY_DOING]
                targets = [o for o in targets if o.state == ObligationState.OPEN]
                if not targets and not about_closure:
                    continue  # already met by an earlier contact
                contact = self._contact(crime, cv, events, at, targets, about_closure, contacts)
                # contact_log's own rules: what a successful contact meets, and whether it restarts updates
                met = duties_a_contact_meets(
                    by_victim[cv.id], chosen=targets, occurred_at=at, about_closure=about_closure
                )
                for o in met:
                    self._meet(o, at, contact)
                if about_closure:
                    told_of_closure[cv.id] = contact
                if not closed and contact_restarts_updates(met):
                    schedule(create(Trigger.PLAN, at, vs=[cv]))  # the next update is due from this contact

        # Duties done by doing them that never were: waived long ago, or still open.
        for ob in made:
            if ob.state != ObligationState.OPEN or ob.code not in DONE_BY_DOING:
                continue
            cv = cv_by_id[ob.crime_victim_id]
            reason = ""
            if ob.code == Duty.NEEDS_ASSESSMENT and cv.role == VictimRole.PARENT_GUARDIAN:
                reason = WAIVE_NEEDS_PARENT
            elif ob.code == Duty.CONTACT_PLAN and (cv.person.age_on(self.today) or 18) < 13:
                reason = WAIVE_PLAN_CHILD
            elif ob.due_at < now - timedelta(days=WAIVE_AFTER_DAYS):
                reason = WAIVE_NEEDS_DECLINED if ob.code == Duty.NEEDS_ASSESSMENT else WAIVE_PLAN_DECLINED
            if reason:
                set_closed(ob, state=ObligationState.WAIVED, reason=reason)
                ob.closed_by_id = self.supervisor_of.get(crime.team_id) or crime.oic_id or crime.created_by_id
        return made, contacts

    def _on_time_chance(
        self, crime: Crime, cv: CrimeVictim, due: datetime, recurring: bool, obs: list[Obligation]
    ) -> float:
        """The chance these duties are met on time (data.on_time_chance): the force's trend over the year
        and its summer dip, the team, the officer, recurring or not, enhanced or not, the equality gap."""
        return on_time_chance(
            days_ago=(self.now - due).total_seconds() / 86400,
            month=timezone.localtime(due).month,
            team=self.team_key.get(crime.team_id, ("", "")),
            ethnicity=cv.person.ethnicity,
            recurring=recurring,
            enhanced=any(o.enhanced for o in obs),
            officer=self.officer_on_time.get(crime.oic_id, 0.0),
        )

    def _waived(self, crime: Crime, obs: list[Obligation]) -> bool:
        """A few event notifications are waived by the supervisor, with a reason (never the closure, a
        referral or the first duties of the case: those have their own rules)."""
        if any(o.trigger in (Trigger.VICTIM_ADDED, Trigger.CLOSED, Trigger.PLAN) for o in obs):
            return False
        if any(o.code in (Duty.SUPPORT_REFERRAL, Duty.VCS_REFERRAL, Duty.CLOSURE) for o in obs):
            return False
        if self.rng.random() >= WAIVE_NOTIFICATION_SHARE:
            return False
        reason = self.rng.choice(WAIVE_NOTIFICATION_REASONS)
        for ob in obs:
            set_closed(ob, state=ObligationState.WAIVED, reason=reason)
            ob.closed_by_id = self.supervisor_of.get(crime.team_id) or crime.oic_id or crime.created_by_id
        return True

    def _when(
        self, trigger_at: datetime, due: datetime, recurring: bool, demo: bool, on_time: float, weak: bool
    ) -> datetime | None:
        """When an officer meets a duty: on time with the chance given (a recurring update late in its
        period), otherwise late; a few not at all (yet), more in the weak team. The demo officer is a
        little behind, so their worklist has every colour."""
        rng, now = self.rng, self.now
        overdue_days = (now - due).total_seconds() / 86400
        if demo and 0 < overdue_days < 14 and self.demo_behind < 2:
            self.demo_behind += 1  # the demo officer's worklist always shows something overdue
            return None
        if 0 < overdue_days < 14:
            neglect = 0.15 if demo else 0.3 if weak else 0.03
        elif 0 < overdue_days < 45:
            neglect = 0.02 if demo else 0.12 if weak else 0.01
        elif weak and 0 < overdue_days < 120:
            neglect = 0.02  # forgotten for months
        elif demo and -5 < overdue_days <= 0:
            neglect = 0.4  # not done yet, still in time
        else:
            neglect = 0.0
        if rng.random() < neglect:
            return None
        if rng.random() < on_time:
            lo, hi = (0.5, 0.97) if recurring else (0.02, 0.8)
            return self._daytime(trigger_at + (due - trigger_at) * rng.uniform(lo, hi), trigger_at, due)
        late = due + timedelta(hours=min(rng.expovariate(1 / 36), 24 * 20))
        return self._daytime(late, due, due + timedelta(days=21))

    def _daytime(self, at: datetime, lo: datetime, hi: datetime) -> datetime:
        """Move a time to working hours on the same day when that stays within [lo, hi]."""
        local = timezone.localtime(at)
        if 8 <= local.hour < 20:
            return at
        moved = local.replace(
            hour=self.rng.randint(8, 19), minute=self.rng.randint(0, 59), second=self.rng.randint(0, 59)
        )
        return moved if lo <= moved <= hi else at

    @staticmethod
    def _officer_at(crime: Crime, events: list[CaseEvent], at: datetime) -> int:
        officer = crime.created_by_id
        for e in events:
            if e.occurred_at > at:
                break
            if e.code in ("ALLOCATED", "REALLOCATED") and e.officer_id:
                officer = e.officer_id
        return officer

    @staticmethod
    def _meet(ob: Obligation, at: datetime, contact: Contact | None) -> None:
        set_met(ob, at=at, contact=contact)

    def _contact(
        self,
        crime: Crime,
        cv: CrimeVictim,
        events: list[CaseEvent],
        at: datetime,
        obs: list[Obligation],
        about_closure: bool,
        log: list[Contact],
    ) -> Contact:
        """A successful contact (sometimes after a failed attempt), by a channel that is safe for them."""
        rng, person = self.rng, cv.person
        plan = plan_of(cv)
        safe = [m for m in CONTACT_CHANNELS if person.channel_safe(m)]
        preferred = [m for m in (plan.methods if plan else []) if m in safe] or safe
        keys = [Duty.CLOSURE] if about_closure else []
        keys += [o.trigger if o.code == Duty.BAIL else o.code for o in obs if o.trigger != Trigger.PLAN]
        written = keys and keys[0] in (Duty.ACKNOWLEDGE, Duty.WRITTEN_INFORMATION)
        if written and ContactMethod.EMAIL in safe:
            method = ContactMethod.EMAIL
        elif preferred:
            method = preferred[0] if rng.random() < 0.75 else rng.choice(preferred)
        elif plan and plan.methods:
            method = plan.methods[0]
        else:
            method = (
                ContactMethod.LETTER if person.channel_safe(ContactMethod.LETTER) else ContactMethod.PORTAL
            )
        keys = list(dict.fromkeys(keys))[:2]
        summary = " ".join(CONTACT_SUMMARIES[k] for k in keys if k in CONTACT_SUMMARIES)
        if not summary:
            summary = rng.choice(PROGRESS_SUMMARIES)
        recorded_by = self._officer_at(crime, events, at)
        since = min([o.triggered_at for o in obs] or [crime.recorded_at])
        if method == ContactMethod.PHONE and rng.random() < 0.12:
            tried = at - timedelta(hours=rng.uniform(1, 26))
            if tried > since:
                outcome = (
                    ContactOutcome.LEFT_MESSAGE
                    if person.safe_voicemail and rng.random() < 0.6
                    else ContactOutcome.NO_ANSWER
                )
                log.append(
                    Contact(
                        crime=crime,
                        crime_victim=cv,
                        method=method,
                        outcome=outcome,
                        summary=ATTEMPT_SUMMARIES[outcome],
                        occurred_at=tried,
                        recorded_by_id=self._officer_at(crime, events, tried),
                    )
                )
        contact = Contact(
            crime=crime,
            crime_victim=cv,
            method=method,
            outcome=OUTCOME_BY_METHOD.get(method, ContactOutcome.WRITTEN_SENT),
            summary=summary,
            occurred_at=at,
            about_closure=about_closure,
            recorded_by_id=recorded_by,
        )
        assert contact.outcome in SUCCESSFUL_OUTCOMES
        log.append(contact)
        return contact

    # --- absences ----------------------------------------------------------------------------------
    def _absences(self) -> list[Absence]:
        """A few absences around today, one in the demo officer's team (the supervisor's cover view)."""
        org, today, day = self.org, self.today, timedelta(days=1)
        demo = org.demo_officer
        out: list[Absence] = []

        def add(user: User, kind: str, starts: date, ends: date, note: str, team: TeamInfo) -> None:
            by = team.supervisors[0] if team.supervisors else user
            out.append(
                Absence(user=user, kind=kind, starts_on=starts, ends_on=ends, note=note, recorded_by=by)
            )

        others = [t for t in org.teams if t.team.id != demo.team_id]
        demo_team = next((t for t in org.teams if t.team.id == demo.team_id), None)
        if demo_team is not None:
            mates = [o for o in demo_team.officers if o.id != demo.id]
            if mates:
                add(mates[0], AbsenceKind.LEAVE, today - 2 * day, today + 4 * day, "Annual leave", demo_team)
            if len(mates) > 1:
                add(
                    mates[1],
                    AbsenceKind.COURSE,
                    today + 8 * day,
                    today + 10 * day,
                    "Investigators' course",
                    demo_team,
                )
            add(
                demo,
                AbsenceKind.LEAVE,
                today + 21 * day,
                today + 25 * day,
                "Annual leave (booked)",
                demo_team,
            )
        for i, (kind, starts, ends, note) in enumerate(
            [
                (AbsenceKind.SICKNESS, today - day, today + 2 * day, "Off sick"),
                (AbsenceKind.COURSE, today + 3 * day, today + 5 * day, "Public protection course"),
                (AbsenceKind.LEAVE, today - 30 * day, today - 23 * day, "Annual leave"),
            ]
        ):
            if i < len(others) and others[i].officers:
                add(others[i].officers[0], kind, starts, ends, note, others[i])
        part_timer = next(
            (
                (o, t)
                for t in org.teams
                for o in t.officers
                if o.working_pattern.startswith("Part time") and o.id != demo.id
            ),
            None,
        )
        if part_timer is not None:  # works Tue–Thu: Mondays and Fridays off, recorded one day at a time
            off = [today + i * day for i in range(14) if (today + i * day).weekday() in (0, 4)]
            for d in off:
                add(part_timer[0], AbsenceKind.PART_TIME, d, d, "Part-time day off", part_timer[1])
        return out
