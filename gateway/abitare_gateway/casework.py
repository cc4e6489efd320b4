"""What the gateway asks intake about the case path (docs/contracts-case.md), in one place: the
REST API and the web UI share these calls.

Every function is one RPC call with the request's actor; arguments are JSON-ready (dates as ISO
strings). Intake decides everything: scope, roles, state transitions, grades, duplicates.
Every call that answers personal data carries the purpose of the route serving the request
(:mod:`purposes`): intake writes it in its audit row.
"""

from __future__ import annotations

from abitare_chassis.actor import Actor

from . import purposes
from .backend import rpc


def _intake(method: str, actor: Actor, *args, **kwargs):
    return rpc().call("intake", method, actor, *args, **kwargs)


def _read(method: str, actor: Actor, *args, **kwargs):
    """A call whose answer holds personal data: with the purpose of the current route."""
    return _intake(method, actor, *args, purpose=purposes.current(), **kwargs)


# -- the case file ------------------------------------------------------------------------------
def get_case(actor: Actor, referral_id: str) -> dict:
    return _read("get_case", actor, referral_id)


def get_case_status(actor: Actor, referral_id: str) -> dict:
    return _intake("get_case_status", actor, referral_id)


def check_eligibility(actor: Actor, referral_id: str) -> dict:
    return _read("check_eligibility", actor, referral_id)


def find_possible_duplicates(actor: Actor, referral_id: str) -> list[dict]:
    return _read("find_possible_duplicates", actor, referral_id)


def triage_referral(actor: Actor, referral_id: str, decision: dict):
    return _read("triage_referral", actor, referral_id, decision)


def assign_case(actor: Actor, referral_id: str, assignee: dict):
    """``assignee``: ``{operator_sub, role, comuni}`` (see :mod:`assignees`)."""
    return _read("assign_case", actor, referral_id, assignee)


def close_case(actor: Actor, referral_id: str, closure: dict):
    return _read("close_case", actor, referral_id, closure)


def reopen_case(actor: Actor, referral_id: str, reason: str):
    return _intake("reopen_case", actor, referral_id, reason)


def get_timeline(actor: Actor, referral_id: str) -> dict:
    return _read("get_timeline", actor, referral_id)


# -- retention: the legal hold (coordinators) ------------------------------------------------------
def set_legal_hold(actor: Actor, referral_id: str, reason: str) -> dict:
    return _intake("set_legal_hold", actor, referral_id, reason)


def lift_legal_hold(actor: Actor, referral_id: str) -> dict | None:
    return _intake("lift_legal_hold", actor, referral_id)


# -- diary and interviews -------------------------------------------------------------------------
def list_diary(actor: Actor, referral_id: str) -> list[dict]:
    return _read("list_diary", actor, referral_id)


def add_diary_entry(actor: Actor, referral_id: str, entry: dict) -> dict:
    return _intake("add_diary_entry", actor, referral_id, entry)


def schedule_interview(actor: Actor, referral_id: str, interview: dict) -> dict:
    return _intake("schedule_interview", actor, referral_id, interview)


# -- assessment -----------------------------------------------------------------------------------
def list_assessments(actor: Actor, referral_id: str) -> list[dict]:
    return _read("list_assessments", actor, referral_id)


def record_assessment(actor: Actor, referral_id: str, assessment: dict) -> dict:
    return _intake("record_assessment", actor, referral_id, assessment)


# -- the individual project -----------------------------------------------------------------------
def get_project(actor: Actor, referral_id: str) -> dict:
    return _read("get_project", actor, referral_id)


def list_project_versions(actor: Actor, referral_id: str) -> list[dict]:
    return _read("list_project_versions", actor, referral_id)


def save_project(actor: Actor, referral_id: str, expected_version: int, project: dict) -> dict:
    """The saved project. Intake answers the new project, or only its new version number: then
    the project is read back, so callers always get the whole thing."""
    saved = _intake("save_project", actor, referral_id, expected_version, project)
    if isinstance(saved, dict) and "version" in saved:
        return saved
    return get_project(actor, referral_id)


# -- commission -----------------------------------------------------------------------------------
def list_meetings(actor: Actor) -> list[dict]:
    return _read("list_meetings", actor)


def get_meeting(actor: Actor, meeting_id: str) -> dict:
    return _read("get_meeting", actor, meeting_id)


def create_meeting(actor: Actor, meeting: dict) -> dict:
    return _intake("create_meeting", actor, meeting)


def add_proposal(actor: Actor, meeting_id: str, proposal: dict) -> dict:
    return _intake("add_proposal", actor, meeting_id, proposal)


def agenda_candidates(actor: Actor, meeting_id: str, text: str) -> list[dict]:
    """Cases to put on the meeting's agenda, found by name or codice fiscale."""
    return _read("agenda_candidates", actor, meeting_id, text)


def decide_proposal(actor: Actor, proposal_id: str, decision: dict) -> dict:
    return _intake("decide_proposal", actor, proposal_id, decision)


def record_minutes(actor: Actor, meeting_id: str, text: str) -> dict:
    return _intake("record_minutes", actor, meeting_id, text)


# -- codici fiscali that contradict their member -------------------------------------------------
def check_household(actor: Actor, household: list[dict]) -> list[dict]:
    """Warnings about a household not yet sent (nothing stored or read: no purpose)."""
    return _intake("check_household", actor, household)


def list_anomalies(actor: Actor, page: int, page_size: int) -> dict:
    return _read("list_anomalies", actor, page=page, page_size=page_size)


# -- the operator's day and the numbers -----------------------------------------------------------
def get_worklist(actor: Actor, **query) -> dict:
    """``query``: ``comune_istat``, ``mine``, ``pages`` (section -> page), ``page_size``."""
    return _read("get_worklist", actor, **query)


def get_fotografia(
    actor: Actor, date_from: str, date_to: str, comune_istat: str | None = None
) -> dict:
    return _intake("get_fotografia", actor, date_from, date_to, comune_istat)
