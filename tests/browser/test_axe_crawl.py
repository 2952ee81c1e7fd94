"""Every page every role can reach is accessible: sign in as each demo role (and as a portal victim, in
English and in Welsh) through the real sign-in page, then follow the links each page shows, breadth first,
and run axe-core on every page reached. No fixed list of pages: a page a role can reach by a link is
checked, and a link that leads to an error is reported.

Pages are grouped by *kind* (numeric ids, crime references and querystring values replaced), so each
kind is visited a few times instead of every one of the demo's cases; kinds never seen before are visited
before more examples of kinds already seen, so the cap on pages per role cuts repeats, not coverage. A
kind an earlier role has visited is visited once more by each later role (its own view of the page).
"""

import os
import re
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from io import StringIO
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from django.contrib import admin as django_admin
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import AXE, AXE_OPTIONS
from victimcare.demo.data import DEMO_DOMAIN, DEMO_PASSWORD
from victimcare.demo.portal_victims import DEMO_VICTIM_PASSWORD, DEMO_VICTIMS

AXE_SOURCE = AXE.read_text()
STAFF = ["officer", "supervisor", "inspector", "analyst", "partner", "admin", "volunteer"]
VISITS_PER_KIND = 2  # e.g. two case pages, two victim pages
VISITS_PER_QUERY_KIND = 1  # e.g. one second page of a list, one list sorted by a column
VISITS_PER_ADMIN_KIND = 1  # the admin's pages are the same few templates for every model
MAX_PAGES = {"admin": 150}  # the admin reaches every staff page and the Django admin's
MAX_PAGES_DEFAULT = 60

# Never followed: they end the session, switch the language back and forth, leave the site, download a
# file or answer JSON rather than a page. (Other API links are followed: in a browser the API answers
# with its browsable HTML pages, which are checked like any page; JSON answers are not pages.)
SKIP_PATHS = re.compile(
    r"^/(static/|media/|accounts/logout/|admin/logout/|portal/sign-out/|portal/exit/|portal/language/"
    r"|i18n/|api/schema/|api/token/|api/notify/|healthz|favicon\.ico)"
)
SKIP_SUFFIXES = (".csv", ".pdf", ".json", ".yaml", ".yml", ".zip")
SKIP_QUERY_KEYS = {"format", "download", "export", "language", "lang"}
CRIME_REF = re.compile(r"/[A-Za-z]{2}-\d{5,7}-\d{2}(?=/|$)")
NUMBER = re.compile(r"/\d+(?=/|$)")
STAFF_SIGN_IN = {"/accounts/login/", "/admin/login/"}
VICTIM_SIGN_IN = {"/portal/"}


def normalised(url: str) -> str:
    """The URL without its fragment, its querystring in a stable order: the same page is visited once."""
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def page_kind(url: str) -> str:
    """What sort of page this is: ids, crime references and querystring values left out."""
    parts = urlsplit(url)
    path = NUMBER.sub("/<id>", CRIME_REF.sub("/<ref>", parts.path))
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    # The admin's history and delete-confirmation pages are one template for every model.
    path = re.sub(r"^/admin/[^/]+/[^/]+/<id>/(history|delete)/$", r"/admin/…/<id>/\1/", path)
    if path.startswith("/admin/") and keys:
        # The admin's lists take dozens of filter, sort and page parameters that all render the same
        # templates: one filtered, sorted or later page per list.
        keys = ["…"]
    return path + ("?" + "&".join(keys) if keys else "")


def visits_allowed(kind: str) -> int:
    if "?" in kind:
        return VISITS_PER_QUERY_KIND
    return VISITS_PER_ADMIN_KIND if kind.startswith("/admin/") else VISITS_PER_KIND


