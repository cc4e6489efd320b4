"""Errors intake raises on purpose; nameko carries their class names to the caller, and the
gateway maps them by suffix (``*NotFound`` 404, ``*Forbidden`` 403, ``*Conflict`` 409,
``ProjectVersionConflict`` 412, ``InvalidInput`` 422). Plain Python: ``domain/`` raises them too."""
from abitare_chassis.errors import Conflict, Forbidden, InvalidInput, NotFound

__all__ = ["InvalidInput", "ReferralNotFound", "ReferralForbidden", "CaseForbidden",
           "CaseConflict", "DuplicatesNotAcknowledged", "ProjectVersionConflict",
           "MeetingNotFound", "ProposalNotFound", "MeetingConflict", "ProposalConflict",
           "ActionOutcomeInvalid"]


class ReferralNotFound(NotFound):
    """No such referral (case), or not in the actor's comuni (same answer on purpose)."""


class ReferralForbidden(Forbidden):
    """The actor may not submit a referral for this comune."""


class CaseForbidden(Forbidden):
    """The actor's role may not do this on a case (see ``domain.permissions``)."""


class CaseConflict(Conflict):
    """The case is not in a state that allows this (see ``domain.lifecycle``)."""


class DuplicatesNotAcknowledged(CaseConflict):
    """Taking on a case whose household is already known needs ``duplicates_acknowledged``."""


class ProjectVersionConflict(Conflict):
    """The project changed since the version the caller read (``expected_version`` is stale)."""


class MeetingNotFound(NotFound):
    """No such commission meeting."""


class ProposalNotFound(NotFound):
    """No such commission proposal, or its case is outside the actor's comuni."""


class MeetingConflict(Conflict):
    """The meeting is closed (its minutes are recorded)."""


class ProposalConflict(Conflict):
    """The proposal was already decided."""


class ActionOutcomeInvalid(InvalidInput):
    """An ``*.action_outcome_recorded`` event names no known action: parked, not retried."""
