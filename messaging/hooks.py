"""What messaging declares for the apps above it (registered in their AppConfig.ready()).

- `message_delivered`: a content message (portal or letter, not an alert) reached the victim. contacts
  reacts by meeting the duty the message was written for; messaging never writes a duty itself.
- `portal_accounts`, `portal_readable`: questions the outbox asks the portal, which sits above it. With
  no portal installed, nobody has an account and no portal message is readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from victimcare.core.hooks import Hook, Provider

if TYPE_CHECKING:
    from .models import Message


@dataclass(frozen=True)
class MessageDelivered:
    message: Message
    at: datetime


message_delivered: Hook[MessageDelivered] = Hook("message_delivered")
# person ids -> {person_id: the person's portal account (status, language)}
portal_accounts: Provider[frozenset[int], dict] = Provider("portal_accounts", default=lambda ids: {})
# person id -> can they read portal messages now (an active account)?
portal_readable: Provider[int, bool] = Provider("portal_readable", default=lambda person_id: False)
