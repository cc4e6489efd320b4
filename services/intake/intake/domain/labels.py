"""Every code intake shows to people, with its Italian label: one table per vocabulary.

The codes and their labels live where the rules use them (the referral form's vocabularies in
``vocabulary``, the case path's in ``lifecycle``, ``grading``, ``project``, ``commission`` and
``household``); this module only gathers them into what ``infra/contracts/vocabulary.json``
holds. The gateway reads that file for its pages and forms, so there is one place to word a
label; intake's and the gateway's tests fail when the file drifts from these modules.
Regenerate it with ``make vocabulary``.
"""

from __future__ import annotations

import json

from . import commission, grading, household, lifecycle, project, vocabulary


def _capitalized(table: dict) -> dict:
    """Sentence-case labels (``"sfratto eseguito"``) as list items (``"Sfratto eseguito"``)."""
    return {code: text[:1].upper() + text[1:] for code, text in table.items()}


GRADE = {
    str(grade): f"Grado {grade} · {text[:1].upper() + text[1:]}"
    for grade, text in grading.GRADES.items()
}

# The rows of the Fotografia that count a missing value.
FOTOGRAFIA_GAPS = {
    grading.NOT_ASSESSED: "Non valutato",
    household.NOT_CLASSIFIED: "Non classificata",
}

CASE_PATH = {
    "referral_status": lifecycle.STATUSES,
    "triage_outcome": lifecycle.TRIAGE_OUTCOME_LABELS,
    "grade": GRADE,
    "indicator": grading.INDICATOR_LABELS,
    "eviction_stage": _capitalized(grading.EVICTION_STAGE_LABELS),
    "pis_situation": _capitalized(grading.PIS_SITUATIONS),
    "action_type": project.ACTION_TYPES,
    "responsible": project.RESPONSIBLE,
    "action_status": project.ACTION_STATUSES,
    "closure_outcome": lifecycle.CLOSURE_OUTCOMES,
    "proposal_kind": commission.PROPOSAL_KINDS,
    "decision": commission.DECISIONS,
    "household_composition": household.COMPOSITIONS,
    "fotografia_gap": FOTOGRAFIA_GAPS,
}


def as_contract() -> dict:
    """What ``infra/contracts/vocabulary.json`` holds: every table with its codes in order and
    their labels, and the head-of-household relation."""
    return {
        "head_of_household": vocabulary.HEAD_OF_HOUSEHOLD,
        "tables": {**vocabulary.VOCABULARIES, "diary_kind": vocabulary.DIARY_KINDS, **CASE_PATH},
    }


def rendered() -> str:
    """The contract file's text."""
    return json.dumps(as_contract(), ensure_ascii=False, indent=2) + "\n"
