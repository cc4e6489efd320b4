"""The household's timeline (issue 8): one chronological view of everything that happened to a
case, composed from each service's own answer; no service reads another's tables.

- intake answers the case path (``get_timeline``: referral, triage, assignments, diary with
  placeholders for confidential notes, assessments, project versions, requests to other services
  and their answers, commission proposals and decisions, closures);
- funds, housing_stock and partners answer with their existing reads (the funds file and its
  affordability check, the housing need, the deliveries to partners).

Each read carries the route's purpose (:mod:`purposes`) and is audited by its service. A service
that is down, slow or failing leaves a gap that says so ("Fondi: dati non disponibili in questo
momento"), never an error page. Entries come newest first, as in the Diario.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import url_for

from abitare_chassis.actor import COORDINATOR, Actor

from . import labels, overview
from .accounts import actor_name
from .i18n import N_, _

INTAKE = "intake"
SOURCES = {  # section -> (service, method)
    INTAKE: ("intake", "get_timeline"),
    **overview.SECTIONS,
    "partner_referrals": ("partners", "list_partner_referrals"),
}
SECTION_SERVICE = {name: service for name, (service, _method) in SOURCES.items()}
TAB_ENDPOINT = {
    "scheda": "web.referral_detail",
    "triage": "web.case_triage",
    "diario": "web.case_diary",
    "colloquio": "web.case_interview",
    "valutazione": "web.case_assessment",
    "progetto": "web.case_project",
    "chiusura": "web.case_closure",
}
TAB_TEXT = {
    "scheda": N_("Scheda"),
    "triage": N_("Triage"),
    "diario": N_("Diario"),
    "colloquio": N_("Colloquio congiunto"),
    "valutazione": N_("Valutazione"),
    "progetto": N_("Progetto"),
    "chiusura": N_("Chiusura"),
    "commissione": N_("Commissione"),
}
CONFIDENTIAL_PLACEHOLDER = N_("Nota riservata")
GAP = N_("dati non disponibili in questo momento")


@dataclass(frozen=True)
class Entry:
    at: datetime
    what: str
    who: str
    source: str  # the service that answered (labels.SERVICE)
    detail: str | None = None
    link: str | None = None
    link_text: str | None = None
    kind: str = ""


def household_timeline(actor: Actor, referral_id: str) -> dict:
    """``{entries: [Entry], gaps: [str], sections: {name: status}}``, newest first."""
    sections = overview.ask(actor, referral_id, SOURCES)
    entries: list[Entry] = []
    gaps = []
    for name, section in sections.items():
        service = SECTION_SERVICE[name]
        if section["status"] == overview.UNAVAILABLE:
            gaps.append(f"{labels.label('service', service)}: {_(GAP)}")
            continue
        if section["status"] != overview.AVAILABLE:
            continue
        entries += COMPOSE[name](section["data"], actor, referral_id, actor_name)
    entries.sort(key=lambda e: e.at, reverse=True)
    return {
        "entries": entries,
        "gaps": gaps,
        "sections": {name: s["status"] for name, s in sections.items()},
    }


# -- intake ---------------------------------------------------------------------------------------
def _intake(data: dict, actor: Actor, referral_id: str, who) -> list[Entry]:
    entries = []
    for item in data.get("entries") or []:
        what, detail = _intake_text(item, who)
        link, link_text = _intake_link(item, actor, referral_id)
        entries.append(
            Entry(
                at=_instant(item["at"]),
                what=what,
                who=who(item.get("by"), item.get("by_name")),
                source=labels.label("service", "intake"),
                detail=detail,
                link=link,
                link_text=link_text,
                kind=item["kind"],
            )
        )
    return entries


def _intake_text(item: dict, who) -> tuple[str, str | None]:
    """What happened, in Italian, and a detail line (or None)."""
    kind = item["kind"]
    if kind == "referral_received":
        return (
            _(
                "Scheda di attivazione ricevuta da %(body)s",
                body=labels.label("referring_body", item.get("referring_body")),
            ),
            labels.label("problem_reported", item.get("problem_reported")),
        )
    if kind == "triage":
        outcome = labels.label("triage_outcome", item.get("outcome"))
        return _("Triage: %(outcome)s", outcome=outcome), item.get("reason")
    if kind == "assigned":
        return _("Scheda assegnata a %(who)s", who=who(item.get("assigned_to"))), None
    if kind == "diary":
        if not item.get("readable"):
            return _(CONFIDENTIAL_PLACEHOLDER), None
        what = labels.label("diary_kind", item.get("diary_kind"))
        confidential = " " + _("(riservata)") if item.get("confidential") else ""
        return what + confidential, item.get("excerpt")
    if kind == "assessment":
        what = _("Valutazione: %(grade)s", grade=labels.label("grade", item.get("grade")))
        if item.get("overridden"):
            return what, (
                _(
                    "Grado diverso da quello suggerito (%(grade)s)",
                    grade=labels.label("grade", item.get("suggested_grade")),
                )
            )
        return what, None
    if kind == "request_sent":
        service = labels.label("service", item.get("service"))
        return _("Richiesta a %(service)s: %(what)s", service=service, what=_request(item)), None
    if kind == "request_answered":
        detail = labels.label("service_outcome", item["outcome"]) if item.get("outcome") else None
        return (
            _(
                "%(service)s ha risposto: %(what)s – %(state)s",
                service=labels.label("service", item.get("service")),
                what=_request(item),
                state=labels.label("request_state", item.get("state")),
            ),
            detail,
        )
    if kind == "project_saved":
        return _("Progetto salvato (versione %(version)s)", version=item.get("version")), None
    if kind == "proposal":
        kind_text = labels.label("proposal_kind", item.get("proposal_kind"))
        return _("Proposta alla commissione: %(kind)s", kind=kind_text), None
    if kind == "decision":
        return (
            _(
                "Decisione della commissione: %(decision)s",
                decision=labels.label("decision", item.get("decision")),
            ),
            labels.label("proposal_kind", item.get("proposal_kind")),
        )
    if kind == "closed":
        return (
            _(
                "Presa in carico chiusa: %(outcome)s",
                outcome=labels.label("closure_outcome", item.get("outcome")),
            ),
            None,
        )
    if kind == "reopened":
        return "Presa in carico riaperta", None
    return kind, None


def _request(item: dict) -> str:
    text = labels.label("request_kind", item.get("request"))
    if item.get("pis_situation"):
        pis = labels.label("pis_situation", item["pis_situation"])
        text += f" (Pronto Intervento Sociale: {pis})"
    if item.get("partner_code"):
        text += f" ({item['partner_code']})"
    return text


def _intake_link(item: dict, actor: Actor, referral_id: str) -> tuple[str | None, str | None]:
    tab = item.get("tab")
    if tab == "commissione":
        if actor.role != COORDINATOR or not item.get("meeting_id"):
            return None, None  # the commission's pages are the coordinators'
        return (
            url_for("web.commission_meeting", meeting_id=item["meeting_id"]),
            _(TAB_TEXT[tab]),
        )
    if tab not in TAB_ENDPOINT:
        return None, None
    return url_for(TAB_ENDPOINT[tab], referral_id=referral_id), _(TAB_TEXT[tab])


# -- the other services ---------------------------------------------------------------------------
def _scheda(referral_id: str, anchor: str) -> str:
    return url_for("web.referral_detail", referral_id=referral_id, _anchor=anchor)


def _funds(data: dict, actor: Actor, referral_id: str, who) -> list[Entry]:
    check = data.get("affordability") or {}
    return [
        Entry(
            at=_instant(data["opened_at"]),
            what=_("Fascicolo fondi aperto"),
            who=who("service:funds"),
            source=labels.label("service", "funds"),
            detail=_("Sostenibilità del canone: ")
            + labels.label("affordability_outcome", check.get("outcome")),
            link=_scheda(referral_id, "fondi"),
            link_text=_("Scheda · Fondi"),
            kind="funds_file",
        )
    ]


def _housing(data: dict, actor: Actor, referral_id: str, who) -> list[Entry]:
    size = data.get("household_size")
    return [
        Entry(
            at=_instant(data["recorded_at"]),
            what=_("Fabbisogno abitativo registrato"),
            who=who("service:housing_stock"),
            source=labels.label("service", "housing_stock"),
            detail=_("Nucleo di %(size)s componente", size=size)
            if size == 1
            else _("Nucleo di %(size)s componenti", size=size)
            if size
            else None,
            link=_scheda(referral_id, "patrimonio"),
            link_text=_("Scheda · Patrimonio abitativo"),
            kind="housing_need",
        )
    ]


def _partners(data: list, actor: Actor, referral_id: str, who) -> list[Entry]:
    return [
        Entry(
            at=_instant(d["queued_at"]),
            what=f"Comunicazione a {d.get('partner_name') or d.get('partner_code')}",
            who=who("service:partners"),
            source=labels.label("service", "partners"),
            detail=labels.label("event_type", d.get("event_type")),
            link=_scheda(referral_id, "partner"),
            link_text=_("Scheda · Partner"),
            kind="partner_delivery",
        )
        for d in data or []
    ]


PARTNER_STEP = {
    "created": N_("Invio a %(partner)s"),
    "accept": N_("%(partner)s ha accettato l'invio"),
    "decline": N_("%(partner)s ha rifiutato l'invio"),
    "outcome": N_("Esito da %(partner)s"),
    "withdraw": N_("Invio a %(partner)s ritirato"),
}


def _partner_referrals(data: list, actor: Actor, referral_id: str, who) -> list[Entry]:
    """Each step of each referral to a partner: sent (or not sent, and why), the partner's
    answers with their outcome, the withdrawal."""
    entries = []
    for r in data or []:
        for step in r.get("steps") or []:
            partner = r.get("partner_code") or "partner"
            words = PARTNER_STEP.get(step["update"])
            what = _(words, partner=partner) if words else step["update"]
            if step["update"] == "created" and r.get("state") == "non_inviato":
                what = _("Invio a %(partner)s non riuscito", partner=partner)
            detail = labels.label("partner_service", r.get("service"))
            if step.get("outcome"):
                detail = f"{detail}: {labels.partner_outcome(r.get('service'), step['outcome'])}"
            if step.get("reason"):
                detail = f"{detail} – {step['reason']}"
            entries.append(
                Entry(
                    at=_instant(step["at"]),
                    what=what,
                    who=who(step.get("by")),
                    source=labels.label("service", "partners"),
                    detail=detail,
                    link=url_for("web.case_partners", referral_id=referral_id),
                    link_text=_("Invii ai partner"),
                    kind="partner_referral",
                )
            )
    return entries


COMPOSE = {
    INTAKE: _intake,
    "partner_referrals": _partner_referrals,
    "funds_file": _funds,
    "housing_need": _housing,
    "partner_deliveries": _partners,
}


def _instant(value) -> datetime:
    moment = (
        value
        if isinstance(value, datetime)
        else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    )
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
