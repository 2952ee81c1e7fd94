"""Portal sessions are not staff sessions. A signed-in victim has only `session["portal"]` (account and
crime-victim ids and the time of their last request); no Django auth user is ever logged in, so every staff
view (login_required, role checks, the API, the admin) sees an anonymous user. Signing in to one side
signs out of the other. Idle portal sessions end after PORTAL_IDLE_SECONDS."""

import time
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare, salted_hmac

from .selectors import portal_victim

KEY = "portal"
TOUCH_EVERY = 30  # seconds: refresh the idle clock at most this often (saves a session write per page)
# The session record outlives the idle limit by a little, so an expired session can say why it ended; the
# idle limit itself is enforced here, on the server, from the time of the last request.
GRACE = 60 * 60


def _expiry() -> int:
    return settings.PORTAL_IDLE_SECONDS + GRACE


@dataclass(frozen=True)
class PortalSession:
    account_id: int
    crime_victim_id: int


def password_mark(account) -> str:
    """Changes whenever the password does: a session started before a reset ends at its next request."""
    return salted_hmac("portal-session", account.password or "", algorithm="sha256").hexdigest()[:32]


def start(request, account, crime_victim) -> None:
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()
    rotate_token(request)
    request.session[KEY] = {
        "a": account.pk,
        "cv": crime_victim.pk,
        "t": int(time.time()),
        "p": password_mark(account),
    }
    request.session.set_expiry(_expiry())
    request.portal = PortalSession(account.pk, crime_victim.pk)


def end(request) -> None:
    request.session.flush()
    request.portal = None


class PortalSessionMiddleware:
    """After AuthenticationMiddleware. Sets request.portal (or None) and request.portal_expired."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.portal, request.portal_expired = None, False
        data = request.session.get(KEY)
        if data:
            now = int(time.time())
            if request.user.is_authenticated:
                del request.session[KEY]  # a staff sign-in ends any portal session in this browser
            elif not isinstance(data, dict) or now - int(data.get("t", 0)) > settings.PORTAL_IDLE_SECONDS:
                request.session.flush()
                request.portal_expired = True
            else:
                request.portal = PortalSession(int(data["a"]), int(data["cv"]))
                if now - int(data["t"]) >= TOUCH_EVERY:
                    request.session[KEY] = {**data, "t": now}
                    request.session.set_expiry(_expiry())
        response = self.get_response(request)
        if request.path.startswith("/portal/"):
            # Nothing from the portal is cached: after "Exit this page" or sign-out, Back shows nothing.
            add_never_cache_headers(response)
        return response


def portal_required(view):
    """Only for a signed-in victim; loads request.cv (the session's crime-victim) or signs out."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        ps = request.portal
        if ps is None:
            query = {"next": request.path}
            if request.portal_expired:
                query["expired"] = "1"
            return redirect(f"/portal/?{urlencode(query)}")
        cv = portal_victim(account_id=ps.account_id, crime_victim_id=ps.crime_victim_id)
        if cv is None or not constant_time_compare(
            request.session[KEY].get("p", ""), password_mark(cv.person.portal_account)
        ):  # account closed, password changed elsewhere, or the person no longer on the case
            end(request)
            return redirect("/portal/")
        request.cv = cv
        request.account = cv.person.portal_account
        return view(request, *args, **kwargs)

    return wrapped
