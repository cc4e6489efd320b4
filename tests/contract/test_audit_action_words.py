"""Every action a service writes in its audit trail has words on the Accessi tab and in the
household's access report (gateway access_log.ACTIONS): no ``get_worklist`` shown to a person.
The actions are read from the services' code (each ``audit.record(..., "<action>", ...)`` and
the helpers that pass one on), so a new one without words fails here."""

import ast
from pathlib import Path

from abitare_gateway.access_log import ACTIONS

SERVICES = Path(__file__).resolve().parents[2] / "services"
CALLS = {"record", "_records"}  # audit.record and intake commission's helper that records


def recorded_actions() -> dict[str, str]:
    found = {}
    for path in SERVICES.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name not in CALLS:
                continue
            for arg in node.args[:4]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    if arg.value.isidentifier() and "_" in arg.value and arg.value.islower():
                        found[arg.value] = str(path.relative_to(SERVICES))
    return found


def test_the_scan_finds_the_actions():
    """Guard: the scan sees the actions we know are there."""
    actions = recorded_actions()
    assert {"get_case", "get_worklist", "get_funds_file", "list_meetings"} <= set(actions)


def test_every_recorded_action_has_words():
    missing = {a: where for a, where in recorded_actions().items() if a not in ACTIONS}
    assert not missing, f"add words to gateway access_log.ACTIONS for {missing}"
