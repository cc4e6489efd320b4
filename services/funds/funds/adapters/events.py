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
