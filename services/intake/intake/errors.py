"""Errors intake raises on purpose, each with a stable ``code`` (the gateway's text table has an
entry for every one) and a ``kind`` from which the gateway derives the HTTP status. Plain
Python: ``domain/`` raises them too. The message is English, for logs only."""

from abitare_chassis.errors import (
    AbitareError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleVersion,
)

__all__ = [
    "InvalidInput",
    "ReferralNotFound",
    "ReferralForbidden",
    "CaseForbidden",
    "CaseConflict",
    "DuplicatesNotAcknowledged",
    "ProjectVersionConflict",
    "MeetingNotFound",
    "ProposalNotFound",
    "MeetingConflict",
    "ProposalConflict",
    "ActionOutcomeInvalid",
    "IdempotencyKeyReused",
    "AssigneeOutOfScope",
    "DuplicateChecksLimited",
    "MeetingComuniOutOfScope",
    "CasePseudonymised",
]


class ReferralNotFound(NotFound):
    """No such referral (case), or not in the actor's comuni (same answer on purpose)."""

    code = "referral_not_found"  # details: referral_id


class ReferralForbidden(Forbidden):
    """The actor may not submit a referral for this comune."""

    code = "referral_forbidden"  # details: comune_istat


class CaseForbidden(Forbidden):
    """The actor's role may not do this on a case (see ``domain.permissions``)."""

    code = "case_forbidden"  # details: role, action


class CaseConflict(Conflict):
    """The case is not in a state that allows this (see ``domain.lifecycle``)."""

    code = "case_conflict"  # details: status, action


class DuplicatesNotAcknowledged(CaseConflict):
    """Taking on a case whose household is already known needs ``duplicates_acknowledged``."""

    code = "duplicates_not_acknowledged"


class CasePseudonymised(CaseConflict):
    """The case was pseudonymised after its retention period: it is kept for the counts only
    and nothing more can be written on it (``domain.retention``)."""

    code = "case_pseudonymised"  # details: pseudonymised_at


class NoProjectToValidate(CaseConflict):
    """A validation proposal for a case that has no individual project yet."""

    code = "no_project_to_validate"


class ProjectVersionConflict(StaleVersion):
    """The project changed since the version the caller read (``expected_version`` is stale)."""

    code = "project_version_conflict"  # details: expected_version, current_version


class MeetingNotFound(NotFound):
    """No such commission meeting."""

    code = "meeting_not_found"  # details: meeting_id


class ProposalNotFound(NotFound):
    """No such commission proposal, or its case is outside the actor's comuni."""

    code = "proposal_not_found"  # details: proposal_id


class MeetingConflict(Conflict):
    """The meeting is closed (its minutes are recorded), or proposals are still undecided."""

    code = "meeting_conflict"


class MeetingClosed(MeetingConflict):
    """The meeting is closed: its minutes are recorded."""

    code = "meeting_closed"


class ProposalsPending(MeetingConflict):
    """The minutes cannot be recorded while proposals are still to decide or postpone."""

    code = "proposals_pending"  # details: pending


class ProposalConflict(Conflict):
    """The proposal was already decided."""

    code = "proposal_already_decided"  # details: status


class ActionOutcomeInvalid(InvalidInput):
    """An ``*.action_outcome_recorded`` event names no known action: parked, not retried."""

    code = "action_outcome_invalid"


class IdempotencyKeyReused(InvalidInput):
    """The Idempotency-Key was already used with a different payload (IETF Idempotency-Key
    draft: 422). Nothing is stored; the first referral stays as it was."""

    code = "idempotency_key_reused"

    def __init__(self, key: str):
        super().__init__(
            {"idempotency_key": [{"code": self.code}]},
            "idempotency key already used with a different payload",
        )


class AssigneeOutOfScope(InvalidInput):
    """The case cannot be assigned to that operator: unknown, of a role that does not work
    cases, or without the case's comune in scope."""

    code = "assignee_out_of_scope"

    def __init__(self):
        super().__init__(
            {"operator_sub": [{"code": self.code}]}, "the operator cannot be assigned this case"
        )


class MeetingComuniOutOfScope(InvalidInput):
    """A meeting can only be for comuni in the coordinator's scope."""

    code = "meeting_comuni_out_of_scope"

    def __init__(self):
        super().__init__(
            {"comuni": [{"code": self.code}]}, "a meeting can only be for comuni in your scope"
        )


class DuplicateChecksLimited(AbitareError):
    """The operator looked for possible duplicates of too many households in the last hour."""

    kind = "rate_limited"
    code = "duplicate_checks_limited"  # details: limit, window_minutes
