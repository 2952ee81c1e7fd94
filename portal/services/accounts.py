"""The portal's accounts: invitations and single-use links through safe channels, activation, password
resets, sign-in with its lock-outs, the account's language, and closing it."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.constants import normalise_reference
from cases.models import CrimeVictim
from contacts.auto_messages import language_code
from contacts.services import (
    meet_waiting_duties,
)
from messaging import templates as message_templates
from messaging.constants import Channel, MessageKind
from messaging.models import Message
from messaging.outbox import message_queue
from messaging.safety import next_sms_window
from victimcare.calendar import LONDON
from victimcare.core.errors import Errors
from victimcare.core.http import client_network
from victimcare.core.limits import Limit
from victimcare.core.text import clean_text  # noqa: F401  (re-exported: portal.services.clean_text)

from ..models import AccountStatus, PortalAccount, PortalToken, TokenPurpose

# A hash to check against when there is no account, so a miss costs the same time as a wrong password.
_DUMMY_HASH = None
TOKEN_DOB_TRIES = 5


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = make_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- tokens --------------------------------------------------------------------------------------------
LETTER_ACTIVATION_DAYS = 14  # a letter waits for the print run and the post


def _token_issue(
    account: PortalAccount, purpose: str, cv: CrimeVictim, now: datetime, channel: str = Channel.EMAIL
) -> str:
    PortalToken.objects.filter(account=account, purpose=purpose, used_at=None, revoked_at=None).update(
        revoked_at=now
    )
    secret = secrets.token_urlsafe(32)
    if purpose == TokenPurpose.RESET:
        life = timedelta(minutes=settings.PORTAL_RESET_MINUTES)
    elif channel == Channel.LETTER:
        life = timedelta(days=LETTER_ACTIVATION_DAYS)
    else:
        life = timedelta(hours=settings.PORTAL_ACTIVATION_HOURS)
    PortalToken.objects.create(
        account=account,
        purpose=purpose,
        digest=digest(secret),
        crime_victim=cv,
        created_at=now,
        expires_at=now + life,
    )
    return secret


class TokenProblem(ValidationError):
    pass


def _new_link_hint(purpose: str) -> str:
    if purpose == TokenPurpose.ACTIVATE:
        return _("Ask your officer to send you a new activation link.")
    return _("Ask for a new password reset link.")


def token_check(secret: str, purpose: str, now: datetime | None = None) -> PortalToken:
    """The live token for this secret, or TokenProblem with a message saying what to do."""
    now = now or timezone.now()
    token = (
        PortalToken.objects.select_related("account", "account__person", "crime_victim__crime")
        .filter(digest=digest(secret or ""), purpose=purpose)
        .first()
    )
    again = _new_link_hint(purpose)
    if token is None:
        raise TokenProblem(_("This link is not recognised. Check you used the whole link.") + " " + again)
    if token.used_at is not None:
        raise TokenProblem(_("This link has already been used. Each link works only once.") + " " + again)
    if token.revoked_at is not None:
        raise TokenProblem(_("A newer link has been sent, so this one no longer works.") + " " + again)
    if token.expires_at <= now:
        raise TokenProblem(_("This link has expired.") + " " + again)
    if token.account.status == AccountStatus.CLOSED:
        raise TokenProblem(_("This account has been closed.") + " " + again)
    return token


# --- sending account messages through a safe channel ---------------------------------------------------
@dataclass(frozen=True)
class SafeChannel:
    channel: str
    to: str


def safe_account_channel(person, *, letter: bool = True) -> SafeChannel | None:
    """Where an activation or reset link may go: an email or mobile marked safe, else (activation only: a
    reset link would expire in the post) a safe address."""
    if person.reachable_by(Channel.EMAIL):
        return SafeChannel(Channel.EMAIL, person.email)
    if person.reachable_by(Channel.SMS):
        return SafeChannel(Channel.SMS, person.mobile_phone)
    if letter and person.reachable_by(Channel.LETTER):
        return SafeChannel(Channel.LETTER, "")
    return None


def _send_account_message(
    *, cv: CrimeVictim, account: PortalAccount, code: str, link: str, via: SafeChannel, now: datetime
) -> Message:
    crime = cv.crime
    ctx = message_templates.context_for(crime, cv.person, portal_url=link)
    rendered = message_templates.render(code, account.language, ctx)
    not_before = None
    if via.channel == Channel.SMS:
        not_before = next_sms_window(now.astimezone(LONDON))
    return message_queue(
        crime_victim=cv,
        channel=via.channel,
        kind=MessageKind.ACCOUNT,
        to_address=via.to,
        subject=rendered.subject,
        body=rendered.body,
        language=rendered.language,
        template_code=rendered.code,
        template_version=rendered.version,
        not_before=not_before,
    )


def _language_for(cv: CrimeVictim) -> str:
    plan = getattr(cv, "contact_plan", None)
    return language_code(getattr(plan, "language", "") or cv.person.first_language)


CONTACT_FIELDS = {
    "email",
    "mobile_phone",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "safe_email",
    "safe_sms",
    "safe_letter",
}


def contact_details_changed(*, person, fields: set[str], now: datetime | None = None) -> int:
    """An officer changed where or how we may reach this person: any activation or reset link already sent
    stops working (it may have gone somewhere no longer safe). Returns how many links were revoked.
    (Queued messages are checked again against the new details when they are sent.)"""
    if not fields & CONTACT_FIELDS:
        return 0
    return PortalToken.objects.filter(
        account__person=person, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now or timezone.now())


def invite_problems(person) -> list[str]:
    """Why the portal cannot be offered to this person yet (for the officer); empty if it can."""
    problems = []
    if safe_account_channel(person) is None:
        problems.append(
            "There is no safe way to send the activation link: mark an email address, mobile number or "
            "address as safe first."
        )
    if person.date_of_birth is None:
        problems.append("Add the victim's date of birth first: they need it to sign in.")
    return problems


@transaction.atomic
def invite(*, crime_victim: CrimeVictim, by=None, now: datetime | None = None) -> PortalAccount | None:
    """Offer the portal: create (or reopen) the person's account and send a single-use activation link
    through a safe channel. An active account needs no invitation (one password covers all their crimes):
    returns it unchanged."""
    now = now or timezone.now()
    cv = crime_victim
    person = cv.person
    errors = Errors()
    for problem in invite_problems(person):
        errors.add("portal", problem)
    errors.raise_if_any()
    via = safe_account_channel(person)
    account, created = PortalAccount.objects.select_for_update().get_or_create(
        person=person, defaults={"invited_by": by, "language": _language_for(cv)}
    )
    if account.status == AccountStatus.ACTIVE:
        return account
    if account.status == AccountStatus.CLOSED:
        account.status, account.password = AccountStatus.INVITED, ""
    account.invited_by = by
    account.save()
    secret = _token_issue(account, TokenPurpose.ACTIVATE, cv, now, via.channel)
    _send_account_message(
        cv=cv,
        account=account,
        code="PORTAL_ACTIVATE",
        link=f"{settings.SITE_URL}/portal/activate/{secret}/",
        via=via,
        now=now,
    )
    return account


def invite_on_record(*, victims: list[tuple[CrimeVictim, bool]], by, now: datetime) -> None:
    """When victims are added to a crime: invite those the officer offered the portal to (the caller has
    checked invite_problems), and, under the force setting PORTAL_OPT_IN_ALL_SAFE_EMAIL, every victim with
    a safe email and a date of birth."""
    for cv, offered in victims:
        person = cv.person
        auto = settings.PORTAL_OPT_IN_ALL_SAFE_EMAIL and person.reachable_by(Channel.EMAIL)
        if (offered or auto) and not invite_problems(person):
            invite(crime_victim=cv, by=by, now=now)


def _check_new_password(password: str, password2: str, errors: Errors, account: PortalAccount) -> None:
    if not password:
        errors.add("password", _("Enter a password."))
        return
    if password != password2:
        errors.add("password2", _("The passwords do not match. Type the same password twice."))
    try:
        validate_password(password, user=account.person)  # not too like their name or email
    except ValidationError as e:
        for m in e.messages:
            errors.add("password", m)
    if len(password) > 200:
        errors.add("password", _("Your password must be 200 characters or fewer."))


def _check_dob(token: PortalToken, date_of_birth: date | None, errors: Errors, now: datetime) -> None:
    """The link's holder must also know the date of birth; five wrong tries and the link is revoked (this
    sticks even though the attempt fails, so callers must not run it inside a transaction they roll back)."""
    if date_of_birth is None:
        errors.add("dob", _("Enter your date of birth."))
    elif date_of_birth != token.account.person.date_of_birth:
        if LINK_DATE_OF_BIRTH.reached(LINK_DATE_OF_BIRTH.hit(token.digest)):
            PortalToken.objects.filter(pk=token.pk).update(revoked_at=now)
            raise TokenProblem(
                _("The date of birth was wrong too many times, so this link no longer works.")
                + " "
                + _new_link_hint(token.purpose)
            )
        errors.add("dob", _("The date of birth does not match our records."))


def activate(
    *, secret: str, date_of_birth: date | None, password: str, password2: str, now: datetime | None = None
) -> tuple[PortalAccount, CrimeVictim]:
    """Not atomic as a whole: revoking a link after too many wrong dates of birth must stick even though
    the attempt fails. The account change itself is atomic."""
    now = now or timezone.now()
    token = token_check(secret, TokenPurpose.ACTIVATE, now)
    account = token.account
    errors = Errors()
    _check_dob(token, date_of_birth, errors, now)
    _check_new_password(password, password2, errors, account)
    errors.raise_if_any()
    with transaction.atomic():
        _use_link(token, password, now)
        account.status = AccountStatus.ACTIVE
        account.activated_at = account.activated_at or now
        account.save(update_fields=["status", "activated_at", "updated_at"])
        # Standard messages already waiting in the portal can be read from now: their duties are met.
        meet_waiting_duties(person_id=account.person_id, at=now)
    return account, token.crime_victim


def _use_link(token: PortalToken, password: str, now: datetime) -> None:
    """Spend the single-use link (exactly once, even when two requests race) and set the password."""
    if not PortalToken.objects.filter(pk=token.pk, used_at=None, revoked_at=None).update(used_at=now):
        raise TokenProblem(_("This link has already been used. Each link works only once."))
    account = token.account
    account.password = make_password(password)
    account.password_changed_at = now
    account.save(update_fields=["password", "password_changed_at", "updated_at"])


def reset_complete(
    *,
    secret: str,
    password: str,
    password2: str,
    date_of_birth: date | None = None,
    now: datetime | None = None,
) -> tuple[PortalAccount, CrimeVictim]:
    """Like activation, the date of birth is asked again: a link alone (in a shared inbox, a log, a
    provider's system) is not enough to take over an account."""
    now = now or timezone.now()
    token = token_check(secret, TokenPurpose.RESET, now)
    account = token.account
    errors = Errors()
    _check_dob(token, date_of_birth, errors, now)
    _check_new_password(password, password2, errors, account)
    errors.raise_if_any()
    with transaction.atomic():
        _use_link(token, password, now)
    return account, token.crime_victim


# --- sign in -------------------------------------------------------------------------------------------
class SignInRefused(Exception):
    def __init__(self, locked: bool):
        self.locked = locked
        super().__init__("locked" if locked else "invalid")


# Sign-in: PORTAL_SIGN_IN_LIMIT attempts per crime reference, four times that per address (many victims
# can share a proxy), per window. Resets: three per victim and fifty per address an hour. A link's date of
# birth: TOKEN_DOB_TRIES wrong tries a day.
SIGN_IN_PER_REFERENCE = Limit(
    "portal-sign-in-reference", "PORTAL_SIGN_IN_LIMIT", "PORTAL_SIGN_IN_WINDOW_SECONDS"
)
SIGN_IN_PER_ADDRESS = Limit("portal-sign-in-address", "PORTAL_SIGN_IN_LIMIT", "PORTAL_SIGN_IN_WINDOW_SECONDS")
ADDRESS_FACTOR = 4
RESET_PER_VICTIM = Limit("portal-reset-victim", 3, 3600)
RESET_PER_ADDRESS = Limit("portal-reset-address", 50, 3600)
LINK_DATE_OF_BIRTH = Limit("portal-link-date-of-birth", TOKEN_DOB_TRIES, 24 * 3600)


def _victims_for(reference: str, dob: date | None) -> list[CrimeVictim]:
    if dob is None:
        return []
    return list(
        CrimeVictim.objects.select_related("crime", "person", "person__portal_account")
        .filter(crime__reference=normalise_reference(reference), person__date_of_birth=dob)
        .filter(person__portal_account__isnull=False)
        .order_by("id")[:5]
    )


def _victim_for(reference: str, dob: date | None) -> CrimeVictim | None:
    found = _victims_for(reference, dob)
    return found[0] if found else None


def authenticate(
    *, reference: str, date_of_birth: date | None, password: str, ip: str, now: datetime | None = None
) -> tuple[PortalAccount, CrimeVictim]:
    """Crime reference + date of birth + password. Every failure looks the same (no hint whether the
    reference or an account exists). Each attempt is counted *before* anything is checked (atomic in
    Redis), so parallel attempts cannot get past the limit: over PORTAL_SIGN_IN_LIMIT for a reference, or
    over four times that from one address (many victims can share a proxy), within the window, attempts
    are refused unchecked. A successful sign-in takes back only its own attempt."""
    now = now or timezone.now()
    ref, network = normalise_reference(reference), client_network(ip)
    ref_count, ip_count = SIGN_IN_PER_REFERENCE.hit(ref), SIGN_IN_PER_ADDRESS.hit(network)
    if SIGN_IN_PER_REFERENCE.over(ref_count) or SIGN_IN_PER_ADDRESS.over(ip_count, ADDRESS_FACTOR):
        raise SignInRefused(locked=True)
    match = None
    candidates = [
        cv
        for cv in _victims_for(reference, date_of_birth)
        if cv.person.portal_account.status == AccountStatus.ACTIVE and cv.person.portal_account.password
    ]
    for cv in candidates:  # two victims of one crime can share a date of birth
        if check_password(password or "", cv.person.portal_account.password):
            match = cv
            break
    if not candidates:
        check_password(password or "", _dummy_hash())  # same cost as a real check
    if match is None:
        raise SignInRefused(
            locked=SIGN_IN_PER_REFERENCE.reached(ref_count)
            or SIGN_IN_PER_ADDRESS.reached(ip_count, ADDRESS_FACTOR)
        )
    SIGN_IN_PER_REFERENCE.give_back(ref)
    SIGN_IN_PER_ADDRESS.give_back(network)
    account = match.person.portal_account
    PortalAccount.objects.filter(pk=account.pk).update(last_sign_in_at=now)
    return account, match


def reset_request(
    *, reference: str, date_of_birth: date | None, ip: str, now: datetime | None = None
) -> None:
    """Send a reset link through a safe channel if the details match an active account. Says nothing
    either way (the page always shows the same confirmation); limited per reference and address."""
    now = now or timezone.now()
    # Limited per reference *and* date of birth (so someone who only knows the reference cannot block the
    # victim's own reset) and per address.
    victim_count = RESET_PER_VICTIM.hit(f"{normalise_reference(reference)}|{date_of_birth}")
    address_count = RESET_PER_ADDRESS.hit(client_network(ip))
    if RESET_PER_VICTIM.over(victim_count) or RESET_PER_ADDRESS.over(address_count):
        return
    # Whether the details match is decided by a worker, after the page has answered: a request that
    # matches an account takes exactly as long as one that does not (no timing side channel). With the
    # broker down the request is lost (logged), and the victim can ask again.
    from portal.tasks import reset_send as task

    args = (reference, date_of_birth.isoformat() if date_of_birth else None, now.isoformat())
    transaction.on_commit(lambda: task.delay(*args), robust=True)


def reset_send(*, reference: str, date_of_birth: date | None, now: datetime) -> None:
    """The worker's half of a reset request: if the details match an active account with a safe channel,
    issue a single-use link and send it."""
    cv = _victim_for(reference, date_of_birth)
    account = cv.person.portal_account if cv else None
    if account is None or account.status != AccountStatus.ACTIVE:
        return
    via = safe_account_channel(cv.person, letter=False)
    if via is None:
        return
    with transaction.atomic():
        account = PortalAccount.objects.select_for_update().get(pk=account.pk)
        secret = _token_issue(account, TokenPurpose.RESET, cv, now, via.channel)
        _send_account_message(
            cv=cv,
            account=account,
            code="PORTAL_RESET",
            link=f"{settings.SITE_URL}/portal/reset/{secret}/",
            via=via,
            now=now,
        )


def language_set(*, account_id: int, language: str) -> None:
    """The language chosen on the language switch is also the one we write to the victim in."""
    PortalAccount.objects.filter(pk=account_id).update(language=language)
