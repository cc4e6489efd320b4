"""What the gateway asks the funds service about the landlord guarantee fund, in one place: the
REST API (``/api/v1/cases/<id>/funds/guarantee``) and the case page's section share these calls.

Every function is one RPC call with the request's actor; arguments are JSON-ready (dates as ISO
strings). Funds decides everything: the entry check, the claim's assessment, who may pay, the
scope (a case outside the actor's comuni does not exist), the audit.
"""

from __future__ import annotations

from abitare_chassis.actor import Actor

from . import purposes
from .backend import rpc


def _funds(method: str, actor: Actor, *args):
    return rpc().call("funds", method, actor, *args)


def get_guarantee(actor: Actor, case_id: str) -> dict:
    """The case's covers with their claims and plans (personal data: the read's purpose goes
    to funds' audit)."""
    return _funds("get_guarantee", actor, case_id, purposes.current())


def enrol(actor: Actor, case_id: str, contract: dict) -> dict:
    return _funds("enrol_guarantee", actor, case_id, contract)


def file_claim(actor: Actor, case_id: str, cover_id: str, claim: dict) -> dict:
    return _funds("file_guarantee_claim", actor, case_id, cover_id, claim)


def pay_claim(actor: Actor, case_id: str, claim_id: str, paid_on: str | None) -> dict:
    return _funds("pay_guarantee_claim", actor, case_id, claim_id, paid_on)


def refuse_claim(actor: Actor, case_id: str, claim_id: str, reason: str) -> dict:
    return _funds("refuse_guarantee_claim", actor, case_id, claim_id, reason)


def create_plan(actor: Actor, case_id: str, claim_id: str, plan: dict) -> dict:
    return _funds("create_guarantee_repayment_plan", actor, case_id, claim_id, plan)


def mark_instalment(actor: Actor, case_id: str, claim_id: str, mark: dict) -> dict:
    return _funds("mark_guarantee_instalment", actor, case_id, claim_id, mark)


def exposure(actor: Actor, on: str | None = None) -> dict:
    return _funds("guarantee_exposure", actor, on)
