"""The individual project (PEI/PAI): objectives and actions, agreed with the household.

Rules kept here:
- actions keep their identity across versions: an existing action is named by its ``id``; one
  without ``id`` is new; an action cannot be dropped (set it ``annullata``) nor change type;
- a new action whose type another service fulfils is *requested* from that service;
- an outcome recorded by that service sets the action's status.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InvalidInput

ACTION_TYPES = {
    "fund_application": "Domanda a un fondo",
    "temporary_housing": "Alloggio temporaneo",
    "private_market_search": "Ricerca sul mercato privato",
    "public_housing_application": "Domanda di alloggio pubblico (SAP)",
    "partner_referral": "Invio a un partner",
    "isee_caf": "ISEE e pratiche al CAF",
    "financial_coaching": "Accompagnamento finanziario",
    "cultural_mediation": "Mediazione culturale",
    "legal_assistance": "Assistenza legale",
    "other": "Altro",
}
FULFILLED_BY = {
    "fund_application": "funds",
    "temporary_housing": "housing_stock",
    "private_market_search": "housing_stock",
    "public_housing_application": "housing_stock",
    "partner_referral": "partners",
}
RESPONSIBLE = {"agency": "Agenzia", "comune": "Comune", "partner": "Partner"}
ACTION_STATUSES = {
    "da_avviare": "Da avviare",
    "in_corso": "In corso",
    "completata": "Completata",
    "annullata": "Annullata",
}
OUTCOME_STATUSES = ("in_corso", "completata", "annullata")
DONE_STATUSES = ("completata", "annullata")


def fulfilled_by(action_type: str) -> str | None:
    return FULFILLED_BY.get(action_type)


def merge_actions(current: Sequence[dict], submitted: Sequence[dict], new_id) -> tuple[list, list]:
    """The actions of the next version and those of them that are new.

    ``submitted`` items are validated dicts (``id`` may be missing); ``new_id()`` makes ids.
    Outcomes recorded by other services are kept on the action. Raises ``InvalidInput``."""
    by_id = {a["id"]: a for a in current}
    errors: dict[str, list[dict]] = {}
    seen: set[str] = set()
    result, new = [], []
    for index, item in enumerate(submitted):
        action_id = item.get("id")
        if action_id is not None:
            previous = by_id.get(action_id)
            if previous is None:
                errors[f"actions.{index}.id"] = [{"code": "action_unknown"}]
                continue
            if action_id in seen:
                errors[f"actions.{index}.id"] = [{"code": "action_repeated"}]
                continue
            if previous["type"] != item["type"]:
                errors[f"actions.{index}.type"] = [{"code": "action_type_changed"}]
                continue
            action = {
                **item,
                "fulfilled_by": fulfilled_by(item["type"]),
                "outcome": previous.get("outcome"),
            }
        else:
            action = {
                **item,
                "id": new_id(),
                "fulfilled_by": fulfilled_by(item["type"]),
                "outcome": None,
            }
            new.append(action)
        if item["type"] == "partner_referral" and not item.get("partner_code"):
            errors[f"actions.{index}.partner_code"] = [{"code": "partner_required"}]
        if item["responsible"] == "partner" and not item.get("partner_code"):
            errors[f"actions.{index}.partner_code"] = [{"code": "partner_required"}]
        seen.add(action["id"])
        result.append(action)
    dropped = [a["id"] for a in current if a["id"] not in seen]
    if dropped and not errors:
        errors["actions"] = [{"code": "action_removed", "status": "annullata", "missing": dropped}]
    if errors:
        raise InvalidInput(errors)
    return result, new


def apply_outcome(
    actions: Sequence[dict], action_id: str, service: str, status: str, outcome: dict
) -> list[dict] | None:
    """The actions with the outcome applied, or ``None`` if ``action_id`` is not an action of
    this project fulfilled by ``service``."""
    updated, found = [], False
    for action in actions:
        if action["id"] == action_id and action.get("fulfilled_by") == service:
            action = {**action, "status": status, "outcome": outcome}
            found = True
        updated.append(action)
    return updated if found else None


# A request to another service, as the case header shows it: sent and not answered yet, being
# handled, answered, or closed by the service with nothing to offer; or withdrawn by the agency.
REQUEST_SENT = "richiesta_inviata"
REQUEST_STATES = (
    REQUEST_SENT,
    "in_lavorazione",
    "risposta_ricevuta",
    "nessuna_disponibilita",
    "ritirata",
)
EMERGENCY_PLACEMENT = "emergency_placement"  # grade 4: intake.emergency_placement_requested
EMERGENCY_PLACEMENT_BY = "housing_stock"


def request_state(action: dict) -> str:
    """The state of the request an action made to the service that fulfils it."""
    outcome = action.get("outcome") or {}
    by_service = {"in_corso": "in_lavorazione", "completata": "risposta_ricevuta"}
    if outcome.get("status"):
        return by_service.get(outcome["status"], "nessuna_disponibilita")
    return "ritirata" if action.get("status") == "annullata" else REQUEST_SENT


def is_overdue(action: dict, today) -> bool:
    due = action.get("due_date")
    return due is not None and due < today and action["status"] not in DONE_STATUSES
