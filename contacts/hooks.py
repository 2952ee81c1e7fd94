"""What contacts declares for the apps above it (registered in their AppConfig.ready()).

- `eligibility_added`: an officer added a reason a victim is entitled to enhanced services. referrals
  reacts by marking the victim's open referrals updated (the services see enhanced reasons).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from victimcare.core.hooks import Hook

if TYPE_CHECKING:
    from cases.models import CrimeVictim


@dataclass(frozen=True)
class EligibilityAdded:
    crime_victim: CrimeVictim
    reason: str
    at: datetime


eligibility_added: Hook[EligibilityAdded] = Hook("eligibility_added")
