"""Which channels may carry a message to a victim: a pure function, no ORM, no clock of its own.

The rules (PRODUCT.md "Safety first", issue 4):
- Case details only ever go where the victim reads them safely: the portal, or a letter to an address
  marked safe. Email and SMS carry *alerts* only ("You have a new update – sign in to read it").
- Automatic messages use only channels marked safe for this victim, in the order of their contact plan.
- No SMS outside 08:00–20:00 (by default): it is held until 08:00.
- Where no safe channel exists, nothing is sent: the duty needs a personal contact, and the OIC is told.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

SMS_EARLIEST = time(8, 0)
SMS_LATEST = time(20, 0)


@dataclass(frozen=True)
class Recipient:
    wants_updates: bool = True
    has_portal: bool = False
    email: str = ""
    safe_email: bool = False
    mobile: str = ""
    safe_sms: bool = False
    has_address: bool = False
    safe_letter: bool = False
    methods: tuple[str, ...] = ()  # contact plan preference order


@dataclass(frozen=True)
class Route:
    content: str | None  # "portal" | "letter" | None (nothing safe: personal contact)
    alerts: tuple[str, ...] = ()  # "email" / "sms": alert-only, never case details
    sms_not_before: datetime | None = None
    personal_contact_needed: bool = False
    reasons: tuple[str, ...] = field(default_factory=tuple)


def next_sms_window(now_local: datetime) -> datetime | None:
    """None when an SMS may go now; otherwise the local time it may go."""
    t = now_local.time()
    if SMS_EARLIEST <= t < SMS_LATEST:
        return None
    day = now_local.date() if t < SMS_EARLIEST else now_local.date() + timedelta(days=1)
    return datetime.combine(day, SMS_EARLIEST, tzinfo=now_local.tzinfo)


def route(r: Recipient, now_local: datetime) -> Route:
    """Where an automatic message for this victim goes. `now_local` is an aware Europe/London time."""
    if not r.wants_updates:
        return Route(content=None, reasons=("The victim asked for no updates.",))
    reasons = []
    if r.has_portal:
        content = "portal"
    elif r.has_address and r.safe_letter:
        content = "letter"
    else:
        why = (
            "no portal account"
            if not r.has_address or r.safe_letter
            else "no portal account, letters not safe"
        )
        return Route(
            content=None,
            personal_contact_needed=True,
            reasons=(f"No safe written channel ({why}): a personal contact is needed.",),
        )
    alerts: list[str] = []
    if content == "portal":
        candidates = {"email": bool(r.email and r.safe_email), "sms": bool(r.mobile and r.safe_sms)}
        order = [m for m in r.methods if m in candidates] + [
            m for m in ("email", "sms") if m not in r.methods
        ]
        alerts = [m for m in order if candidates[m]]
        if not alerts:
            reasons.append("No safe channel for an alert: the message waits in the portal.")
    sms_not_before = next_sms_window(now_local) if "sms" in alerts else None
    if sms_not_before:
        reasons.append(f"Text held until {sms_not_before:%H:%M} (no texts between 20:00 and 08:00).")
    return Route(content=content, alerts=tuple(alerts), sms_not_before=sms_not_before, reasons=tuple(reasons))
