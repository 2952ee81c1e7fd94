"""Playwright driving the system Chromium (its own browser download does not work here)."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from test code are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# axe-core's default rules, plus WCAG 2.2's target size (2.5.8, level AA), which axe-core 4.x leaves off.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture
def browser():
    """Per test, not per session: while Playwright's event loop runs, Django hands this thread a different
    connection object, and a session-long loop would leak that into every later test (losing the serialized
    test data that transactional tests restore)."""
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()
        # Close the connections Django opened for this event-loop context, or they outlive the test and
        # keep the test database busy at teardown.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    # Every page every journey opens must run under the Content Security Policy without a violation
    # (Chromium reports each one on the console).
    blocked: list[str] = []
    pg.on(
        "console",
        lambda msg: (
            blocked.append(f"{pg.url}: {msg.text}") if "Content Security Policy" in msg.text else None
        ),
    )
    yield pg
    context.close()
    assert not blocked, blocked


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    # Evaluated through the DevTools protocol: a script tag would be (rightly) refused by the CSP.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async options => await axe.run(document, options)", AXE_OPTIONS)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:3],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
