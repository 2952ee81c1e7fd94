"""What the load test's users read from the pages they are shown (bench/locustfile.py): the links a person
would follow and the values a form carries. Plain functions of the HTML, with no locust import (importing
locust patches the standard library with gevent), so tests/bench/test_load_pages.py can check them against
the real pages: a page that changes shape fails that test instead of quietly taking an action out of the
load test's mix."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
EVENT = "WITNESS_STATEMENT"  # open to any open case, changes no status, needs no details

_CASE_LINK = re.compile(r'href="/cases/([A-Za-z]{2}-\d{5,7}-\d{2})/"')
_CONTACT_LINK = re.compile(r'href="/cases/[A-Za-z]{2}-\d{5,7}-\d{2}/victims/(\d+)/contacts/new/"')
_VICTIM_NAME = re.compile(r'Log a contact<span class="govuk-visually-hidden"> with ([^<]+)</span>')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_OCCURRED_AT = re.compile(r'name="occurred_at"[^>]*value="([^"]*)"')
_CHECKED_DUTY = re.compile(r'name="obligations" type="checkbox" value="(\d+)" checked')
_SAFE_BY = re.compile(r"Safe to contact by: ([^<]*)\.</p>")
_ERRORS = re.compile(r'class="govuk-error-message"[^>]*>(.*?)</p>', re.S)
# How the officer got in touch, by the first channel the contact page lists as safe.
_CONTACT_BY = [
    ("phone calls", "phone", "spoke"),
    ("visits", "visit", "met"),
    ("email", "email", "written_sent"),
    ("text messages", "sms", "written_sent"),
    ("letters", "letter", "written_sent"),
]
CONTACT_SUMMARY = "Updated the victim on the investigation and checked they have what they need."


def case_slugs(html: str) -> list[str]:
    """Case pages linked from a list ("VC-12345-26", as in the URL)."""
    return _CASE_LINK.findall(html)


def contact_victims(html: str) -> list[str]:
    """The crime-victim ids a case page offers "Log a contact" for."""
    return _CONTACT_LINK.findall(html)


def victim_surnames(html: str) -> list[str]:
    return [name.split()[-1] for name in _VICTIM_NAME.findall(html) if name.split()]


def csrf_token(html: str) -> str | None:
    m = _CSRF.search(html)
    return m.group(1) if m else None


def contact_post(form_html: str) -> dict | None:
    """What an officer fills in on the contact form: a way the page says is safe, what happened, the time
    the form suggests, and the duties it pre-selects. None if nothing is marked safe (the officer would
    check with the victim first)."""
    safe, occurred = _SAFE_BY.search(form_html), _OCCURRED_AT.search(form_html)
    how = next((m for label, *m in _CONTACT_BY if safe and label in safe.group(1)), None)
    if how is None or occurred is None:
        return None
    return {
        "method": how[0],
        "outcome": how[1],
        "occurred_at": occurred.group(1),
        "summary": CONTACT_SUMMARY,
        "obligations": _CHECKED_DUTY.findall(form_html),
    }


def event_offered(html: str, code: str = EVENT) -> bool:
    """Whether the event choice page offers this event."""
    return f"code={code}" in html


def event_post(minutes_ago: int = 30, now: datetime | None = None) -> dict:
    when = (now or datetime.now(LONDON)).astimezone(LONDON) - timedelta(minutes=minutes_ago)
    return {
        "code": EVENT,
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "note": "Statement taken at the victim's home.",
    }


def form_errors(html: str) -> str:
    return " | ".join(e.strip() for e in _ERRORS.findall(html))
