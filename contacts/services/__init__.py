"""Domain writes of contacts, split along their seams:

- `rulebook`: which rule set is in force and which rules apply to a victim (reads only);
- `obligations`: duties created, met, closed and waived: the only writer of Obligation.state;
- `log`: the contact log, contacts and attempts, which meet duties;
- `plans`: contact plans.

Everything public is re-exported here, so callers write `from contacts.services import contact_log`.
"""

from .log import (
    contact_log,
)
from .obligations import (
    CASE_CLOSED,
    CASE_REOPENED,
    MET_FIELDS,
    REPLANNED,
    close_not_required,
    closure_gate,
    closure_met_by_earlier_contacts,
    contact_restarts_updates,
    duties_a_contact_meets,
    duty_done,
    duty_met_by_message,
    eligibility_add,
    ends_at_closure,
    enhanced_reassess,
    meet,
    meet_waiting_duties,
    needs_assessed,
    obligation_waive,
    obligations_create,
    on_allocated,
    on_event,
    on_victims_added,
    qualifying_sentence,
    set_closed,
    set_met,
)
from .plans import (
    PLAN_FIELDS,
    plan_save,
    replan_updates,
)
from .rulebook import (
    DECLINED_REFERRAL,
    KEY_EVENTS_ONLY,
    NO_UPDATES,
    RuleBook,
    enhanced_for,
    initial_state,
    load_rulebook,
    plan_of,
    plan_period,
    refreshed_in_context,
    rule_applies,
    rules_for_victim,
    victims_in_context,
    with_rule_context,
    working_calendar,
)

__all__ = [
    "closure_met_by_earlier_contacts",
    "contact_restarts_updates",
    "duties_a_contact_meets",
    "ends_at_closure",
    "CASE_CLOSED",
    "CASE_REOPENED",
    "DECLINED_REFERRAL",
    "KEY_EVENTS_ONLY",
    "MET_FIELDS",
    "NO_UPDATES",
    "PLAN_FIELDS",
    "REPLANNED",
    "RuleBook",
    "close_not_required",
    "closure_gate",
    "contact_log",
    "duty_done",
    "duty_met_by_message",
    "eligibility_add",
    "enhanced_for",
    "enhanced_reassess",
    "initial_state",
    "load_rulebook",
    "meet",
    "meet_waiting_duties",
    "needs_assessed",
    "obligation_waive",
    "obligations_create",
    "on_allocated",
    "on_event",
    "on_victims_added",
    "plan_of",
    "plan_period",
    "plan_save",
    "qualifying_sentence",
    "refreshed_in_context",
    "replan_updates",
    "rule_applies",
    "rules_for_victim",
    "set_closed",
    "set_met",
    "victims_in_context",
    "with_rule_context",
    "working_calendar",
]
