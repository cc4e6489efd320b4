"""An in-memory stand-in for intake's case path (docs/contracts-case.md) on a
:class:`~abitare_gateway.testing.FakeRpcClient`: the same method names, argument order, result
shapes, error names and role rules, with deliberately simple rules behind them (the real ones
are intake's). For the gateway's tests and demos without a broker::

    referrals = {}                       # id -> referral dict, as intake's get_referral answers
    FakeCaseIntake(referrals).install(fake)
"""
from __future__ import annotations

import copy
import itertools
from collections import Counter
from datetime import date, datetime, timedelta, timezone

from abitare_chassis.actor import Actor
from abitare_chassis.errors import encode

from .rpc import RemoteError

OPERATORS = {"agency_operator", "coordinator", "comune_operator", "system"}
CASE_WORKERS = {"agency_operator", "coordinator", "system"}       # triage, assessment, closure
COORDINATORS = {"coordinator", "system"}                          # assignment, commission
TRANSITIONS = {
    "presa_in_carico": ({"ricevuta", "informazioni_richieste"}, "in_carico"),
    "richiesta_informazioni": ({"ricevuta", "informazioni_richieste"}, "informazioni_richieste"),
    "respinta": ({"ricevuta", "informazioni_richieste"}, "respinta"),
}
GRADE_4 = ("violence_or_abuse", "no_home_to_return", "unsafe_dwelling")
GRADE_3 = ("weak_support_network", "unstable_income", "low_income", "legal_proceedings",
           "documents_expiring_on")
GRADE_2 = ("arrears_rent", "arrears_mortgage", "arrears_utilities", "rent_burden_over_30")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _error(exc_type: str, code: str, kind: str, message: str = "", **details) -> RemoteError:
    """intake's typed error as it travels (``abitare_chassis.errors.encode``)."""
    return RemoteError("intake", exc_type, encode(code, kind, message, details))


def _invalid(errors: dict) -> RemoteError:
    return _error("InvalidInput", "invalid_input", "invalid", fields=errors)


def _head(referral: dict) -> str:
    for member in referral.get("household", []):
        if member.get("relation") == "intestatario":
            return f"{member['last_name']} {member['first_name']}"
    return ""


