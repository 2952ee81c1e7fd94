"""What apps above the portal add to it (registered in their AppConfig.ready()); the portal names none of
them.

- `case_page_links`: links on the signed-in victim's case page, under "What happens next" (surveys: "Tell
  us how we did" when a survey is waiting for them). A handler returns a PortalLink or None; its words are
  translated when it runs (the victim's language is active).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from victimcare.core.hooks import Extension

if TYPE_CHECKING:
    from cases.models import CrimeVictim


@dataclass(frozen=True)
class PortalLink:
    text: str
    href: str


case_page_links: Extension[CrimeVictim, PortalLink | None] = Extension("portal_case_page_links")
