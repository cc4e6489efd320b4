"""Names and data builders of the events funds publishes (exchange ``funds.events``)."""

from __future__ import annotations

ACTION_OUTCOME_RECORDED = "action_outcome_recorded"  # funds.action_outcome_recorded.v1


# -- affitto: Fondo Affitto di Ambito -----------------------------------------------------------
APPLICATION_SUBMITTED = "application_submitted"  # funds.application_submitted.v1
APPLICATION_DECIDED = "application_decided"  # funds.application_decided.v1


def application_submitted(app: dict) -> dict:
    """No personal figures beyond what the decision needs: the ISEE stays in funds."""
    return {
        "application_id": app["id"],
        "referral_id": app["referral_id"],
        "comune_istat": app["comune_istat"],
        "window_id": app["window_id"],
        "regulation_id": app["regulation_id"],
        "action_id": app.get("action_id"),
        "eligibility": app["eligibility"],
        "grant_cents": app["grant_cents"],
        "submitted_at": app["submitted_at"].isoformat(),
    }


def application_decided(app: dict) -> dict:
    return {
        "application_id": app["id"],
        "referral_id": app["referral_id"],
        "comune_istat": app["comune_istat"],
        "window_id": app["window_id"],
        "action_id": app.get("action_id"),
        "decision": app["state"],
        "rank_position": app.get("rank_position"),
        "approved_cents": app.get("approved_cents") or 0,
        "decided_at": app["decided_at"].isoformat(),
    }


# -- ledger: the budget ledger ------------------------------------------------------------------
COMMITMENT_MADE = "commitment_made"  # funds.commitment_made.v1
PAYMENT_MADE = "payment_made"  # funds.payment_made.v1
BUDGET_MOVEMENT_RECORDED = "budget_movement_recorded"  # funds.budget_movement_recorded.v1


def ledger_movement(line: dict, movement: dict) -> dict:
    """One movement of a budget line with the line's totals after it. No personal data: the
    measure is named by its kind and id only, and the free-text reason stays in funds."""
    return {
        "movement_id": movement["movement_id"],
        "kind": movement["kind"],
        "line_id": line["id"],
        "line_code": line["code"],
        "fund": line["fund"],
        "year": line["year"],
        "source": line["source"],
        "comune_istat": line["comune_istat"],
        "amount_cents": movement["amount_cents"],
        "commitment_id": movement["commitment_id"],
        "corrects_id": movement["corrects_id"],
        "related_id": movement["related_id"],
        "source_kind": movement["source_kind"],
        "source_id": movement["source_id"],
        "recorded_at": movement["recorded_at"].isoformat(),
        "totals": {
            "programmed_cents": line["programmed_cents"],
            "allocated_cents": line["allocated_cents"],
            "committed_cents": line["committed_cents"],
            "paid_cents": line["paid_cents"],
            "available_cents": line["available_cents"],
        },
    }


# -- garanzia: the landlord guarantee fund ----------------------------------------------------
GUARANTEE_ENROLLED = "guarantee_enrolled"  # funds.guarantee_enrolled.v1
GUARANTEE_CLAIM_FILED = "guarantee_claim_filed"  # funds.guarantee_claim_filed.v1
GUARANTEE_CLAIM_PAID = "guarantee_claim_paid"  # funds.guarantee_claim_paid.v1


def guarantee_enrolled(cover: dict) -> dict:
    """The cover's terms, no landlord's name, address or tenant's income: those stay in funds."""
    return {
        "cover_id": cover["id"],
        "referral_id": cover["referral_id"],
        "comune_istat": cover["comune_istat"],
        "monthly_rent_cents": cover["monthly_rent_cents"],
        "start_date": cover["start_date"].isoformat(),
        "ends_on": cover["ends_on"].isoformat(),
        "cover_cap_cents": cover["cover_cap_cents"],
        "enrolled_at": cover["created_at"].isoformat(),
    }


def guarantee_claim_filed(claim: dict) -> dict:
    return {
        "claim_id": claim["id"],
        "cover_id": claim["cover_id"],
        "referral_id": claim["referral_id"],
        "comune_istat": claim["comune_istat"],
        "payable_cents": claim["payable_cents"],
        "filed_on": claim["filed_on"].isoformat(),
        "filed_at": claim["filed_at"].isoformat(),
    }


def guarantee_claim_paid(claim: dict) -> dict:
    return {
        "claim_id": claim["id"],
        "cover_id": claim["cover_id"],
        "referral_id": claim["referral_id"],
        "comune_istat": claim["comune_istat"],
        "paid_cents": claim["paid_cents"],
        "paid_on": claim["paid_on"].isoformat(),
        "paid_at": claim["decided_at"].isoformat(),
    }
