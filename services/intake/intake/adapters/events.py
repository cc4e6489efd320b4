"""The events intake publishes, shaped by their contracts in ``infra/contracts/events/``."""

from __future__ import annotations

from abitare_chassis.actor import Actor, sign_actor
from abitare_chassis.envelope import new_envelope, sign_envelope

REFERRAL_RECEIVED = "referral_received"  # intake.referral_received.v1
# intake.referral_received.v2, the minimised referral for funds and housing_stock: nameko's
# event name (the routing key) carries the major version; the envelope type is the contract's.
REFERRAL_RECEIVED_V2 = "referral_received.v2"
CASE_OPENED = "case_opened"
REFERRAL_DECLINED = "referral_declined"
INFORMATION_REQUESTED = "information_requested"
EMERGENCY_PLACEMENT_REQUESTED = "emergency_placement_requested"
ACTION_REQUESTED = "action_requested"
COMMISSION_DECISION_MADE = "commission_decision_made"
CASE_CLOSED = "case_closed"
CASE_REOPENED = "case_reopened"
# intake.case_pseudonymised.v1: every service pseudonymises its own copy of the household's data
CASE_PSEUDONYMISED = "case_pseudonymised"
# Consumed: <service>.action_outcome_recorded.v1 from these services.
ACTION_OUTCOME_RECORDED = "action_outcome_recorded"
ACTION_OUTCOME_SOURCES = ("funds", "housing_stock", "partners")


def _iso(value):
    return value.isoformat() if value is not None else None


def referral_received(record: dict) -> dict:
    """The data of ``intake.referral_received.v1`` from a referral record. Free text
    (description, phone) stays in intake: consumers get what they act on."""
    return {
        "referral_id": record["id"],
        "comune_istat": record["comune_istat"],
        "comune_name": record["comune_name"],
        "received_at": _iso(record["received_at"]),
        "referring_body": record["referring_body"],
        "referring_body_name": record["referring_body_name"],
        "problem_reported": record["problem_reported"],
        "housing_situation": record["housing_situation"],
        "eviction_date": _iso(record["eviction_date"]),
        "household": {
            "size": record["household_size"],
            "minors": record["minors"],
            "over_65": record["over_65"],
            "members": [
                {
                    "codice_fiscale": m["codice_fiscale"],
                    "first_name": m["first_name"],
                    "last_name": m["last_name"],
                    "birth_date": _iso(m["birth_date"]),
                    "relation": m["relation"],
                }
                for m in record["household"]
            ],
        },
        "economics": {
            "monthly_net_income_cents": record["monthly_net_income_cents"],
            "monthly_rent_cents": record["monthly_rent_cents"],
        },
    }


def referral_received_v2(record: dict) -> dict:
    """The data of ``intake.referral_received.v2``: what funds and housing_stock act on, and no
    names, codici fiscali, birth dates or free text (see infra/contracts/asyncapi.yaml)."""
    full = referral_received(record)
    keep = (
        "referral_id",
        "comune_istat",
        "comune_name",
        "received_at",
        "housing_situation",
        "eviction_date",
        "economics",
    )
    data = {key: full[key] for key in keep}
    data["household"] = {key: full["household"][key] for key in ("size", "minors", "over_65")}
    return data


def referral_received_v2_envelope(record: dict, actor: Actor) -> dict:
    """The signed v2 envelope (``Transaction.emit`` only writes ``.v1`` types for now)."""
    return sign_envelope(
        new_envelope(
            service="intake",
            event=REFERRAL_RECEIVED,
            major=2,
            data=referral_received_v2(record),
            subject=record["id"],
            tenant=record["comune_istat"],
            actor_token=sign_actor(actor),
        )
    )


# -- the case path: what others need to act, never free text ----------------------------------
def case_event(referral, at_name: str, at, **extra) -> dict:
    """``{referral_id, comune_istat, <at_name>: at, ...extra}``, JSON-ready."""
    data = {"referral_id": referral.id, "comune_istat": referral.comune_istat, at_name: _iso(at)}
    data.update({k: _iso(v) if hasattr(v, "isoformat") else v for k, v in extra.items()})
    return data
