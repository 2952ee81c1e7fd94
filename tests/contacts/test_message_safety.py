"""Table-driven: where an automatic message may go for each victim (no database)."""

from datetime import datetime

import pytest

from messaging.safety import Recipient, route
from victimcare.calendar import LONDON

NOON = datetime(2026, 11, 2, 12, 0, tzinfo=LONDON)
LATE = datetime(2026, 11, 2, 21, 30, tzinfo=LONDON)
EARLY = datetime(2026, 11, 3, 6, 45, tzinfo=LONDON)

PORTAL_ALL_SAFE = Recipient(
    has_portal=True, email="v@example.com", safe_email=True, mobile="07700900111", safe_sms=True
)


@pytest.mark.parametrize(
    "recipient,now,content,alerts,held_until,personal",
    [
        # Portal: details in the portal, alerts by every safe channel, plan order first.
        (PORTAL_ALL_SAFE, NOON, "portal", ("email", "sms"), None, False),
        (
            Recipient(**{**PORTAL_ALL_SAFE.__dict__, "methods": ("sms", "email")}),
            NOON,
            "portal",
            ("sms", "email"),
            None,
            False,
        ),
        # Unsafe channels are never used, whatever the plan says.
        (
            Recipient(**{**PORTAL_ALL_SAFE.__dict__, "safe_sms": False, "methods": ("sms",)}),
            NOON,
            "portal",
            ("email",),
            None,
            False,
        ),
        (
            Recipient(**{**PORTAL_ALL_SAFE.__dict__, "safe_email": False, "safe_sms": False}),
            NOON,
            "portal",
            (),
            None,
            False,
        ),
        # A safe flag without an address is no channel.
        (Recipient(has_portal=True, safe_email=True, safe_sms=True), NOON, "portal", (), None, False),
        # SMS held outside 08:00-20:00; email goes at once.
        (
            PORTAL_ALL_SAFE,
            LATE,
            "portal",
            ("email", "sms"),
            datetime(2026, 11, 3, 8, 0, tzinfo=LONDON),
            False,
        ),
        (
            PORTAL_ALL_SAFE,
            EARLY,
            "portal",
            ("email", "sms"),
            datetime(2026, 11, 3, 8, 0, tzinfo=LONDON),
            False,
        ),
        # No portal: a letter only to a safe address; email and SMS cannot carry details.
        (
            Recipient(has_address=True, safe_letter=True, email="v@example.com", safe_email=True),
            NOON,
            "letter",
            (),
            None,
            False,
        ),
        (
            Recipient(has_address=True, safe_letter=False, email="v@example.com", safe_email=True),
            NOON,
            None,
            (),
            None,
            True,
        ),
        (
            Recipient(email="v@example.com", safe_email=True, mobile="07700900111", safe_sms=True),
            NOON,
            None,
            (),
            None,
            True,
        ),
        # Asked for no updates: nothing goes, and it is not a personal-contact case either.
        (
            Recipient(wants_updates=False, has_portal=True, email="v@example.com", safe_email=True),
            NOON,
            None,
            (),
            None,
            False,
        ),
    ],
)
def test_route(recipient, now, content, alerts, held_until, personal):
    r = route(recipient, now)
    assert (r.content, r.alerts, r.sms_not_before, r.personal_contact_needed) == (
        content,
        alerts,
        held_until,
        personal,
    )


def test_reasons_explain_the_decision():
    assert "personal contact" in route(Recipient(has_address=True), NOON).reasons[0]
    assert "letters not safe" in route(Recipient(has_address=True), NOON).reasons[0]
    assert "Text held until 08:00" in route(PORTAL_ALL_SAFE, LATE).reasons[0]
    assert "waits in the portal" in route(Recipient(has_portal=True), NOON).reasons[0]
