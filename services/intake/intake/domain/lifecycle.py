"""The case lifecycle, kept as the status of the referral.

``ricevuta`` → triage → ``in_carico`` | ``informazioni_richieste`` | ``respinta``;
``informazioni_richieste`` → triage again; ``in_carico`` → ``chiusa`` (closure);
``chiusa`` → ``in_carico`` (reopening). Anything else is refused with ``CaseConflict``.
"""

from __future__ import annotations

from ..errors import CaseConflict

RICEVUTA = "ricevuta"
INFORMAZIONI_RICHIESTE = "informazioni_richieste"
IN_CARICO = "in_carico"
RESPINTA = "respinta"
CHIUSA = "chiusa"
STATUSES = {
    RICEVUTA: "Ricevuta",
    INFORMAZIONI_RICHIESTE: "Informazioni richieste",
    IN_CARICO: "In carico",
    RESPINTA: "Respinta",
    CHIUSA: "Chiusa",
}

# Triage outcomes and the status each leads to.
PRESA_IN_CARICO = "presa_in_carico"
RICHIESTA_INFORMAZIONI = "richiesta_informazioni"
RESPINTA_OUTCOME = "respinta"
TRIAGE_OUTCOMES = {
    PRESA_IN_CARICO: IN_CARICO,
    RICHIESTA_INFORMAZIONI: INFORMAZIONI_RICHIESTE,
    RESPINTA_OUTCOME: RESPINTA,
}
TRIAGE_OUTCOME_LABELS = {
    PRESA_IN_CARICO: "Presa in carico",
    RICHIESTA_INFORMAZIONI: "Richiesta di informazioni",
    RESPINTA_OUTCOME: "Respinta",
}
TRIAGE_NEEDS_REASON = (RICHIESTA_INFORMAZIONI, RESPINTA_OUTCOME)

TRIAGEABLE = (RICEVUTA, INFORMAZIONI_RICHIESTE)
OPEN = (RICEVUTA, INFORMAZIONI_RICHIESTE, IN_CARICO)  # not respinta, not chiusa

CLOSURE_OUTCOMES = {
    "sap_assegnato": "Alloggio SAP assegnato",
    "affitto_canone_concordato": "Affitto a canone concordato",
    "affitto_libero_mercato": "Affitto sul libero mercato",
    "rientro_in_famiglia": "Rientro in famiglia",
    "trasferimento": "Trasferimento",
    "abbandono": "Abbandono del percorso",
    "altro": "Altro",
}


def _refuse(status: str, what: str):
    raise CaseConflict(f"a case with status '{status}' cannot be {what}", status=status)


def after_triage(status: str, outcome: str) -> str:
    """The status a triage ``outcome`` leads to from ``status``."""
    if status not in TRIAGEABLE:
        _refuse(status, "triaged")
    return TRIAGE_OUTCOMES[outcome]


def after_closure(status: str) -> str:
    if status != IN_CARICO:
        _refuse(status, "closed")
    return CHIUSA


def after_reopening(status: str) -> str:
    if status != CHIUSA:
        _refuse(status, "reopened")
    return IN_CARICO


def ensure_open(status: str, what: str) -> None:
    """Assignments, assessments, diary entries: on open cases only."""
    if status not in OPEN:
        _refuse(status, what)


def ensure_in_charge(status: str, what: str) -> None:
    """Projects and commission proposals: on cases taken on (``in_carico``) only."""
    if status != IN_CARICO:
        _refuse(status, what)


def ensure_not_declined(status: str, what: str) -> None:
    """The diary: open cases and closed ones (the restitution comes after closure), not a
    declined referral."""
    if status == RESPINTA:
        _refuse(status, what)
