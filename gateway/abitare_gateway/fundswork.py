"""What the gateway asks the funds service about a household's funds, in one place: the REST
API (``/api/v1/cases/{id}/funds/...``) and the case tab **Fondi** share these calls.

ISEE aid: the household's certified ISEEs (INPS attestazioni, recorded with their DSU protocol)
and the agency's estimates, with the one that applies on a day (a valid certified ISEE beats an
estimate). Funds decides everything: scope (its funds file of the case, in the actor's
comuni), roles, the checks, the estimate itself with its parameters.
"""

from __future__ import annotations

from abitare_chassis.actor import Actor

from . import purposes
from .backend import rpc


def _funds(method: str, actor: Actor, *args, **kwargs):
    return rpc().call("funds", method, actor, *args, **kwargs)


def list_isee(actor: Actor, case_id: str, on: str | None = None) -> dict:
    """``{"on", "applicable", "certified": [...], "estimates": [...]}``, newest first."""
    return _funds("list_isee", actor, case_id, on=on, purpose=purposes.current())


def record_certified_isee(actor: Actor, case_id: str, data: dict) -> dict:
    return _funds("record_certified_isee", actor, case_id, data)


def estimate_isee(actor: Actor, case_id: str, data: dict) -> dict:
    return _funds("estimate_isee", actor, case_id, data)
