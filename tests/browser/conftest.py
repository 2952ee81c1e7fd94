"""Playwright driving the system Chromium (its own browser download does not work here)."""

import json
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from test code are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
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


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def offences(transactional_db):
    """Transactional tests empty the tables between tests; put the offence classification back."""
    from cases.models import Offence

    rows = json.loads(
        (Path(__file__).resolve().parents[2] / "cases" / "fixtures" / "offences.json").read_text()
    )
    for row in rows:
        code = row.pop("code")
        Offence.objects.update_or_create(code=code, defaults=row)


@pytest.fixture
def rule_sets(transactional_db):
    """Transactional tests empty the tables between tests; put the shipped rule sets back."""
    from datetime import date

    from contacts.models import Rule, RuleSet

    rows = json.loads(
        (Path(__file__).resolve().parents[2] / "contacts" / "fixtures" / "rulesets.json").read_text()
    )
    for item in rows:
        rules = item.pop("rules")
        item["effective_from"] = date.fromisoformat(item["effective_from"])
        rs, _ = RuleSet.objects.update_or_create(code=item.pop("code"), defaults=item)
        for rule in rules:
            Rule.objects.update_or_create(rule_set=rs, code=rule.pop("code"), defaults=rule)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
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
