"""Italian labels of the codes the pages show, in the page's language (:mod:`i18n`: the English
is the catalogue's, looked up when a label is shown). An unknown code shows as itself.

Intake owns its codes and their labels: the referral form's vocabularies and the whole case path
(statuses, grades, indicators, actions, outcomes, the Commissione), gathered by
``intake/domain/labels.py`` into ``infra/contracts/vocabulary.json`` (``make vocabulary``),
which this package ships as ``contracts/vocabulary.json``. Pages and forms read their options
and labels from there, so they work while intake is away, with nothing copied by hand; intake's
and the gateway's tests fail when the file drifts from either. The partners service publishes
its words the same way (``infra/contracts/partners-vocabulary.json``, shipped as
``contracts/partners-vocabulary.json``: its partner kinds, conventions, channels, services and
their outcomes, referral states, consent categories, events and fields), so its pages are worded
here by code, in the page's language. The remaining tables name codes of the other services and
of the gateway itself, in the gateway's own words.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources

from .i18n import _


def _contract(name: str) -> dict:
    return json.loads(
        resources.files(__package__).joinpath("contracts", name).read_text(encoding="utf-8")
    )


INTAKE_VOCABULARY = _contract("vocabulary.json")
PARTNERS_VOCABULARY = _contract("partners-vocabulary.json")

REFERRING_BODY = INTAKE_VOCABULARY["tables"]["referring_body"]
PROBLEM_REPORTED = INTAKE_VOCABULARY["tables"]["problem_reported"]
HOUSING_SITUATION = INTAKE_VOCABULARY["tables"]["housing_situation"]
RELATION = INTAKE_VOCABULARY["tables"]["relation"]
HEAD_OF_HOUSEHOLD = INTAKE_VOCABULARY["head_of_household"]
DIARY_KIND = INTAKE_VOCABULARY["tables"]["diary_kind"]

# The case path: statuses, grades, indicators, actions, outcomes, the Commissione.
REFERRAL_STATUS = INTAKE_VOCABULARY["tables"]["referral_status"]
TRIAGE_OUTCOME = INTAKE_VOCABULARY["tables"]["triage_outcome"]
GRADE = INTAKE_VOCABULARY["tables"]["grade"]
INDICATOR = INTAKE_VOCABULARY["tables"]["indicator"]  # yes/no indicators, in the form's order
EVICTION_STAGE = INTAKE_VOCABULARY["tables"]["eviction_stage"]
PIS_SITUATION = INTAKE_VOCABULARY["tables"]["pis_situation"]
ACTION_TYPE = INTAKE_VOCABULARY["tables"]["action_type"]
RESPONSIBLE = INTAKE_VOCABULARY["tables"]["responsible"]
ACTION_STATUS = INTAKE_VOCABULARY["tables"]["action_status"]
CLOSURE_OUTCOME = INTAKE_VOCABULARY["tables"]["closure_outcome"]
PROPOSAL_KIND = INTAKE_VOCABULARY["tables"]["proposal_kind"]
DECISION = INTAKE_VOCABULARY["tables"]["decision"]
HOUSEHOLD_COMPOSITION = INTAKE_VOCABULARY["tables"]["household_composition"]
FOTOGRAFIA_GAP = INTAKE_VOCABULARY["tables"]["fotografia_gap"]

# The gateway's own words: the other services' codes and the page's.
AFFORDABILITY_OUTCOME = {
    "sostenibile": "Sostenibile",
    "non_sostenibile": "Non sostenibile",
    "non_valutabile": "Non valutabile",
}

SECTION_STATUS = {
    "disponibile": "Disponibile",
    "in_attesa": "In attesa",
    "non_disponibile": "Non disponibile",
}

ROLE = {
    "agency_operator": "Operatore dell'Agenzia",
    "comune_operator": "Operatore del Comune",
    "coordinator": "Coordinamento",
    "municipal_client": "Sistema comunale",
    "partner_client": "Sistema di un partner",
    "system": "Sistema",
}

# A case's requests to other services (intake's domain/project.py, REQUEST_STATES)
REQUEST_KIND = {**ACTION_TYPE, "emergency_placement": "Sistemazione d'emergenza"}

REQUEST_STATE = {
    "richiesta_inviata": "Richiesta inviata",
    "in_lavorazione": "In lavorazione",
    "risposta_ricevuta": "Risposta ricevuta",
    "nessuna_disponibilita": "Nessuna disponibilità",
    "ritirata": "Ritirata dall'Agenzia",
}

# the services' own outcome codes (<service>.action_outcome_recorded.v1 ``outcome``)
SERVICE_OUTCOME = {
    "concesso": "Concesso",
    "respinto": "Respinto",
    "alloggio_assegnato": "Alloggio assegnato",
    "nessuna_disponibilita": "Nessuna disponibilità",
}

# The partners service's codes (its contract file): tables named ``partner_<name>``
PARTNER_TABLES = {f"partner_{name}": table for name, table in PARTNERS_VOCABULARY["tables"].items()}
PARTNER_OUTCOME = PARTNERS_VOCABULARY["service_outcome"]  # service -> outcome -> words

# What the partner said of a referral (the steps of its history, ``update``)
PARTNER_UPDATE = {
    "created": "Invio",
    "accept": "Accettato dal partner",
    "decline": "Rifiutato dal partner",
    "outcome": "Esito dal partner",
    "withdraw": "Ritirato dall'agenzia",
}

# A partner's webhook: why it was disabled, how an attempt went, what failed (partners'
# webhook dispatcher's codes)
WEBHOOK_DISABLED_REASON = {
    "gone": "il partner ha risposto 410 Gone (non vuole più ricevere messaggi a questo indirizzo)",
    "failures": "troppi tentativi falliti di seguito",
}
WEBHOOK_OUTCOME = {
    "delivered": "Consegnato",
    "failed": "Fallito",
    "redirect": "Reindirizzamento (non seguito)",
    "gone": "410 Gone",
}
WEBHOOK_ERROR = {
    "timeout": "tempo scaduto",
    "connection_refused": "connessione rifiutata",
    "connection_reset": "connessione interrotta",
    "connection_error": "errore di rete",
    "tls_error": "errore TLS",
    "protocol_error": "risposta HTTP non valida",
    "url_refused": "indirizzo non più consentito",
}

SERVICE = {
    "intake": "Schede e percorso",
    "funds": "Fondi",
    "housing_stock": "Patrimonio abitativo",
    "partners": "Partner",
}

# What a role may or may not do (intake's actions, see :mod:`roles`): "Il tuo profilo non consente
# di ..." on the 403 page.
ROLE_ACTION = {
    "read_status": "consultare lo stato delle schede",
    "read_case": "consultare il fascicolo delle schede",
    "triage": "fare il triage delle schede",
    "assign": "assegnare le schede agli operatori",
    "write_diary": "scrivere nel diario",
    "schedule_interview": "fissare i colloqui",
    "assess": "registrare le valutazioni del disagio abitativo",
    "write_project": "scrivere il progetto individualizzato",
    "close": "chiudere e riaprire le schede",
    "commission": "gestire la Commissione (sedute, proposte, decisioni e verbali)",
    "read_worklist": "consultare le liste di lavoro",
    "read_fotografia": "consultare la Fotografia",
    "read_audit": "consultare il registro degli accessi",
    "legal_hold": "porre o togliere il blocco legale su una scheda",
    "run_retention": "avviare la pseudonimizzazione delle schede chiuse",
    "read_anomalies": "consultare le anomalie dei codici fiscali",
}

# the events a partner receives (partners' words, but the referral's own, shorter)
EVENT_TYPE = {
    **PARTNER_TABLES["partner_event_type"],
    "intake.referral_received.v1": "Scheda di attivazione ricevuta",
}

TABLES = {
    "referring_body": REFERRING_BODY,
    "problem_reported": PROBLEM_REPORTED,
    "housing_situation": HOUSING_SITUATION,
    "relation": RELATION,
    "referral_status": REFERRAL_STATUS,
    "affordability_outcome": AFFORDABILITY_OUTCOME,
    "section_status": SECTION_STATUS,
    "role": ROLE,
    "role_action": ROLE_ACTION,
    "event_type": EVENT_TYPE,
    "triage_outcome": TRIAGE_OUTCOME,
    "diary_kind": DIARY_KIND,
    "grade": GRADE,
    "indicator": INDICATOR,
    "eviction_stage": EVICTION_STAGE,
    "eviction_stage_recorded": INTAKE_VOCABULARY["tables"]["eviction_stage_recorded"],
    "pis_situation": PIS_SITUATION,
    "action_type": ACTION_TYPE,
    "responsible": RESPONSIBLE,
    "action_status": ACTION_STATUS,
    "closure_outcome": CLOSURE_OUTCOME,
    "proposal_kind": PROPOSAL_KIND,
    "decision": DECISION,
    "household_composition": HOUSEHOLD_COMPOSITION,
    "request_kind": REQUEST_KIND,
    "request_state": REQUEST_STATE,
    "service_outcome": SERVICE_OUTCOME,
    "service": SERVICE,
    "fotografia_gap": FOTOGRAFIA_GAP,
    **PARTNER_TABLES,
    "partner_update": PARTNER_UPDATE,
    "webhook_disabled_reason": WEBHOOK_DISABLED_REASON,
    "webhook_outcome": WEBHOOK_OUTCOME,
    "webhook_error": WEBHOOK_ERROR,
}

# The vocabularies of the referral form.
FORM_VOCABULARIES = ("referring_body", "problem_reported", "housing_situation", "relation")


def label(table: str, code) -> str:
    """The label in the page's language."""
    text = italian(table, code)
    return _(text) if text != str(code) and code not in (None, "") else text


