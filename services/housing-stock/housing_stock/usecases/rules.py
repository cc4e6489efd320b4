"""The housing rules asked without storing anything (an operator checking a household before an
application): the domain's verdicts as plain records."""

from __future__ import annotations

from datetime import date

from abitare_chassis.actor import Actor

from ..domain import permissions
from ..domain.sap_access import SapApplicant, check_sap_access


def sap_access(actor: Actor, applicant: dict, on: date) -> dict:
    """R.R. 4/2017 art. 7 on ``applicant`` (``SapApplicant``'s fields) as of ``on``."""
    permissions.ensure(actor.role, permissions.PLACE)
    check = check_sap_access(SapApplicant(**applicant), on)
    return {
        "outcome": check.outcome,
        "criteria": [
            {
                "criterion": c.criterion,
                "outcome": c.outcome,
                "explanation": c.explanation,
                "to_verify": c.to_verify,
            }
            for c in check.criteria
        ],
        "indigent": check.indigent,
        "indigence_explanation": check.indigence_explanation,
    }
