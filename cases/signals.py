"""What happens to a case, declared by `cases` for the apps above it.

`cases` fires these from its services (in the same transaction as the change); `contacts`, `portal` and
later apps register handlers in their `AppConfig.ready()`. Nothing in `cases` names another app. To see
who reacts to a happening, print the hook: `repr(victims_added)` lists its handlers in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from victimcare.core.hooks import Extension, Guard, Hook

if TYPE_CHECKING:
    from victimcare.accounts.models import User

    from .models import CaseEvent, Crime, CrimeVictim, NeedsAssessment, Person


@dataclass(frozen=True)
class VictimsAdded:
    """Victims were put on a crime (recorded with it, or added later). `offer_portal` holds the ids of the
    crime victims the officer chose to offer the portal to."""

    crime: Crime
    victims: list[CrimeVictim]
    by: User
    at: datetime
    offer_portal: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class VictimChecked:
    """A person is about to be put on a crime; `offer_portal` says whether the portal will be offered."""

    person: Person
    offer_portal: bool


@dataclass(frozen=True)
class EventRecorded:
    crime: Crime
    event: CaseEvent


@dataclass(frozen=True)
class CaseAllocated:
    """Allocated (event code ALLOCATED) or reallocated (REALLOCATED) to `crime.oic`."""

    crime: Crime
    event: CaseEvent


@dataclass(frozen=True)
class NeedsAssessed:
    crime_victim: CrimeVictim
    assessment: NeedsAssessment
    at: datetime


@dataclass(frozen=True)
class ContactDetailsChanged:
    person: Person
    fields: frozenset[str]
    at: datetime


@dataclass(frozen=True)
class CaseClosing:
    """The case is about to close; guards may refuse (each victim must have been told, or a reason why
    not recorded)."""

    crime: Crime
    not_told_reason: str


@dataclass(frozen=True)
class CasePage:
    """The officer's case page is being drawn for these victims. Contributions are {crime_victim_id:
    {name: value}} merged into each victim's row (lists are added to): contacts adds "obligations",
    "contacts" and "added_reasons"; any app may add "extra_rows", each {"template": name, ...} drawn
    in the victim's details (the portal adds its status and "Offer the portal")."""

    crime: Crime
    victims: list[CrimeVictim]
    now: datetime


# Order matters for victims_added: the portal invitation (order 10) is written before the Code's duties
# and the acknowledgement (order 50), so the acknowledgement can be routed to the portal.
victims_added: Hook[VictimsAdded] = Hook("victims_added")
victim_checks: Guard[VictimChecked] = Guard("victim_checks")
event_recorded: Hook[EventRecorded] = Hook("event_recorded")
case_allocated: Hook[CaseAllocated] = Hook("case_allocated")
needs_assessed: Hook[NeedsAssessed] = Hook("needs_assessed")
contact_details_changed: Hook[ContactDetailsChanged] = Hook("contact_details_changed")
case_closing: Guard[CaseClosing] = Guard("case_closing")
case_page_victims: Extension[CasePage, dict[int, dict]] = Extension("case_page_victims")
