"""How referrals read on staff pages (the case page's referral section and the stale list): states as
GOV.UK tags, who did something in words, and what is late and by how long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import template
from django.utils import timezone

from cases.constants import ContactMethod
from victimcare.core.dates import display_datetime

from ..constants import AWAITING_ACK, AWAITING_CONTACT, TRANSITIONS, Actor, State, WrongDetail

register = template.Library()

TAG_CLASS = {
    State.CREATED: "govuk-tag--yellow",
    State.DECLINED: "govuk-tag--grey",
    State.SENT: "govuk-tag--blue",
    State.RECEIVED: "govuk-tag--light-blue",
    State.ACCEPTED: "govuk-tag--turquoise",
    State.REJECTED: "govuk-tag--red",
    State.CONTACTED: "govuk-tag--turquoise",
    State.UNABLE_TO_CONTACT: "govuk-tag--orange",
    State.SUPPORT_GIVEN: "govuk-tag--green",
    State.SUPPORT_DECLINED: "govuk-tag--grey",
    State.CLOSED: "govuk-tag--grey",
    State.WITHDRAWN: "govuk-tag--grey",
}


@register.filter
def state_tag_class(state: str) -> str:
    return TAG_CLASS.get(state, "govuk-tag--grey")


@register.filter
def state_words(state: str) -> str:
    """A state's name in words ("Received by the service", never "received")."""
    try:
        return str(State(state).label)
    except ValueError:
        return ""


@register.filter
def method_words(code: str) -> str:
    """How a service tried to reach the victim, in words ("Phone call", never "phone")."""
    try:
        return str(ContactMethod(code).label)
    except ValueError:
        return code


@register.filter
def wrong_detail_words(codes) -> str:
    """The details a service reported wrong, in words ("Phone number, Postal address")."""
    words = []
    for code in codes or []:
        try:
            words.append(str(WrongDetail(code).label))
        except ValueError:
            words.append(str(WrongDetail.OTHER.label))
    return ", ".join(words)


@register.filter
def done_by(row) -> str:
    """Who made a transition, an attempt or a report: a person's name, an API key's label, "Automatic"
    for the system (routing, the automatic send), or the side that made it when nobody was recorded."""
    user = getattr(row, "by_user", None)
    actor = getattr(row, "actor", "")
    if user is not None:
        return f"{user.display_name} (support service)" if actor == Actor.PARTNER else user.display_name
    if actor == Actor.SYSTEM:
        return "Automatic"
    if row.by_label:
        return row.by_label
    # No person or key recorded: attempts and reports (no actor of their own) are always the service's.
    return "The police" if actor == Actor.FORCE else "The support service"


@register.filter
def automatic_send_words(send_after: datetime) -> str:
    """When a held opt-out referral goes by itself, said against the time now: one whose time has passed
    (the scheduler has not reached it yet, or does not run, as in a demo) is not "will be sent" on a past
    date."""
    when = display_datetime(send_after)
    if send_after > timezone.now():
        return f"Will be sent automatically on {when} unless the victim declines."
    return (
        f"Due to be sent automatically on {when}, but not sent yet. "
        "Send it now, or it goes at the next automatic run."
    )


def how_long(delta: timedelta) -> str:
    """A length of time in words, to the nearest sensible unit: "3 days", "1 day and 4 hours", "5 hours",
    "20 minutes"."""
    minutes = max(int(delta.total_seconds() // 60), 1)
    days, rest = divmod(minutes, 24 * 60)
    hours = rest // 60

    def n(k: int, unit: str) -> str:
        return f"{k} {unit}{'' if k == 1 else 's'}"

    if days >= 3:
        return n(days, "day")
    if days >= 1:
        return n(days, "day") + (f" and {n(hours, 'hour')}" if hours else "")
    if hours >= 1:
        return n(hours, "hour")
    return n(minutes, "minute")


def late_words(ref, now: datetime) -> list[str]:
    """What is late on this referral and by how long, in words (empty when nothing is)."""
    out = []
    if ref.state in AWAITING_ACK and ref.ack_due_at and ref.ack_due_at < now:
        out.append(f"Not acknowledged by the service: {how_long(now - ref.ack_due_at)} overdue")
    if ref.state in AWAITING_CONTACT and ref.contact_due_at and ref.contact_due_at < now:
        out.append(f"Victim not contacted: {how_long(now - ref.contact_due_at)} overdue")
    return out


@dataclass(frozen=True)
class Target:
    """One line of a referral's progress: what, and how it stands against its target."""

    label: str
    text: str
    late: bool = False


def _against(done_at, due_at, now: datetime, waiting: bool, what: str) -> Target | None:
    if done_at is not None:
        if due_at is not None and done_at > due_at:
            return Target(
                what, f"{display_datetime(done_at)}, {how_long(done_at - due_at)} after the target", late=True
            )
        return Target(what, f"{display_datetime(done_at)}, on time")
    if due_at is None or not waiting:
        return None
    if due_at < now:
        return Target(
            what,
            f"Not yet. The target was {display_datetime(due_at)}: {how_long(now - due_at)} overdue",
            True,
        )
    return Target(what, f"Not yet. Due by {display_datetime(due_at)}")


def targets(ref, now: datetime) -> list[Target]:
    """Sent, acknowledged and first contact with the victim, each against the service's target."""
    if ref.sent_at is None:
        return []
    out = [Target("Sent", display_datetime(ref.sent_at))]
    for t in (
        _against(ref.acknowledged_at, ref.ack_due_at, now, ref.state in AWAITING_ACK, "Acknowledged"),
        _against(
            ref.contacted_at,
            ref.contact_due_at,
            now,
            ref.state in AWAITING_CONTACT,
            "First contact with the victim",
        ),
    ):
        if t is not None:
            out.append(t)
    return out


def can_withdraw(state: str) -> bool:
    return Actor.FORCE in TRANSITIONS.get(state, {}).get(State.WITHDRAWN, frozenset())
