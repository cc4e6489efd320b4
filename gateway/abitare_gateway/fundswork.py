"""What the gateway asks the funds service about a household's funds, in one place: the REST
API (``/api/v1/cases/{id}/funds/...``, ``/api/v1/funds/...``) and the pages (the case tab
**Fondi**, the coordinators' Fondi pages) share these calls.

ISEE aid: the household's certified ISEEs (INPS attestazioni, recorded with their DSU protocol)
and the agency's estimates, with the one that applies on a day (a valid certified ISEE beats an
estimate). Fondo Affitto: the case is read from intake first (scope, audited there), so a case
of another comune is 404 before funds is asked anything. Funds decides everything else: scope,
roles, the checks, the estimate itself with its parameters.
"""

from __future__ import annotations

from abitare_chassis.actor import Actor

from . import casework, purposes
from .backend import rpc


def _funds(method: str, actor: Actor, *args, **kwargs):
    return rpc().call("funds", method, actor, *args, **kwargs)


def list_regulations(actor: Actor) -> list[dict]:
    return _funds("list_rent_fund_regulations", actor)


def list_windows(actor: Actor) -> list[dict]:
    return _funds("list_rent_fund_windows", actor)


def open_window(actor: Actor, data: dict) -> dict:
    return _funds("open_rent_fund_window", actor, data)


def get_window(actor: Actor, window_id: str) -> dict:
    return _funds("get_rent_fund_window", actor, window_id, purpose=purposes.current())


WINDOW_STEPS = {
    "closure": "close_rent_fund_window",
    "ranking": "rank_rent_fund_window",
    "approval": "approve_rent_fund_window",
}


def window_step(actor: Actor, window_id: str, step: str) -> dict:
    """Close, rank or approve a window (``WINDOW_STEPS``)."""
    return _funds(WINDOW_STEPS[step], actor, window_id)


def list_applications(actor: Actor, case_id: str) -> list[dict]:
    casework.get_case(actor, case_id)  # another comune's case, or none: 404
    return _funds("list_rent_fund_applications", actor, case_id, purpose=purposes.current())


def file_application(actor: Actor, case_id: str, data: dict) -> dict:
    case = casework.get_case(actor, case_id)
    payload = {**data, "referral_id": case["id"], "comune_istat": case["comune_istat"]}
    payload.setdefault("household_size", case.get("household_size"))
    return _funds("file_rent_fund_application", actor, payload)


def record_payment(actor: Actor, application_id: str, data: dict) -> dict:
    return _funds("record_rent_fund_payment", actor, application_id, data)


def list_isee(actor: Actor, case_id: str, on: str | None = None) -> dict:
    """``{"on", "applicable", "certified": [...], "estimates": [...]}``, newest first."""
    return _funds("list_isee", actor, case_id, on=on, purpose=purposes.current())


def record_certified_isee(actor: Actor, case_id: str, data: dict) -> dict:
    return _funds("record_certified_isee", actor, case_id, data)


def estimate_isee(actor: Actor, case_id: str, data: dict) -> dict:
    return _funds("estimate_isee", actor, case_id, data)
