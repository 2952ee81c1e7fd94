"""What contacts declares for the apps above it (registered in their AppConfig.ready()).

- `eligibility_added`: an officer added a reason a victim is entitled to enhanced services. referrals
  reacts by marking the victim's open referrals updated (the services see enhanced reasons).
- `work_page_panels`: what apps above add to the top of a person's My work page (their home). reporting
  adds the compliance headline for supervisors and inspectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from victimcare.core.hooks import Extension, Hook

if TYPE_CHECKING:
    from cases.models import CrimeVictim
    from victimcare.accounts.models import User


@dataclass(frozen=True)
class EligibilityAdded:
    crime_victim: CrimeVictim
    reason: str
    at: datetime


eligibility_added: Hook[EligibilityAdded] = Hook("eligibility_added")


@dataclass(frozen=True)
class WorkPanel:
    """A short panel on the My work page: a sentence and a link to more."""

    text: str
    link_text: str
    href: str


work_page_panels: Extension[User, WorkPanel | None] = Extension("work_page_panels")