def italian(table: str, code) -> str:
    """The label in Italian whatever the page's language: the Fotografia's downloads."""
    if code is None or code == "":
        return "—"
    return TABLES.get(table, {}).get(str(code), str(code))


def partner_outcome(service: str | None, code) -> str:
    """The words of a partner's outcome ``code`` for ``service``, in the page's language (an
    outcome code of no known service: the first service that has it)."""
    if code is None or code == "":
        return "—"
    table = PARTNER_OUTCOME.get(service or "") or {}
    if code not in table:
        table = next((t for t in PARTNER_OUTCOME.values() if code in t), {})
    return _(table[code]) if code in table else str(code)


def partner_field(path: str) -> str:
    """The words of a field a partner may receive (a dotted path), in the page's language; a
    path with no words yet reads "Altro dato (path)", as partners words it."""
    if path in PARTNER_TABLES["partner_field"]:
        return label("partner_field", path)
    return _("Altro dato (%(path)s)", path=path)


def choices(table: str) -> list[tuple[str, str]]:
    """``[(code, label)]`` for a select."""
    return [(code, _(text)) for code, text in TABLES[table].items()]


def options(table: str) -> list[dict[str, str]]:
    return [{"code": code, "label": label} for code, label in choices(table)]


def catalogue_texts() -> Iterator[str]:
    """The gateway's own words (intake's and partners' come from their vocabulary files)."""
    for table in TABLES.values():
        if table not in INTAKE_VOCABULARY["tables"].values() and table not in (
            PARTNER_TABLES.values()
        ):
            yield from table.values()


def form_vocabulary() -> dict[str, list[dict[str, str]]]:
    """``{referring_body: [{code, label}], ...}``: the referral form's options."""
    return {name: options(name) for name in FORM_VOCABULARIES}
