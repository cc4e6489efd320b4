"""The case path's web forms: raw strings in, an intake payload out, or Italian messages by
field id (values are kept so the page shows them again). The forms check what a person types
(required fields, dates, closed lists); intake owns the rules and its messages are shown too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from .. import labels
from ..agency_time import AGENCY_TZ
from ..i18n import _
from .forms import CHOOSE_MESSAGE, REQUIRED_MESSAGE, parse_date

ACTION_KEY = re.compile(r"^actions-(\d{1,3})-([a-z_]+)$")
ACTION_FIELDS = (
    "id",
    "type",
    "description",
    "responsible",
    "partner_code",
    "partner_service",
    "due_date",
    "status",
)
MAX_ACTIONS = 100
BLANK_ACTION_ROWS = 1
BOOLEAN_INDICATORS = tuple(labels.INDICATOR)


@dataclass
class FormState:
    """What a form posted (``values``) and what is wrong with it (``errors`` by field id)."""

    values: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, field_id: str, message: str):
        self.errors.setdefault(field_id, []).append(message)

    def get(self, name: str, default=""):
        return self.values.get(name, default)


def _text(form, state: FormState, name: str, required=False, limit=4000) -> str | None:
    value = (form.get(name) or "").strip()
    state.values[name] = value
    if not value:
        if required:
            state.error(name, REQUIRED_MESSAGE)
        return None
    if len(value) > limit:
        state.error(name, f"Al massimo {limit} caratteri.")
    return value


def _choice(form, state: FormState, name: str, table: str, required=False) -> str | None:
    value = _text(form, state, name, required)
    if value and value not in labels.TABLES[table]:
        state.error(name, CHOOSE_MESSAGE)
    return value


def _date(form, state: FormState, name: str, required=False) -> str | None:
    value = _text(form, state, name, required)
    if not value:
        return None
    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        state.error(name, str(exc))
        return None


def _moment(form, state: FormState, name: str, required=True) -> str | None:
    """``<input type="datetime-local">`` (Italian time) -> ISO with the offset."""
    value = _text(form, state, name, required)
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=AGENCY_TZ).isoformat()
        except ValueError:
            continue
    state.error(name, _("Data e ora non valide: usa il formato gg/mm/aaaa hh:mm."))
    return None


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# -- triage, assignment, closure, reopening ----------------------------------------------------
def triage(form) -> tuple[dict, FormState]:
    state = FormState()
    outcome = _choice(form, state, "outcome", "triage_outcome", required=True)
    reason = _text(form, state, "reason")
    acknowledged = form.get("duplicates_acknowledged") == "1"
    state.values["duplicates_acknowledged"] = acknowledged
    payload = {"outcome": outcome, "duplicates_acknowledged": acknowledged}
    if reason:
        payload["reason"] = reason
    return payload, state


def closure(form) -> tuple[dict, FormState]:
    state = FormState()
    payload = {
        "outcome": _choice(form, state, "outcome", "closure_outcome", required=True),
        "notes": _text(form, state, "notes"),
        "restitution_date": _date(form, state, "restitution_date"),
    }
    return payload, state


def reopening(form) -> tuple[str | None, FormState]:
    state = FormState()
    return _text(form, state, "reason", required=True), state


# -- diary and interviews ------------------------------------------------------------------------
def diary_entry(form) -> tuple[dict, FormState]:
    state = FormState()
    payload = {
        "kind": _choice(form, state, "kind", "diary_kind", required=True),
        "occurred_at": _moment(form, state, "occurred_at"),
        "text": _text(form, state, "text", required=True, limit=10000),
        "confidential": form.get("confidential") == "1",
    }
    state.values["confidential"] = payload["confidential"]
    return payload, state


def interview(form) -> tuple[dict, FormState]:
    state = FormState()
    participants = _text(form, state, "participants")
    payload = {
        "scheduled_at": _moment(form, state, "scheduled_at"),
        "location": _text(form, state, "location", required=True, limit=200),
        "participants": _lines(participants),
    }
    return payload, state


# -- assessment ----------------------------------------------------------------------------------
def assessment(form) -> tuple[dict, FormState]:
    state = FormState()
    indicators: dict = {}
    for name in BOOLEAN_INDICATORS:
        checked = form.get(f"ind-{name}") == "1"
        state.values[f"ind-{name}"] = checked
        if checked:
            indicators[name] = True
    stage = _choice(form, state, "eviction_stage", "eviction_stage_recorded")
    if stage:
        indicators["eviction_stage"] = stage
    for name in ("eviction_date", "documents_expiring_on"):
        value = _date(form, state, name)
        if value:
            indicators[name] = value
    grade = _text(form, state, "confirmed_grade")
    if grade and grade not in labels.GRADE:
        state.error("confirmed_grade", CHOOSE_MESSAGE)
    payload = {
        "indicators": indicators,
        "confirmed_grade": int(grade) if grade in labels.GRADE else None,
        "override_reason": _text(form, state, "override_reason"),
        "pis_situation": _choice(form, state, "pis_situation", "pis_situation"),
    }
    return payload, state


def assessment_values(latest: dict | None) -> dict:
    """Prefill the form from the latest assessment, so a reassessment starts from it."""
    if not latest:
        return {}
    indicators = latest.get("indicators") or {}
    values = {f"ind-{name}": bool(indicators.get(name)) for name in BOOLEAN_INDICATORS}
    for name in ("eviction_stage", "eviction_date", "documents_expiring_on"):
        values[name] = indicators.get(name) or ""
    values["pis_situation"] = latest.get("pis_situation") or ""
    return values


# -- the project ---------------------------------------------------------------------------------
def project_values(project: dict) -> dict:
    actions = [
        {name: (action.get(name) or "") for name in ACTION_FIELDS}
        for action in project.get("actions") or []
    ]
    return {
        "version": project.get("version", 0),
        "objectives": "\n".join(project.get("objectives") or []),
        "agreed_on": project.get("agreed_on") or "",
        "actions": actions + [blank_action() for _ in range(BLANK_ACTION_ROWS)],
    }


def blank_action() -> dict:
    return {name: "" for name in ACTION_FIELDS} | {"status": "da_avviare"}


def project(form) -> tuple[int | None, dict, FormState]:
    """``(expected_version, payload, state)``; rows left empty are ignored."""
    state = FormState()
    try:
        version = int(form.get("version", ""))
    except ValueError:
        version = None
        state.error("_form", _("Versione del progetto mancante: ricarica la pagina."))
    objectives = _text(form, state, "objectives", limit=20000)
    agreed_on = _date(form, state, "agreed_on")
    rows: dict[int, dict] = {}
    for key in form.keys():
        match = ACTION_KEY.match(key)
        if match and match.group(2) in ACTION_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = (form.get(key) or "").strip()
    actions, shown = [], []
    for index in sorted(rows)[:MAX_ACTIONS]:
        row = blank_action() | rows[index]
        shown.append(row)
        if not (row["description"] or row["type"] or row["due_date"]):
            continue
        actions.append(_action(row, len(shown) - 1, state))
    if form.get("action") == "add-action" and len(shown) < MAX_ACTIONS:
        shown.append(blank_action())
    state.values.update(
        version=version,
        objectives=objectives or "",
        agreed_on=agreed_on or state.values.get("agreed_on", ""),
        actions=shown or [blank_action()],
    )
    payload = {"objectives": _lines(objectives), "actions": actions, "agreed_on": agreed_on}
    return version, payload, state


def _action(row: dict, index: int, state: FormState) -> dict:
    prefix = f"actions-{index}-"
    for name, table in (
        ("type", "action_type"),
        ("responsible", "responsible"),
        ("status", "action_status"),
    ):
        if not row[name]:
            state.error(prefix + name, REQUIRED_MESSAGE)
        elif row[name] not in labels.TABLES[table]:
            state.error(prefix + name, CHOOSE_MESSAGE)
    if not row["description"]:
        state.error(prefix + "description", REQUIRED_MESSAGE)
    due = None
    if row["due_date"]:
        try:
            due = parse_date(row["due_date"]).isoformat()
        except ValueError as exc:
            state.error(prefix + "due_date", str(exc))
    action = {
        "type": row["type"],
        "description": row["description"],
        "responsible": row["responsible"],
        "partner_code": row["partner_code"] or None,
        "partner_service": row["partner_service"] or None,
        "due_date": due,
        "status": row["status"],
    }
    if row["id"]:
        action["id"] = row["id"]
    return action


# -- commission ----------------------------------------------------------------------------------
def meeting(form) -> tuple[dict, FormState]:
    state = FormState()
    return {
        "date": _date(form, state, "date", required=True),
        "location": _text(form, state, "location", limit=200),
    }, state


def proposal(form) -> tuple[dict, FormState]:
    state = FormState()
    return {
        "referral_id": _text(form, state, "referral_id", required=True, limit=64),  # picked
        "kind": _choice(form, state, "kind", "proposal_kind", required=True),
        "notes": _text(form, state, "notes"),
    }, state


def decision(form) -> tuple[dict, FormState]:
    state = FormState()
    return {
        "decision": _choice(form, state, "decision", "decision", required=True),
        "notes": _text(form, state, "notes"),
    }, state


def minutes(form) -> tuple[str | None, FormState]:
    state = FormState()
    return _text(form, state, "text", required=True, limit=20000), state
