"""Request the main pages of a running production server (DEBUG=0, collected static files, gunicorn), as
nobody, as the demo officer and as a demo victim. Exits non-zero on the first page that is not what it
should be. Usage: prod_smoke.py http://127.0.0.1:8765"""

import re
import sys

import requests

BASE = sys.argv[1].rstrip("/")
failures = []


class Session(requests.Session):
    """Production cookies are Secure (TLS ends at the proxy); this check talks to gunicorn directly over
    plain HTTP, so it keeps sending them."""

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def check(session: requests.Session, path: str, expect: int = 200, contains: str = "") -> str:
    r = session.get(BASE + path, allow_redirects=False, timeout=30)
    ok = r.status_code == expect and (not contains or contains in r.text)
    print(f"{'ok  ' if ok else 'FAIL'} {r.status_code} {path}")
    if not ok:
        failures.append(path)
    return r.text


def csrf(html: str) -> str:
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return m.group(1) if m else ""


anon = Session()
check(anon, "/healthz")
check(anon, "/", expect=302)
login = check(anon, "/accounts/login/", contains="Sign in")
check(anon, "/portal/", contains="portal")
check(anon, "/api/schema/", expect=403)  # staff only
css = re.search(r'href="(/static/[^"]+\.css)"', login)
if css is None or ".min." not in css.group(1) or css.group(1).count(".") < 3:
    print("FAIL the page does not link a hashed stylesheet:", css and css.group(1))
    failures.append("hashed css")
else:
    check(anon, css.group(1))


def sign_in(session: Session, path: str, data: dict, what: str) -> None:
    """Post a sign-in form (with its CSRF token) and expect the redirect that follows a success."""
    page = session.get(BASE + path, timeout=30).text
    r = session.post(
        BASE + path,
        data={**data, "csrfmiddlewaretoken": csrf(page)},
        headers={"Referer": BASE + path},
        allow_redirects=False,
        timeout=30,
    )
    print(f"{'ok  ' if r.status_code == 302 else 'FAIL'} {r.status_code} {what}")
    if r.status_code != 302:
        failures.append(what)


staff = Session()
sign_in(
    staff,
    "/accounts/login/",
    {"username": "officer@demo.police.uk", "password": "victimcare-demo"},
    "staff sign-in",
)
for path in (
    "/work/",
    "/work/team/",
    "/cases/mine/",
    "/cases/team/",
    "/cases/new/",
    "/inbox/",
    "/absences/",
    "/cases/VC-90001-26/",
    "/api/schema/",
    "/api/docs/",
):
    check(staff, path)
r = staff.get(BASE + "/cases/mine/", timeout=30)
if "no-store" not in r.headers.get("Cache-Control", ""):
    print("FAIL staff pages may be cached:", r.headers.get("Cache-Control"))
    failures.append("Cache-Control")

analyst = Session()
sign_in(
    analyst,
    "/accounts/login/",
    {"username": "analyst@demo.police.uk", "password": "victimcare-demo"},
    "analyst sign-in",
)
for path in (
    "/dashboard/",
    "/dashboard/indicators/",
    "/dashboard/service/",
    "/dashboard/equality/",
    "/dashboard/?table=by-month&format=csv",
):
    check(analyst, path)

victim = Session()
sign_in(
    victim,
    "/portal/",
    {
        "reference": "VC/90001/26",
        "dob-day": "2",
        "dob-month": "11",
        "dob-year": "1979",
        "password": "track-my-crime-2026",
    },
    "victim sign-in",
)
check(victim, "/portal/case/", contains="VC/90001/26")

if failures:
    print("production smoke test failed:", ", ".join(failures))
    sys.exit(1)
print("production smoke test passed")
