"""The Commissione (seeds/004): it validates individual projects and placements, and decides on
extended stays and early discharges. A proposal is decided once; a postponed (``rinviata``)
proposal is brought to a later meeting as a new proposal. A meeting whose minutes (verbale) are
recorded is closed: no new proposals, no decisions.

A case in charge with a project waits for validation until a ``validate_project`` proposal
about it is pending or approved (one rejected or postponed leaves it waiting)."""

from __future__ import annotations

from ..errors import MeetingClosed, ProposalConflict

PROPOSAL_KINDS = {
    "validate_project": "Validazione del progetto individualizzato",
    "temporary_placement": "Inserimento in alloggio temporaneo",
    "extend_stay": "Proroga della permanenza",
    "early_discharge": "Dimissione anticipata",
}
DECISIONS = {"approvata": "Approvata", "respinta": "Respinta", "rinviata": "Rinviata"}
PENDING = "in_attesa"
VALIDATE_PROJECT = "validate_project"
APPROVED = "approvata"


def ensure_meeting_open(minutes_recorded: bool) -> None:
    if minutes_recorded:
        raise MeetingClosed("the meeting is closed: its minutes are recorded")


def ensure_pending(status: str) -> None:
    if status != PENDING:
        raise ProposalConflict(f"the proposal was already decided ({status})", status=status)
