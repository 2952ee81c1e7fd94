"""One writer per state column (README, "Where each rule lives"): only contacts/services/obligations.py
changes Obligation.state, and only messaging/outbox.py writes Message.status. A new writer elsewhere
fails here; add a function to the owner instead."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["cases", "messaging", "contacts", "portal", "referrals", "surveys", "victimcare"]


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text())


def _mentions(node: ast.AST, enum: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == enum for n in ast.walk(node))


WRITING_CALLS = {"create", "update", "bulk_create", "get_or_create", "update_or_create"}


def _writes(tree: ast.AST, field: str, enum: str) -> int:
    """Writes of `field` with a value of `enum`: `x.field = Enum.X` (also in tuple assignments), and
    `field=Enum.X` given to a model's constructor, create() or update()."""
    n = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _mentions(node.value, enum):
            for target in node.targets:
                elts = target.elts if isinstance(target, ast.Tuple) else [target]
                n += sum(isinstance(t, ast.Attribute) and t.attr == field for t in elts)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in WRITING_CALLS or (isinstance(func, ast.Name) and name[:1].isupper() and name != "Q"):
                n += sum(kw.arg == field and _mentions(kw.value, enum) for kw in node.keywords)
    return n


def test_only_the_obligations_module_writes_obligation_state():
    writers = {path for path, tree in _sources() if _writes(tree, "state", "ObligationState")}
    assert writers == {"contacts/services/obligations.py"}


def test_only_the_outbox_writes_message_status():
    writers = {path for path, tree in _sources() if _writes(tree, "status", "MessageStatus")}
    # officer_messages builds the unsaved preview of what the outbox will write (never saved there).
    assert writers == {"messaging/outbox.py", "contacts/officer_messages.py"}


def test_only_the_referral_services_write_referral_state():
    writers = {path for path, tree in _sources() if _writes(tree, "state", "State")}
    # The demo writes each referral's past in bulk, as the crime seeder writes crimes (tests/demo checks
    # that it agrees with the lifecycle and the duties); everything live goes through referrals.services.
    assert writers == {"referrals/services.py", "victimcare/demo/referrals.py"}
