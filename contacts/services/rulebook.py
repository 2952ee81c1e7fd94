"""The rule book: which rule set is in force, which rules apply to a victim, when their clocks run.

Reads only; nothing here changes a duty (contacts.services.obligations does)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from cases.constants import Consent
from cases.eligibility import eligibility_input_for, enhanced_reasons
from cases.models import Crime, CrimeVictim
from victimcare.calendar import WorkingDayCalendar, local_date

from ..constants import (
    FREQUENCY_DAYS,
    Condition,
    Duty,
    Frequency,
    ObligationState,
    RuleSetKind,
    Trigger,
)
from ..models import ClosureDay, Rule, RuleSet, plan_of

NO_UPDATES = "The victim asked for no updates."
KEY_EVENTS_ONLY = "The victim asked to hear only when something important happens."
DECLINED_REFERRAL = "The victim declined a referral to a support service."


def working_calendar() -> WorkingDayCalendar:
    """Built per use from the admin's closure days, so an edit applies at once in every process."""
    return WorkingDayCalendar(closure_days=ClosureDay.objects.values_list("day", flat=True))


# --- the rule book ---------------------------------------------------------------------------------
@dataclass
class RuleBook:
    editions: list[tuple[date, RuleSet, list[Rule]]] = field(default_factory=list)  # newest first
    overlays: list[tuple[date, RuleSet, list[Rule]]] = field(default_factory=list)

    def edition_at(self, day: date) -> tuple[RuleSet, list[Rule]] | None:
        for starts, rule_set, rules in self.editions:
            if starts <= day:
                return rule_set, rules
        return None

    def rules_for(self, trigger: str, at: datetime) -> list[Rule]:
        """Rules with this trigger in the edition in force at `at`, overlaid by active local overlays.
        Conditions are checked per victim (rule_applies)."""
        day = local_date(at)
        edition = self.edition_at(day)
        if edition is None:
            return []
        chosen: dict[str, list[Rule]] = {}
        for rule in edition[1]:
            if trigger in rule.triggers:
                chosen.setdefault(rule.code, []).append(rule)
        # Overlay rules replace the edition's rule of the same code; a conditional overlay rule is tried
        # first and falls back to the unconditional one (see rule_applies / rules_for_victim).
        for starts, _rs, rules in self.overlays:
            if starts <= day:
                for rule in rules:
                    if trigger in rule.triggers:
                        chosen[rule.code] = [rule, *chosen.get(rule.code, [])] if rule.condition else [rule]
        return [r for candidates in chosen.values() for r in candidates]


def load_rulebook() -> RuleBook:
    book = RuleBook()
    rules_by_set: dict[int, list[Rule]] = {}
    for rule in Rule.objects.select_related("rule_set").order_by("rule_set_id", "code"):
        rules_by_set.setdefault(rule.rule_set_id, []).append(rule)
    for rs in RuleSet.objects.order_by("-effective_from", "-id"):
        entry = (rs.effective_from, rs, rules_by_set.get(rs.id, []))
        if rs.kind == RuleSetKind.EDITION:
            book.editions.append(entry)
        elif rs.active:
            book.overlays.append(entry)
    # Overlays apply oldest first so a newer overlay wins.
    book.overlays.reverse()
    return book


# --- per-victim context ----------------------------------------------------------------------------
def enhanced_for(cv: CrimeVictim, rule_set: RuleSet) -> tuple[bool, list[str]]:
    reasons = [code for code, _ in enhanced_reasons(eligibility_input_for(cv))]
    if rule_set.enhanced_reasons:
        reasons = [r for r in reasons if r in rule_set.enhanced_reasons]
    added = [a.reason for a in cv.added_eligibility.all()]
    return bool(reasons or added), reasons + added


def _consent(cv: CrimeVictim) -> str:
    na = getattr(cv, "needs_assessment", None)
    return na.referral_consent if na else Consent.NOT_ASKED


def rule_applies(rule: Rule, crime: Crime, cv: CrimeVictim, enhanced: bool, repeat: bool) -> bool:
    if rule.condition == Condition.SENSITIVE:
        return crime.is_sensitive
    if rule.condition == Condition.NOT_MINOR_PROPERTY:
        minor = crime.offence.is_vehicle or (
            crime.offence.is_criminal_damage and not crime.offence.is_most_serious
        )
        asked = _consent(cv) == Consent.GIVEN
        return not minor or enhanced or repeat or crime.is_hate_crime or asked
    return True


def rules_for_victim(
    rules: list[Rule], crime: Crime, cv: CrimeVictim, enhanced: bool, repeat: bool
) -> list[Rule]:
    """One rule per code: the first candidate whose condition holds."""
    picked: dict[str, Rule] = {}
    for rule in rules:
        if rule.code not in picked and rule_applies(rule, crime, cv, enhanced, repeat):
            picked[rule.code] = rule
    return list(picked.values())


def initial_state(rule: Rule, cv: CrimeVictim) -> tuple[str, str]:
    plan = plan_of(cv)
    if plan is not None and rule.is_update and (not plan.wants_updates or plan.frequency == Frequency.NONE):
        return ObligationState.NOT_REQUIRED, NO_UPDATES
    if plan is not None and Trigger.PLAN in rule.triggers and plan.frequency == Frequency.KEY_EVENTS:
        return ObligationState.NOT_REQUIRED, KEY_EVENTS_ONLY
    if rule.code == Duty.SUPPORT_REFERRAL and _consent(cv) == Consent.DECLINED:
        return ObligationState.NOT_REQUIRED, DECLINED_REFERRAL
    return ObligationState.OPEN, ""


def plan_period(rule: Rule, cv: CrimeVictim) -> int | None:
    """The stricter of the rule's period and the one agreed with the victim."""
    plan = plan_of(cv)
    agreed = FREQUENCY_DAYS.get(plan.frequency) if plan else None
    if rule.period_days and agreed:
        return min(rule.period_days, agreed)
    return rule.period_days or agreed


def with_rule_context(qs):
    """Victims with everything the rules read: the person, needs assessment, plan, added reasons."""
    return qs.select_related("person", "needs_assessment", "contact_plan").prefetch_related(
        "added_eligibility"
    )


def victims_in_context(crime: Crime, victims: list[CrimeVictim] | None) -> list[CrimeVictim]:
    if victims is None:
        victims = list(with_rule_context(crime.victims.all()))
    for cv in victims:
        cv.crime = crime
    return victims


def refreshed_in_context(cv: CrimeVictim) -> CrimeVictim:
    return with_rule_context(CrimeVictim.objects.all()).get(pk=cv.pk)
