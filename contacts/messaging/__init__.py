"""Outbound messages to victims: templates, channel choice and safety, the outbox and its delivery.

The portal sits above this package, so the outbox asks it questions through providers the portal
registers in its AppConfig.ready(): with no portal installed, nobody has an account and no portal
message is readable.
"""

from victimcare.core.hooks import Provider

# person ids -> {person_id: the person's portal account (status, language)}
portal_accounts: Provider[frozenset[int], dict] = Provider("portal_accounts", default=lambda ids: {})
# person id -> can they read portal messages now (an active account)?
portal_readable: Provider[int, bool] = Provider("portal_readable", default=lambda person_id: False)
