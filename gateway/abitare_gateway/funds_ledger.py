"""What the gateway asks the funds service about the budget ledger, in one place: the REST API
(``/api/v1/funds/ledger``) and the Fondi pages share these calls.

Every function is one RPC call with the request's actor. The funds service decides everything:
who may read the ledger (coordinators), which lines (the actor's comuni). Budget lines and their
movements are no personal data (a movement names the measure it serves by kind and id only): no
purpose is passed.
"""

from __future__ import annotations

from abitare_chassis.actor import Actor

from .backend import rpc


def ledger_summary(actor: Actor, year: int | None = None, fund: str | None = None) -> dict:
    """``{"lines": [...], "funds": [...]}``: every line with its totals in cents, and the
    totals per fund."""
    return rpc().call("funds", "ledger_summary", actor, year, fund)


def line_movements(actor: Actor, line_id: str) -> dict:
    """``{"line": {...}, "movements": [...]}``, oldest first."""
    return rpc().call("funds", "ledger_line_movements", actor, line_id)