class FakeCaseIntake:
    def __init__(self, referrals: dict[str, dict], served: set[str] | None = None):
        self.referrals = referrals
        self.served = served            # ISTAT codes served by the agency; None = all
        self.cases: dict[str, dict] = {}
        self.diary: dict[str, list[dict]] = {}
        self.assessments: dict[str, list[dict]] = {}
        self.projects: dict[str, list[dict]] = {}
        self.meetings: dict[str, dict] = {}
        self.proposals: dict[str, dict] = {}
        self.audit: list[dict] = []
        self.ids = itertools.count(1)

    def install(self, fake) -> "FakeCaseIntake":
        for name in ("get_case", "get_case_status", "check_eligibility",
                     "find_possible_duplicates", "triage_referral", "assign_case",
                     "schedule_interview", "add_diary_entry", "list_diary", "record_assessment",
                     "list_assessments", "get_project", "save_project", "list_project_versions",
                     "create_meeting", "add_proposal", "decide_proposal", "record_minutes",
                     "get_meeting", "list_meetings", "close_case", "reopen_case", "get_worklist",
                     "get_fotografia"):
            fake.on("intake", name, getattr(self, name))
        return self

    # -- scope and roles ------------------------------------------------------------------------
    def _referral(self, actor: Actor, referral_id: str, roles=OPERATORS) -> dict:
        referral = self.referrals.get(referral_id)
        if referral is None or referral["comune_istat"] not in actor.comuni:
            raise _error("ReferralNotFound", "referral_not_found", "not_found",
                         f"no referral {referral_id}")
        if actor.role not in roles:
            raise _error("CaseForbidden", "case_forbidden", "forbidden",
                         f"role {actor.role} may not do this")
        return referral

    def _case(self, referral_id: str) -> dict:
        referral = self.referrals[referral_id]
        return self.cases.setdefault(referral_id, {
            "status": referral.get("status", "ricevuta"), "assigned_to": None, "triage": None,
            "current_grade": None, "closure": None, "updated_at": referral.get("received_at")})

    def _audit(self, actor: Actor, action: str, referral_id: str):
        self.audit.append({"who": actor.sub, "role": actor.role, "action": action,
                           "referral_id": referral_id, "at": _now()})

    # -- the case file ----------------------------------------------------------------------------
    def get_case(self, actor, referral_id):
        referral = self._referral(actor, referral_id)
        self._audit(actor, "get_case", referral_id)
        case = self._case(referral_id)
        return {**referral, **{k: v for k, v in case.items() if k != "updated_at"},
                "eligibility": self.check_eligibility(actor, referral_id),
                "possible_duplicates": self.find_possible_duplicates(actor, referral_id)}

    def get_case_status(self, actor, referral_id):
        referral = self.referrals.get(referral_id)
        visible = referral is not None and referral["comune_istat"] in actor.comuni and (
            actor.role != "municipal_client" or referral.get("submitted_by") == actor.sub)
        if not visible:
            raise _error("ReferralNotFound", "referral_not_found", "not_found",
                         f"no referral {referral_id}")
        case = self._case(referral_id)
        return {"id": referral_id, "comune_istat": referral["comune_istat"],
                "status": case["status"], "received_at": referral.get("received_at"),
                "updated_at": case["updated_at"]}

    def check_eligibility(self, actor, referral_id):
        referral = self._referral(actor, referral_id)
        served = self.served is None or referral["comune_istat"] in self.served
        name = referral.get("comune_name") or referral["comune_istat"]
        eviction = None
        if referral.get("eviction_date"):
            execution = date.fromisoformat(referral["eviction_date"][:10])
            received = date.fromisoformat((referral.get("received_at") or _now())[:10])
            days = (execution - received).days
            late = days < 90
            eviction = {"execution_date": execution.isoformat(), "days_before": days,
                        "late": late,
                        "explanation": f"Segnalazione {days} giorni prima dell'esecuzione"
                                       + (": meno di 3 mesi, in ritardo." if late else ".")}
        return {"served": served, "eviction": eviction,
                "served_explanation": f"{name} " + ("appartiene" if served else
                                                    "non appartiene")
                                      + " a un ambito servito dall'Agenzia."}

    def find_possible_duplicates(self, actor, referral_id):
        referral = self._referral(actor, referral_id)
        codes = {m["codice_fiscale"] for m in referral.get("household", [])}
        found = []
        for other in self.referrals.values():
            if other["id"] == referral_id or not codes & {
                    m["codice_fiscale"] for m in other.get("household", [])}:
                continue
            found.append({"match": "codice_fiscale", "comune_istat": other["comune_istat"],
                          "comune_name": other.get("comune_name"),
                          "status": self._case(other["id"])["status"],
                          "received_at": other.get("received_at"),
                          "referral_id": other["id"] if other["comune_istat"] in actor.comuni
                          else None})
        return found

    def _move(self, referral_id: str, allowed_from: set[str], to: str) -> dict:
        case = self._case(referral_id)
        if case["status"] not in allowed_from:
            raise _error("CaseConflict", "case_conflict", "conflict",
                         f"cannot go from {case['status']} to {to}")
        case["status"], case["updated_at"] = to, _now()
        return case

    def triage_referral(self, actor, referral_id, decision):
        self._referral(actor, referral_id, CASE_WORKERS)
        outcome = decision.get("outcome")
        if outcome not in TRANSITIONS:
            raise _invalid({"outcome": [{"code": "one_of", "choices": list(TRANSITIONS)}]})
        if outcome != "presa_in_carico" and not decision.get("reason"):
            raise _invalid({"reason": [{"code": "required"}]})
        if outcome == "presa_in_carico" and self.find_possible_duplicates(actor, referral_id) \
                and not decision.get("duplicates_acknowledged"):
            raise _error("DuplicatesNotAcknowledged", "duplicates_not_acknowledged", "conflict",
                         "acknowledge the possible duplicates")
        case = self._move(referral_id, *TRANSITIONS[outcome])
        case["triage"] = {"outcome": outcome, "reason": decision.get("reason"), "at": _now(),
                          "by": actor.sub}
        return self.get_case(actor, referral_id)

    def assign_case(self, actor, referral_id, operator_sub):
        self._referral(actor, referral_id, COORDINATORS)
        self._case(referral_id)["assigned_to"] = operator_sub
        return self.get_case(actor, referral_id)

    def close_case(self, actor, referral_id, closure):
        self._referral(actor, referral_id, CASE_WORKERS)
        if not closure.get("outcome"):
            raise _invalid({"outcome": [{"code": "required"}]})
        case = self._move(referral_id, {"in_carico"}, "chiusa")
        case["closure"] = {**closure, "at": _now(), "by": actor.sub}
        return self.get_case(actor, referral_id)

    def reopen_case(self, actor, referral_id, reason):
        self._referral(actor, referral_id, CASE_WORKERS)
        if not reason:
            raise _invalid({"reason": [{"code": "required"}]})
        self._move(referral_id, {"chiusa"}, "in_carico")["closure"] = None
        return self.get_case(actor, referral_id)

    # -- diary ------------------------------------------------------------------------------------
    def add_diary_entry(self, actor, referral_id, entry):
        self._referral(actor, referral_id)
        if not entry.get("text"):
            raise _invalid({"text": [{"code": "required"}]})
        stored = {"id": f"d{next(self.ids)}", "kind": entry.get("kind", "nota"),
                  "occurred_at": entry.get("occurred_at") or _now(), "text": entry["text"],
                  "confidential": bool(entry.get("confidential")), "author": actor.sub,
                  "author_name": actor.name or actor.sub, "recorded_at": _now()}
        self.diary.setdefault(referral_id, []).append(stored)
        return stored

    def list_diary(self, actor, referral_id):
        self._referral(actor, referral_id)
        self._audit(actor, "list_diary", referral_id)
        own = {self._case(referral_id)["assigned_to"]}
        entries = []
        for entry in self.diary.get(referral_id, []):
            if entry["confidential"] and actor.sub not in own | {entry["author"]}:
                entry = {k: entry[k] for k in ("id", "confidential", "kind", "occurred_at",
                                               "author", "author_name")}
            entries.append(entry)
        return entries

    def schedule_interview(self, actor, referral_id, interview):
        if not interview.get("scheduled_at"):
            raise _invalid({"scheduled_at": [{"code": "required"}]})
        participants = ", ".join(interview.get("participants") or [])
        return self.add_diary_entry(actor, referral_id, {
            "kind": "colloquio_congiunto", "occurred_at": interview["scheduled_at"],
            "text": f"Colloquio congiunto presso {interview.get('location') or '—'}"
                    f" con {participants or '—'}.", "confidential": False})

    # -- assessment -------------------------------------------------------------------------------
    def record_assessment(self, actor, referral_id, assessment):
        self._referral(actor, referral_id, CASE_WORKERS)
        indicators = assessment.get("indicators") or {}
        on = [name for name, value in indicators.items() if value not in (None, False, "none")]
        if assessment.get("pis_situation") or any(n in on for n in GRADE_4):
            suggested, why = 4, "Emergenza: intervento indifferibile."
        elif sum(n in on for n in GRADE_3) >= 2:
            suggested, why = 3, "Bisogno complesso su più dimensioni."
        elif any(n in on for n in GRADE_2) or indicators.get("eviction_stage") not in (
                None, "none"):
            suggested, why = 2, "Esordio di difficoltà nel mantenimento dell'alloggio."
        else:
            suggested, why = 1, "Fragilità senza un bisogno ancora manifesto."
        confirmed = assessment.get("confirmed_grade")
        if confirmed not in (None, suggested) and not assessment.get("override_reason"):
            raise _invalid({"override_reason": [{"code": "override_reason_required"}]})
        result = {"suggested_grade": suggested, "explanation": [why] + [
            f"Indicatore: {name}" for name in on], "grade": confirmed or suggested,
            "overridden": confirmed not in (None, suggested),
            "override_reason": assessment.get("override_reason"),
            "pis_situation": assessment.get("pis_situation"), "indicators": indicators,
            "at": _now(), "by": actor.sub}
        self.assessments.setdefault(referral_id, []).append(result)
        self._case(referral_id)["current_grade"] = result["grade"]
        return result

    def list_assessments(self, actor, referral_id):
        self._referral(actor, referral_id)
        self._audit(actor, "list_assessments", referral_id)
        return list(reversed(self.assessments.get(referral_id, [])))

    # -- project ----------------------------------------------------------------------------------
    def get_project(self, actor, referral_id):
        self._referral(actor, referral_id)
        self._audit(actor, "get_project", referral_id)
        versions = self.projects.get(referral_id)
        return copy.deepcopy(versions[-1]) if versions else {
            "version": 0, "objectives": [], "actions": [], "agreed_on": None,
            "updated_at": None, "updated_by": None}

    def save_project(self, actor, referral_id, expected_version, project):
        self._referral(actor, referral_id)
        current = self.projects.get(referral_id, [])
        version = current[-1]["version"] if current else 0
        if expected_version != version:
            raise _error("ProjectVersionConflict", "project_version_conflict", "stale_version",
                         f"expected version {expected_version}, current is {version}",
                         expected_version=expected_version, current_version=version)
        actions = [dict(a, id=a.get("id") or f"a{next(self.ids)}")
                   for a in project.get("actions", [])]
        saved = {"version": version + 1, "objectives": list(project.get("objectives", [])),
                 "actions": actions, "agreed_on": project.get("agreed_on"),
                 "updated_at": _now(), "updated_by": actor.sub}
        self.projects.setdefault(referral_id, []).append(saved)
        return copy.deepcopy(saved)

    def list_project_versions(self, actor, referral_id):
        self._referral(actor, referral_id)
        return list(reversed(copy.deepcopy(self.projects.get(referral_id, []))))

    # -- commission -------------------------------------------------------------------------------
    def _coordinator(self, actor):
        if actor.role not in COORDINATORS:
            raise _error("CommissionForbidden", "case_forbidden", "forbidden",
                         "the commission is the coordinators'")

    def _meeting(self, meeting_id):
        if meeting_id not in self.meetings:
            raise _error("MeetingNotFound", "meeting_not_found", "not_found",
                         f"no meeting {meeting_id}")
        return self.meetings[meeting_id]

    def create_meeting(self, actor, meeting):
        self._coordinator(actor)
        meeting_id = f"m{next(self.ids)}"
        self.meetings[meeting_id] = {"id": meeting_id, "date": meeting["date"],
                                     "location": meeting.get("location"), "minutes": None,
                                     "proposal_ids": []}
        return self.get_meeting(actor, meeting_id)

    def get_meeting(self, actor, meeting_id):
        self._coordinator(actor)
        meeting = dict(self._meeting(meeting_id))
        meeting["proposals"] = [dict(self.proposals[p]) for p in meeting.pop("proposal_ids")]
        return meeting

    def list_meetings(self, actor):
        self._coordinator(actor)
        return [{k: v for k, v in self.get_meeting(actor, m).items() if k != "proposals"}
                | {"proposals_count": len(self.meetings[m]["proposal_ids"])}
                for m in sorted(self.meetings, reverse=True)]

    def add_proposal(self, actor, meeting_id, proposal):
        self._coordinator(actor)
        meeting = self._meeting(meeting_id)
        referral = self._referral(actor, proposal.get("referral_id", ""))
        proposal_id = f"p{next(self.ids)}"
        self.proposals[proposal_id] = {
            "id": proposal_id, "meeting_id": meeting_id, "referral_id": referral["id"],
            "head_name": _head(referral), "comune_name": referral.get("comune_name"),
            "kind": proposal["kind"], "notes": proposal.get("notes"), "decision": None,
            "decision_notes": None, "decided_at": None, "decided_by": None}
        meeting["proposal_ids"].append(proposal_id)
        return dict(self.proposals[proposal_id])

    def decide_proposal(self, actor, proposal_id, decision):
        self._coordinator(actor)
        proposal = self.proposals.get(proposal_id)
        if proposal is None:
            raise _error("ProposalNotFound", "proposal_not_found", "not_found",
                         f"no proposal {proposal_id}")
        if proposal["decision"] in ("approvata", "respinta"):
            raise _error("ProposalConflict", "proposal_already_decided", "conflict",
                         "already decided")
        proposal.update(decision=decision["decision"], decision_notes=decision.get("notes"),
                        decided_at=_now(), decided_by=actor.sub)
        return dict(proposal)

    def record_minutes(self, actor, meeting_id, text):
        self._coordinator(actor)
        self._meeting(meeting_id)["minutes"] = text
        return self.get_meeting(actor, meeting_id)

    # -- worklist and fotografia ------------------------------------------------------------------
    def _in_scope(self, actor):
        return [r for r in self.referrals.values() if r["comune_istat"] in actor.comuni]

    def get_worklist(self, actor):
        if actor.role not in OPERATORS:
            raise _error("CaseForbidden", "case_forbidden", "forbidden",
                         "operators only")
        today = date.today()

        def item(referral, when, what):
            return {"referral_id": referral["id"], "comune": referral.get("comune_name"),
                    "head_name": _head(referral), "date": when, "what": what}
        work = {"awaiting_triage": [], "overdue_actions": [], "evictions_within_30_days": [],
                "documents_expiring": [], "proposals_awaiting_commission": []}
        for referral in self._in_scope(actor):
            status = self._case(referral["id"])["status"]
            if status in ("ricevuta", "informazioni_richieste"):
                work["awaiting_triage"].append(item(referral, referral.get("received_at"),
                                                    "Scheda da valutare"))
            eviction = referral.get("eviction_date")
            if eviction and 0 <= (date.fromisoformat(eviction[:10]) - today).days <= 30:
                work["evictions_within_30_days"].append(item(referral, eviction,
                                                             "Sfratto imminente"))
            for action in (self.projects.get(referral["id"]) or [{}])[-1].get("actions", []):
                due = action.get("due_date")
                if due and date.fromisoformat(due) < today and action.get("status") in (
                        "da_avviare", "in_corso"):
                    work["overdue_actions"].append(item(referral, due, action["description"]))
            latest = (self.assessments.get(referral["id"]) or [{}])[-1]
            expiring = (latest.get("indicators") or {}).get("documents_expiring_on")
            if expiring and (date.fromisoformat(expiring) - today).days <= 30:
                work["documents_expiring"].append(item(referral, expiring,
                                                       "Documenti in scadenza"))
        for proposal in self.proposals.values():
            referral = self.referrals.get(proposal["referral_id"])
            if proposal["decision"] in (None, "rinviata") and referral \
                    and referral["comune_istat"] in actor.comuni:
                work["proposals_awaiting_commission"].append(
                    item(referral, self.meetings[proposal["meeting_id"]]["date"],
                         proposal["kind"]))
        return work

    def get_fotografia(self, actor, date_from, date_to, comune_istat=None):
        if actor.role not in OPERATORS:
            raise _error("CaseForbidden", "case_forbidden", "forbidden",
                         "operators only")
        start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
        chosen = [r for r in self._in_scope(actor)
                  if start <= date.fromisoformat((r.get("received_at") or _now())[:10]) <= end
                  and (comune_istat is None or r["comune_istat"] == comune_istat)]

        def count(key):
            return dict(Counter(key(r) for r in chosen if key(r) is not None))
        return {
            "date_from": date_from, "date_to": date_to, "comune_istat": comune_istat,
            "total": len(chosen),
            "by_referring_body": count(lambda r: r.get("referring_body")),
            "by_problem_reported": count(lambda r: r.get("problem_reported")),
            "by_housing_situation": count(lambda r: r.get("housing_situation")),
            "by_household_composition": count(lambda r: "adulto_solo" if len(
                r.get("household", [])) == 1 else "altro"),
            "by_comune": count(lambda r: r.get("comune_name") or r["comune_istat"]),
            "by_grade": count(lambda r: (lambda g: str(g) if g else None)(
                self._case(r["id"])["current_grade"])),
            "by_outcome": count(lambda r: (self._case(r["id"])["closure"] or {}).get("outcome")),
        }


def days_from_today(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()
