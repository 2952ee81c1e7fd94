"""Locust users for the load test (bench/load.py starts gunicorn and runs this headless; read its docstring).

Not for running on its own: it reads LOAD_CONFIG, a JSON file bench.load writes with one ready session per
user (staff sessions made as Client.force_login makes them, portal sessions as the portal's sign-in makes
them), and writes every timed request to LOAD_SAMPLES when the run ends.

Everything a user does, it does the way a person in a browser would: it follows links found on the pages
it was shown (case references on a list, the victims on a case page, the events the case page offers), and
it posts forms with the CSRF token and the values the form page rendered. Static files are not fetched
(a browser has them cached after the first page). Each user pauses between(5, 15) seconds between actions,
and as long again between opening a form and sending it (the time to fill it in).

Cookies: the server runs the production configuration, so every cookie it sets is Secure and a client on
plain HTTP would never send one back. Each user therefore sends its own Cookie header: its session and a
CSRF secret of its own (the value Django keeps in the csrftoken cookie); the forms it is shown carry the
masked token for that secret, as they would in a browser.
"""

import json
import os
import random
import secrets
import string
import time
from pathlib import Path
from urllib.parse import urlencode

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

from bench import load_pages as pages

CONFIG = (
    json.loads(Path(os.environ["LOAD_CONFIG"]).read_text(encoding="utf-8"))
    if "LOAD_CONFIG" in os.environ
    else {}
)

# Every timed request after all users have started: [name, milliseconds, status code, error or ""].
SAMPLES: list[list] = []
WINDOW = {"start": None, "end": None}


def _csrf_secret() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def _next(kind: str) -> dict:
    """Users of a kind take the prepared sessions in turn (a gevent process: no two at once)."""
    pool = CONFIG[kind]
    i = CONFIG.setdefault("_taken", {}).get(kind, 0)
    CONFIG["_taken"][kind] = i + 1
    return pool[i % len(pool)]


