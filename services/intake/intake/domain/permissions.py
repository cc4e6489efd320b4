"""Who may do what on cases: the role table of docs/contracts-case.md. Scope (which comuni) is
checked separately (``scope``); this is only about the role."""

from __future__ import annotations

from ..errors import CaseForbidden

AGENCY_OPERATOR = "agency_operator"
COMUNE_OPERATOR = "comune_operator"
COORDINATOR = "coordinator"
MUNICIPAL_CLIENT = "municipal_client"
PARTNER_CLIENT = "partner_client"  # nothing here: the partners service serves partners
SYSTEM = "system"

# Actions on cases.
READ_STATUS = "read_status"  # get_case_status
READ_CASE = "read_case"  # get_case, diary, project, assessments, eligibility, duplicates
TRIAGE = "triage"
ASSIGN = "assign"
WRITE_DIARY = "write_diary"
SCHEDULE_INTERVIEW = "schedule_interview"
ASSESS = "assess"
WRITE_PROJECT = "write_project"
CLOSE = "close"  # close and reopen
COMMISSION = "commission"  # meetings, proposals, decisions, minutes
READ_WORKLIST = "read_worklist"
READ_FOTOGRAFIA = "read_fotografia"
READ_AUDIT = "read_audit"
LEGAL_HOLD = "legal_hold"  # put and lift a legal hold (domain.retention)
RUN_RETENTION = "run_retention"  # pseudonymise the closed cases past their retention
READ_ANOMALIES = "read_anomalies"  # the list of codici fiscali that contradict their member

_COMUNE_OPERATOR = {
    READ_STATUS,
    READ_CASE,
    WRITE_DIARY,
    SCHEDULE_INTERVIEW,
    WRITE_PROJECT,
    READ_WORKLIST,
    READ_FOTOGRAFIA,
}
_AGENCY_OPERATOR = _COMUNE_OPERATOR | {TRIAGE, ASSESS, CLOSE}
_COORDINATOR = _AGENCY_OPERATOR | {
    ASSIGN,
    COMMISSION,
    READ_AUDIT,
    LEGAL_HOLD,
    RUN_RETENTION,
    READ_ANOMALIES,
}

ALLOWED: dict[str, frozenset[str]] = {
    AGENCY_OPERATOR: frozenset(_AGENCY_OPERATOR),
    COORDINATOR: frozenset(_COORDINATOR),
    COMUNE_OPERATOR: frozenset(_COMUNE_OPERATOR),
    MUNICIPAL_CLIENT: frozenset({READ_STATUS}),
    PARTNER_CLIENT: frozenset(),
    SYSTEM: frozenset(_COORDINATOR),
}


def may(role: str, action: str) -> bool:
    return action in ALLOWED.get(role, frozenset())


def ensure(role: str, action: str) -> None:
    if not may(role, action):
        raise CaseForbidden(
            f"role '{role}' may not {action.replace('_', ' ')}", role=role, action=action
        )


# Who a case can be assigned to: the agency's operators who run cases (the assignee must also
# have the case's comune in scope, checked by the use case).
ASSIGNABLE_ROLES = frozenset({AGENCY_OPERATOR, COORDINATOR})


def may_be_assigned(role: str) -> bool:
    return role in ASSIGNABLE_ROLES


def may_read_confidential(actor_sub: str, author: str, assignee_then: str | None) -> bool:
    """A confidential diary entry is for its author and the operator the case was assigned to
    when it was written; a later assignee (a coordinator assigning the case to themselves
    included) does not read it."""
    return actor_sub == author or (assignee_then is not None and actor_sub == assignee_then)