def followable(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    if SKIP_PATHS.match(parts.path) or parts.path.lower().endswith(SKIP_SUFFIXES):
        return False
    return not SKIP_QUERY_KEYS & {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}


@dataclass
class Crawl:
    who: str
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped_by_cap: int = 0
    kinds: set[str] = field(default_factory=set)
    seconds: float = 0.0


def crawl(
    page, who: str, origin: str, start: list[str], max_pages: int, sign_in_pages: set[str], known: set[str]
) -> Crawl:
    """`known`: kinds an earlier role has visited; this role visits each of them once (its own view of
    the page), and kinds new to it as often as visits_allowed says."""
    result = Crawl(who)
    started = time.monotonic()
    seen: set[str] = set()
    kinds: Counter = Counter()  # visits queued per kind
    fresh: deque = deque()  # (url, found on) of a kind not queued before
    repeats: deque = deque()  # further examples of kinds already queued
    blocked: list[str] = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )

    def queue(url: str, found_on: str) -> None:
        url = normalised(url)
        if url in seen or not followable(url, origin):
            return
        kind = page_kind(url)
        if kinds[kind] >= (1 if kind in known else visits_allowed(kind)):
            return
        seen.add(url)
        (repeats if kinds[kind] else fresh).append((url, found_on))
        kinds[kind] += 1

    for url in start:
        queue(origin + url, "(start)")
    while fresh or repeats:
        if len(result.visited) >= max_pages:
            result.skipped_by_cap = len(fresh) + len(repeats)
            break
        url, found_on = (fresh or repeats).popleft()
        path = url[len(origin) :]
        try:
            response = page.goto(url)
        except Exception as exc:  # a download (Content-Disposition: attachment) is not a page
            if "Download is starting" in str(exc):
                continue
            raise
        result.visited.append(path)
        if os.environ.get("AXE_CRAWL_VERBOSE"):
            print(f"{time.monotonic() - started:6.1f}s {who} {path}", file=sys.__stderr__)
        status = response.status if response else 0
        landed = urlsplit(page.url).path
        if status != 200:
            result.problems.append(f"{who}: {path} answered {status} (a link on {found_on})")
            continue
        if landed in sign_in_pages and urlsplit(url).path != landed:
            result.problems.append(f"{who}: {path} sent them to sign in (a link on {found_on})")
            continue
        seen.add(normalised(page.url))
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if page.locator("#swagger-ui").count():
            # The API docs draw themselves from the schema after the page has loaded: check what is drawn.
            page.locator("#swagger-ui .opblock").first.wait_for()
        # The page's own Content Security Policy reports, before axe-core runs: axe's own style sheet
        # parsing is (rightly) refused on some pages, and that is not the page's doing.
        result.problems += [f"{who}: {path}: {text}" for text in blocked]
        result.problems += axe_problems(page, who, path)
        blocked.clear()
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            queue(href, path)
    result.seconds = time.monotonic() - started
    result.kinds = set(kinds)
    return result


def axe_problems(page, who: str, path: str) -> list[str]:
    """Every serious or critical axe-core violation on the page, one line per rule."""
    page.evaluate(AXE_SOURCE)
    found = page.evaluate("async options => await axe.run(document, options)", AXE_OPTIONS)
    problems = []
    for v in found["violations"]:
        targets = [" ".join(n["target"]) for n in v["nodes"]]
        if v["impact"] in ("serious", "critical") and not excused(path, v["id"], targets):
            problems.append(f"{who}: {path}: {v['id']} ({v['impact']}) on " + ", ".join(targets))
    return problems


# Violations inside Django's own admin (or Swagger UI) that no template or CSS override of ours can
# reach: (path prefix, rule, a class every offending target carries). Everything else must pass.
EXCUSED = [
    # SelectFilter2.js (the two-box picker for many-to-many fields) puts aria-label on a bare <span>
    # icon; the visible label beside it names the box, so nothing is lost to a screen reader.
    ("/admin/", "aria-prohibited-attr", ".help-tooltip"),
    # Select2 (the admin's autocomplete widget) names its combobox by a span that is empty until
    # something is chosen; the field's <label> is still tied to the underlying <select>.
    ("/admin/", "aria-input-field-name", "select2"),
    # Swagger UI (the API docs) draws each operation's path link inside the button that opens it; its
    # colours and target sizes are fixed by static/css/api-docs.css, but not its markup.
    ("/api/docs/", "nested-interactive", "opblock-summary-control"),
    # The partner API's docs are the same Swagger UI, now linked from the partner workspace.
    ("/api/partner/docs/", "nested-interactive", "opblock-summary-control"),
]


def excused(path: str, rule: str, targets: list[str]) -> bool:
    return any(
        path.startswith(prefix) and rule == r and all(mark in t for t in targets)
        for prefix, r, mark in EXCUSED
    )


