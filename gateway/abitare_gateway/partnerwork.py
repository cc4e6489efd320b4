"""What the gateway asks the partners service about a case's consents and partner referrals,
in one place: the REST API and the case tab "Invii ai partner" share these calls.

Sending a referral: the gateway reads the case from intake (with the route's purpose, audited
there) and offers partners the household's data it may need (members, phone, economics);
partners keeps only what the partner's convention grants and the household's consent covers
(``partners.domain.consent``), and refuses with a coded reason when it must.
"""

from __future__ import annotations

from abitare_chassis.actor import Actor

from . import casework, purposes
from .backend import rpc


def _partners(method: str, actor: Actor, *args, **kwargs):
    return rpc().call("partners", method, actor, *args, **kwargs)


def list_consents(actor: Actor, case_id: str) -> list[dict]:
    return _partners("list_consents", actor, case_id, purpose=purposes.current())


def record_consent(actor: Actor, case: dict, data: dict) -> dict:
    payload = {**data, "referral_id": case["id"], "comune_istat": case["comune_istat"]}
    return _partners("record_consent", actor, payload)


def withdraw_consent(actor: Actor, case_id: str, consent_id: str, data: dict) -> dict:
    """Withdraw a consent of case ``case_id``: partners refuses (404) another case's."""
    return _partners("withdraw_consent", actor, case_id, consent_id, data)


def list_referrals(actor: Actor, case_id: str) -> list[dict]:
    return _partners("list_partner_referrals", actor, case_id, purpose=purposes.current())


def send_referral(actor: Actor, case: dict, data: dict) -> dict:
    """Send the household of ``case`` (as intake answered it) to ``data["partner_code"]`` for
    ``data["service"]``, with the operator's ``note``."""
    payload = {
        "referral_id": case["id"],
        "comune_istat": case["comune_istat"],
        "comune_name": case.get("comune_name"),
        "partner_code": data["partner_code"],
        "service": data["service"],
        "note": data.get("note"),
        "household": {
            "size": case.get("household_size"),
            "minors": case.get("minors"),
            "over_65": case.get("over_65"),
            "members": [
                {k: m.get(k) for k in ("codice_fiscale", "first_name", "last_name", "birth_date")}
                for m in case.get("household") or []
            ],
        },
        "contact": {"phone": case.get("contact_phone")} if case.get("contact_phone") else {},
        "economics": {
            k: case[k]
            for k in ("monthly_net_income_cents", "monthly_rent_cents")
            if case.get(k) is not None
        },
    }
    payload["household"] = {k: v for k, v in payload["household"].items() if v not in (None, [])}
    return _partners("create_partner_referral", actor, payload)


def withdraw_referral(actor: Actor, case_id: str, partner_referral_id: str, reason: str) -> dict:
    """Withdraw a referral of case ``case_id``: partners refuses (404) another case's."""
    return _partners("withdraw_partner_referral", actor, case_id, partner_referral_id, reason)


def list_offers(actor: Actor) -> list[dict]:
    return _partners("list_partner_offers", actor)


def list_overdue(actor: Actor) -> list[dict]:
    return _partners("list_overdue_partner_referrals", actor)


def read_case(actor: Actor, case_id: str) -> dict:
    return casework.get_case(actor, case_id)