class Browser(FastHttpUser):
    abstract = True
    wait_time = between(5, 15)
    # One connection per user, as a browser keeps one open.
    concurrency = 1
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        self.cookie = f"sessionid={self.session_key}; csrftoken={_csrf_secret()}"

    def page(self, name: str, path: str, expect: int = 200, contains: str = "") -> str:
        with self.client.get(
            path, name=name, headers={"Cookie": self.cookie}, allow_redirects=False, catch_response=True
        ) as r:
            try:
                text = r.text or ""
            except Exception:  # no body: the request timed out or the connection closed
                text = ""
            if r.status_code != expect:
                # status 0: no answer (timed out, or the connection closed); there are no headers then
                r.failure(f"{r.status_code} (expected {expect}) {(r.headers or {}).get('Location', '')}")
            elif contains and contains not in text:
                r.failure(f"the page does not say {contains!r}")
            return text if r.status_code == expect else ""

    def post(self, name: str, path: str, data: dict, form_page: str) -> bool:
        """Post a form as the browser would (its CSRF token; same-origin Referer); a success redirects."""
        token = pages.csrf_token(form_page)
        if token is None:
            return False
        with self.client.post(
            path,
            name=name,
            data=_encode({**data, "csrfmiddlewaretoken": token}),
            headers={
                "Cookie": self.cookie,
                "Referer": self.host + path,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                try:
                    errors = pages.form_errors(r.text or "")[:300]
                except Exception:  # no body
                    errors = ""
                r.failure(f"{r.status_code}, not a redirect: {errors}")
                return False
        return True


def _encode(data: dict) -> str:
    return urlencode(data, doseq=True)


class StaffUser(Browser):
    """An officer or supervisor at work: worklists, case lists, searches, case pages, logging contacts and
    recording events on the cases they can see."""

    fixed_count = int(os.environ.get("LOAD_STAFF", "0"))

    def on_start(self) -> None:
        me = _next("staff")
        self.session_key, self.role = me["session"], me["role"]
        super().on_start()
        self.refs: list[str] = []
        self.names: list[str] = list(CONFIG.get("surnames", []))
        self.worklist()
        self.case_list("staff: my cases", "/cases/mine/")
        if len(self.refs) < 5:
            self.case_list("staff: team cases", "/cases/team/")

    # --- reading -------------------------------------------------------------------------------------
    def case_list(self, name: str, path: str) -> str:
        text = self.page(name, path)
        found = pages.case_slugs(text)
        if found:
            self.refs = (found + self.refs)[:60]
        return text

    @task(12)
    def worklist(self) -> None:
        if self.role == "supervisor":
            self.page("staff: team work", "/work/team/")
        else:
            self.page("staff: my work", "/work/")

    @task(6)
    def my_cases(self) -> None:
        if self.role == "supervisor":
            self.case_list("staff: team cases", "/cases/team/")
        else:
            self.case_list("staff: my cases", "/cases/mine/")

    @task(6)
    def team_cases(self) -> None:
        page = random.choice(["", "?page=2", "?status=under_investigation"])
        self.case_list("staff: team cases", "/cases/team/" + page)

    @task(6)
    def search_by_name(self) -> None:
        if self.names:
            surname = random.choice(self.names)
            self.case_list("staff: search by name", "/cases/team/?" + _encode({"q": surname}))

    @task(6)
    def search_by_reference(self) -> None:
        if self.refs:
            reference = random.choice(self.refs).replace("-", "/")
            self.page(
                "staff: search by reference",
                "/cases/team/?" + _encode({"q": reference}),
                contains=reference,
            )

    @task(3)
    def inbox(self) -> None:
        self.page("staff: inbox", "/inbox/")

    @task(20)
    def case_page(self) -> str:
        if not self.refs:
            return ""
        ref = random.choice(self.refs)
        text = self.page("staff: case page", f"/cases/{ref}/", contains=ref.replace("-", "/"))
        for surname in pages.victim_surnames(text):
            if surname not in self.names:
                self.names = (self.names + [surname])[-100:]
        self._last = (ref, text)
        return text

    # --- writing -------------------------------------------------------------------------------------
    @task(6)
    def log_contact(self) -> None:
        """Open a case, then "Log a contact" with a victim, by a channel the page says is safe, meeting the
        duties the form pre-selects."""
        text = self.case_page()
        victims = pages.contact_victims(text)
        if not victims:
            return
        ref, cv = self._last[0], random.choice(victims)
        path = f"/cases/{ref}/victims/{cv}/contacts/new/"
        form = self.page("staff: contact form", path)
        data = pages.contact_post(form)
        if data is None:
            return  # nothing confirmed safe: the officer checks with the victim first
        self.wait()
        self.post("staff: log contact (POST)", path, data, form)

    @task(4)
    def record_event(self) -> None:
        """Open a case, choose "Record an event", and record that a witness statement was taken (only where
        the case page offers events and the choice page offers this one)."""
        text = self.case_page()
        if not text:
            return
        ref = self._last[0]
        if f"/cases/{ref}/events/new/" not in text:
            return
        choose = self.page("staff: event choice", f"/cases/{ref}/events/new/")
        if not pages.event_offered(choose):
            return
        path = f"/cases/{ref}/events/new/?code={pages.EVENT}"
        form = self.page("staff: event form", path)
        if not form:
            return
        self.wait()
        self.post("staff: record event (POST)", path, pages.event_post(random.randint(5, 90)), form)


class PortalUser(Browser):
    """A victim following their case: the status page with their messages (opening it marks new ones
    read), their rights and support, property, preferences; now and then a question to the officer (at
    most one each run)."""

    fixed_count = int(os.environ.get("LOAD_PORTAL", "0"))

    def on_start(self) -> None:
        me = _next("portal")
        self.session_key, self.reference = me["session"], me["reference"]
        self.asked = False
        super().on_start()
        self.case()

    @task(10)
    def case(self) -> None:
        self.page("portal: your case and messages", "/portal/case/", contains=self.reference)

    @task(2)
    def support(self) -> None:
        self.page("portal: support and rights", "/portal/support/")

    @task(2)
    def property_list(self) -> None:
        self.page("portal: property", "/portal/property/")

    @task(1)
    def preferences(self) -> None:
        self.page("portal: contact preferences", "/portal/preferences/")

    @task(2)
    def ask(self) -> None:
        form = self.page("portal: ask a question (form)", "/portal/ask/")
        if not form or self.asked or random.random() < 0.5:
            return
        self.wait()
        if self.post(
            "portal: ask a question (POST)",
            "/portal/ask/",
            {"question": "Is there any news about the person who was arrested? Thank you."},
            form,
        ):
            self.asked = True


# --- recording ----------------------------------------------------------------------------------------
@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    SAMPLES.append([name, round(response_time, 2), status, str(exception)[:200] if exception else ""])


@events.test_start.add_listener
def _test_started(**kwargs):
    WINDOW["start"] = time.time()  # until every user has started (if they never do, all is kept)


@events.spawning_complete.add_listener
def _all_started(user_count, **kwargs):
    SAMPLES.clear()  # as --reset-stats does: the figures are of the full load only
    WINDOW["start"] = time.time()


@events.test_stop.add_listener
def _stopped(**kwargs):
    WINDOW["end"] = WINDOW["end"] or time.time()


@events.quitting.add_listener
def _write(environment, **kwargs):
    WINDOW["end"] = WINDOW["end"] or time.time()
    path = os.environ.get("LOAD_SAMPLES")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"window": WINDOW, "samples": SAMPLES}, f)