def staff_sign_in(page, who: str) -> list[str]:
    """The real sign-in page, and the two-factor step where the role has one (the demo administrator's
    authenticator app is seeded; its current code is worked out as the app would). Both are checked too."""
    email = f"{who}@{DEMO_DOMAIN}"
    page.goto("/accounts/login/")
    problems = axe_problems(page, who, "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path != "/accounts/login/", f"{email} could not sign in"
    if urlsplit(page.url).path == "/account/two-factor/verify/":
        problems += axe_problems(page, who, "/account/two-factor/verify/")
        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        page.get_by_label("Code").fill(f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        assert urlsplit(page.url).path != "/account/two-factor/verify/", f"{email}: two-factor code refused"
    return problems


def victim_sign_in(page, victim, language: str, who: str) -> list[str]:
    page.goto("/portal/")
    if language == "cy":
        page.locator("button[lang=cy]").click()
        page.wait_for_load_state()
    problems = axe_problems(page, who, "/portal/")
    page.locator("#id_reference").fill(victim.reference)
    page.locator("#dob-day").fill(str(victim.date_of_birth.day))
    page.locator("#dob-month").fill(str(victim.date_of_birth.month))
    page.locator("#dob-year").fill(str(victim.date_of_birth.year))
    page.locator("#id_password").fill(DEMO_VICTIM_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/portal/case/")
    assert page.locator("html").get_attribute("lang") == language
    return problems


# --- the rules the crawl follows (no browser needed) ---------------------------------------------------


def test_page_kind_leaves_out_ids_references_and_query_values():
    assert page_kind("http://x/cases/VC-12345-26/victims/17/edit/") == "/cases/<ref>/victims/<id>/edit/"
    assert page_kind("http://x/cases/mine/?status=open&page=2") == "/cases/mine/?page&status"
    assert page_kind("http://x/admin/cases/crime/3/change/") == "/admin/cases/crime/<id>/change/"
    assert page_kind("http://x/cases/mine/") != page_kind("http://x/cases/team/")
    assert normalised("http://x/a/?b=2&a=1#top") == "http://x/a/?a=1&b=2"
    # The admin: any filter, sort or page of one list is one kind; history and delete pages are one each.
    assert page_kind("http://x/admin/cases/crime/?status__exact=closed&o=1") == "/admin/cases/crime/?…"
    assert page_kind("http://x/admin/cases/crime/?p=2") == "/admin/cases/crime/?…"
    assert page_kind("http://x/admin/cases/crime/4/history/") == page_kind(
        "http://x/admin/accounts/user/9/history/"
    )
    assert page_kind("http://x/admin/cases/crime/4/change/") != page_kind(
        "http://x/admin/accounts/user/9/change/"
    )
    assert visits_allowed("/cases/<ref>/") == 2 and visits_allowed("/cases/mine/?page") == 1


@pytest.mark.parametrize(
    "url, follow",
    [
        ("http://x/cases/mine/", True),
        ("http://x/api/docs/", True),
        ("http://x/admin/cases/crime/?o=1", True),
        ("http://x/accounts/logout/", False),
        ("http://x/portal/exit/", False),
        ("http://x/portal/sign-out/", False),
        ("http://x/static/css/app.css", False),
        ("http://x/api/crimes/", True),
        ("http://x/api/token/", False),
        ("http://x/api/schema/", False),
        ("http://x/cases/mine/?format=csv", False),
        ("http://x/reports/duties.csv", False),
        ("http://elsewhere/cases/mine/", False),
        ("https://x/cases/mine/", False),
    ],
)
def test_which_links_are_followed(url, follow):
    assert followable(url, "http://x") is follow


# --- the crawl ---------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_page_each_role_reaches_by_links_is_accessible(browser, live_server, capsys, monkeypatch):
    # Enough crimes that every list a role sees runs to a second page.
    call_command("seed_demo", "--crimes", "300", stdout=StringIO())
    # The admin's lists show 20 rows here instead of 100: every row is the same markup, and axe-core's
    # time grows with the rows (6 s for one list of 100 on a busy machine).
    for model_admin in django_admin.site._registry.values():
        monkeypatch.setattr(model_admin, "list_per_page", 20)
    origin = live_server.url
    crawls: list[Crawl] = []
    known: set[str] = set()
    runs = [(role, None) for role in STAFF] + [(DEMO_VICTIMS[0], "en"), (DEMO_VICTIMS[1], "cy")]
    # AXE_CRAWL_ONLY=admin (or officer, VC/90002...) crawls as one of them, while fixing what it found.
    runs = [r for r in runs if os.environ.get("AXE_CRAWL_ONLY", "") in str(r[0])]
    for who, language in runs:
        context = browser.new_context(base_url=origin, locale="en-GB", timezone_id="Europe/London")
        page = context.new_page()
        page.set_default_timeout(15000)
        if language is None:
            name, sign_in_pages = who, STAFF_SIGN_IN
            problems = staff_sign_in(page, who)
        else:
            name, sign_in_pages = f"victim {who.reference} ({language})", VICTIM_SIGN_IN
            problems = victim_sign_in(page, who, language, name)
        start = [urlsplit(page.url).path]  # where signing in lands them
        cap = MAX_PAGES.get(name, MAX_PAGES_DEFAULT)
        crawls.append(crawl(page, name, origin, start, cap, sign_in_pages, known))
        known |= crawls[-1].kinds
        crawls[-1].problems[:0] = problems
        context.close()

    with capsys.disabled():
        print()
        for c in crawls:
            capped = f", {c.skipped_by_cap} more queued beyond the cap" if c.skipped_by_cap else ""
            print(f"axe crawl: {c.who}: {len(c.visited)} pages in {c.seconds:.0f}s{capped}")
    problems = [p for c in crawls for p in c.problems]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    # The crawl really went somewhere: every role reached more than the page it started on.
    assert all(len(c.visited) > 1 for c in crawls), [(c.who, c.visited) for c in crawls]
